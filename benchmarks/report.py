"""Tables and figures of the site's Benchmarks page, drawn from `benchmarks/results.json`.

The page `docs/benchmarks.py` calls these functions while the site is built,
so it always shows the results committed with it. Tables and sentences are
HTML strings, figures are Matplotlib figures in the site's style. Nothing
here measures anything: `python -m benchmarks.run` writes the results file.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dltut.plotting import COLORS

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"

#: The sections of the results file, in the order the page shows them.
SECTIONS = ("training", "versions", "softmax", "derivatives", "memory", "site_build")

TITLES = {
    "training": "Training epoch",
    "versions": "Before and after profiling",
    "softmax": "Softmax",
    "derivatives": "Derivative accuracy",
    "memory": "Training memory",
    "site_build": "Site build",
}

#: Display names of the libraries and variants on the page.
NAMES = {
    "dltut": "dltut",
    "torch": "PyTorch",
    "torch_1_thread": "PyTorch, 1 thread",
    "sklearn": "scikit-learn",
    "scipy": "SciPy",
}

# A ratio or time is shown to three significant digits: the spread between
# repeated runs is a few percent, so more digits would be noise.
SIGNIFICANT_DIGITS = 3


def load_results(path: Path = RESULTS_PATH) -> dict[str, Any]:
    """Read the results file and check that it has every section the page shows.

    Raises
    ------
    FileNotFoundError
        If `path` does not exist; `make bench` creates it.
    ValueError
        If sections are missing, naming them and the command that adds them.
    """
    results: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    missing = [section for section in SECTIONS if section not in results]
    if missing:
        commands = ", ".join(f"python -m benchmarks.run --only {name}" for name in missing)
        raise ValueError(f"{path} has no section {', '.join(missing)}; run {commands}")
    return results


# --- formatting ---


def name(key: str) -> str:
    """Return the display name of a library or variant key such as "sklearn"."""
    return NAMES.get(key, key)


def significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """Format `value` with `digits` significant digits, without an exponent for usual sizes.

    >>> significant(0.75784), significant(49.5635), significant(1234.6)
    ('0.758', '49.6', '1235')
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


def seconds(value: float) -> str:
    """Format a duration in s, ms or µs, whichever keeps the number between 1 and 1000.

    >>> seconds(0.0064848), seconds(49.56), seconds(0.00080227)
    ('6.48 ms', '49.6 s', '802 µs')
    """
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if abs(value) >= scale:
            return f"{significant(value / scale)} {unit}"
    return f"{significant(value / 1e-9)} ns"


def ratio(value: float) -> str:
    """Format a ratio such as dltut's time over a peer's.

    >>> ratio(0.75784)
    '0.758×'
    """
    return f"{significant(value)}×"


def mebibytes(value: float) -> str:
    """Format a byte count in MiB with one decimal.

    >>> mebibytes(131629056)
    '125.5 MiB'
    """
    return f"{value / 2**20:.1f} MiB"


def summary_value(row: dict[str, Any]) -> str:
    """Format the value of a summary row by its unit."""
    value, unit = row["value"], row["unit"]
    if unit == "x":
        return ratio(value)
    if unit == "s":
        return seconds(value)
    if unit == "max rel. error":
        return f"{value:.1e}"
    if unit == "%":
        return f"{value:.2f} %"
    return f"{significant(value)} {unit}"


def goal_status(met: bool | None) -> str:
    """Return "met", "missed", or an empty string for a value without a goal."""
    if met is None:
        return ""
    return "met" if met else "missed"


def html_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric_from: int = 1
) -> str:
    """Return an HTML table with escaped cells, numbers right-aligned.

    Columns from index `numeric_from` on hold numbers and are right-aligned,
    so that their digits line up; the columns before them hold text.

    >>> print(html_table(["a", "b"], [["x<y", "1"]]))
    <table>
    <thead><tr><th>a</th><th style="text-align: right">b</th></tr></thead>
    <tbody>
    <tr><td>x&lt;y</td><td style="text-align: right">1</td></tr>
    </tbody>
    </table>
    """

    def cells(values: Sequence[str], tag: str) -> str:
        parts = []
        for index, value in enumerate(values):
            style = ' style="text-align: right"' if index >= numeric_from else ""
            parts.append(f"<{tag}{style}>{html.escape(str(value))}</{tag}>")
        return "".join(parts)

    body = "\n".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return (
        f"<table>\n<thead><tr>{cells(header, 'th')}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def paragraph(text: str) -> str:
    """Return `text` as an escaped HTML paragraph."""
    return f"<p>{html.escape(text)}</p>"


# --- machine and summary ---


def numpy_blas(machine: dict[str, Any]) -> str:
    """Describe the BLAS that NumPy was built with and the kernels it ran."""
    build = machine.get("numpy_blas_build") or {}
    described = f"{build.get('name', 'unknown')} {build.get('version', '')}".strip()

    # threadpoolctl names the loaded library's folder, such as numpy.libs,
    # and the processor kernels that OpenBLAS picked at run time.
    libraries = machine.get("blas", {}).get("libraries", [])
    loaded = [
        library
        for library in libraries
        if library.get("user_api") == "blas" and "numpy" in library.get("filepath", "")
    ]
    if loaded and loaded[0].get("architecture"):
        described += f", {loaded[0]['architecture']} kernels"
    return described


def _commands(results: dict[str, Any]) -> set[str]:
    return {results[section]["command"] for section in SECTIONS}


def machine_table(results: dict[str, Any]) -> str:
    """Tabulate when each section was measured, how busy the CPU was and how long it took.

    The command appears as a column only when the sections were written by
    different commands; `command_sentence` names a single one.
    """
    with_command = len(_commands(results)) > 1
    rows = []
    for section in SECTIONS:
        record = results[section]
        busy = record["results"].get("cpu_busy_at_start")
        duration = record["results"].get("duration_s")
        quick = " (quick run)" if record["results"].get("quick") else ""
        row = [
            TITLES[section] + quick,
            record["recorded_at"].replace("T", " ").replace("+00:00", ""),
            "" if busy is None else f"{100 * busy:.0f} %",
            "" if duration is None else seconds(duration),
        ]
        if with_command:
            row.insert(1, record["command"])
        rows.append(row)
    header = ["Benchmark", "Finished (UTC)", "CPU busy before", "Run time"]
    if with_command:
        header.insert(1, "Command")
    return html_table(header, rows, numeric_from=len(header) - 2)


def command_sentence(results: dict[str, Any]) -> str:
    """Name the command that wrote the results and the total run time of the benchmarks."""
    total = sum(results[section]["results"].get("duration_s", 0.0) for section in SECTIONS)
    commands = sorted(_commands(results))
    if len(commands) == 1:
        source = f"All results were written by {commands[0]}"
    else:
        source = "The results were written by the commands in the table"
    return paragraph(f"{source}, and the benchmarks ran for {seconds(total)} in all.")


def software_table(results: dict[str, Any]) -> str:
    """Tabulate the CPU and the Python, NumPy, BLAS and peer versions of the training run."""
    machine = results["training"]["machine"]
    packages = machine.get("packages", {})
    cpus = sorted(
        {
            f"{results[section]['machine']['cpu_model']}, "
            f"{results[section]['machine']['usable_cores']} usable cores"
            for section in SECTIONS
        }
    )
    rows = [
        ["CPU", "; ".join(cpus)],
        ["Operating system", machine["platform"]],
        ["Python", machine["python"]],
        ["NumPy", machine["numpy"]],
        ["BLAS used by NumPy", numpy_blas(machine)],
    ]
    for package, key in (
        ("SciPy", "scipy"),
        ("scikit-learn", "scikit-learn"),
        ("PyTorch", "torch"),
    ):
        rows.append([package, packages.get(key) or "not installed"])
    torch = results["softmax"]["results"].get("peers", {}).get("torch", {})
    if "num_threads" in torch:
        rows.append(["PyTorch's default threads", str(torch["num_threads"])])
    return html_table(["Component", "Version or setting"], rows, numeric_from=2)


def _readable(label: str) -> str:
    """Spell the library keys in a summary label as the page names them."""
    for key in ("sklearn", "torch", "scipy"):
        label = label.replace(key, NAMES[key])
    return label


def summary_table(results: dict[str, Any]) -> str:
    """Tabulate every measure that has a goal: its value, the goal and whether it was met."""
    rows = []
    for section in SECTIONS:
        for row in results[section]["results"].get("summary", []):
            if row["goal"] is None:
                continue
            rows.append(
                [
                    _readable(row["label"]),
                    summary_value(row),
                    row["goal"].replace("<=", "≤"),
                    goal_status(row["met"]),
                ]
            )
    return html_table(["Measure", "Value", "Goal", "Goal met"], rows)


# --- training ---


def _batch_sizes(training: dict[str, Any]) -> list[str]:
    """Return the keys "batch_32", "batch_256", ... of the timed batch sizes, smallest first."""
    return sorted(training["epoch_time"], key=lambda key: int(key.split("_")[1]))


def training_table(results: dict[str, Any]) -> str:
    """Tabulate each library's epoch time per batch size and dltut's ratio to it."""
    training = results["training"]["results"]
    rows = []
    for key in _batch_sizes(training):
        timings = training["epoch_time"][key]["seconds_per_epoch"]
        dltut = timings["dltut"]["median_s"]
        for library, timing in timings.items():
            rows.append(
                [
                    name(library),
                    str(training["epoch_time"][key]["batch_size"]),
                    seconds(timing["median_s"]),
                    seconds(timing["iqr_s"]),
                    ratio(dltut / timing["median_s"]),
                ]
            )
    header = ["Library", "Batch size", "Median epoch", "Interquartile range", "dltut / library"]
    return html_table(header, rows)


def training_verdict(results: dict[str, Any]) -> str:
    """Say, per batch size, how dltut's epoch compares with the fastest peer's."""
    training = results["training"]["results"]
    sentences = []
    for key in _batch_sizes(training):
        case = training["epoch_time"][key]
        if "fastest_peer" not in case:
            continue
        verdict = f"goal {goal_status(case['goal_met'])}"
        sentences.append(
            f"At batch size {case['batch_size']}, dltut's epoch takes "
            f"{seconds(case['seconds_per_epoch']['dltut']['median_s'])}, "
            f"{ratio(case['ratio_dltut_to_fastest_peer'])} the time of the fastest peer, "
            f"{name(case['fastest_peer'])} ({verdict})."
        )
        default = case.get("default_threads_one_after_another", {})
        if "fastest_peer" in default:
            sentences.append(
                f"With each library's default number of threads, timed one library after "
                f"another, the ratio is {ratio(default['ratio_dltut_to_fastest_peer'])} "
                f"against {name(default['fastest_peer'])}."
            )
    return paragraph(" ".join(sentences))


def training_figure(results: dict[str, Any]) -> Figure:
    """Draw the epoch times per library, one panel per batch size, with min-max bars."""
    training = results["training"]["results"]
    keys = _batch_sizes(training)
    figure, axes = plt.subplots(1, len(keys), figsize=(8, 2.8), layout="constrained")
    for axis, key in zip(np.atleast_1d(axes), keys, strict=True):
        timings = training["epoch_time"][key]["seconds_per_epoch"]
        libraries = list(timings)
        medians = np.array([timings[library]["median_s"] for library in libraries]) * 1e3
        lows = medians - np.array([timings[library]["min_s"] for library in libraries]) * 1e3
        highs = np.array([timings[library]["max_s"] for library in libraries]) * 1e3 - medians
        positions = np.arange(len(libraries))
        axis.barh(positions, medians, xerr=[lows, highs], color=COLORS[: len(libraries)])
        axis.set_yticks(positions, [name(library) for library in libraries])
        axis.invert_yaxis()
        axis.set_xlabel("ms per epoch")
        axis.set_title(f"Batch size {training['epoch_time'][key]['batch_size']}")
        axis.grid(axis="y", visible=False)
    return figure


def accuracy_table(results: dict[str, Any]) -> str:
    """Tabulate each library's test accuracy and how far its final weights are from dltut's."""
    accuracy = results["training"]["results"]["accuracy"]
    rows = []
    for library, value in accuracy["test_accuracy"].items():
        difference = accuracy.get(f"max_weight_difference_{library}_to_dltut")
        difference_text = "" if difference is None else f"{difference:.1e}"
        rows.append([name(library), f"{100 * value:.2f} %", difference_text])
    header = [
        "Library",
        f"Test accuracy after {accuracy['epochs']} epochs",
        "Largest weight difference to dltut",
    ]
    return html_table(header, rows)


# --- before and after profiling ---


#: The cases of the before-and-after comparison in the order of the page's sections.
VERSION_CASES = ("epoch, batch 32", "epoch, batch 256", "softmax", "log_softmax")


def _case_order(case: str) -> tuple[int, str]:
    """Sort known cases in the page's order and any others after them, by name."""
    known = VERSION_CASES.index(case) if case in VERSION_CASES else len(VERSION_CASES)
    return known, case


def versions_table(results: dict[str, Any]) -> str:
    """Tabulate each case's median time at the earlier commit and now, and their ratio."""
    versions = results["versions"]["results"]
    if "cases" not in versions:
        return paragraph(f"Not measured: {versions.get('reason', 'no results')}.")
    commit = versions["base_commit"][:7]
    cases = versions["cases"]
    rows = [
        [
            case,
            seconds(cases[case]["before"]["median_s"]),
            seconds(cases[case]["now"]["median_s"]),
            ratio(cases[case]["ratio_now_to_before"]),
        ]
        for case in sorted(cases, key=_case_order)
    ]
    header = ["Case", f"Commit {commit}", "Now", "Now / before"]
    return html_table(header, rows)


# --- softmax ---


def softmax_table(results: dict[str, Any]) -> str:
    """Tabulate every implementation's median and minimum time and dltut's ratio to it."""
    softmax = results["softmax"]["results"]
    rows = []
    for function in ("softmax", "log_softmax"):
        timings = softmax[function]["fresh_processes"]
        dltut = timings["dltut"]["median_s"]
        for implementation, timing in timings.items():
            rows.append(
                [
                    function,
                    name(implementation),
                    seconds(timing["median_s"]),
                    seconds(timing["min_s"]),
                    ratio(dltut / timing["median_s"]),
                ]
            )
    header = ["Function", "Implementation", "Median", "Minimum", "dltut / implementation"]
    return html_table(header, rows, numeric_from=2)


#: dltut's NumPy passes in the order in which they run, with their colours and hatches.
PASSES = {
    "max": (COLORS[0], ""),
    "subtract max": (COLORS[1], ""),
    "exp": (COLORS[2], ""),
    "sum": (COLORS[3], ""),
    "divide": (COLORS[4], ""),
    "log": (COLORS[6], ""),
    "subtract max again": (COLORS[1], "//"),
    "subtract log": (COLORS[5], ""),
}


def _passes_bar(axis: Any, position: float, steps: dict[str, float]) -> None:
    """Draw dltut's NumPy passes as one bar, a segment per pass in the order they run."""
    left = 0.0
    for step, (color, hatch) in PASSES.items():
        if step not in steps:
            continue
        width = steps[step] * 1e3
        axis.barh(
            position, width, left=left, color=color, hatch=hatch, label=step, edgecolor="white"
        )
        left += width


def softmax_figure(results: dict[str, Any]) -> Figure:
    """Draw, per function, the time of each implementation and of dltut's separate NumPy passes."""
    softmax = results["softmax"]["results"]
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
    legend: dict[str, Any] = {}
    for axis, function in zip(axes, ("softmax", "log_softmax"), strict=True):
        timings = softmax[function]["fresh_processes"]
        labels = [name(implementation) for implementation in timings]
        medians = [timing["median_s"] * 1e3 for timing in timings.values()]
        axis.barh(range(len(labels)), medians, color="#777777")
        profile = softmax.get("dltut_profile", {}).get(function)
        if profile is not None:
            _passes_bar(axis, len(labels), profile["step_median_s"])
            labels.append("dltut's passes, each alone")
            handles, names = axis.get_legend_handles_labels()
            legend |= dict(zip(names, handles, strict=True))
        axis.set_yticks(range(len(labels)), labels)
        axis.invert_yaxis()
        axis.set_xlabel("median time (ms)")
        axis.set_title(function)
        axis.grid(axis="y", visible=False)
    if legend:
        ordered = [step for step in PASSES if step in legend]
        figure.legend(
            [legend[step] for step in ordered], ordered, loc="outside lower center", ncols=4
        )
    return figure


def softmax_verdict(results: dict[str, Any]) -> str:
    """Say how dltut compares with the fastest peer and with PyTorch on one thread."""
    softmax = results["softmax"]["results"]
    sentences = []
    for function in ("softmax", "log_softmax"):
        case = softmax[function]
        if "fastest_peer" not in case:
            continue
        verdict = f"goal {goal_status(case['goal_met'])}"
        sentence = (
            f"{function}: dltut takes {ratio(case['ratio_to_fastest_peer'])} the median time "
            f"of the fastest peer, {name(case['fastest_peer'])} ({verdict})"
        )
        if "ratio_to_torch_1_thread" in case:
            sentence += (
                f", and {ratio(case['ratio_to_torch_1_thread'])} that of PyTorch on 1 thread"
            )
        if "one_process_ratio_to_fastest_peer" in case:
            peer, one_process = case["one_process_ratio_to_fastest_peer"]
            sentence += (
                f". Timed in one process, calls taking turns, the ratio to {name(peer)} "
                f"is {ratio(one_process)}"
            )
        profile = softmax.get("dltut_profile", {}).get(function)
        if profile is not None:
            sentence += (
                f". The whole call takes {ratio(profile['whole_call_over_sum_of_steps'])} "
                "the sum of its passes timed alone"
            )
        sentences.append(sentence + ".")
    return paragraph(" ".join(sentences))


# --- derivatives ---

#: The error that the recommended methods must reach, drawn as a line in the figure.
GOAL_ERROR = 1e-10

#: The derivative methods in the order of the figure's legend, with their line styles.
#: Forward and backward differences have nearly equal errors, so the
#: backward ones are drawn as dots on the forward line.
METHOD_STYLES = {
    "deriv forward": "--",
    "deriv backward": "o",
    "deriv central": "-",
    "richardson_deriv": "-",
    "complex_step_deriv": "-",
}


def derivatives_figure(results: dict[str, Any]) -> Figure:
    """Draw the largest relative error against the step, one panel per function."""
    derivatives = results["derivatives"]["results"]
    functions = derivatives["functions"]
    figure, axes = plt.subplots(
        1, len(functions), figsize=(9, 4.0), sharey=True, layout="constrained"
    )
    for axis, (function, record) in zip(np.atleast_1d(axes), functions.items(), strict=True):
        for index, (method, style) in enumerate(METHOD_STYLES.items()):
            errors = record["max_relative_error"][method]
            # float() also reads the string "inf" that stands for an overflowed error.
            pairs = sorted(
                (float(step), float(value)) for step, value in errors.items() if step != "default"
            )
            steps, values = np.array(pairs).T
            # The log scale cannot show an exact 0; an error of 0 is drawn at 1e-17.
            values = np.where(values == 0.0, 1e-17, values)
            values = np.where(np.isfinite(values), values, np.nan)
            axis.loglog(
                steps,
                values,
                style,
                color=COLORS[index],
                label=method,
                linewidth=1.6,
                markersize=3.5,
                # The complex step goes below the others, where they share its large-step line.
                zorder=1 if method == "complex_step_deriv" else 2,
            )
        axis.axhline(GOAL_ERROR, color="#777777", linewidth=1.0, linestyle="-.", label="goal")
        axis.set_title(function)
        axis.set_xlabel("step h")
        axis.invert_xaxis()
    first = np.atleast_1d(axes)[0]
    first.set_ylabel("largest relative error")
    handles, labels = first.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3)
    return figure


def derivatives_grids(results: dict[str, Any]) -> str:
    """Say on which points each function's errors were measured."""
    functions = results["derivatives"]["results"]["functions"]
    grids = [
        f"{function}: {record['points']} points, {record['domain']}"
        for function, record in functions.items()
    ]
    return paragraph("The points of each grid: " + "; ".join(grids) + ".")


def derivatives_table(results: dict[str, Any]) -> str:
    """Tabulate each method's error at its default step and at its best step from the grid."""
    derivatives = results["derivatives"]["results"]
    rows = []
    for function, record in derivatives["functions"].items():
        for method in METHOD_STYLES:
            best = record["best_step"][method]
            default = record["max_relative_error"][method].get("default")
            # The results file stores an overflowed error as the string "inf".
            rows.append(
                [
                    function,
                    method,
                    "" if default is None else f"{float(default):.1e}",
                    str(best["step"]),
                    f"{float(best['max_relative_error']):.1e}",
                ]
            )
    header = ["Function", "Method", "Error at default step", "Best step", "Error at best step"]
    return html_table(header, rows, numeric_from=2)


# --- memory and site build ---


def memory_table(results: dict[str, Any]) -> str:
    """Tabulate each library's peak traced allocations and peak resident memory."""
    memory = results["memory"]["results"]
    dltut_peak = memory["libraries"]["dltut"]["rss"]["vm_hwm_bytes"]
    rows = []
    for library, measured in memory["libraries"].items():
        traced = measured["tracemalloc"].get("tracemalloc_training_peak_bytes")
        # PyTorch's allocator bypasses tracemalloc, so its traced peak would mislead.
        traced_text = "not traced" if library == "torch" or traced is None else mebibytes(traced)
        rss = measured["rss"]
        rows.append(
            [
                name(library),
                traced_text,
                mebibytes(rss["vm_hwm_bytes"]),
                mebibytes(rss["vm_hwm_added_by_training_bytes"]),
                ratio(dltut_peak / rss["vm_hwm_bytes"]),
            ]
        )
    header = [
        "Library",
        "Peak traced allocations",
        "Peak resident memory",
        "Added by training",
        "dltut / library, resident",
    ]
    return html_table(header, rows)


#: The three site builds, in the order they run, with their descriptions.
BUILDS = {
    "cold": "cold: fresh clone, empty cache",
    "unchanged": "again, nothing changed",
    "one page edited": "after editing one page",
}


def site_build_table(results: dict[str, Any]) -> str:
    """Tabulate the cold, unchanged and one-page-edited builds and their ratio to the cold one."""
    build = results["site_build"]["results"]["seconds"]
    rows = [
        [description, seconds(build[kind]), ratio(build[kind] / build["cold"])]
        for kind, description in BUILDS.items()
    ]
    return html_table(["Build", "Time", "Relative to the cold build"], rows)
