"""Tests for `benchmarks.versions`, which times dltut at an earlier commit against now."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import versions


def test_export_commit_writes_the_package(tmp_path: Path):
    full_id = versions.export_commit("HEAD", tmp_path)

    assert len(full_id) == 40
    assert (tmp_path / "dltut" / "__init__.py").is_file()


def test_export_missing_commit_raises(tmp_path: Path):
    with pytest.raises(LookupError, match="commit 0000000 is not available"):
        versions.export_commit("0000000", tmp_path)


def test_run_version_times_every_case():
    result = versions.run_version(versions.REPOSITORY, epochs=1, calls=1)

    assert Path(result["dltut_path"]) == (versions.REPOSITORY / "dltut").resolve()
    assert sorted(result["times"]) == [
        "epoch, batch 256",
        "epoch, batch 32",
        "log_softmax",
        "softmax",
    ]
    assert all(len(times) == 1 and times[0] > 0 for times in result["times"].values())
