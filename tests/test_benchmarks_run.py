"""Tests for `benchmarks.run`, the command behind `make bench`, on its fastest benchmark."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import run


def test_benchmark_names_skip_helpers():
    names = run.benchmark_names()

    assert names[:2] == ["softmax", "derivatives"]
    assert sorted(names[2:]) == ["memory", "site_build", "training", "versions"]


def test_module_without_run_skipped():
    result = run.run_module("common", quick=True)

    assert result["status"] == "skipped"
    assert "defines no run(quick)" in result["reason"]
    assert result["duration_s"] >= 0.0


def test_unknown_benchmark_is_an_error(capsys):
    status = run.main(["--only", "nope"])

    assert status == 2
    assert "unknown benchmark nope" in capsys.readouterr().err


def test_run_writes_one_section(tmp_path: Path, capsys):
    output = tmp_path / "results.json"
    output.write_text(json.dumps({"kept": {"results": {}}}), encoding="utf-8")

    status = run.main(["--only", "derivatives", "--quick", "--output", str(output)])

    results = json.loads(output.read_text(encoding="utf-8"))
    assert status == 0
    # Other sections of the file stay as they were.
    assert results["kept"] == {"results": {}}
    section = results["derivatives"]
    assert section["machine"]["logical_cores"] >= 1
    assert section["results"]["quick"] is True
    assert 0.0 <= section["results"]["cpu_busy_at_start"] <= 1.0
    assert all(row["met"] for row in section["results"]["summary"])
    assert "richardson_deriv" in capsys.readouterr().out
