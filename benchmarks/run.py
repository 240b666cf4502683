"""Run every benchmark, store the results and print a summary of ratios and goals.

Usage: `python -m benchmarks.run [--quick] [--only NAME ...] [--output PATH]`.

Modules in `ORDER` run first, in that order, followed by any other module
of this package that defines `run(quick)`, in alphabetical order. Each
module's result is written to the results file as soon as it finishes, so
a failure later on keeps the earlier sections.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import benchmarks
from benchmarks.common import RESULTS_PATH, cpu_busy_share, write_results

ORDER = ("softmax", "derivatives")
# Modules of this package that support the benchmarks without being one.
NOT_BENCHMARKS = {"common", "report", "run"}

# Other processes busy for more than this share of all cores' time compete
# with the benchmark for the CPU, which slows and scatters the timings.
BUSY_SHARE = 0.2


def benchmark_names() -> list[str]:
    """List the benchmark modules: those in `ORDER`, then the others alphabetically."""
    found = {
        module.name
        for module in pkgutil.iter_modules(benchmarks.__path__)
        if module.name not in NOT_BENCHMARKS
    }
    return [name for name in ORDER if name in found] + sorted(found - set(ORDER))


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="run fewer repeats and smaller cases, to check that the benchmarks work; "
        "the numbers are rougher",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark module, and may be repeated; by default all of them run",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_PATH,
        metavar="PATH",
        help=f"JSON file that the results are merged into (default: {RESULTS_PATH})",
    )
    return parser.parse_args(argv)


def _warn_if_busy(name: str, busy: float | None) -> None:
    if busy is not None and busy > BUSY_SHARE:
        print(
            f"warning: other processes kept {busy:.0%} of the CPU busy before {name} started; "
            "they will slow and scatter its timings",
            file=sys.stderr,
        )


def run_module(name: str, quick: bool) -> dict[str, Any]:
    """Import `benchmarks.<name>`, call its `run`, and record a failure instead of raising it.

    How busy the CPU was in the second before the benchmark starts is
    recorded too, because other processes slow the benchmark down.
    """
    busy_at_start = cpu_busy_share()
    _warn_if_busy(name, busy_at_start)
    start = time.perf_counter()
    module = importlib.import_module(f"benchmarks.{name}")

    result: dict[str, Any]
    if not hasattr(module, "run"):
        result = {"status": "skipped", "reason": f"benchmarks.{name} defines no run(quick)"}
    else:
        try:
            result = dict(module.run(quick=quick))
        except Exception as error:
            # One broken benchmark must not stop the others, so any exception is recorded.
            traceback.print_exc()
            result = {"status": "failed", "error": f"{type(error).__name__}: {error}"}
    result["duration_s"] = time.perf_counter() - start
    result["quick"] = quick
    result["cpu_busy_at_start"] = busy_at_start
    return result


def _ratio_rows(data: Any, path: str = "") -> Iterator[dict[str, Any]]:
    """Find every numeric entry whose key contains "ratio", for modules without a summary."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        label = f"{path}.{key}" if path else str(key)
        if "ratio" in str(key) and isinstance(value, (int, float)) and not isinstance(value, bool):
            yield {"label": label, "value": value, "unit": "x", "goal": None, "met": None}
        else:
            yield from _ratio_rows(value, label)


def summary_rows(name: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the rows that `name` contributes to the printed table."""
    if result.get("status") in ("failed", "skipped"):
        reason = result.get("error") or result.get("reason")
        return [
            {
                "label": f"{result['status']}: {reason}",
                "value": None,
                "unit": "",
                "goal": None,
                "met": False if result["status"] == "failed" else None,
            }
        ]
    rows = result.get("summary")
    return list(rows) if rows is not None else list(_ratio_rows(result))


def _format_row(name: str, row: dict[str, Any]) -> list[str]:
    value = row["value"]
    text = "" if value is None else f"{value:.3g}"
    met = {True: "yes", False: "NO", None: "-"}[row["met"]]
    return [name, row["label"], text, row["unit"] or "", row["goal"] or "-", met]


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    """Print one aligned table with every benchmark's ratios or errors and their goals."""
    header = ["benchmark", "measure", "value", "unit", "goal", "met"]
    lines = [header]
    for name, result in results.items():
        lines += [_format_row(name, row) for row in summary_rows(name, result)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    for index, line in enumerate(lines):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks and return the exit status.

    The status is 2 for an unknown benchmark name, 1 if a benchmark failed and 0 otherwise.
    A goal that was not met is printed but does not change the exit status,
    because a benchmark records performance and is not a test.
    """
    arguments = _parse_arguments(argv)
    available = benchmark_names()
    selected = arguments.only or available
    unknown = sorted(set(selected) - set(available))
    if unknown:
        print(
            f"error: unknown benchmark {', '.join(unknown)}; available: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2

    results: dict[str, dict[str, Any]] = {}
    for name in [name for name in available if name in selected]:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = run_module(name, arguments.quick)
        write_results(name, results[name], arguments.output)
        print(f"  done in {results[name]['duration_s']:.1f} s", file=sys.stderr, flush=True)

    print_summary(results)
    print(f"\nresults written to {arguments.output}")
    return 1 if any(result.get("status") == "failed" for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
