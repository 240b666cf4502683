"""Timing, machine description and result storage shared by the benchmarks.

Every benchmark module returns a dict from `run(quick)`. Its optional
`"summary"` entry is a list of rows made by `summary_row`, and
`benchmarks.run` prints those rows as one table, so a module that wants its
ratios and goals in the printed table builds them with `summary_row`.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

REPOSITORY = Path(__file__).resolve().parent.parent
RESULTS_PATH = REPOSITORY / "benchmarks" / "results.json"

# Seconds that a benchmark's child process may run before it counts as failed.
CHILD_TIMEOUT_SECONDS = 300

# Environment variables that change how the BLAS and thread pools behave, so
# they belong next to every measured number.
THREAD_ENVIRONMENT = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)

# Distribution names, as `importlib.metadata` names them, of dltut and its peers.
PACKAGES = ("dltut", "numpy", "scipy", "scikit-learn", "torch", "threadpoolctl")

# A function to be timed, called with no arguments.
Kernel = Callable[[], object]


def _cpu_model() -> str:
    """Return the first `model name` in /proc/cpuinfo, or the platform's processor string."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _package_versions() -> dict[str, str | None]:
    """Return the installed version of each package in `PACKAGES`, or None when it is missing."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _blas_info() -> Any:
    """Describe the BLAS and OpenMP libraries loaded in this process.

    threadpoolctl reports the library actually loaded and its thread count.
    Without it, NumPy's build configuration is the next best record.
    """
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped]
    except ImportError:
        config = np.show_config(mode="dicts")
        return {"source": "numpy.show_config", "build": config.get("Build Dependencies")}
    libraries = threadpool_info()
    # The file and its folder identify the build and the package that loaded
    # it. The rest of the path would only record where this checkout is.
    for library in libraries:
        path = Path(library["filepath"])
        library["filepath"] = f"{path.parent.name}/{path.name}"
    return {"source": "threadpoolctl", "libraries": libraries}


def _numpy_blas_build() -> dict[str, Any]:
    """Return the name, version and configuration of the BLAS that NumPy was built with."""
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    return {key: blas.get(key) for key in ("name", "version", "openblas configuration")}


def _cpu_times() -> tuple[int, int] | None:
    """Return the idle and total CPU time of all cores from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except OSError:
        return None
    # The fields are user, nice, system, idle, iowait, irq, softirq and steal.
    return fields[3] + fields[4], sum(fields)


def cpu_busy_share(seconds: float = 1.0) -> float | None:
    """Return the share of all cores' time that was busy during the next `seconds`.

    Unlike the load average, a one-minute mean, this shows only what runs
    now. Returns None where /proc/stat does not exist.
    """
    before = _cpu_times()
    time.sleep(seconds)
    after = _cpu_times()
    if before is None or after is None or after[1] == before[1]:
        return None
    return 1.0 - (after[0] - before[0]) / (after[1] - before[1])


def machine_description() -> dict[str, Any]:
    """Describe the hardware, software and load under which the benchmarks ran."""
    try:
        usable_cores: int | None = len(os.sched_getaffinity(0))
    except AttributeError:
        usable_cores = None
    return {
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable_cores,
        "load_average_1_5_15_min": list(os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "packages": _package_versions(),
        "numpy_blas_build": _numpy_blas_build(),
        "blas": _blas_info(),
        "environment": {name: os.environ.get(name) for name in THREAD_ENVIRONMENT},
    }


def measure(func: Callable[[], object], *, repeats: int, warmup: int = 1) -> dict[str, float]:
    """Time `repeats` calls of `func` after `warmup` untimed calls.

    Returns the median, minimum, maximum and interquartile range of the
    per-call wall-clock times in seconds, measured with `time.perf_counter`.
    """
    if repeats < 2:
        raise ValueError(f"repeats must be at least 2 to give a spread, got {repeats}")
    return summarize_times(time_calls(func, repeats=repeats, warmup=warmup))


def time_calls(func: Callable[[], object], *, repeats: int, warmup: int = 1) -> list[float]:
    """Return the wall-clock time in seconds of each of `repeats` calls after `warmup` calls."""
    for _ in range(warmup):
        func()

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def measure_interleaved(
    funcs: Mapping[str, Callable[[], object]], *, repeats: int, warmup: int = 1
) -> dict[str, dict[str, float]]:
    """Time every function in `funcs` in turn, `repeats` rounds, and summarize each like `measure`.

    Alternating the functions round by round spreads a change in machine
    load over all of them, so that their ratios stay fair on a busy machine.
    """
    if repeats < 2:
        raise ValueError(f"repeats must be at least 2 to give a spread, got {repeats}")
    for func in funcs.values():
        for _ in range(warmup):
            func()

    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: summarize_times(values) for name, values in times.items()}


def summarize_times(times: list[float]) -> dict[str, float]:
    """Return the median, min, max and interquartile range, in seconds, of `times`."""
    quartiles = statistics.quantiles(times, n=4, method="inclusive")
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "iqr_s": quartiles[2] - quartiles[0],
        "repeats": len(times),
    }


def summary_row(
    label: str,
    value: float,
    *,
    unit: str,
    goal: str | None = None,
    met: bool | None = None,
) -> dict[str, Any]:
    """Build one row of the printed summary: a measured value and the goal it is held to.

    `goal` is a short text such as "<= 1.2" and `met` is whether `value`
    reached it. Leave both as None for a value that is only informative.
    """
    return {"label": label, "value": value, "unit": unit, "goal": goal, "met": met}


def run_child(
    module: str, arguments: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run `python -m module *arguments` and return the JSON object it prints last.

    The child prints its result as the last line of stdout, so that
    warnings on stderr or earlier prints cannot corrupt it.

    Raises
    ------
    RuntimeError
        If the child exits with an error, with its exit code and the end of
        its stderr.
    """
    completed = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"exit code {completed.returncode}: {completed.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def skipped(reason: str) -> dict[str, str]:
    """Return the record of a peer or benchmark that could not run, with the reason."""
    return {"status": "skipped", "reason": reason}


def _to_json(value: Any) -> Any:
    """Convert NumPy values and non-finite floats to plain, strictly valid JSON values.

    JSON has no NaN or infinity, so those become the strings "nan", "inf"
    and "-inf" instead of the non-standard tokens that `json` writes by default.
    """
    if isinstance(value, Mapping):
        return {str(key): _to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(item) for item in value]
    if isinstance(value, np.ndarray):
        return _to_json(value.tolist())
    if isinstance(value, np.generic):
        return _to_json(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def write_results(section: str, data: Mapping[str, Any], path: Path = RESULTS_PATH) -> None:
    """Store `data` as `section` of the JSON file at `path`, keeping its other sections.

    The section records the machine description, the command line and the
    time of the run, because sections written by different runs can sit in
    the same file.
    """
    results: dict[str, Any] = {}
    if path.exists():
        results = json.loads(path.read_text(encoding="utf-8"))

    results[section] = {
        "command": shlex.join([Path(sys.executable).name, *sys.orig_argv[1:]]),
        "recorded_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "results": data,
    }
    text = json.dumps(_to_json(results), sort_keys=True, indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
