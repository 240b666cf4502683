"""The contract of an operation: `forward` stores input and output, `backward` uses them.

`dltut.nn.operations` defines the concrete operations on top of these two
base classes and re-exports them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array

__all__ = ["Operation", "ParamOperation"]

FloatArray = NDArray[np.float64]


def _as_float64(x: ArrayLike, name: str) -> FloatArray:
    # copy=False: float64 input, the common case, passes through without a copy.
    return as_float_array(x, name).astype(np.float64, copy=False)


class Operation:
    """Base class of all operations: stores the input and output of `forward` for `backward`.

    Subclasses implement `_output(training)`, which computes the output from
    `self.input_`, and `_input_grad(output_grad)`, which returns the
    gradient with respect to the input. `input_`, `output` and `input_grad`
    are None until `forward` and `backward` have run.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn import Sigmoid
    >>> operation = Sigmoid()
    >>> operation.forward(np.zeros((1, 2)))
    array([[0.5, 0.5]])
    >>> operation.backward(np.ones((1, 2)))
    array([[0.25, 0.25]])
    """

    def __init__(self) -> None:
        self.input_: FloatArray | None = None
        self.output: FloatArray | None = None
        self.input_grad: FloatArray | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def forward(self, input_: ArrayLike, *, training: bool = False) -> FloatArray:
        """Compute the output for `input_` and store both for `backward`.

        Parameters
        ----------
        input_
            Real-valued array, converted to float64.
        training
            True during training. Only `Dropout` behaves differently.

        Returns
        -------
        numpy.ndarray
            The output, float64.

        Raises
        ------
        TypeError
            If `input_` is not real-valued.
        ValueError
            If the operation needs another shape, as its class documents.
        """
        array = _as_float64(input_, "input_")
        self._check_input(array)
        self.input_ = array
        self.output = self._output(bool(training))
        return self.output

    def backward(self, output_grad: ArrayLike) -> FloatArray:
        r"""Return the gradient of the loss with respect to the input of the last `forward`.

        Parameters
        ----------
        output_grad
            $\partial L / \partial Y$, the gradient with respect to the output,
            of the output's shape.

        Returns
        -------
        numpy.ndarray
            $\partial L / \partial X$, of the input's shape.

        Raises
        ------
        RuntimeError
            If `forward` has not been called yet.
        ValueError
            If `output_grad`'s shape differs from the output's.
        """
        grad = self._checked_output_grad(output_grad, "backward")
        self._store_param_grad(grad)
        self.input_grad = self._input_grad(grad)
        return self.input_grad

    def backward_params(self, output_grad: ArrayLike) -> None:
        """Store the parameter's gradient as `backward` does, but skip the input gradient.

        A network's first operation needs no input gradient, because its
        input is data that no optimizer changes. `input_grad` becomes None.
        For an operation without a parameter this only checks `output_grad`.

        Raises
        ------
        RuntimeError
            If `forward` has not been called yet.
        ValueError
            If `output_grad`'s shape differs from the output's.
        """
        grad = self._checked_output_grad(output_grad, "backward_params")
        self._store_param_grad(grad)
        self.input_grad = None

    def _checked_output_grad(self, output_grad: ArrayLike, method: str) -> FloatArray:
        output = self._require_output(method)
        grad = _as_float64(output_grad, "output_grad")
        if grad.shape != output.shape:
            raise ValueError(
                f"output_grad has shape {grad.shape} but the output of {type(self).__name__} "
                f"has shape {output.shape}; they must be equal"
            )
        return grad

    def _require_output(self, method: str) -> FloatArray:
        if self.output is None:
            raise RuntimeError(
                f"{type(self).__name__}.{method} called before forward; call forward first"
            )
        return self.output

    def _require_input(self) -> FloatArray:
        if self.input_ is None:
            raise RuntimeError(f"{type(self).__name__} has no input yet; call forward first")
        return self.input_

    def _check_input(self, input_: FloatArray) -> None:
        """Raise `ValueError` if the operation cannot take `input_`; any shape by default."""

    def _store_param_grad(self, output_grad: FloatArray) -> None:
        """Compute the parameter's gradient; operations without a parameter have none."""

    def _output(self, training: bool) -> FloatArray:
        raise NotImplementedError(f"{type(self).__name__} must implement _output")

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        raise NotImplementedError(f"{type(self).__name__} must implement _input_grad")


class ParamOperation(Operation):
    """Base class of operations with a parameter `param`, whose gradient `backward` stores.

    `param` is a float64 copy of the array given, and optimizers update it in
    place. `param_grad` has `param`'s shape and is None until `backward` has
    run. Subclasses also implement `_param_grad(output_grad)`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn import WeightMultiply
    >>> operation = WeightMultiply(np.array([[2.0], [3.0]]))
    >>> operation.forward(np.array([[1.0, 1.0]]))
    array([[5.]])
    >>> _ = operation.backward(np.array([[1.0]]))
    >>> operation.param_grad
    array([[1.],
           [1.]])
    """

    def __init__(self, param: ArrayLike, name: str = "param") -> None:
        super().__init__()
        self.param: FloatArray = _as_float64(param, name).copy()
        self.param_grad: FloatArray | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shape={self.param.shape})"

    def _store_param_grad(self, output_grad: FloatArray) -> None:
        self.param_grad = self._param_grad(output_grad)

    def _param_grad(self, output_grad: FloatArray) -> FloatArray:
        raise NotImplementedError(f"{type(self).__name__} must implement _param_grad")
