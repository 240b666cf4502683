"""Measure the peak memory of training the digits network for 20 epochs in each library.

Every measurement runs in a fresh Python process, so memory left over from
another library or an earlier run cannot inflate it. Two numbers come from
separate processes, because tracing allocations costs memory of its own:

- `tracemalloc`: what Python's allocators hand out. NumPy reports its
  array buffers to tracemalloc, so dltut's and scikit-learn's arrays are
  counted. The set-up (data, network, initial weights) is measured first,
  then the peak during training, which includes the set-up still in memory.
  PyTorch's CPU allocator does not report to tracemalloc, so for PyTorch
  these numbers miss the tensors and are not comparable.
- peak resident set size of the whole process, after imports and set-up
  and again after training, from `VmHWM` in /proc/self/status and from
  `resource.getrusage` (`ru_maxrss`, inflated in a child process, see
  `peak_rss_bytes`). Both are high-water marks, so training adds 0 when it
  never needs more memory than importing the libraries did.

The network, data, weights and batch order are those of `benchmarks.training`,
at batch size 32 and with each library's default thread counts.

Run alone with `python -m benchmarks.memory [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import resource
import tracemalloc
from typing import Any

from benchmarks.common import REPOSITORY, run_child, skipped, summary_row, write_results
from benchmarks.training import (
    LIBRARIES,
    Runner,
    available_libraries,
    initial_weights,
    load_scaled_digits,
)

EPOCHS = 20
BATCH_SIZE = 32
MODES = ("tracemalloc", "rss")
MIB = 1024 * 1024


def peak_rss_bytes() -> dict[str, int]:
    """Return this process's peak resident set size in bytes, as two sources report it.

    Linux keeps `ru_maxrss` across `exec`, so in a child process it starts at
    the RSS of the parent that forked it. `VmHWM` in /proc/self/status
    belongs to the new program's memory only, so it is the one to compare.
    """
    sizes = {"ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                # The line reads "VmHWM:   123456 kB".
                sizes["vm_hwm"] = int(line.split()[1]) * 1024
    return sizes


def set_up(library: str) -> Runner:
    """Load the data and build `library`'s network with the shared initial weights."""
    data = load_scaled_digits()
    return LIBRARIES[library](data, initial_weights(data.x_train), BATCH_SIZE)


def train(runner: Runner, epochs: int) -> float:
    """Train `runner` for `epochs` epochs and return its test accuracy."""
    for _ in range(epochs):
        runner.train_epoch()
    data = load_scaled_digits()
    return float((runner.predict_classes(data.x_test) == data.y_test).mean())


def import_library(library: str) -> None:
    """Import the modules that loading the data and `library`'s runner use, before any baseline.

    Without this, the first call would import them, and tracemalloc would
    count the modules' own objects as memory of the set-up.
    """
    # dltut.data.load_digits reads the data with scikit-learn.
    import sklearn.datasets

    if library == "torch":
        import torch  # noqa: F401
    elif library == "sklearn":
        import sklearn.neural_network  # noqa: F401


def measure_in_this_process(library: str, mode: str, epochs: int) -> dict[str, Any]:
    """Train `library` once and return the memory that `mode` measures, in bytes."""
    import_library(library)
    if mode == "tracemalloc":
        tracemalloc.start()
        runner = set_up(library)
        set_up_bytes, _ = tracemalloc.get_traced_memory()
        # From here on, the peak is that of training alone (with the set-up still live).
        tracemalloc.reset_peak()
        accuracy = train(runner, epochs)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "tracemalloc_set_up_bytes": set_up_bytes,
            "tracemalloc_training_peak_bytes": peak,
            "tracemalloc_training_added_bytes": peak - set_up_bytes,
            "test_accuracy": accuracy,
        }
    runner = set_up(library)
    before = peak_rss_bytes()
    accuracy = train(runner, epochs)
    after = peak_rss_bytes()
    result: dict[str, Any] = {"test_accuracy": accuracy}
    for source in after:
        result[f"{source}_before_training_bytes"] = before[source]
        result[f"{source}_bytes"] = after[source]
        result[f"{source}_added_by_training_bytes"] = after[source] - before[source]
    return result


def measure_in_subprocess(library: str, mode: str, epochs: int) -> dict[str, Any]:
    """Run `measure_in_this_process` in a fresh interpreter and return its result."""
    arguments = ["--child", library, "--mode", mode, "--epochs", str(epochs)]
    try:
        return run_child("benchmarks.memory", arguments, cwd=REPOSITORY)
    except RuntimeError as error:
        return skipped(f"measuring {library} with {mode} failed with {error}")


def _peaks(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Return each library's comparable peaks in bytes, keyed by measure and then library."""
    peaks: dict[str, dict[str, float]] = {"tracemalloc peak": {}, "peak RSS of the process": {}}
    for library, measured in results["libraries"].items():
        traced = measured["tracemalloc"].get("tracemalloc_training_peak_bytes")
        if traced is not None and library != "torch":
            peaks["tracemalloc peak"][library] = traced
        peak = measured["rss"].get("vm_hwm_bytes")
        if peak is not None:
            peaks["peak RSS of the process"][library] = peak
    return peaks


def summary_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Build the printed summary rows: each library's peak memory in MiB and dltut's ratios."""
    rows = []
    for measure, by_library in _peaks(results).items():
        for library, peak in by_library.items():
            label = f"training memory, {measure}: {library}"
            rows.append(summary_row(label, peak / MIB, unit="MiB"))
        for peer, peak in by_library.items():
            if peer != "dltut" and "dltut" in by_library:
                label = f"training memory, {measure}: dltut / {peer}"
                rows.append(summary_row(label, by_library["dltut"] / peak, unit="x"))
    return rows


def run(quick: bool) -> dict[str, Any]:
    """Measure every available library and return the results section.

    Each library takes two processes of a few seconds each, mostly imports,
    so `quick` measures dltut alone and records the peers as skipped.
    """
    versions, missing = available_libraries()
    if quick:
        for library in versions:
            if library != "dltut":
                missing[library] = skipped("quick run: only dltut is measured")
        versions = {"dltut": versions["dltut"]}
    libraries = {
        library: {mode: measure_in_subprocess(library, mode, EPOCHS) for mode in MODES}
        for library in versions
    }
    results: dict[str, Any] = {
        "epochs": EPOCHS,
        "batch_size": BATCH_SIZE,
        "versions": versions,
        "skipped": missing,
        "libraries": libraries,
        "notes": {
            "torch_tracemalloc": (
                "PyTorch's CPU allocator does not report to tracemalloc, so the torch "
                "tracemalloc peak misses its tensors and is left out of the summary"
            ),
        },
    }
    results["summary"] = summary_rows(results)
    return results


def main() -> None:
    """Run the benchmark, or one measurement when started as a child process."""
    parser = argparse.ArgumentParser(description="Measure the peak memory of digits training.")
    parser.add_argument("--quick", action="store_true", help="measure dltut only, not the peers")
    parser.add_argument("--child", choices=sorted(LIBRARIES), help="measure only this library")
    parser.add_argument("--mode", choices=MODES, default="rss", help="what the child measures")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs the child trains")
    arguments = parser.parse_args()
    if arguments.child is not None:
        result = measure_in_this_process(arguments.child, arguments.mode, arguments.epochs)
        print(json.dumps(result))
        return

    results = run(arguments.quick)
    write_results("memory", results)
    for row in results["summary"]:
        print(f"{row['label']}: {row['value']:.1f} {row['unit']}")


if __name__ == "__main__":
    main()
