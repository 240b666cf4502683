"""Time dltut at an earlier commit against the current source: what a change gained.

`BASE_COMMIT` is the last commit before the changes that profiling of the
training benchmark led to (no copies of float64 arrays, no input gradient
for the first layer, one log-softmax per loss, one array in `log_softmax`).
Both versions run the same cases: a digits training epoch at batch sizes
32 and 256, as in `benchmarks.training`, and softmax and log_softmax of the
scores of `benchmarks.softmax`.

Each version runs in fresh Python processes whose import path finds that
version's `dltut` first; the benchmark code itself is the current one. The
versions take turns, process by process, so a change in machine load
affects both alike, and each process limits the BLAS to one thread.

Run alone with `python -m benchmarks.versions [--quick] [--base COMMIT]`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.common import (
    REPOSITORY,
    run_child,
    skipped,
    summarize_times,
    summary_row,
    time_calls,
    write_results,
)

BASE_COMMIT = "3c6bfb1"
BATCH_SIZES = (32, 256)
FUNCTIONS = ("softmax", "log_softmax")

# Rounds of one process per version, and timed repeats in each process.
FULL_ROUNDS, FULL_EPOCHS, FULL_CALLS = 4, 10, 40
QUICK_ROUNDS, QUICK_EPOCHS, QUICK_CALLS = 1, 3, 10


def export_commit(commit: str, destination: Path) -> str:
    """Write the `dltut` folder of `commit` into `destination` and return the full commit id.

    Raises
    ------
    LookupError
        If git is missing or the repository does not contain `commit`,
        for example in a shallow clone.
    """
    try:
        full_id = subprocess.run(
            ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"],
            cwd=REPOSITORY,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        archive = subprocess.run(
            ["git", "archive", "--format=tar", full_id, "dltut"],
            cwd=REPOSITORY,
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise LookupError(f"commit {commit} is not available in {REPOSITORY}: {error}") from None

    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # Python 3.10.12 and 3.11.4 added the filter that rejects unsafe
        # paths. Older versions extract as before: the archive comes from
        # this repository.
        if hasattr(tarfile, "data_filter"):
            tar.extractall(destination, filter="data")
        else:
            tar.extractall(destination)
    return full_id


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[bool]:
    """Limit the BLAS to one thread inside the block, and yield whether the limit applies.

    Both versions run alike either way. threadpoolctl comes with
    scikit-learn, so it is missing only where scikit-learn was installed
    without its dependencies.
    """
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:
        yield False
        return
    with threadpool_limits(limits=1):
        yield True


def measure_this_version(epochs: int, calls: int) -> dict[str, Any]:
    """Time the training epochs and softmax calls with whichever `dltut` this process imports."""
    import dltut
    from benchmarks.softmax import make_scores
    from benchmarks.training import DltutRunner, initial_weights, load_scaled_digits

    data = load_scaled_digits()
    weights = initial_weights(data.x_train)
    scores = make_scores()
    times: dict[str, list[float]] = {}
    with _one_blas_thread() as limited:
        for batch_size in BATCH_SIZES:
            runner = DltutRunner(data, weights, batch_size)
            times[f"epoch, batch {batch_size}"] = time_calls(runner.train_epoch, repeats=epochs)
        for name in FUNCTIONS:
            function = getattr(dltut, name)
            times[name] = time_calls(lambda f=function: f(scores), repeats=calls, warmup=3)
    return {
        "dltut_path": str(Path(dltut.__file__).parent),
        "blas_limited_to_one_thread": limited,
        "times": times,
    }


def run_version(source: Path, epochs: int, calls: int) -> dict[str, Any]:
    """Run `measure_this_version` in a new process that imports `dltut` from `source`.

    The process starts in `source`, which Python puts first on its import
    path, and finds this benchmark package through PYTHONPATH.
    """
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    arguments = ["--child", "--epochs", str(epochs), "--calls", str(calls)]
    try:
        result = run_child("benchmarks.versions", arguments, cwd=source, env=environment)
    except RuntimeError as error:
        raise RuntimeError(f"timing dltut from {source} failed with {error}") from None

    # A wrong import path would time the same version twice, so check it.
    if Path(result["dltut_path"]).resolve() != (source / "dltut").resolve():
        raise RuntimeError(f"the process imported dltut from {result['dltut_path']}, not {source}")
    return result


def _rounds(base: Path, quick: bool) -> dict[str, dict[str, list[float]]]:
    """Run both versions in turns and collect each case's times per version."""
    rounds, epochs, calls = (
        (QUICK_ROUNDS, QUICK_EPOCHS, QUICK_CALLS)
        if quick
        else (FULL_ROUNDS, FULL_EPOCHS, FULL_CALLS)
    )
    collected: dict[str, dict[str, list[float]]] = {"before": {}, "now": {}}
    for _ in range(rounds):
        for version, source in (("before", base), ("now", REPOSITORY)):
            for case, times in run_version(source, epochs, calls)["times"].items():
                collected[version].setdefault(case, []).extend(times)
    return collected


def run(quick: bool, base_commit: str = BASE_COMMIT) -> dict[str, Any]:
    """Time dltut at `base_commit` and now, and return each case's medians and ratio."""
    with tempfile.TemporaryDirectory() as workspace:
        base = Path(workspace)
        try:
            full_id = export_commit(base_commit, base)
        except LookupError as error:
            return skipped(str(error))
        collected = _rounds(base, quick)

    cases = {}
    for case, before_times in collected["before"].items():
        before = summarize_times(before_times)
        now = summarize_times(collected["now"][case])
        cases[case] = {
            "before": before,
            "now": now,
            "ratio_now_to_before": now["median_s"] / before["median_s"],
        }
    return {
        "base_commit": full_id,
        "protocol": "fresh processes per version, taking turns; BLAS limited to one thread",
        "cases": cases,
        "summary": [
            summary_row(f"{case}: now / {full_id[:7]}", data["ratio_now_to_before"], unit="x")
            for case, data in cases.items()
        ],
    }


def main() -> None:
    """Compare the two versions, or time one version when started as a child process."""
    parser = argparse.ArgumentParser(description="Time dltut at an earlier commit and now.")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and repeats")
    parser.add_argument("--base", default=BASE_COMMIT, help="the earlier commit")
    parser.add_argument("--child", action="store_true", help="time this process's dltut")
    parser.add_argument("--epochs", type=int, default=FULL_EPOCHS, help="epochs a child times")
    parser.add_argument("--calls", type=int, default=FULL_CALLS, help="calls a child times")
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(measure_this_version(arguments.epochs, arguments.calls)))
        return

    results = run(arguments.quick, arguments.base)
    write_results("versions", results)
    for row in results.get("summary", []):
        print(f"{row['label']}: {row['value']:.3f} {row['unit']}")


if __name__ == "__main__":
    main()
