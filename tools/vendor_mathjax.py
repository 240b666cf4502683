"""Put a pinned copy of MathJax 3 under docs/assets/vendor/mathjax/.

The site serves MathJax itself, so that formulas render offline and no page
loads anything from another origin. The files come from a wheel on PyPI,
pinned by version and hash in `tools/mathjax-requirements.txt`; they are not
committed. Run with the Python of the project's virtual environment:

    python tools/vendor_mathjax.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "tools" / "mathjax-requirements.txt"
TARGET = ROOT / "docs" / "assets" / "vendor" / "mathjax"
WHEEL_PREFIX = "mathjax/static/mathjax/es5/"

# The combined TeX-to-HTML bundle, plus the folders it loads on demand: fonts,
# TeX extensions, the context menu and the accessibility tools. node-main.js
# is for the build-time formula check and is left out of the site.
KEEP = (
    "tex-chtml.js",
    "node-main.js",
    "input/",
    "output/chtml/",
    "ui/",
    "a11y/",
    "sre/",
    "adaptors/",
)
MARKER = TARGET / ".complete"


def main() -> int:
    if MARKER.exists() and MARKER.read_text() == REQUIREMENTS.read_text():
        return 0

    with tempfile.TemporaryDirectory() as download_dir:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--require-hashes",
                "--only-binary=:all:",
                "-r",
                str(REQUIREMENTS),
                "--dest",
                download_dir,
            ],
            check=True,
        )
        (wheel,) = Path(download_dir).glob("*.whl")

        staging = TARGET.with_name("mathjax.partial")
        shutil.rmtree(staging, ignore_errors=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                relative = name.removeprefix(WHEEL_PREFIX)
                if name == relative or name.endswith("/") or not relative.startswith(KEEP):
                    continue
                destination = staging / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(name))

    shutil.rmtree(TARGET, ignore_errors=True)
    staging.replace(TARGET)
    MARKER.write_text(REQUIREMENTS.read_text())
    print(f"MathJax installed in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
