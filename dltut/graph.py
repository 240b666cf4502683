r"""Reverse-mode automatic differentiation on NumPy arrays, small enough to read in one sitting.

Calling the operations of this module on `Node`s computes their values, which
is the forward pass, and records for every result the nodes it came from and
how to send a gradient back to them. Calling `backward()` on a scalar result,
such as a loss, runs the backward pass: it walks that record from the output
back to the inputs. It stores in `.grad` of every node the derivative of the
output with respect to that node.

The operations are `matmul` (`@`), `add` (`+`), `subtract` (`-`),
`multiply` (`*`), `square` (`** 2`), `sigmoid`, `mean` and `sum_all`. Every
value is float64. Results follow IEEE arithmetic without NumPy warnings:
overflow gives inf and inf - inf gives NaN, so check `np.isfinite` on a loss
that may have diverged.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut import activations
from dltut._validation import as_float_array

__all__ = [
    "Node",
    "add",
    "matmul",
    "mean",
    "multiply",
    "sigmoid",
    "square",
    "subtract",
    "sum_all",
    "topological_order",
]

FloatArray = NDArray[np.float64]
# Maps the gradient of an operation's output to the gradients of its operands, in order.
BackwardFunction = Callable[[FloatArray], tuple[FloatArray, ...]]


def _read_only(array: FloatArray) -> FloatArray:
    # The backward pass of every operation that used a value reads it again,
    # so changing it in place in between would give wrong gradients.
    array.flags.writeable = False
    return array


class Node:
    """A value in a computational graph: an array, the operation that made it, and its gradient.

    Parameters
    ----------
    value
        Real number or array of real numbers, such as an input or a weight.
        The node stores a read-only float64 copy.
    name
        Label shown by `repr` and by `dltut.graph_plot.draw_graph`, such as `"W"`.

    Attributes
    ----------
    value : numpy.ndarray
        The read-only float64 value.
    parents : tuple of Node
        The operands of the operation that computed this node, in order; empty
        for a node made by the constructor (an input).
    op : str
        The name of that operation, such as `"matmul"`, or `"input"`.
    name : str
        The label; operations leave it empty unless given `name=`.
    grad : numpy.ndarray or None
        After `backward()` on an output that depends on this node, the
        derivative of that output with respect to `value`, of the same shape.
        None before.

    Raises
    ------
    TypeError
        If `value` is not real-valued or `name` is not a string.

    Examples
    --------
    >>> from dltut.graph import Node
    >>> w = Node([[1.0], [2.0]], name="w")
    >>> w
    Node(name='w', op='input', shape=(2, 1))
    >>> print(w.grad)
    None
    """

    # Makes `numpy_array + node` call Node.__radd__, instead of NumPy adding
    # the node to each array element as an object.
    __array_ufunc__ = None

    def __init__(self, value: ArrayLike, name: str = "") -> None:
        self.value: FloatArray = _read_only(np.array(as_float_array(value, "value"), np.float64))
        self.name = _check_name(name)
        self.parents: tuple[Node, ...] = ()
        self.op = "input"
        self.grad: FloatArray | None = None
        self._backward: BackwardFunction | None = None

    @classmethod
    def _result(
        cls,
        value: ArrayLike,
        parents: tuple[Node, ...],
        op: str,
        backward: BackwardFunction,
        name: str,
    ) -> Node:
        node = cls(value, name)
        node.parents, node.op, node._backward = parents, op, backward
        return node

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of `value`."""
        return self.value.shape

    def __repr__(self) -> str:
        return f"Node(name={self.name!r}, op={self.op!r}, shape={self.shape})"

    def backward(self) -> None:
        r"""Compute the gradient of this node with respect to every node it depends on.

        The nodes are visited from this output back to the inputs, in reverse
        `topological_order`, so that a node's gradient is complete before it is
        passed on. Each operation maps the gradient of its output to those of
        its operands (the chain rule), and a node used by several operations
        receives the sum of their contributions.

        Each call starts from zero and sets `.grad` of every node of this
        graph, so calling it twice gives the same gradients, not twice them.
        `.grad` of a node outside this graph is left as it is.

        Raises
        ------
        ValueError
            If this node is not a scalar: the gradient of an array-valued
            output is a Jacobian, which this module does not compute.

        Notes
        -----
        With $L$ this node, the visit sets $\partial L / \partial L = 1$ and,
        for each node $v$ with consumers $c$,
        $\partial L / \partial v = \sum_c (\partial L / \partial c)(\partial c / \partial v)$.

        Examples
        --------
        >>> from dltut.graph import Node, sum_all
        >>> x = Node([1.0, 2.0, 3.0])
        >>> loss = sum_all(x * x)
        >>> loss.backward()
        >>> x.grad
        array([2., 4., 6.])
        """
        if self.value.size != 1:
            raise ValueError(
                "backward needs a scalar output such as a loss, but this node has shape "
                f"{self.shape}; reduce it to one number first, with mean or sum_all"
            )

        order = topological_order(self)
        grads = {node: np.zeros_like(node.value) for node in order}
        grads[self] = np.ones_like(self.value)
        with np.errstate(over="ignore", invalid="ignore"):
            for node in reversed(order):
                if node._backward is None:
                    continue
                operand_grads = node._backward(grads[node])
                for parent, parent_grad in zip(node.parents, operand_grads, strict=True):
                    # A node used twice (x * x) receives a contribution from each use.
                    grads[parent] += parent_grad
        for node, grad in grads.items():
            node.grad = grad

    def __matmul__(self, other: Node | ArrayLike) -> Node:
        return matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Node:
        return matmul(other, self)

    def __add__(self, other: Node | ArrayLike) -> Node:
        return add(self, other)

    def __radd__(self, other: ArrayLike) -> Node:
        return add(other, self)

    def __sub__(self, other: Node | ArrayLike) -> Node:
        return subtract(self, other)

    def __rsub__(self, other: ArrayLike) -> Node:
        return subtract(other, self)

    def __mul__(self, other: Node | ArrayLike) -> Node:
        return multiply(self, other)

    def __rmul__(self, other: ArrayLike) -> Node:
        return multiply(other, self)

    def __pow__(self, exponent: int) -> Node:
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real) or exponent != 2:
            raise ValueError(f"only the exponent 2 is supported (** 2 is square), got {exponent!r}")
        return square(self)


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {name!r} of type {type(name).__name__}")
    return name


def _as_node(operand: Node | ArrayLike, argument: str) -> Node:
    """Return `operand` itself if it is a node, else a new input node containing it."""
    if isinstance(operand, Node):
        return operand
    return Node(as_float_array(operand, argument))


def _label(node: Node, argument: str) -> str:
    """Name an operand in an error message, with the node's name when it has one."""
    return f"{argument} ({node.name})" if node.name else argument


def _unbroadcast(grad: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """Sum `grad` down to `shape`, undoing NumPy broadcasting.

    Broadcasting uses each element of an operand in several output positions,
    so its gradient is the sum of the gradients of all those positions.
    """
    leading = grad.ndim - len(shape)
    summed = grad.sum(axis=tuple(range(leading))) if leading else grad
    stretched = tuple(
        axis for axis, size in enumerate(shape) if size == 1 and summed.shape[axis] != 1
    )
    if stretched:
        summed = summed.sum(axis=stretched, keepdims=True)
    return summed


def _elementwise(
    a: Node | ArrayLike,
    b: Node | ArrayLike,
    op: str,
    forward: Callable[[FloatArray, FloatArray], FloatArray],
    local_grads: Callable[[FloatArray, FloatArray, FloatArray], tuple[FloatArray, FloatArray]],
    name: str,
) -> Node:
    """Apply a broadcasting binary operation; `local_grads(g, a, b)` returns unsummed gradients."""
    left, right = _as_node(a, "a"), _as_node(b, "b")
    try:
        np.broadcast_shapes(left.shape, right.shape)
    except ValueError:
        raise ValueError(
            f"{op}: {_label(left, 'a')} has shape {left.shape} but {_label(right, 'b')} has "
            f"shape {right.shape}; the shapes must be equal or broadcastable, such as "
            "(n, m) and a row of shape (1, m)"
        ) from None

    def backward(grad: FloatArray) -> tuple[FloatArray, FloatArray]:
        grad_a, grad_b = local_grads(grad, left.value, right.value)
        return _unbroadcast(grad_a, left.shape), _unbroadcast(grad_b, right.shape)

    with np.errstate(over="ignore", invalid="ignore"):
        value = forward(left.value, right.value)
    return Node._result(value, (left, right), op, backward, name)


def add(a: Node | ArrayLike, b: Node | ArrayLike, *, name: str = "") -> Node:
    r"""Add two arrays elementwise, with NumPy broadcasting: `a + b`.

    Parameters
    ----------
    a, b
        Nodes or arrays (arrays become input nodes) of broadcastable shapes,
        such as a batch of shape (n, m) and a bias row of shape (1, m).
    name
        Label of the result.

    Returns
    -------
    Node
        The sum, of the broadcast shape.

    Raises
    ------
    ValueError
        If the shapes cannot be broadcast together; the message names both.

    Notes
    -----
    Both local derivatives are 1, so the upstream gradient $G$ passes to both
    operands. An operand that broadcasting repeated, like the bias row $b$
    added to every row, gets the sum over the repeats:
    $\partial L / \partial b_j = \sum_i G_{ij}$.

    Examples
    --------
    >>> from dltut.graph import Node, add, sum_all
    >>> bias = Node([[10.0, 20.0]])
    >>> sum_all(add([[1.0, 2.0], [3.0, 4.0]], bias)).backward()
    >>> bias.grad
    array([[2., 2.]])
    """
    return _elementwise(a, b, "add", np.add, lambda g, _a, _b: (g, g), name)


def subtract(a: Node | ArrayLike, b: Node | ArrayLike, *, name: str = "") -> Node:
    """Subtract elementwise, with NumPy broadcasting: `a - b`.

    Parameters, result and errors are as for `add`. The local derivatives
    are 1 for `a` and -1 for `b`.

    Examples
    --------
    >>> from dltut.graph import Node, subtract, sum_all
    >>> b = Node([1.0, 2.0])
    >>> sum_all(subtract([5.0, 5.0], b)).backward()
    >>> b.grad
    array([-1., -1.])
    """
    return _elementwise(a, b, "subtract", np.subtract, lambda g, _a, _b: (g, -g), name)


def multiply(a: Node | ArrayLike, b: Node | ArrayLike, *, name: str = "") -> Node:
    r"""Multiply elementwise, with NumPy broadcasting: `a * b`.

    Parameters, result and errors are as for `add`. The local derivative
    with respect to each operand is the other operand:
    $\partial L / \partial a = G \odot b$ and $\partial L / \partial b = G \odot a$.

    Examples
    --------
    >>> from dltut.graph import Node, multiply, sum_all
    >>> a = Node([1.0, 2.0])
    >>> sum_all(multiply(a, [3.0, 4.0])).backward()
    >>> a.grad
    array([3., 4.])
    """
    return _elementwise(a, b, "multiply", np.multiply, lambda g, a_, b_: (g * b_, g * a_), name)


def matmul(a: Node | ArrayLike, b: Node | ArrayLike, *, name: str = "") -> Node:
    r"""Multiply two matrices: `a @ b`.

    Parameters
    ----------
    a
        Node or array of shape (n, k), such as a batch of n examples.
    b
        Node or array of shape (k, m), such as a weight matrix.
    name
        Label of the result.

    Returns
    -------
    Node
        The product, of shape (n, m).

    Raises
    ------
    ValueError
        If an operand is not 2-d or the columns of `a` differ from the rows
        of `b`.

    Notes
    -----
    For $C = AB$ with upstream gradient $G = \partial L / \partial C$:
    $\partial L / \partial A = G B^\top$ and $\partial L / \partial B = A^\top G$.
    Each has the shape of its operand, and each needs the other operand's
    value, which the forward pass keeps.

    Examples
    --------
    >>> from dltut.graph import Node, matmul, sum_all
    >>> w = Node([[1.0], [1.0]])
    >>> sum_all(matmul([[1.0, 2.0], [3.0, 4.0]], w)).backward()
    >>> w.grad
    array([[4.],
           [6.]])
    """
    left, right = _as_node(a, "a"), _as_node(b, "b")
    if left.value.ndim != 2 or right.value.ndim != 2:
        raise ValueError(
            f"matmul needs 2-d operands, but {_label(left, 'a')} has shape {left.shape} and "
            f"{_label(right, 'b')} has shape {right.shape}; reshape a vector to (n, 1) or (1, n)"
        )
    if left.shape[1] != right.shape[0]:
        raise ValueError(
            f"matmul: {_label(left, 'a')} has shape {left.shape} but {_label(right, 'b')} "
            f"has shape {right.shape}; a's columns must equal b's rows"
        )

    def backward(grad: FloatArray) -> tuple[FloatArray, FloatArray]:
        return grad @ right.value.T, left.value.T @ grad

    with np.errstate(over="ignore", invalid="ignore"):
        value = left.value @ right.value
    return Node._result(value, (left, right), "matmul", backward, name)


def _unary(
    a: Node | ArrayLike,
    op: str,
    forward: Callable[[FloatArray], ArrayLike],
    local_grad: Callable[[FloatArray, FloatArray], FloatArray],
    name: str,
) -> Node:
    """Apply a one-operand operation; `local_grad(g, a)` gives the operand's gradient."""
    operand = _as_node(a, "a")

    def backward(grad: FloatArray) -> tuple[FloatArray]:
        return (local_grad(grad, operand.value),)

    with np.errstate(over="ignore", invalid="ignore"):
        value = forward(operand.value)
    return Node._result(value, (operand,), op, backward, name)


def sigmoid(a: Node | ArrayLike, *, name: str = "") -> Node:
    r"""Apply the logistic sigmoid $\sigma(x) = 1 / (1 + e^{-x})$ to each element.

    Parameters
    ----------
    a
        Node or array of any shape.
    name
        Label of the result.

    Returns
    -------
    Node
        Values in [0, 1], of the shape of `a`.

    Notes
    -----
    The local derivative is $\sigma(x)(1 - \sigma(x))$, computed by
    `dltut.activations.sigmoid_derivative` from the saved input, which stays
    accurate where $\sigma(x)$ rounds to 1.

    Examples
    --------
    >>> from dltut.graph import Node, sigmoid
    >>> x = Node(0.0)
    >>> sigmoid(x).backward()
    >>> float(x.grad)
    0.25
    """
    return _unary(
        a,
        "sigmoid",
        activations.sigmoid,
        lambda g, x: g * activations.sigmoid_derivative(x),
        name,
    )


def square(a: Node | ArrayLike, *, name: str = "") -> Node:
    r"""Square each element: `a ** 2`.

    Parameters
    ----------
    a
        Node or array of any shape.
    name
        Label of the result.

    Returns
    -------
    Node
        The squares, of the shape of `a`.

    Notes
    -----
    The local derivative is $2a$, so the backward pass needs the input:
    $\partial L / \partial a = 2a \odot G$.

    Examples
    --------
    >>> from dltut.graph import Node, square
    >>> x = Node(3.0)
    >>> square(x).backward()
    >>> float(x.grad)
    6.0
    """
    return _unary(a, "square", np.square, lambda g, x: 2 * x * g, name)


def sum_all(a: Node | ArrayLike, *, name: str = "") -> Node:
    r"""Add up all the elements into a scalar.

    Parameters
    ----------
    a
        Node or array of any shape.
    name
        Label of the result.

    Returns
    -------
    Node
        The sum, of shape `()`.

    Notes
    -----
    Each element enters the sum with derivative 1, so each element's
    gradient is the upstream gradient $g$, repeated to the shape of `a`.

    Examples
    --------
    >>> from dltut.graph import Node, sum_all
    >>> x = Node([[1.0, 2.0], [3.0, 4.0]])
    >>> total = sum_all(x)
    >>> float(total.value), total.shape
    (10.0, ())
    """
    return _unary(a, "sum", np.sum, lambda g, x: np.full_like(x, g), name)


def mean(a: Node | ArrayLike, *, name: str = "") -> Node:
    r"""Average all the elements into a scalar.

    Parameters
    ----------
    a
        Node or array of any shape with at least one element.
    name
        Label of the result.

    Returns
    -------
    Node
        The mean, of shape `()`.

    Raises
    ------
    ValueError
        If `a` is empty, where the mean is undefined.

    Notes
    -----
    For an input with $N$ elements, each element's local derivative is
    $1 / N$, so each element's gradient is $g / N$.

    Examples
    --------
    >>> from dltut.graph import Node, mean
    >>> x = Node([2.0, 4.0, 6.0, 8.0])
    >>> mean(x).backward()
    >>> x.grad
    array([0.25, 0.25, 0.25, 0.25])
    """
    operand = _as_node(a, "a")
    if operand.value.size == 0:
        raise ValueError(
            f"mean of an empty array is undefined, but a has shape {operand.shape}; "
            "pass an array with at least one element"
        )
    return _unary(operand, "mean", np.mean, lambda g, x: np.full_like(x, g / x.size), name)


def topological_order(output: Node) -> list[Node]:
    """List `output` and every node it depends on, each after all of its parents.

    Parameters
    ----------
    output
        The last node of a graph, such as a loss.

    Returns
    -------
    list of Node
        Each node once, inputs first and `output` last. Parents are visited
        in operand order, so the order is the same on every run.

    Raises
    ------
    TypeError
        If `output` is not a `Node`.

    Examples
    --------
    >>> from dltut.graph import Node, square, topological_order
    >>> x = Node(2.0, name="x")
    >>> [node.op for node in topological_order(square(x) + x)]
    ['input', 'square', 'add']
    """
    if not isinstance(output, Node):
        raise TypeError(f"output must be a Node, got {type(output).__name__}")

    order: list[Node] = []
    visited: set[Node] = set()
    # An explicit stack instead of recursion, so long chains do not hit the recursion limit.
    # An entry (node, True) means that all of node's parents are already in `order`.
    stack: list[tuple[Node, bool]] = [(output, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        stack.extend((parent, False) for parent in reversed(node.parents) if parent not in visited)
    return order
