"""MkDocs hook: make two builds of the same commit produce the same bytes.

MkDocs writes the build date into sitemap.xml and sitemap.xml.gz, and takes
it from the environment variable SOURCE_DATE_EPOCH when that is set. This
hook sets it to the time of the last commit, so the date changes with the
content and not with the day of the build. The other sources of difference
are handled where they arise: random cell ids and kernel timings in
`notebooks.py`, figure ids and dates in `dltut.plotting`.
"""

from __future__ import annotations

import os
import subprocess

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("reproducible")


def _last_commit_time(directory: str) -> str | None:
    """Return the committer time of HEAD as Unix seconds, or None outside a git checkout."""
    try:
        process = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return process.stdout.strip() or None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Set SOURCE_DATE_EPOCH from the last commit unless the caller has set it."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return config

    timestamp = _last_commit_time(os.path.dirname(config.config_file_path))
    if timestamp is None:
        log.info("Not a git checkout, so the sitemap records today's date")
        return config
    os.environ["SOURCE_DATE_EPOCH"] = timestamp
    return config
