"""Measure the accuracy of dltut's numerical derivatives against exact derivatives.

For each test function and each method, the error is the largest relative
error, |estimate - exact| / |exact|, over a grid of points. The grids keep
away from points where the exact derivative is near 0 (sin where
|cos x| < 0.1) or where the function is singular (1/x for |x| < 0.05), so
the relative error stays meaningful. Methods that take a step are run with
steps 1e-1, 1e-2, ..., 1e-15, and with their default step. The goal is a
largest relative error of at most 1e-10 for the two recommended methods at
their default steps: `richardson_deriv` and `complex_step_deriv`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.common import summary_row
from dltut import complex_step_deriv, deriv, richardson_deriv

GOAL_ERROR = 1e-10
STEPS = tuple(10.0**-exponent for exponent in range(1, 16))
FULL_POINTS = 401
QUICK_POINTS = 101

Estimator = Callable[[Callable[[Any], Any], np.ndarray, float | None], np.ndarray]


@dataclass(frozen=True)
class DerivativeCase:
    """A function with its exact derivative and the interval description of its grid."""

    name: str
    func: Callable[[Any], Any]
    derivative: Callable[[np.ndarray], np.ndarray]
    domain: str
    make_grid: Callable[[int], np.ndarray]


def _sin_grid(points: int) -> np.ndarray:
    x = np.linspace(-6.0, 6.0, points)
    return x[np.abs(np.cos(x)) >= 0.1]


def _reciprocal_grid(points: int) -> np.ndarray:
    # Geometric spacing puts the same number of points in each decade of |x|.
    magnitudes = np.geomspace(0.05, 5.0, points // 2)
    return np.concatenate([-magnitudes[::-1], magnitudes])


CASES = (
    DerivativeCase("exp", np.exp, np.exp, "x in [-5, 5]", lambda n: np.linspace(-5.0, 5.0, n)),
    DerivativeCase("sin", np.sin, np.cos, "x in [-6, 6] with |cos x| >= 0.1", _sin_grid),
    DerivativeCase(
        "1/x", lambda x: 1 / x, lambda x: -1 / x**2, "|x| in [0.05, 5]", _reciprocal_grid
    ),
)


def _difference(method: str) -> Estimator:
    def estimate(func: Callable[[Any], Any], x: np.ndarray, step: float | None) -> np.ndarray:
        if step is None:
            return deriv(func, x, method=method)  # type: ignore[arg-type]
        return deriv(func, x, step, method=method)  # type: ignore[arg-type]

    return estimate


def _richardson(func: Callable[[Any], Any], x: np.ndarray, step: float | None) -> np.ndarray:
    return richardson_deriv(func, x, step)


def _complex_step(func: Callable[[Any], Any], x: np.ndarray, step: float | None) -> np.ndarray:
    if step is None:
        return complex_step_deriv(func, x)
    return complex_step_deriv(func, x, step)


# A step of None means the method's default step.
METHODS: dict[str, Estimator] = {
    "deriv central": _difference("central"),
    "deriv forward": _difference("forward"),
    "deriv backward": _difference("backward"),
    "richardson_deriv": _richardson,
    "complex_step_deriv": _complex_step,
}
RECOMMENDED = ("richardson_deriv", "complex_step_deriv")


def max_relative_error(
    estimator: Estimator, function: DerivativeCase, x: np.ndarray, step: float | None
) -> float:
    """Return the largest relative error of `estimator` on the grid `x`, or inf if it overflowed.

    Large steps can reach 1/x's singularity and tiny steps can vanish next
    to x, which divides by zero, so floating-point warnings are silenced
    and a non-finite estimate counts as an infinite error.
    """
    with np.errstate(all="ignore"):
        estimate = estimator(function.func, x, step)
        exact = function.derivative(x)
        errors = np.abs(estimate - exact) / np.abs(exact)
    if not np.all(np.isfinite(errors)):
        return float("inf")
    return float(np.max(errors))


def _error_table(function: DerivativeCase, x: np.ndarray) -> dict[str, dict[str, float]]:
    """Return, for each method, the largest relative error at each step and at the default."""
    table: dict[str, dict[str, float]] = {}
    for name, estimator in METHODS.items():
        row = {"default": max_relative_error(estimator, function, x, None)}
        for step in STEPS:
            row[f"{step:.0e}"] = max_relative_error(estimator, function, x, step)
        table[name] = row
    return table


def _best_steps(table: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Return, for each method, the step with the smallest error and that error."""
    best = {}
    for name, row in table.items():
        step = min(row, key=lambda key: row[key])
        best[name] = {"step": step, "max_relative_error": row[step]}
    return best


def run(quick: bool) -> dict[str, Any]:
    """Tabulate the largest relative error of every method, function and step."""
    points = QUICK_POINTS if quick else FULL_POINTS
    result: dict[str, Any] = {
        "goal": f"largest relative error <= {GOAL_ERROR:.0e} for "
        + " and ".join(RECOMMENDED)
        + " at their default steps",
        "error": "max over the grid of |estimate - exact| / |exact|; inf if an estimate overflowed",
        "functions": {},
        "summary": [],
    }
    for function in CASES:
        x = function.make_grid(points)
        table = _error_table(function, x)
        result["functions"][function.name] = {
            "domain": function.domain,
            "points": int(x.size),
            "max_relative_error": table,
            "best_step": _best_steps(table),
        }
        for name in RECOMMENDED:
            error = table[name]["default"]
            result["summary"].append(
                summary_row(
                    f"{function.name}: {name}, default step",
                    error,
                    unit="max rel. error",
                    goal=f"<= {GOAL_ERROR:.0e}",
                    met=error <= GOAL_ERROR,
                )
            )
    result["min_error_per_method"] = _min_error_per_method(result["functions"])
    return result


def _min_error_per_method(functions: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return each method's smallest error over the steps, per function and the worst of those."""
    summary: dict[str, dict[str, Any]] = {}
    for name in METHODS:
        per_function = {
            function: record["best_step"][name] for function, record in functions.items()
        }
        worst = max(entry["max_relative_error"] for entry in per_function.values())
        summary[name] = {"per_function": per_function, "worst_over_functions": worst}
    return summary
