"""The README's two set-up commands: they work on an externally managed Python (PEP 668),
and CI runs the test command verbatim."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_screen_commands() -> list[str]:
    """The bash blocks above the README's first section."""
    head = README.split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", head, re.DOTALL)]


def _steps(command: str) -> list[str]:
    return [step.strip() for step in command.split("&&")]


def _installs_only_inside_a_venv(steps: list[str]) -> None:
    pip = [i for i, step in enumerate(steps) if re.search(r"\bpip install\b", step)]
    assert pip, steps
    venv = steps.index("python3 -m venv .venv")
    activate = steps.index(". .venv/bin/activate")
    # pip refuses a system Python marked EXTERNALLY-MANAGED (Debian 12, Ubuntu 24.04)
    assert venv < activate < min(pip), steps


def test_first_screen_has_exactly_two_commands() -> None:
    assert len(_first_screen_commands()) == 2
    assert all("\n" not in command for command in _first_screen_commands())


def test_quiz_command_installs_into_a_venv() -> None:
    quiz, _ = _first_screen_commands()
    steps = _steps(quiz)
    _installs_only_inside_a_venv(steps)
    assert steps[-1] == "eprep quiz day2"


def test_test_command_installs_venv_support_and_runs_pytest() -> None:
    _, tests = _first_screen_commands()
    steps = _steps(tests)
    _installs_only_inside_a_venv(steps)
    (apt,) = [step for step in steps if step.startswith("apt-get install")]
    for package in ("chromium", "python3-venv", "libseccomp2"):
        assert package in apt.split()
    assert steps[-1] == "python3 -m pytest"


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, tests = _first_screen_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_readme_says_where_the_data_lives() -> None:
    assert "EPREP_HOME" in README.split("\n## ", 1)[0]
    assert "progress.sqlite3" in README.split("\n## ", 1)[0]


@pytest.mark.slow
def test_quiz_command_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    """The README's quiz command in a fresh venv that reuses this Python's installed packages."""
    quiz, _ = _first_screen_commands()
    project = tmp_path / "eprep"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(".git", ".venv", "site", "test-artifacts", "*.egg-info",
                                      "__pycache__", "build", ".*_cache"),
    )  # fmt: skip
    # The new venv sees this interpreter's packages (pip, setuptools, the dependencies) through a
    # .pth file (--system-site-packages would not, when this interpreter is itself in a venv);
    # only the build backend (setuptools, pyproject.toml) comes from the index, as in the README.
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    pth = f".venv/lib/{version}/site-packages/outer.pth"
    paths = " ".join(shlex.quote(path) for path in site.getsitepackages())
    python = shlex.quote(sys.executable)
    offline = quiz.replace(
        "python3 -m venv .venv",
        f"{python} -m venv --without-pip .venv && printf '%s\\n' {paths} > {pth}",
    ).replace("pip install .", "python -m pip install -q --no-deps .")
    assert offline != quiz
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "EPREP_HOME": str(tmp_path / "data"),
        "NO_COLOR": "1",
    }
    result = subprocess.run(
        ["bash", "-c", offline],
        cwd=project,
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[1/" in result.stdout and "session summary" in result.stdout
    assert (tmp_path / "data" / "progress.sqlite3").is_file()
    assert os.access(project / ".venv" / "bin" / "eprep", os.X_OK)


def test_readme_links_only_files_inside_the_repository() -> None:
    """Architecture notes live in the repository; a link outside it breaks for every reader."""
    root = Path(__file__).resolve().parents[1]
    text = (root / "README.md").read_text(encoding="utf-8")
    assert "../" not in text
    assert "`docs/architecture.md`" in text and (root / "docs" / "architecture.md").is_file()
