"""Tests for the public API of `dltut`: exported names, version, typing marker, docstrings."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.resources
import inspect
import re
from pathlib import Path

import pytest

import dltut

SUBMODULES = [
    "activations",
    "calculus",
    "chain",
    "data",
    "gradients",
    "graph",
    "graph_plot",
    "image_plots",
    "logits",
    "metrics",
    "mlp",
    "multivariate",
    "nn",
    "optim",
    "plotting",
    "regression",
    "tangent",
    "train",
]
# The modules with generic names (data, graph, mlp, nn, optim, train, plotting, ...) are
# imported by name.
REEXPORTED_SUBMODULES = [
    "activations",
    "calculus",
    "chain",
    "gradients",
    "logits",
    "multivariate",
    "regression",
    "tangent",
]

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _public_objects():
    """Yield (qualified name, object) for every name in a submodule's `__all__`."""
    for module_name in SUBMODULES:
        module = importlib.import_module(f"dltut.{module_name}")
        for name in module.__all__:
            yield f"dltut.{module_name}.{name}", getattr(module, name)


PUBLIC_CALLABLES = [
    pytest.param(obj, id=qualified_name)
    for qualified_name, obj in _public_objects()
    if inspect.isfunction(obj) or inspect.isclass(obj)
]


# --- exported names ---


@pytest.mark.parametrize("name", dltut.__all__)
def test_package_all_names_exist(name):
    assert hasattr(dltut, name)


def test_package_all_has_no_duplicates():
    assert len(dltut.__all__) == len(set(dltut.__all__))


@pytest.mark.parametrize("module_name", SUBMODULES)
def test_submodule_all_names_exist(module_name):
    module = importlib.import_module(f"dltut.{module_name}")

    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("module_name", REEXPORTED_SUBMODULES)
def test_package_reexports_submodule_names(module_name):
    module = importlib.import_module(f"dltut.{module_name}")

    for name in module.__all__:
        assert name in dltut.__all__
        assert getattr(dltut, name) is getattr(module, name)


def test_package_star_import_matches_all():
    namespace: dict[str, object] = {}

    exec("from dltut import *", namespace)

    exported = set(namespace) - {"__builtins__"}
    assert exported == set(dltut.__all__)


# --- version ---


def test_package_version_is_string():
    assert isinstance(dltut.__version__, str)


def test_package_version_is_release_number():
    # A plain PEP 440 release such as 0.1.0, optionally with a pre-release,
    # post-release or dev suffix.
    pattern = r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?"

    assert re.fullmatch(pattern, dltut.__version__)


def test_package_version_matches_metadata():
    assert dltut.__version__ == importlib.metadata.version("dltut")


def test_package_version_matches_pyproject():
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    if not PYPROJECT.is_file():
        pytest.skip("pyproject.toml is only present in a source checkout")

    with PYPROJECT.open("rb") as file:
        project = tomllib.load(file)["project"]

    assert dltut.__version__ == project["version"]


# --- typing marker ---


def test_package_ships_py_typed_marker():
    marker = importlib.resources.files("dltut").joinpath("py.typed")

    assert marker.is_file()


# --- docstrings ---


@pytest.mark.parametrize("module_name", ["", *SUBMODULES])
def test_module_has_docstring(module_name):
    module = importlib.import_module(f"dltut.{module_name}" if module_name else "dltut")

    assert module.__doc__
    assert module.__doc__.strip()


@pytest.mark.parametrize("obj", PUBLIC_CALLABLES)
def test_public_callable_has_docstring(obj):
    assert inspect.getdoc(obj)


@pytest.mark.parametrize("obj", PUBLIC_CALLABLES)
def test_public_callable_has_examples_section(obj):
    docstring = inspect.getdoc(obj) or ""

    # A numpydoc section header: the word on its own line, underlined by dashes.
    assert re.search(r"^Examples\n-{8,}$", docstring, flags=re.MULTILINE)


@pytest.mark.parametrize("obj", PUBLIC_CALLABLES)
def test_public_callable_examples_are_doctests(obj):
    docstring = inspect.getdoc(obj) or ""
    examples = docstring.partition("Examples\n--------")[2]

    # The examples run under --doctest-modules only if they use the >>> prompt.
    assert ">>> " in examples


@pytest.mark.parametrize("obj", PUBLIC_CALLABLES)
def test_public_callable_summary_line(obj):
    summary = (inspect.getdoc(obj) or "").splitlines()[0]

    # numpydoc summary: one line that ends with a full stop.
    assert summary.endswith(".")
