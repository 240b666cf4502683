"""Building blocks of neural networks: operations, layers, losses and the network itself.

Every backward pass is written by hand and tested against central
differences and against HIPS autograd.
"""

from __future__ import annotations

from dltut.nn.init import INITIALIZERS, get_initializer, glorot_normal, he_normal, standard_normal
from dltut.nn.layers import Dense, Layer
from dltut.nn.losses import Loss, MeanSquaredError, SoftmaxCrossEntropy
from dltut.nn.network import NeuralNetwork
from dltut.nn.operations import (
    BiasAdd,
    Dropout,
    Linear,
    Operation,
    ParamOperation,
    ReLU,
    Sigmoid,
    Tanh,
    WeightMultiply,
)

__all__ = [
    "INITIALIZERS",
    "BiasAdd",
    "Dense",
    "Dropout",
    "Layer",
    "Linear",
    "Loss",
    "MeanSquaredError",
    "NeuralNetwork",
    "Operation",
    "ParamOperation",
    "ReLU",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "WeightMultiply",
    "get_initializer",
    "glorot_normal",
    "he_normal",
    "standard_normal",
]
