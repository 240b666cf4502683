"""The code passes the project's linters, so `make test` enforces them too."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "."],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "."],
    "mypy": [sys.executable, "-m", "mypy"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_linter_passes(name: str) -> None:
    command = CHECKS[name]
    tool = command[2]
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed; install the lint extra: pip install '.[lint]'")

    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)

    assert process.returncode == 0, f"{name} failed:\n{process.stdout}\n{process.stderr}"
