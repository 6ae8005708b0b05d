"""`eprep site build`: load → collect → render → write → index, as plain functions.

The output is deterministic: pages in bank order, sorted JSON, no timestamps. The output folder
is replaced only when it is empty or was written by a previous build (a marker file says so).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from eprep.errors import EprepError
from eprep.site.collect import Page, collect
from eprep.site.exam import write_exam_data
from eprep.site.examples import ExampleOutput, find_examples
from eprep.site.i18n import LANGUAGES
from eprep.site.render import render_page

if TYPE_CHECKING:
    from eprep.questions import Bank

STATIC = Path(__file__).resolve().parent / "static"
MARKER = ".eprep-site"
Progress = Callable[[str, int, int], None]


class SiteError(EprepError):
    """A site build that cannot proceed (output folder in the way, search indexer failing)."""


def _no_progress(_step: str, _done: int, _total: int) -> None:
    pass


def check_output(out: Path) -> None:
    """Refuse, before any work is done, an `out` that a build may not replace."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(f"{out}: folder is not empty and was not written by `eprep site build`")


def prepare_output(out: Path) -> None:
    """Empty `out` if an earlier build wrote it; refuse to touch any other non-empty folder."""
    check_output(out)
    if out.is_dir() and any(out.iterdir()):
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by eprep site build; the folder is replaced on rebuild\n")


def write_static(out: Path, examples: list[ExampleOutput]) -> None:
    """Copy CSS, scripts, the math font with its licence and each example's plots to `static/`."""
    target = out / "static"
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(STATIC.iterdir()):
        if source.is_file():
            shutil.copyfile(source, target / source.name)
        elif source.is_dir() and not source.name.startswith(("_", ".")):
            shutil.copytree(source, target / source.name, ignore=shutil.ignore_patterns("__*"))
    from eprep.site.markup import pygments_css

    (target / "pygments.css").write_text(pygments_css(), encoding="utf-8")
    for example in examples:
        folder = target / "examples" / example.name
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in example.plots:
            (folder / name).write_bytes(data)


def root_index(langs: list[str]) -> str:
    """The site's entry page: redirects to the first language and links every built one."""
    from eprep.site.i18n import LANGUAGE_NAMES

    links = " · ".join(
        f'<a href="{lang}/index.html" lang="{lang}">{LANGUAGE_NAMES[lang]}</a>' for lang in langs
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>eprep study site</title>\n"
        f'<meta http-equiv="refresh" content="0; url={langs[0]}/index.html"></head>\n'
        f"<body><p>{links}</p></body>\n</html>\n"
    )


def write_pages(out: Path, pages: list[Page], langs: list[str], progress: Progress) -> None:
    for done, page in enumerate(pages, start=1):
        path = out / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_page(page, langs), encoding="utf-8", newline="\n")
        progress("render", done, len(pages))
    (out / "index.html").write_text(root_index(langs), encoding="utf-8")


def index_search(out: Path) -> None:
    """Run Pagefind (extended binary: Japanese segmentation) over the written site."""
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(out),
        "--output-subdir",
        "pagefind",
        "--quiet",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SiteError(f"search indexing failed: {error}") from None
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SiteError(f"search indexing failed (pagefind exit {result.returncode}): {last[0]}")
    _sort_entry_file(out / "pagefind" / "pagefind-entry.json")


def _sort_entry_file(path: Path) -> None:
    # Pagefind lists languages in thread-completion order; sort them so rebuilds are byte-identical.
    import json

    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SiteError(f"search indexing wrote no usable {path.name}: {error}") from None
    path.write_text(
        json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
        encoding="utf-8",
    )


def build_site(
    bank: Bank,
    out: Path,
    *,
    langs: list[str] | None = None,
    examples_dir: Path | None = None,
    search: bool = True,
    progress: Progress = _no_progress,
) -> list[Page]:
    """Build the whole site from a loaded bank into `out`; returns the pages written."""
    langs = [lang for lang in LANGUAGES if lang in (langs or list(LANGUAGES))]
    if not langs:
        raise SiteError("no language to build: choose en, ja or all")
    examples = find_examples(examples_dir)
    progress("collect", 0, 1)
    pages = collect(bank, langs, examples)
    progress("collect", 1, 1)
    prepare_output(out)
    write_static(out, examples)
    write_pages(out, pages, langs, progress)
    write_exam_data(out, bank, langs)
    if search:
        progress("search", 0, 1)
        index_search(out)
        progress("search", 1, 1)
    return pages
