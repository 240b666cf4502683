"""dltut: deep learning from first principles, in NumPy.

The public functions are re-exported here, so `from dltut import softmax`
works; each lives in a module of its own concept:

- `dltut.activations`: ReLU, Leaky ReLU, sigmoid, tanh and their derivatives
- `dltut.logits`: softmax, log-softmax and the softmax Jacobian
- `dltut.calculus`: numerical derivatives
- `dltut.tangent`: tangent lines
- `dltut.chain`: composition of functions and the chain rule
- `dltut.gradients`: numerical gradients and Jacobians, gradient checking
- `dltut.multivariate`: the backward pass through matrix product, sigmoid and sum
- `dltut.regression`: linear regression by gradient descent and least squares

These modules are imported by name, because their names are generic:

- `dltut.graph` and `dltut.graph_plot`: a computational graph with
  reverse-mode automatic differentiation, and its drawing
- `dltut.mlp`: a neural network with one hidden layer, written out by hand
- `dltut.nn`: operations, layers, losses and networks with backward passes
- `dltut.optim`: SGD, momentum and learning-rate schedules
- `dltut.train`: mini-batches, the training loop and its history
- `dltut.metrics`: accuracy and the confusion matrix
- `dltut.data`: data sets that ship with installed packages, splits, scaling
- `dltut.plotting`: the figure helpers used by the site
- `dltut.image_plots`: image grids and confusion-matrix figures
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
from dltut.chain import chain, chain_derivative
from dltut.gradients import numerical_gradient, numerical_jacobian, relative_error
from dltut.logits import log_softmax, softmax, softmax_jacobian
from dltut.multivariate import (
    MatmulSigmoidSumForward,
    matmul_sigmoid_sum,
    matmul_sigmoid_sum_backward,
    matmul_sigmoid_sum_forward,
    matmul_sigmoid_sum_gradients,
)
from dltut.regression import (
    LinearModel,
    TrainingHistory,
    fit_linear_regression,
    least_squares,
    linear_gradients,
    mean_squared_error,
)
from dltut.tangent import TangentLine, tangent_line

__version__ = "0.1.0"

__all__ = [
    "LinearModel",
    "MatmulSigmoidSumForward",
    "TangentLine",
    "TrainingHistory",
    "__version__",
    "chain",
    "chain_derivative",
    "complex_step_deriv",
    "deriv",
    "fit_linear_regression",
    "leaky_relu",
    "leaky_relu_derivative",
    "least_squares",
    "linear_gradients",
    "log_softmax",
    "matmul_sigmoid_sum",
    "matmul_sigmoid_sum_backward",
    "matmul_sigmoid_sum_forward",
    "matmul_sigmoid_sum_gradients",
    "mean_squared_error",
    "numerical_gradient",
    "numerical_jacobian",
    "recommended_step",
    "relative_error",
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
