"""NumPy deep-learning engine with the names and interfaces of Deep Learning from Scratch.

Layers: forward(x, train_flg=...) and backward(dout) -> dx, parameter gradients in dW/db
(dgamma/dbeta). Optimizers: update(params, grads) in place. Nets: params dict shared with
the layers. float64 by default; float32 inputs stay float32. Imports nothing from eprep.

Where it departs from DLFS (each layer's docstring says why): strides that do not divide take
the floor; SoftmaxWithLoss uses an exact log-softmax and backward (y - t) / N; Dropout is
inverted and ClassicDropout is DLFS's original; max pooling pads with -inf.
"""

from eprep.engine.conv import AvgPooling, Convolution, Pooling, col2im, conv_output_size, im2col
from eprep.engine.functions import (
    cross_entropy_error,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    sum_squared_error,
    tanh,
    tanh_grad,
)
from eprep.engine.gradcheck import numerical_gradient, relative_error
from eprep.engine.init import weight_init_std
from eprep.engine.layers import (
    Affine,
    ClassicDropout,
    Dropout,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)
from eprep.engine.nets import MultiLayerNet, MultiLayerNetExtend, SimpleConvNet
from eprep.engine.normalization import BatchNormalization
from eprep.engine.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "Affine",
    "AvgPooling",
    "BatchNormalization",
    "ClassicDropout",
    "Convolution",
    "Dropout",
    "Momentum",
    "MultiLayerNet",
    "MultiLayerNetExtend",
    "Nesterov",
    "Pooling",
    "RMSprop",
    "Relu",
    "Sigmoid",
    "SimpleConvNet",
    "SoftmaxWithLoss",
    "Tanh",
    "col2im",
    "conv_output_size",
    "cross_entropy_error",
    "im2col",
    "numerical_gradient",
    "relative_error",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "sum_squared_error",
    "tanh",
    "tanh_grad",
    "weight_init_std",
]
