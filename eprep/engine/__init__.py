"""NumPy deep-learning engine with the names and interfaces of Deep Learning from Scratch.

Layers: forward(x, train_flg=...) and backward(dout) -> dx, parameter gradients in dW/db
(dgamma/dbeta). Optimizers: update(params, grads) in place. Nets: params dict shared with
the layers. Recurrent, attention and word2vec layers follow DLFS2 instead: `params` and
`grads` lists, gradients overwritten in place. float64 by default; float32 inputs stay
float32. Imports nothing from eprep.

Where it departs from DLFS (each layer's docstring says why): strides that do not divide take
the floor; SoftmaxWithLoss uses an exact log-softmax and backward (y - t) / N; Dropout is
inverted and ClassicDropout is DLFS's original; max pooling pads with -inf.
"""

from eprep.engine.attention import Attention, AttentionWeight, TimeAttention, WeightSum
from eprep.engine.clipping import clip_by_value
from eprep.engine.conv import AvgPooling, Convolution, Pooling, col2im, conv_output_size, im2col
from eprep.engine.functions import (
    cross_entropy_error,
    elu,
    elu_grad,
    gelu,
    gelu_grad,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    step_function,
    sum_squared_error,
    swish,
    swish_grad,
    tanh,
    tanh_grad,
)
from eprep.engine.gradcheck import numerical_gradient, relative_error
from eprep.engine.init import weight_init_std
from eprep.engine.layers import (
    Activation,
    Affine,
    ClassicDropout,
    Dropout,
    Elu,
    Gelu,
    LeakyRelu,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Swish,
    Tanh,
)
from eprep.engine.nets import MultiLayerNet, MultiLayerNetExtend, SimpleConvNet
from eprep.engine.normalization import BatchNormalization
from eprep.engine.optimizers import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSprop
from eprep.engine.schedules import CosineLR, StepLR, WarmupCosineLR
from eprep.engine.search import beam_search
from eprep.engine.time_layers import (
    GRU,
    LSTM,
    RNN,
    Embedding,
    TimeAffine,
    TimeBiLSTM,
    TimeEmbedding,
    TimeGRU,
    TimeLSTM,
    TimeRNN,
    TimeSoftmaxWithLoss,
    clip_grads,
)
from eprep.engine.word2vec import (
    CBOW,
    EmbeddingDot,
    NegativeSamplingLoss,
    SigmoidWithLoss,
    SkipGram,
    UnigramSampler,
)

__all__ = [
    "CBOW",
    "GRU",
    "LSTM",
    "RNN",
    "SGD",
    "Activation",
    "AdaGrad",
    "Adam",
    "AdamW",
    "Affine",
    "Attention",
    "AttentionWeight",
    "AvgPooling",
    "BatchNormalization",
    "ClassicDropout",
    "Convolution",
    "CosineLR",
    "Dropout",
    "Elu",
    "Embedding",
    "EmbeddingDot",
    "Gelu",
    "LeakyRelu",
    "Momentum",
    "MultiLayerNet",
    "MultiLayerNetExtend",
    "NegativeSamplingLoss",
    "Nesterov",
    "Pooling",
    "RMSprop",
    "Relu",
    "Sigmoid",
    "SigmoidWithLoss",
    "SimpleConvNet",
    "SkipGram",
    "SoftmaxWithLoss",
    "StepLR",
    "Swish",
    "Tanh",
    "TimeAffine",
    "TimeAttention",
    "TimeBiLSTM",
    "TimeEmbedding",
    "TimeGRU",
    "TimeLSTM",
    "TimeRNN",
    "TimeSoftmaxWithLoss",
    "UnigramSampler",
    "WarmupCosineLR",
    "WeightSum",
    "beam_search",
    "clip_by_value",
    "clip_grads",
    "col2im",
    "conv_output_size",
    "cross_entropy_error",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "im2col",
    "leaky_relu",
    "leaky_relu_grad",
    "numerical_gradient",
    "relative_error",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "step_function",
    "sum_squared_error",
    "swish",
    "swish_grad",
    "tanh",
    "tanh_grad",
    "weight_init_std",
]
