"""dltut: deep learning from first principles, in NumPy.

The public functions are re-exported here, so `from dltut import softmax`
works; each lives in a module of its own concept:

- `dltut.activations`: ReLU, Leaky ReLU, sigmoid, tanh and their derivatives
- `dltut.logits`: softmax, log-softmax and the softmax Jacobian
- `dltut.calculus`: numerical derivatives
- `dltut.tangent`: tangent lines
- `dltut.plotting`: the figure helpers used by the site
"""

from dltut.activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from dltut.calculus import complex_step_deriv, deriv, recommended_step, richardson_deriv
from dltut.logits import log_softmax, softmax, softmax_jacobian
from dltut.tangent import TangentLine, tangent_line

__version__ = "0.1.0"

__all__ = [
    "TangentLine",
    "__version__",
    "complex_step_deriv",
    "deriv",
    "leaky_relu",
    "leaky_relu_derivative",
    "log_softmax",
    "recommended_step",
    "relu",
    "relu_derivative",
    "richardson_deriv",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softmax_jacobian",
    "tangent_line",
    "tanh",
    "tanh_derivative",
]
