"""Mend latex2mathml's MathML where browsers typeset it badly: accents, primes, signs, limits;
and read a formula as one line of text for the search index.

latex2mathml writes `\\hat` as an ASCII `^` (Chromium stretches it into a hollow wide hat), a prime
as a superscript `′` (a glyph that is already raised, so it comes out tiny and detached), leaves a
sign after `=` or `(` to be spaced like subtraction, gives `\\sum_a^b` side scripts even where the
formula stands on its own, and spaces a slash like `=`. Each rule below mends one of these.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_NS = ' xmlns="http://www.w3.org/1998/Math/MathML"'

# accents latex2mathml writes with a character that browsers stretch or misplace -> spacing accents
_ACCENTS = {"^": "\u02c6", "~": "\u02dc"}
_PRIMES = {"\u2032", "\u2033", "\u2034", "'"}
_SIGNS = {"\u2212", "-", "+", "\u00b1", "\u2213"}
# after one of these a sign is binary (something ends there); after another operator, a prefix
_CLOSERS = {")", "]", "}", "|", "\u2016", "\u27e9", "!", "\u2032", "\u2033", "\u2034"}
_LARGE = {"\u2211", "\u220f", "\u2210", "\u22c3", "\u22c2", "\u2a01", "\u2a02"}
_LIMITS = {"msub": "munder", "msup": "mover", "msubsup": "munderover"}
# elements whose children form a row (MathML's inferred mrow), where signs and primes sit
_ROWS = {"math", "mrow", "mtd", "msqrt", "mstyle", "mpadded", "mphantom", "menclose", "merror"}


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def _fix_accent(element: ET.Element) -> None:
    # `\widehat` is a non-accent `^` and should stretch; `\hat` and `\tilde` are accents
    if element.tag != "mover" or len(element) != 2 or element[1].tag != "mo":
        return
    accent, text = element[1], element[1].text or ""
    if text in _ACCENTS and (element.get("accent") == "true" or text == "~"):
        accent.text = _ACCENTS[text]
        accent.set("stretchy", "false")
        element.set("accent", "true")


def _fix_limits(element: ET.Element) -> None:
    """`∑`, `∏`, `max`… with scripts: limits under/over in display style, beside in text style."""
    if element.tag not in _LIMITS or not len(element) or element[0].tag != "mo":
        return
    base = _text(element[0])
    if base in _LARGE or (base.isalpha() and base.isascii() and len(base) > 1):
        element.tag = _LIMITS[element.tag]
        element[0].set("movablelimits", "true")


def _prime_script(element: ET.Element) -> ET.Element | None:
    """The prime of `<msup>BASE ′</msup>` (the script may be wrapped in an `<mrow>`), else None."""
    if element.tag != "msup" or len(element) != 2:
        return None
    script = element[1]
    if script.tag == "mrow" and len(script) == 1:
        script = script[0]
    if script.tag in ("mi", "mo") and len(script) == 0 and (script.text or "") in _PRIMES:
        return script
    return None


def _fix_row(row: ET.Element) -> None:
    children = list(row)
    for i, child in enumerate(children):
        prime = _prime_script(child)
        if prime is not None:
            # f′ as base + prime at full size: the font's prime glyph is already raised
            base = child[0]
            mark = ET.Element("mo", {"lspace": "0", "rspace": "0"})
            mark.text, mark.tail = prime.text, None
            pair = ET.Element("mrow")
            pair.extend([base, mark])
            pair.tail = child.tail
            row[i] = pair
            children[i] = pair
    for i, child in enumerate(children):
        if child.tag == "mo" and child.text == "/" and not child.get("lspace"):
            # TeX sets a slash as an ordinary symbol: ∂L/∂w, not ∂L / ∂w
            child.set("lspace", "0")
            child.set("rspace", "0")
        if child.tag != "mo" or (child.text or "") not in _SIGNS or child.get("form"):
            continue
        if i + 1 == len(children):
            continue
        before = children[i - 1] if i else None
        if before is None or (
            before.tag == "mo"
            and before.get("form") != "postfix"
            and (before.get("form") == "prefix" or _text(before) not in _CLOSERS)
        ):
            child.set("form", "prefix")


def mend(mathml: str, *, displaystyle: bool = False) -> str:
    """latex2mathml's output with the rules above; `displaystyle` for a formula on its own."""
    root = ET.fromstring(mathml.replace(_NS, "", 1))
    for element in root.iter():
        _fix_accent(element)
        _fix_limits(element)
    for element in list(root.iter()):
        if element.tag in _ROWS:
            _fix_row(element)
    if displaystyle and root.get("display") != "block":
        root.set("displaystyle", "true")
    text = ET.tostring(root, encoding="unicode")
    return text.replace("<math", "<math" + _NS, 1)


# --- a one-line reading of the mended tree, for the search index ----------------------------------

_SUPERSCRIPTS = dict(zip("0123456789+-−=()niTtx⊤", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᵗˣᵀ", strict=True))
_SUBSCRIPTS = dict(
    zip("0123456789+-−=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
# spacing accents -> the combining marks that put them on the letter before
_COMBINING = {
    "\u02c6": "\u0302", "^": "\u0302", "\u02dc": "\u0303", "~": "\u0303",
    "\u00af": "\u0304", "\u02d9": "\u0307", "\u00a8": "\u0308", "\u2192": "\u20d7",
}  # fmt: skip
_RELATIONS = set("=≠≤≥≈<>→←⇒∝≡∈∉⊂⊆∼≃")


def _script(text: str, table: dict[str, str], mark: str) -> str:
    text = text.replace(" ", "")
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return mark + _group(text)


def _group(text: str) -> str:
    """`text` in parentheses unless it is one term (no operator outside brackets) already."""
    if re.fullmatch(r"\([^()]*\)", text) or not re.search(r"[-+−=/,;·×±<>≤≥ ]", text):
        return text
    return f"({text})"


def _read(element: ET.Element) -> str:
    tag, kids = element.tag, list(element)
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        text = (element.text or "").replace("\u00a0", " ")
        if tag == "mo" and text in _RELATIONS:
            return f" {text} "
        return f"{text} " if tag == "mo" and text == "," else text
    if tag == "mspace":
        return " "
    parts = [_read(kid) for kid in kids]
    if tag == "mfrac" and len(parts) == 2:
        return f"{_group(parts[0].strip())}/{_group(parts[1].strip())}"
    if tag in ("msqrt",):
        return f"√{_group(''.join(parts).strip())}"
    if tag == "mroot" and len(parts) == 2:
        return f"{_script(parts[1], _SUPERSCRIPTS, '^')}√{_group(parts[0])}"
    if tag in ("msup", "msub", "msubsup", "mover", "munder", "munderover") and parts:
        base = parts[0]
        if tag == "mover" and element.get("accent") == "true" and len(parts) == 2:
            mark = _COMBINING.get(parts[1].strip())
            if mark and len(base) == 1:
                return base + mark
        under = parts[1] if tag in ("msub", "msubsup", "munder", "munderover") else ""
        over = parts[-1] if tag in ("msup", "msubsup", "mover", "munderover") else ""
        text = base
        large = base.strip() in _LARGE
        if under:
            text += _script(under.strip(), _SUBSCRIPTS, "_")
        if over:
            text += _script(over.strip(), _SUPERSCRIPTS, "^")
        return f"{text} " if large else text
    if tag == "mtable":  # inside the fences latex2mathml puts around it
        return "; ".join(_read(row).strip(", ") for row in kids)
    if tag == "mtr":
        return ", ".join(_read(cell).strip() for cell in kids)
    return "".join(parts)


def reading(mathml: str) -> str:
    """A formula as one line of Unicode text (σ(x) = 1/(1+e⁻ˣ)), for search snippets."""
    root = ET.fromstring(mathml.replace(_NS, "", 1))
    return re.sub(r"\s+", " ", _read(root)).strip()
