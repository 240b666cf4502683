"""Fixtures shared by the test modules: the site, built once per test run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def build_site(
    site_dir: Path, *, cache_dir: Path | None = None, config: Path = ROOT / "mkdocs.yml"
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` on `config` into `site_dir` and return the finished process.

    With `cache_dir`, the executed notebooks are cached there instead of in
    the project's `.cache/`, so the build starts cold.
    """
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if cache_dir is not None:
        environment["DLTUT_CACHE_DIR"] = str(cache_dir)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site_dir),
        ],
        cwd=config.parent,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site once into a temporary folder and return that folder."""
    site_dir = tmp_path_factory.mktemp("site")
    process = build_site(site_dir)
    if process.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{process.stdout}\n{process.stderr}", pytrace=False)
    return site_dir
