"""The id alias table (`DAY/_aliases.toml`): validated at load, one `file:line:` error each."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eprep.questions import load_bank
from eprep.questions.errors import BankError

GOOD = Path(__file__).parents[1] / "checker" / "verify_banks" / "good"


def _bank_with(tmp_path: Path, aliases: str) -> Path:
    root = tmp_path / "bank"
    shutil.copytree(GOOD, root)
    day = next(p for p in sorted(root.iterdir()) if p.is_dir())
    (day / "_aliases.toml").write_text(aliases, encoding="utf-8")
    return root


def _an_id(root: Path) -> str:
    bank = load_bank([root], bundled=False)
    return bank.questions[0].id


def test_aliases_resolve_chains_to_a_question(tmp_path: Path) -> None:
    root = _bank_with(tmp_path, "")
    target = _an_id(root)
    day = target.split(".")[0]
    (root / day / "_aliases.toml").write_text(
        f'[aliases]\n"{day}.t.old" = "{day}.t.older"\n"{day}.t.older" = "{target}"\n',
        encoding="utf-8",
    )
    bank = load_bank([root], bundled=False)
    assert bank.alias_map == {f"{day}.t.old": target, f"{day}.t.older": target}


@pytest.mark.parametrize(
    "body, message",
    [
        ('[aliases]\n"D.t.a" = "D.t.nowhere"\n', "points to unknown question 'D.t.nowhere'"),
        (
            '[aliases]\n"D.t.a" = "D.t.b"\n"D.t.b" = "D.t.a"\n',
            "alias cycle: D.t.a -> D.t.b -> D.t.a",
        ),
        ('[aliases]\n"QID" = "QID"\n', "is still a question of the bank"),
        ('[aliases]\n"not an id" = "QID"\n', "'not an id' is not a question id"),
        ('[aliases]\n"D.t.a" = 3\n', "must name a question id, not 3"),
        ('[renames]\n"D.t.a" = "QID"\n', "unknown table 'renames'"),
        ("[aliases\n", "TOML syntax"),
    ],
)
def test_bad_alias_tables_are_one_line_errors(tmp_path: Path, body: str, message: str) -> None:
    root = _bank_with(tmp_path, "")
    qid = _an_id(root)
    day = qid.split(".")[0]
    path = root / day / "_aliases.toml"
    path.write_text(body.replace("QID", qid).replace("D.", f"{day}."), encoding="utf-8")
    with pytest.raises(BankError) as caught:
        load_bank([root], bundled=False)
    text = str(caught.value)
    assert text.startswith(f"{path}:") and "\n" not in text
    assert message.replace("QID", qid).replace("D.", f"{day}.") in text


def test_cli_reports_a_bad_alias_in_one_line_and_exits_2(tmp_path: Path) -> None:
    root = _bank_with(tmp_path, "")
    day = _an_id(root).split(".")[0]
    (root / day / "_aliases.toml").write_text(
        f'[aliases]\n"{day}.t.a" = "{day}.t.gone"\n', encoding="utf-8"
    )
    env_run = subprocess.run(
        [sys.executable, "-m", "eprep", "list", "--bank", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "EPREP_BUNDLED": "0", "EPREP_CACHE": "0"},
    )
    assert env_run.returncode == 2
    lines = env_run.stderr.strip().splitlines()
    assert len(lines) == 1 and "_aliases.toml:2:" in lines[0] and "unknown question" in lines[0]


def test_every_bundled_alias_names_a_vanished_id() -> None:
    bank = load_bank()
    assert bank.alias_map, "day2 merged questions"
    for old, new in bank.alias_map.items():
        assert bank.get(old) is None and bank.get(new) is not None
