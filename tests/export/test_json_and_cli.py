"""`eprep export json` (same notes as the package), the command line, bad input, layering."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import FIXTURE_BANK, QUESTIONS_WITH_PARAMS, import_apkg, load_fixture_bank

ROOT = Path(__file__).resolve().parents[2]


def eprep(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EPREP_BUNDLED": "0", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "eprep", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_holds_the_same_notes_as_the_package(tmp_path, dropout_cached, collection):
    from eprep.export import run_export

    bank = load_fixture_bank()
    options = {"variants": 3, "lang": "both", "fmt": "exam"}
    summary = run_export("json", bank, ["exportday"], tmp_path / "deck.json", **options)
    run_export("anki", bank, ["exportday"], tmp_path / "deck.apkg", **options)
    import_apkg(collection, tmp_path / "deck.apkg")

    data = json.loads((tmp_path / "deck.json").read_text(encoding="utf-8"))
    assert data["schema"] == "eprep-export/1"
    assert (data["lang"], data["format"], data["variants"]) == ("both", "exam", 3)
    notes = data["notes"]
    assert len(notes) == 3 * len(QUESTIONS_WITH_PARAMS) + 3 == collection.note_count()
    anki_guids = {collection.get_note(n).guid for n in collection.find_notes("")}
    assert {n["guid"] for n in notes} == anki_guids
    by_guid = {
        collection.get_note(n).guid: collection.get_note(n) for n in collection.find_notes("")
    }
    for note in notes:
        assert list(note["fields"]) == data["note_type"]["fields"]
        anki_note = by_guid[note["guid"]]
        assert note["fields"]["Prompt"] == anki_note["Prompt"]
        assert sorted(note["tags"]) == sorted(anki_note.tags)
        if note["choices"]:
            assert sum(c["correct"] for c in note["choices"]) == 1
            correct = next(c for c in note["choices"] if c["correct"])
            assert note["answer"] == correct["label"]
    decks = {d["name"] for d in data["decks"]}
    assert decks == {"eprep::exportday", "eprep::exportday::optim", "eprep::exportday::cnn"}

    # Media beside the JSON, named in it with their hashes.
    assert summary.media_dir == tmp_path / "deck-media"
    assert data["media"]
    for media in data["media"]:
        content = (tmp_path / media["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == media["sha256"]
    referenced = {name for note in notes for name in note["media"]}
    assert referenced == {m["name"] for m in data["media"]}


def test_command_writes_a_package_and_says_where_the_plots_came_from(tmp_path):
    result = eprep(
        "export", "anki", "exportday.cnn", "--bank", str(FIXTURE_BANK), "--run-examples", "none",
        "--lang", "en", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "eprep-exportday.cnn.apkg").is_file()
    assert "3 notes from 3 questions" in result.stdout
    assert "plots: none (--run-examples none)" in result.stdout


def test_cached_mode_runs_nothing_and_says_so(tmp_path):
    env_cache = tmp_path / "empty-cache"
    result = subprocess.run(
        [sys.executable, "-m", "eprep", "export", "json", "exportday", "--bank", str(FIXTURE_BANK),
         "-o", str(tmp_path / "x.json")],
        env={**os.environ, "EPREP_BUNDLED": "0", "EPREP_CACHE_DIR": str(env_cache),
             "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "plots from 0 examples" in result.stdout
    assert "not cached, left out" in result.stdout and "--run-examples quick" in result.stdout
    assert not list((env_cache / "examples").glob("*.json"))  # nothing was run and cached


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "a-file").write_text("x")
    cases = [
        (["nosuch-topic"], "nosuch-topic"),
        (["exportday", "-o", str(tmp_path / "missing" / "x.apkg")], "no such directory"),
        (["exportday", "-o", str(tmp_path / "a-directory")], "a-directory"),
        (["exportday", "-o", str(tmp_path / "a-file" / "x.apkg")], "x.apkg"),
    ]
    for target in ("anki", "json"):
        for args, named in cases:
            result = eprep(
                "export", target, *args, "--bank", str(FIXTURE_BANK), "--run-examples", "none",
                cwd=tmp_path,
            )  # fmt: skip
            assert result.returncode == 2, (args, result.stderr)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
            assert named in lines[0], lines[0]
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.startswith(".") or "tmp" in p.name]
    assert not leftovers  # a failed export leaves no temporary files
    assert not list(tmp_path.glob("*.apkg")) and not list(tmp_path.glob("*.json"))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_export_sits_downstream_and_only_the_command_imports_it():
    package = ROOT / "eprep"
    allowed = ("eprep.export", "eprep.questions", "eprep.checker", "eprep.grammar",
               "eprep.examples", "eprep.errors", "eprep")  # fmt: skip
    for path in (package / "export").glob("*.py"):
        for name in _imports(path):
            if name.startswith("eprep"):
                assert name.startswith(allowed) and not name.startswith(
                    ("eprep.site", "eprep.quiz", "eprep.commands", "eprep.cli")
                ), f"{path.name} imports {name}"
    for path in package.rglob("*.py"):
        if "export" in path.relative_to(package).parts[:1] or path.name == "export.py":
            continue
        assert not any(n.startswith("eprep.export") for n in _imports(path)), path
