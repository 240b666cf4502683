"""Time the site build: cold, with nothing changed, and after editing one page.

The build executes every tutorial page, so a cold build is slow; executed
pages are cached by the content of the page and of the dltut source. The
goal is that a rebuild with nothing changed takes at most a fifth of the
cold build. The builds run in a fresh clone of the current commit with an
empty notebook cache, so the project's own caches play no part.

Run alone with `python -m benchmarks.site_build`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPOSITORY, summary_row, write_results

GOAL_RATIO = 0.2
EDITED_PAGE = "docs/tutorial/03-softmax.py"


def _build(clone: Path, cache: Path) -> float:
    """Run `mkdocs build --strict` in `clone` and return its wall-clock time in seconds."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DLTUT_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=clone,
        env=environment,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _clone(destination: Path) -> None:
    subprocess.run(["git", "clone", "--quiet", str(REPOSITORY), str(destination)], check=True)

    # The clone has no MathJax yet: it is fetched at install time, not committed.
    vendor = Path("docs/assets/vendor")
    (destination / vendor).parent.mkdir(parents=True, exist_ok=True)
    (destination / vendor).symlink_to(REPOSITORY / vendor, target_is_directory=True)


def run(quick: bool) -> dict[str, Any]:
    """Build the site three times in a fresh clone and compare the times."""
    with tempfile.TemporaryDirectory() as workspace:
        clone, cache = Path(workspace) / "clone", Path(workspace) / "cache"
        _clone(clone)

        cold = _build(clone, cache)
        unchanged = _build(clone, cache)

        # An edit to one page's text re-executes that page only.
        page = clone / EDITED_PAGE
        page.write_text(page.read_text() + "\n# %% [markdown]\n# An edited line.\n")
        edited = _build(clone, cache)

    ratio = unchanged / cold
    return {
        "goal": f"unchanged rebuild <= {GOAL_RATIO} x cold build",
        "seconds": {"cold": cold, "unchanged": unchanged, "one page edited": edited},
        "edited_page": EDITED_PAGE,
        "summary": [
            summary_row("site build: cold", cold, unit="s"),
            summary_row(
                "site build: nothing changed / cold",
                ratio,
                unit="x",
                goal=f"<= {GOAL_RATIO}",
                met=ratio <= GOAL_RATIO,
            ),
            summary_row("site build: one page edited / cold", edited / cold, unit="x"),
        ],
    }


if __name__ == "__main__":
    results = run(quick="--quick" in sys.argv)
    write_results("site_build", results)
    for row in results["summary"]:
        print(f"{row['label']:<36} {row['value']:8.3f} {row['unit']}")
