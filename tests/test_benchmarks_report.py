"""Tests for `benchmarks.report`, which draws the Benchmarks page from the results file.

The results here are made up with round numbers, so every ratio and
formatted value can be checked by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import matplotlib
import pytest

from benchmarks import report

matplotlib.use("Agg")

MACHINE = {
    "cpu_model": "Test CPU",
    "usable_cores": 2,
    "load_average_1_5_15_min": [0.25, 0.5, 0.5],
    "python": "3.12.0",
    "numpy": "2.0.0",
    "platform": "Linux-test",
    "numpy_blas_build": {"name": "scipy-openblas", "version": "0.3.27"},
    "packages": {"scipy": "1.14.0", "scikit-learn": "1.5.0", "torch": None},
    "blas": {
        "libraries": [
            {
                "user_api": "blas",
                "internal_api": "openblas",
                "version": "0.3.27",
                "architecture": "Haswell",
                "filepath": "numpy.libs/libopenblas.so",
            }
        ]
    },
}


def timing(median_ms: float, spread_ms: float = 1.0) -> dict[str, float]:
    median = median_ms / 1e3
    spread = spread_ms / 1e3
    return {"median_s": median, "min_s": median - spread, "max_s": median + spread, "iqr_s": spread}


def section(results: dict[str, Any], command: str = "python -m benchmarks.run") -> dict[str, Any]:
    return {
        "command": command,
        "recorded_at": "2026-01-02T03:04:05+00:00",
        "machine": MACHINE,
        "results": results,
    }


def errors(best: float) -> dict[str, Any]:
    """Errors over two steps and the default step; "inf" as the results file writes it."""
    return {"1e-01": "inf", "1e-08": best, "default": best * 10}


def make_results() -> dict[str, Any]:
    training = {
        "duration_s": 12.0,
        "cpu_busy_at_start": 0.05,
        "epoch_time": {
            "batch_32": {
                "batch_size": 32,
                "seconds_per_epoch": {"dltut": timing(6.0), "sklearn": timing(8.0)},
                "fastest_peer": "sklearn",
                "ratio_dltut_to_fastest_peer": 0.75,
                "goal_met": True,
            },
        },
        "accuracy": {
            "epochs": 20,
            "test_accuracy": {"dltut": 0.975, "sklearn": 0.975},
            "max_weight_difference_sklearn_to_dltut": 2e-15,
        },
        "summary": [
            {
                "label": "epoch: dltut / sklearn",
                "value": 0.75,
                "unit": "x",
                "goal": "<= 1",
                "met": True,
            },
            {"label": "informative only", "value": 3.0, "unit": "x", "goal": None, "met": None},
        ],
    }
    softmax = {
        name: {
            "fresh_processes": {"dltut": timing(2.0), "torch": timing(0.5, 0.001)},
            "fastest_peer": "torch",
            "ratio_to_fastest_peer": 4.0,
            "goal_met": False,
        }
        for name in ("softmax", "log_softmax")
    }
    softmax["summary"] = [
        {
            "label": "softmax: dltut / torch",
            "value": 4.0,
            "unit": "x",
            "goal": "<= 1.2",
            "met": False,
        },
    ]
    softmax["dltut_profile"] = {
        "softmax": {
            "step_median_s": {"exp": 0.001, "max": 0.0002},
            "sum_of_step_medians_s": 0.0012,
            "whole_call_over_sum_of_steps": 2.0 / 1.2,
        }
    }
    methods = [
        "deriv forward",
        "deriv backward",
        "deriv central",
        "richardson_deriv",
        "complex_step_deriv",
    ]
    derivatives = {
        "functions": {
            "exp": {
                "points": 400,
                "domain": "x in [-5, 5]",
                "max_relative_error": {method: errors(1e-12) for method in methods},
                "best_step": {
                    method: {"step": "1e-08", "max_relative_error": 1e-12} for method in methods
                },
            }
        },
    }
    memory = {
        "libraries": {
            library: {
                "tracemalloc": {"tracemalloc_training_peak_bytes": 4 * 2**20},
                "rss": {"vm_hwm_bytes": peak * 2**20, "vm_hwm_added_by_training_bytes": 2**20},
            }
            for library, peak in (("dltut", 100), ("torch", 400))
        }
    }
    site_build = {"seconds": {"cold": 50.0, "one page edited": 10.0, "unchanged": 5.0}}
    versions = {
        "base_commit": "abcdef0123456789",
        "cases": {
            "softmax": {
                "before": timing(2.0),
                "now": timing(2.0),
                "ratio_now_to_before": 1.0,
            },
            "epoch, batch 32": {
                "before": timing(9.0),
                "now": timing(6.0),
                "ratio_now_to_before": 6.0 / 9.0,
            },
        },
    }
    return {
        "training": section(training, "python -m benchmarks.training"),
        "versions": section(versions),
        "softmax": section(softmax),
        "derivatives": section(derivatives),
        "memory": section(memory),
        "site_build": section(site_build),
    }


def cells(table: str) -> list[list[str]]:
    """Return the text of each body row's cells."""
    body = table.split("<tbody>")[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("<tr>")[1:]]


# --- loading ---


def test_load_results_names_missing_sections(tmp_path: Path):
    path = tmp_path / "results.json"
    results = make_results()
    del results["memory"], results["site_build"]
    path.write_text(json.dumps(results), encoding="utf-8")

    with pytest.raises(ValueError, match=r"no section memory, site_build; run .*--only memory"):
        report.load_results(path)


def test_committed_results_load():
    results = report.load_results()

    assert set(report.SECTIONS) <= set(results)


# --- formatting ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0123456, "12.3 ms"), (2.5, "2.50 s"), (0.000802, "802 µs"), (4.2e-8, "42.0 ns")],
)
def test_seconds_picks_unit(value: float, expected: str):
    assert report.seconds(value) == expected


def test_html_table_escapes_and_aligns():
    table = report.html_table(["name", "value"], [["<b>", "1 & 2"]], numeric_from=1)

    assert "<td>&lt;b&gt;</td>" in table
    assert '<td style="text-align: right">1 &amp; 2</td>' in table


# --- tables ---


def test_summary_lists_only_rows_with_goals():
    rows = cells(report.summary_table(make_results()))

    assert rows == [
        ["epoch: dltut / scikit-learn", "0.750×", "≤ 1", "met"],
        ["softmax: dltut / PyTorch", "4.00×", "≤ 1.2", "missed"],
    ]


def test_training_table_ratios():
    rows = cells(report.training_table(make_results()))

    # 6 ms / 8 ms = 0.75; the interquartile range is the made-up 1 ms.
    assert rows == [
        ["dltut", "32", "6.00 ms", "1.00 ms", "1.00×"],
        ["scikit-learn", "32", "8.00 ms", "1.00 ms", "0.750×"],
    ]


def test_training_verdict_names_fastest_peer():
    text = report.training_verdict(make_results())

    assert "6.00 ms, 0.750× the time of the fastest peer, scikit-learn (goal met)" in text


def test_softmax_table_and_verdict():
    results = make_results()
    rows = cells(report.softmax_table(results))
    verdict = report.softmax_verdict(results)

    assert ["softmax", "PyTorch", "500 µs", "499 µs", "4.00×"] in rows
    assert "goal missed" in verdict
    # 2 ms whole call over 1.2 ms of passes
    assert "1.67× the sum of its passes" in verdict


def test_derivatives_table_reads_inf_strings():
    rows = cells(report.derivatives_table(make_results()))

    assert ["exp", "deriv central", "1.0e-11", "1e-08", "1.0e-12"] in rows
    assert len(rows) == 5


def test_memory_table_ratio_and_torch_not_traced():
    rows = cells(report.memory_table(make_results()))

    assert rows[0] == ["dltut", "4.0 MiB", "100.0 MiB", "1.0 MiB", "1.00×"]
    # 100 MiB / 400 MiB
    assert rows[1] == ["PyTorch", "not traced", "400.0 MiB", "1.0 MiB", "0.250×"]


def test_site_build_table_in_build_order():
    rows = cells(report.site_build_table(make_results()))

    assert [row[1:] for row in rows] == [
        ["50.0 s", "1.00×"],
        ["5.00 s", "0.100×"],
        ["10.0 s", "0.200×"],
    ]


def test_machine_and_software_tables():
    results = make_results()
    machine = cells(report.machine_table(results))
    software = dict(cells(report.software_table(results)))

    # Two commands wrote these sections, so each row names its own.
    assert machine[0] == [
        "Training epoch",
        "python -m benchmarks.training",
        "2026-01-02 03:04:05",
        "5 %",
        "12.0 s",
    ]
    assert machine[1][3:] == ["", ""]
    assert "were written by the commands in the table" in report.command_sentence(results)
    assert "12.0 s in all" in report.command_sentence(results)
    assert software["CPU"] == "Test CPU, 2 usable cores"
    assert software["BLAS used by NumPy"] == "scipy-openblas 0.3.27, Haswell kernels"
    assert software["PyTorch"] == "not installed"


# --- figures ---


def test_figures_draw_every_case():
    results = make_results()

    training = report.training_figure(results)
    softmax = report.softmax_figure(results)
    derivatives = report.derivatives_figure(results)

    assert len(training.axes) == 1
    # Two implementations per panel, plus two passes in the softmax panel.
    assert [len(axis.patches) for axis in softmax.axes] == [4, 2]
    # Five methods and the goal line; the "inf" error is left out of its line.
    lines = derivatives.axes[0].get_lines()
    assert len(lines) == 6
    assert sum(1 for y in lines[0].get_ydata() if y == y) == 1


def test_machine_table_one_command_in_sentence():
    results = make_results()
    for record in results.values():
        record["command"] = "python -m benchmarks.run"

    header = report.machine_table(results).split("</thead>")[0]

    assert "Command" not in header
    assert "All results were written by python -m benchmarks.run" in report.command_sentence(
        results
    )


def test_derivatives_grids_sentence():
    text = report.derivatives_grids(make_results())

    assert "exp: 400 points, x in [-5, 5]." in text


def test_versions_table_before_and_now():
    table = report.versions_table(make_results())

    assert "Commit abcdef0" in table
    # 6 ms now against 9 ms before; the epoch comes first, as on the page.
    assert cells(table) == [
        ["epoch, batch 32", "9.00 ms", "6.00 ms", "0.667×"],
        ["softmax", "2.00 ms", "2.00 ms", "1.00×"],
    ]


def test_versions_table_when_skipped():
    results = make_results()
    results["versions"]["results"] = {"status": "skipped", "reason": "commit abc is missing"}

    assert report.versions_table(results) == "<p>Not measured: commit abc is missing.</p>"
