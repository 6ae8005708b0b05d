"""Render pages with jinja2 (StrictUndefined; every page extends templates/base.html)."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from pathlib import Path

from eprep.site.collect import Page
from eprep.site.i18n import JS_STRINGS, LANGUAGE_NAMES, LANGUAGES, strings
from eprep.site.selfcheck import to_json

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment():
    """The jinja2 environment: autoescaping on, undefined names are errors."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ticks"] = ticks
    return env


def ticks(text: str):
    """Escape an interface string and show its `backticked` parts as code."""
    import re

    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def other_language_path(path: str, lang: str) -> str:
    """The same page in language `lang` (every page exists in every built language)."""
    return lang + path[path.index("/") :]


def render_page(page: Page, langs: list[str]) -> str:
    """The HTML text of one page."""
    here = posixpath.dirname(page.path)

    def rel(target: str) -> str:
        return posixpath.relpath(target, here) if here else target

    switch = [
        {
            "lang": lang,
            "name": LANGUAGE_NAMES[lang],
            "url": rel(other_language_path(page.path, lang)),
        }
        for lang in LANGUAGES
        if lang in langs
    ]
    template = environment().get_template(page.template)
    return template.render(
        page=page,
        lang=page.lang,
        s=strings(page.lang),
        js_strings=to_json(JS_STRINGS[page.lang]),
        rel=rel,
        switch=switch,
        **page.context,
    )
