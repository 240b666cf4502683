"""Tests for `dltut.graph` and `dltut.graph_plot`: gradients, graph bookkeeping, errors, drawing."""

from __future__ import annotations

import matplotlib

# Select the non-interactive backend before pyplot is imported, so the tests
# need no display.
matplotlib.use("Agg")

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib import pyplot as plt
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch
from scipy.special import expit

from dltut.gradients import numerical_gradient, relative_error
from dltut.graph import (
    Node,
    add,
    matmul,
    mean,
    multiply,
    sigmoid,
    square,
    subtract,
    sum_all,
    topological_order,
)
from dltut.graph_plot import draw_graph

# Central differences with a step of 1e-6 on values of order 1 are accurate
# to about 1e-9 relative (rounding error eps / h dominates). A wrong backward
# formula, such as a missing transpose, factor or sum, is off by order 1.
# 1e-6 separates the two with room on both sides.
GRADIENT_RTOL = 1e-6


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure after each test, so that open figures do not pile up into a warning."""
    yield
    plt.close("all")


def assert_gradients_match(graph_op, numpy_op, inputs, seed):
    """Check each input's `.grad` against central differences of the same function in NumPy.

    The output is multiplied by random weights before summing, so the upstream
    gradient differs between elements and a backward pass that mixes up
    positions fails.
    """
    nodes = [Node(value) for value in inputs]
    output = graph_op(*nodes)
    weights = np.random.default_rng(seed).normal(size=output.shape)
    sum_all(multiply(output, weights)).backward()

    for index, node in enumerate(nodes):

        def loss(value, index=index):
            arguments = list(inputs)
            arguments[index] = value
            return np.sum(numpy_op(*arguments) * weights)

        expected = numerical_gradient(loss, inputs[index])
        assert node.grad.shape == node.shape
        assert relative_error(node.grad, expected) < GRADIENT_RTOL, f"operand {index}"


def random_inputs(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for shape in shapes]


# (name, graph operation, NumPy reference, operand shapes)
OPERATIONS = [
    ("matmul", matmul, np.matmul, [(4, 3), (3, 2)]),
    ("add", add, np.add, [(4, 3), (4, 3)]),
    ("add bias row", add, np.add, [(4, 3), (1, 3)]),
    ("add vector", add, np.add, [(4, 3), (3,)]),
    ("add column", add, np.add, [(4, 1), (1, 3)]),
    ("subtract", subtract, np.subtract, [(4, 3), (4, 3)]),
    ("subtract bias row", subtract, np.subtract, [(4, 3), (1, 3)]),
    ("multiply", multiply, np.multiply, [(4, 3), (4, 3)]),
    ("multiply broadcast", multiply, np.multiply, [(1, 3), (4, 1)]),
    ("sigmoid", sigmoid, expit, [(4, 3)]),
    ("square", square, np.square, [(4, 3)]),
    ("mean", mean, np.mean, [(4, 3)]),
    ("sum_all", sum_all, np.sum, [(4, 3)]),
]


@pytest.mark.parametrize(
    ("graph_op", "numpy_op", "shapes"),
    [case[1:] for case in OPERATIONS],
    ids=[case[0] for case in OPERATIONS],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_operation_gradient_matches_numerical(graph_op, numpy_op, shapes, seed):
    assert_gradients_match(graph_op, numpy_op, random_inputs(seed, *shapes), seed + 100)


@pytest.mark.parametrize(
    ("graph_op", "numpy_op", "shapes"),
    [case[1:] for case in OPERATIONS],
    ids=[case[0] for case in OPERATIONS],
)
def test_operation_value_matches_numpy(graph_op, numpy_op, shapes):
    inputs = random_inputs(3, *shapes)

    output = graph_op(*[Node(value) for value in inputs])

    np.testing.assert_allclose(output.value, numpy_op(*inputs), rtol=1e-15, atol=0)
    assert output.value.dtype == np.float64


def model_loss_numpy(x, w, b, y):
    return np.mean((expit(x @ w + b) - y) ** 2)


def test_model_gradients_match_numerical():
    x, w, b, y = random_inputs(7, (6, 3), (3, 2), (1, 2), (6, 2))
    nodes = [Node(x), Node(w), Node(b), Node(y)]

    loss = mean(square(sigmoid(nodes[0] @ nodes[1] + nodes[2]) - nodes[3]))
    loss.backward()

    assert float(loss.value) == pytest.approx(model_loss_numpy(x, w, b, y), rel=1e-14)
    arguments = [x, w, b, y]
    for index, node in enumerate(nodes):

        def partial(value, index=index):
            changed = list(arguments)
            changed[index] = value
            return model_loss_numpy(*changed)

        expected = numerical_gradient(partial, arguments[index])
        assert relative_error(node.grad, expected) < GRADIENT_RTOL, f"argument {index}"


def test_model_gradients_match_hand_derivation():
    x, w, b, y = random_inputs(8, (5, 3), (3, 1), (1, 1), (5, 1))
    nodes = [Node(x), Node(w), Node(b), Node(y)]
    mean(square(sigmoid(nodes[0] @ nodes[1] + nodes[2]) - nodes[3])).backward()

    # Chain rule by hand: L = mean((a - y)^2), a = sigmoid(z), z = x w + b.
    a = expit(x @ w + b)
    grad_z = 2 * (a - y) / y.size * a * (1 - a)

    # Same formulas in a different order of operations: rounding differences only.
    np.testing.assert_allclose(nodes[1].grad, x.T @ grad_z, rtol=1e-12)
    np.testing.assert_allclose(nodes[2].grad, grad_z.sum(axis=0, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(nodes[0].grad, grad_z @ w.T, rtol=1e-12)
    np.testing.assert_allclose(nodes[3].grad, -2 * (a - y) / y.size, rtol=1e-12)


def test_intermediate_nodes_get_gradients():
    x = Node([[1.0, -2.0]])
    w = Node([[3.0], [0.5]])
    z = matmul(x, w)
    loss = mean(square(z))

    loss.backward()

    # z = 1 * 3 + (-2) * 0.5 = 2, and d(z^2)/dz = 2z = 4.
    assert float(loss.grad) == 1.0
    np.testing.assert_array_equal(z.grad, [[4.0]])
    np.testing.assert_array_equal(w.grad, [[4.0], [-8.0]])


def test_node_used_twice_by_multiply():
    x = Node([1.0, -2.0, 3.0])

    sum_all(x * x).backward()

    np.testing.assert_array_equal(x.grad, [2.0, -4.0, 6.0])


def test_node_used_twice_by_add():
    x = Node([1.0, -2.0])

    sum_all(add(x, x)).backward()

    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_node_used_by_two_operations():
    values = np.array([-1.0, 0.0, 2.0])
    x = Node(values)

    sum_all(square(x) + sigmoid(x)).backward()

    # Each path contributes its own derivative: 2x from square, s(1 - s) from sigmoid.
    s = expit(values)
    np.testing.assert_allclose(x.grad, 2 * values + s * (1 - s), rtol=1e-15)


def test_intermediate_used_twice():
    x = Node([1.0, 2.0])
    h = multiply(x, 3.0)

    sum_all(h * h).backward()

    # L = sum((3x)^2) = 9 sum(x^2), so dL/dx = 18x and dL/dh = 2h = 6x.
    np.testing.assert_array_equal(x.grad, [18.0, 36.0])
    np.testing.assert_array_equal(h.grad, [6.0, 12.0])


def test_backward_twice_gives_same_gradients():
    x = Node([1.0, 2.0])
    loss = sum_all(square(x))

    loss.backward()
    first = x.grad.copy()
    loss.backward()

    np.testing.assert_array_equal(x.grad, first)


def test_new_graph_resets_shared_input_gradient():
    w = Node([1.0, 2.0])
    sum_all(square(w)).backward()

    sum_all(w).backward()

    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_gradient_is_none_before_backward():
    x = Node([1.0])
    y = square(x)

    assert x.grad is None
    assert y.grad is None


def test_operators_build_the_same_graph():
    a = Node([[1.0, 2.0]], name="a")
    b = Node([[3.0], [4.0]], name="b")

    assert (a @ b).op == "matmul"
    assert (a + 1.0).op == "add"
    assert (a - 1.0).op == "subtract"
    assert (a * 2.0).op == "multiply"
    assert (a**2).op == "square"
    np.testing.assert_array_equal((a @ b).value, [[11.0]])
    np.testing.assert_array_equal((1.0 - a).value, [[0.0, -1.0]])


def test_numpy_array_on_the_left():
    x = Node([1.0, 2.0])

    result = np.array([10.0, 20.0]) + x

    # Without __array_ufunc__ = None, NumPy would build an object array of nodes.
    assert isinstance(result, Node)
    np.testing.assert_array_equal(result.value, [11.0, 22.0])
    assert isinstance(np.array([[1.0, 1.0]]) @ Node([[1.0], [2.0]]), Node)


def test_array_operands_become_inputs():
    x = Node([1.0, 2.0])
    target = np.array([0.0, 1.0])

    difference = x - target

    assert difference.parents[1].op == "input"
    np.testing.assert_array_equal(difference.parents[1].value, target)


def test_value_is_float64_read_only_copy():
    source = np.array([1, 2, 3])
    x = Node(source)
    source[0] = 100

    assert x.value.dtype == np.float64
    assert x.value[0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        x.value[0] = 5.0


def test_float32_input_becomes_float64():
    x = Node(np.array([0.1], dtype=np.float32))

    assert x.value.dtype == np.float64


def test_repr_and_shape():
    w = Node(np.zeros((3, 1)), name="W")

    assert repr(w) == "Node(name='W', op='input', shape=(3, 1))"
    assert w.shape == (3, 1)


def test_name_keyword_labels_result():
    z = add(Node([1.0]), Node([2.0]), name="z")

    assert z.name == "z"


def test_large_finite_input_gives_inf_without_warning():
    x = Node([1e200, -1e200])

    loss = sum_all(square(x))
    loss.backward()

    # pytest turns warnings into errors, so reaching this line shows there were none.
    assert loss.value == np.inf
    np.testing.assert_array_equal(x.grad, [2e200, -2e200])
    assert np.all(sigmoid(Node([-1000.0, 1000.0])).value == [0.0, 1.0])


def test_matmul_shape_mismatch_names_both_shapes():
    x = Node(np.ones((5, 3)), name="X")
    w = Node(np.ones((4, 1)), name="W")

    message = r"a \(X\) has shape \(5, 3\) but b \(W\) has shape \(4, 1\); a's columns must"
    with pytest.raises(ValueError, match=message):
        matmul(x, w)


def test_matmul_rejects_vectors():
    with pytest.raises(ValueError, match=r"2-d operands.*shape \(3,\)"):
        matmul(np.ones(3), np.ones((3, 1)))


def test_add_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"add: a has shape \(5, 3\) but b has shape \(5, 2\)"):
        add(np.ones((5, 3)), np.ones((5, 2)))


def test_subtract_shape_mismatch_names_operation():
    with pytest.raises(ValueError, match=r"subtract: a has shape \(2,\) but b \(y\) has shape"):
        subtract(np.ones(2), Node(np.ones(3), name="y"))


def test_backward_on_non_scalar_raises():
    z = Node(np.ones((5, 3))) @ Node(np.ones((3, 1)))

    with pytest.raises(ValueError, match=r"scalar output.*shape \(5, 1\)"):
        z.backward()


def test_backward_on_single_element_array():
    x = Node([[2.0]])
    y = square(x)

    y.backward()

    np.testing.assert_array_equal(x.grad, [[4.0]])


@pytest.mark.parametrize("exponent", [3, 0.5, True])
def test_power_other_than_two_raises(exponent):
    with pytest.raises(ValueError, match="only the exponent 2"):
        Node([1.0]) ** exponent


def test_mean_of_empty_raises():
    with pytest.raises(ValueError, match=r"empty.*shape \(0,\)"):
        mean(np.array([]))


@pytest.mark.parametrize("value", ["abc", [True, False], [1 + 2j]])
def test_non_real_value_raises(value):
    with pytest.raises(TypeError, match="value must"):
        Node(value)


def test_non_real_operand_names_argument():
    with pytest.raises(TypeError, match="b must"):
        add(Node([1.0]), "text")


def test_non_string_name_raises():
    with pytest.raises(TypeError, match="name must be a string"):
        Node([1.0], name=3)


def test_topological_order_rejects_array():
    with pytest.raises(TypeError, match="output must be a Node, got ndarray"):
        topological_order(np.ones(2))


def test_topological_order_of_model():
    x, w, b, y = (Node(np.ones(shape)) for shape in [(4, 3), (3, 1), (1, 1), (4, 1)])
    loss = mean(square(sigmoid(x @ w + b) - y))

    order = topological_order(loss)

    assert order == [x, w, order[2], b, order[4], order[5], y, *order[7:]]
    assert [node.op for node in order] == [
        "input",
        "input",
        "matmul",
        "input",
        "add",
        "sigmoid",
        "input",
        "subtract",
        "square",
        "mean",
    ]


def test_topological_order_lists_shared_node_once():
    x = Node(1.0)
    loss = x * x + x

    order = topological_order(loss)

    assert order.count(x) == 1
    assert len(order) == 3


def test_long_chain_does_not_hit_recursion_limit():
    x = Node(0.0)
    node = x
    for _ in range(5000):
        node = node + 1.0

    node.backward()

    assert float(node.value) == 5000.0
    assert float(x.grad) == 1.0


small_matrices = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, max_side=5),
    elements=st.floats(-100, 100),
)


@given(small_matrices)
def test_parents_come_before_children(matrix):
    x = Node(matrix)
    loss = mean(square(sigmoid(x) - x) + x)

    order = topological_order(loss)

    position = {node: index for index, node in enumerate(order)}
    for node in order:
        assert all(position[parent] < position[node] for parent in node.parents)


@given(small_matrices)
def test_bias_row_gradient_sums_columns(matrix):
    bias = Node(np.zeros((1, matrix.shape[1])))

    sum_all(multiply(add(matrix, bias), matrix)).backward()

    # d/d bias_j of sum_ij (m_ij + bias_j) m_ij is the column sum of m.
    np.testing.assert_allclose(bias.grad, matrix.sum(axis=0, keepdims=True), rtol=1e-12)


@given(small_matrices)
def test_mean_square_gradient_is_scaled_input(matrix):
    x = Node(matrix)

    mean(square(x)).backward()

    # d/dx mean(x^2) = 2x / N; the two sides round differently by at most an ulp or two.
    np.testing.assert_allclose(x.grad, 2 * matrix / matrix.size, rtol=1e-15, atol=0)


def model_graph():
    x = Node(np.ones((5, 3)), name="X")
    w = Node(np.ones((3, 1)), name="W")
    b = Node(np.zeros((1, 1)), name="b")
    y = Node(np.zeros((5, 1)), name="y")
    z = add(matmul(x, w, name="XW"), b, name="z")
    return mean(square(subtract(sigmoid(z, name="a"), y, name="e")), name="L")


def patches_of(ax, kind):
    return [patch for patch in ax.patches if isinstance(patch, kind)]


def test_draw_graph_counts_boxes_ellipses_arrows():
    ax = draw_graph(model_graph())

    # 10 values (4 inputs, 6 results), 6 operations, and one arrow per
    # operand (2 + 2 + 1 + 2 + 1 + 1) plus one per operation result.
    assert len(patches_of(ax, FancyBboxPatch)) == 10
    assert len(patches_of(ax, Ellipse)) == 6
    assert len(patches_of(ax, FancyArrowPatch)) == 9 + 6


def test_draw_graph_labels():
    ax = draw_graph(model_graph(), title="A model")

    texts = [text.get_text() for text in ax.texts]
    assert ax.get_title() == "A model"
    assert "data flows left to right" in ax.get_xlabel()
    assert "X\n(5, 3)" in texts
    assert "L\nscalar" in texts
    assert "@" in texts
    assert "\N{GREEK SMALL LETTER SIGMA}" in texts
    assert ax.get_legend() is not None


def test_draw_graph_text_fits_boxes():
    ax = draw_graph(model_graph())
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()

    shapes = patches_of(ax, FancyBboxPatch) + patches_of(ax, Ellipse)
    for text in ax.texts:
        extent = text.get_window_extent(renderer)
        centre = ax.transData.transform(text.get_position())
        patch = next(shape for shape in shapes if shape.contains_point(centre))
        box = patch.get_window_extent(renderer)
        assert box.x0 <= extent.x0, text.get_text()
        assert extent.x1 <= box.x1, text.get_text()
        assert box.y0 <= extent.y0, text.get_text()
        assert extent.y1 <= box.y1, text.get_text()


def test_draw_graph_columns_left_to_right():
    ax = draw_graph(model_graph())

    # Each box's text sits at its centre; the output is right of every input.
    positions = {text.get_text(): text.get_position() for text in ax.texts}
    assert positions["X\n(5, 3)"][0] < positions["@"][0] < positions["XW\n(5, 1)"][0]
    assert positions["XW\n(5, 1)"][0] == pytest.approx(positions["b\n(1, 1)"][0])
    assert positions["a\n(5, 1)"][0] == pytest.approx(positions["y\n(5, 1)"][0])
    assert max(x for x, _ in positions.values()) == positions["L\nscalar"][0]


def test_draw_graph_is_deterministic():
    first = draw_graph(model_graph())
    second = draw_graph(model_graph())

    def layout(ax):
        return [(text.get_text(), text.get_position()) for text in ax.texts]

    assert layout(first) == layout(second)
    assert first.figure.get_size_inches().tolist() == second.figure.get_size_inches().tolist()


def test_draw_graph_repeated_operand_gets_two_bent_arrows():
    x = Node([1.0, 2.0], name="x")

    ax = draw_graph(sum_all(x * x))

    bends = sorted(arrow.get_connectionstyle().rad for arrow in patches_of(ax, FancyArrowPatch))
    # The two arrows from x into the multiplication bend to opposite sides.
    # The other three (into the product's box, the sum and its box) are straight.
    assert len(bends) == 5
    assert bends[0] < 0
    assert bends[1:4] == [0.0, 0.0, 0.0]
    assert bends[4] == -bends[0]


def test_draw_graph_skipping_arrow_arcs():
    x = Node([1.0, 2.0], name="x")

    ax = draw_graph(sum_all(square(x) * 2.0 + x))

    bends = [arrow.get_connectionstyle().rad for arrow in patches_of(ax, FancyArrowPatch)]
    assert sum(bend < 0 for bend in bends) == 1


def test_draw_graph_small_graph_keeps_axes():
    # A title and legend wider than the graph must widen the figure, not
    # make the constrained layout shrink the axes to nothing.
    ax = draw_graph(Node(1.0, name="x"), title="A long title for a single input node")
    ax.figure.canvas.draw()

    assert ax.get_position().width > 0.5
    assert ax.figure.get_size_inches()[0] > 4


def test_draw_graph_on_given_axes():
    _, ax = plt.subplots()

    returned = draw_graph(square(Node(1.0, name="x")), ax=ax)

    assert returned is ax
    assert len(patches_of(ax, FancyBboxPatch)) == 2


def test_draw_graph_rejects_non_node():
    with pytest.raises(TypeError, match="output must be a Node"):
        draw_graph(np.ones(3))
