"""Fixtures shared by the test modules: the site, built once per test run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# The same generated examples on every run, so a test run is reproducible;
# HYPOTHESIS_PROFILE=explore searches new examples each time.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent

#: The tutorial pages, by the name of their script in docs/tutorial/.
TUTORIAL_PAGES = sorted(path.stem for path in (ROOT / "docs" / "tutorial").glob("*.py"))


def build_site(
    site_dir: Path, *, cache_dir: Path | None = None, config: Path = ROOT / "mkdocs.yml"
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` on `config` into `site_dir` and return the finished process.

    With `cache_dir`, the executed notebooks are cached there instead of in
    the project's `.cache/`, so the build starts cold.
    """
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # The tests expect the default address, http://127.0.0.1:8000/.
    environment.pop("DLTUT_SITE_URL", None)
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


def make_project(directory: Path, pages: dict[str, str]) -> Path:
    """Write a small MkDocs project that uses the site's hooks, and return its config file.

    `pages` maps paths under docs/ to their text; `tutorial/*.py` pages are
    percent scripts, which the notebooks hook executes.
    """
    nav = []
    for path, text in pages.items():
        file = directory / "docs" / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text), encoding="utf-8")
        nav.append(path.removesuffix(".py") + ".ipynb" if path.endswith(".py") else path)

    hooks = "\n".join(
        f"  - {ROOT / 'tools' / 'hooks' / name}.py"
        for name in ("notebooks", "offline", "reproducible", "links", "formulas")
    )
    config = directory / "mkdocs.yml"
    config.write_text(
        f"site_name: test\n"
        f"nav: {nav}\n"
        "theme:\n  name: material\n  font: false\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"
        'plugins:\n  - mkdocs-jupyter:\n      include: ["*.ipynb"]\n'
        f"hooks:\n{hooks}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site once into a temporary folder and return that folder."""
    site_dir = tmp_path_factory.mktemp("site")
    process = build_site(site_dir)
    if process.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{process.stdout}\n{process.stderr}", pytrace=False)
    return site_dir


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Tell where the browser tests saved their screenshots."""
    folder = ROOT / "test-artifacts" / "screenshots"
    if folder.is_dir() and any(folder.iterdir()):
        terminalreporter.write_line(f"Screenshots of every page: {folder}")
