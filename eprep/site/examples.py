"""Executed-example outputs for the site: read from a folder when present, else nothing.

Layout read (what `eprep example run NAME` writes by default): `DIR/<name>/result.json` plus
any `DIR/<name>/*.svg`: `<stem>.svg` in English, `<stem>.ja.svg` in Japanese
(`eprep.examples.plotting.plot_file`). A language without plots of its own (a folder written
before plots had languages, or drawn where no Japanese font was installed) shows the English
ones. `prepare_examples` fills such a folder from the examples cache, running the examples whose
results are missing. An example is shown on a topic page when its name, a topic in
`eprep.examples.TOPICS`, or a name in the result's `"topics"` list equals the topic's name or
one of its questions' tags.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eprep.examples import TOPICS, Check


@dataclass(frozen=True)
class ExampleOutput:
    """One cached example: its name, claim, checks and SVG plots (file name -> bytes)."""

    name: str
    claim: str
    topics: tuple[str, ...]
    checks: tuple[Check, ...]
    plots: tuple[tuple[str, bytes], ...]
    # what the plots show that a reader would not expect, per language (the module's EXPLANATION)
    explanation: tuple[tuple[str, str], ...] = ()
    claim_ja: str = ""  # the module's CLAIM_JA

    def plots_in(self, lang: str) -> tuple[tuple[str, bytes], ...]:
        """The plots drawn in `lang`, or the English ones when there are none in `lang`."""
        from eprep.examples.plotting import file_lang

        own = tuple(plot for plot in self.plots if file_lang(plot[0]) == lang)
        return own or tuple(plot for plot in self.plots if file_lang(plot[0]) == "en")


def prepare_examples(
    quick: bool,
    progress: Callable[[str, int, int], None] | None = None,
    note: Callable[[str], None] | None = None,
    lang: str = "en",
    langs: Sequence[str] = ("en", "ja"),
) -> Path:
    """Every example's result and plots in each of `langs`, from the cache or run now, in a folder
    the site reads.

    The folder lives beside the examples cache and is rewritten on each build, so a result that
    changed with the engine's code never leaves a stale plot behind; the plots themselves come
    from the drawn-plot cache (`eprep.examples.drawn`), so a rebuild draws only what changed.
    Before any example runs, `note` hears how many will (and how to build quickly, in `lang`), and
    once that a language's plots are drawn in English for want of its font; `progress` hears each
    one as it starts.
    """
    import shutil

    from eprep.errors import EprepError
    from eprep.examples import names
    from eprep.examples.cache import cache_dir, cached_result, load_cached, write_result
    from eprep.examples.drawn import drawn_plots
    from eprep.examples.plotting import drawn_langs, font_warning
    from eprep.site.progress import examples_notice

    folder = cache_dir() / ("site-quick" if quick else "site-full")
    shutil.rmtree(folder, ignore_errors=True)
    all_names = names()
    to_run = [name for name in all_names if load_cached(name, quick=quick) is None]
    if note is not None:
        if to_run:
            note(examples_notice(to_run, len(all_names), quick, lang))
        warning = font_warning(langs, lang)
        if warning:
            note(warning)
    for done, name in enumerate(all_names):
        if progress is not None:
            state = "running" if name in to_run else "cached"
            progress(f"example {name}: {state}", done, len(all_names))
        result = cached_result(name, quick=quick, seed=0)
        try:
            write_result(result, folder / name)
            for drawn in drawn_langs(langs):
                for file_name, data in drawn_plots(name, result, drawn):
                    (folder / name / file_name).write_bytes(data)
        except OSError as error:
            raise EprepError(
                f"cannot write example output to {folder}: {error.strerror}"
            ) from error
    return folder


def _metadata(name: str, result: dict[str, Any]) -> tuple[str, tuple[Check, ...]]:
    # The claim and its checks come from the example module when it is a known example.
    claim, checks = str(result.get("claim", "")), _checks(result)
    try:
        from eprep.examples import EXAMPLES, load

        if name in EXAMPLES:
            module = load(name)
            claim = claim or str(getattr(module, "CLAIM", ""))
            if not checks and hasattr(module, "check_claim"):
                checks = tuple(module.check_claim(result))
    except (KeyError, TypeError, ValueError):
        # A result folder written by an older example version: show its plots without checks.
        pass
    return claim, checks


def _claim_ja(name: str) -> str:
    from eprep.examples import EXAMPLES, claim

    return claim(name, "ja") if name in EXAMPLES else ""


def _explanation(name: str) -> tuple[tuple[str, str], ...]:
    from eprep.examples import EXAMPLES, load

    if name not in EXAMPLES:
        return ()
    return tuple(sorted(dict(getattr(load(name), "EXPLANATION", {})).items()))


def _checks(result: dict[str, Any]) -> tuple[Check, ...]:
    # A result folder of the user's own may carry its checks (English, Japanese where given).
    rows = []
    for check in result.get("checks", []) or []:
        if isinstance(check, dict) and str(check.get("statement") or "").strip():
            statement = str(check["statement"])
            rows.append(
                Check(
                    statement,
                    bool(check.get("ok")),
                    str(check.get("measured", "")),
                    statement_ja=str(check.get("statement_ja") or statement),
                )
            )
    return tuple(rows)


def find_examples(folder: Path | None) -> list[ExampleOutput]:
    """Every readable cached example under `folder`, sorted by name; unreadable ones are skipped."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.iterdir()):
        result_file = entry / "result.json"
        if not result_file.is_file():
            continue
        try:
            result = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a half-written cache entry is absent, not an error
        if not isinstance(result, dict):
            continue
        plots = tuple((svg.name, svg.read_bytes()) for svg in sorted(entry.glob("*.svg")))
        extra = (str(t) for t in result.get("topics", []) or [])
        topics = (entry.name, *TOPICS.get(entry.name, ()), *extra)
        claim, checks = _metadata(entry.name, result)
        found.append(
            ExampleOutput(
                entry.name,
                claim,
                topics,
                checks,
                plots,
                _explanation(entry.name),
                _claim_ja(entry.name),
            )
        )
    return found


def for_topic(
    examples: list[ExampleOutput], topic_name: str, tags: set[str]
) -> list[ExampleOutput]:
    """The examples that belong on a topic page."""
    keys = {topic_name} | tags
    return [example for example in examples if keys & set(example.topics)]
