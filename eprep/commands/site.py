"""`eprep site build` and `eprep site serve`: the static study site."""

from __future__ import annotations

from pathlib import Path

import click

from eprep.commands.options import bank_option


@click.group()
def site() -> None:
    """Build or serve the static study site."""


@site.command()
@click.option(
    "-o",
    "--output",
    "output",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the site into (replaced on rebuild).",
)
@bank_option
@click.option(
    "--lang",
    type=click.Choice(["en", "ja", "all"]),
    default="all",
    show_default=True,
    help="Languages to build.",
)
@click.option(
    "--examples",
    "examples_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Show the example outputs in this folder instead of the examples cache.",
)
@click.option(
    "--run-examples",
    type=click.Choice(["full", "quick", "none"]),
    default="full",
    show_default=True,
    help="Which example results to show: each is taken from the cache or run once and cached "
    "(full runs take minutes the first time; quick runs take seconds).",
)
@click.option("--no-search", is_flag=True, help="Skip the Pagefind search index.")
def build(
    output: str,
    banks: tuple[str, ...],
    lang: str,
    examples_dir: str | None,
    run_examples: str,
    no_search: bool,
) -> None:
    """Generate the site into OUTPUT (default ./site)."""
    from eprep.commands.options import load_bank_from_options
    from eprep.i18n import message, system_lang
    from eprep.site.build import build_site, check_output
    from eprep.site.examples import prepare_examples
    from eprep.site.progress import build_progress

    check_output(Path(output))  # before the examples run for minutes, not after
    bank = load_bank_from_options(banks)
    langs = ["en", "ja"] if lang == "all" else [lang]
    ui = system_lang()  # the interface's language; --lang picks the site's languages
    with build_progress(click.get_text_stream("stderr"), ui) as progress:
        examples: Path | None = None
        if examples_dir:
            examples = Path(examples_dir)
        elif run_examples != "none":
            quick = run_examples == "quick"
            examples = prepare_examples(
                quick=quick, progress=progress, note=progress.note, lang=ui, langs=langs
            )

        pages = build_site(
            bank,
            Path(output),
            langs=langs,
            examples_dir=examples,
            search=not no_search,
            progress=progress,
        )
    click.echo(message(ui, "site.wrote", count=len(pages), output=output))


@site.command()
@click.argument("folder", default="site", type=click.Path(file_okay=False))
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1.",
)
def serve(folder: str, port: int) -> None:
    """Serve a built site on 127.0.0.1 (search works only over HTTP)."""
    from eprep.site.serve import make_server

    server = make_server(Path(folder), port)
    host, bound = server.server_address[:2]
    click.echo(
        f"serving {folder}/ at http://{host}:{bound}/ (Ctrl-C stops)",
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()
