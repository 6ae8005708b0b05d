"""Shell completion for bash, zsh and fish, from click, as the README documents it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from eprep.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _complete(env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, [], env=env, prog_name="eprep")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _eprep_completion eprep"),
        ("zsh", "#compdef eprep"),
        ("fish", "complete --no-files --command eprep"),
    ],
)
def test_completion_script_is_produced_and_documented(shell: str, marker: str) -> None:
    assert f"_EPREP_COMPLETE={shell}_source eprep" in README
    assert marker in _complete({"_EPREP_COMPLETE": f"{shell}_source"})


def test_bash_completes_commands_and_selectors() -> None:
    def words(line: str) -> list[str]:
        output = _complete(
            {
                "_EPREP_COMPLETE": "bash_complete",
                "COMP_WORDS": line,
                "COMP_CWORD": str(len(line.split()) - (0 if line.endswith(" ") else 1)),
            }
        )
        return [row.split(",", 1)[1] for row in output.splitlines()]

    assert words("eprep qu") == ["quiz"]
    assert {"check", "derive", "verify"} <= set(words("eprep "))
    days = words("eprep quiz da")
    assert {"day1", "day2", "day3"} <= set(days) and all("." not in d for d in days)
    topics = words("eprep quiz day2.")
    assert "day2.cnn" in topics and all(t.count(".") == 1 for t in topics)
    ids = words("eprep quiz day2.cnn.")
    assert ids and all(i.startswith("day2.cnn.") and i.count(".") == 2 for i in ids)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_accepts_the_script(tmp_path: Path) -> None:
    script = tmp_path / "eprep.bash"
    script.write_text(_complete({"_EPREP_COMPLETE": "bash_source"}))
    result = subprocess.run(
        ["bash", "-c", f"source {script} && complete -p eprep"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"complete .*-F _eprep_completion eprep", result.stdout)
