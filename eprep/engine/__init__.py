"""NumPy deep-learning engine with the names and interfaces of Deep Learning from Scratch.

Layers: forward(x, train_flg=...) and backward(dout) -> dx, parameter gradients in dW/db
(dgamma/dbeta). Optimizers: update(params, grads) in place. Nets: a params dict whose arrays are
the layers' (re-attach new ones with `load_params`). Normalisation beside batch norm (LayerNorm,
InstanceNorm, GroupNorm, LRN), the convolution family (depthwise, pointwise, separable,
dilated/causal 1-D, transposed, global average pooling), Residual and the activations beyond
ReLU (LeakyRelu, Elu, Gelu, Swish) follow the same interface; AdamW and the learning-rate
schedules (StepLR, CosineLR, WarmupCosineLR) follow the optimizers'. Recurrent, attention and
word2vec layers follow DLFS2 instead: `params` and `grads` lists, gradients overwritten in
place. float64 by default; float32 inputs stay float32. Imports nothing from eprep.

Where it departs from DLFS (each layer's docstring says why): strides that do not divide take
the floor; SoftmaxWithLoss uses an exact log-softmax and backward (y - t) / N; Dropout is
inverted and ClassicDropout is DLFS's original; max pooling pads with -inf.
"""

from eprep.engine.attention import Attention, AttentionWeight, TimeAttention, WeightSum
from eprep.engine.clipping import clip_by_value
from eprep.engine.conv import AvgPooling, Convolution, Pooling, col2im, conv_output_size, im2col
from eprep.engine.conv_family import (
    Conv1D,
    DepthwiseConvolution,
    GlobalAveragePooling,
    PointwiseConvolution,
    SeparableConvolution,
    TransposedConvolution,
    conv1d_output_size,
    conv_mult_adds,
    conv_param_count,
    dilated_receptive_field,
    separable_mult_adds,
    separable_param_count,
    transposed_output_size,
)
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
from eprep.engine.normalization import (
    BatchNormalization,
    GroupNorm,
    InstanceNorm,
    LayerNorm,
    LocalResponseNormalization,
)
from eprep.engine.optimizers import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSprop
from eprep.engine.residual import Residual
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
    "Conv1D",
    "Convolution",
    "CosineLR",
    "DepthwiseConvolution",
    "Dropout",
    "Elu",
    "Embedding",
    "EmbeddingDot",
    "Gelu",
    "GlobalAveragePooling",
    "GroupNorm",
    "InstanceNorm",
    "LayerNorm",
    "LeakyRelu",
    "LocalResponseNormalization",
    "Momentum",
    "MultiLayerNet",
    "MultiLayerNetExtend",
    "NegativeSamplingLoss",
    "Nesterov",
    "PointwiseConvolution",
    "Pooling",
    "RMSprop",
    "Relu",
    "Residual",
    "SeparableConvolution",
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
    "TransposedConvolution",
    "UnigramSampler",
    "WarmupCosineLR",
    "WeightSum",
    "beam_search",
    "clip_by_value",
    "clip_grads",
    "col2im",
    "conv1d_output_size",
    "conv_mult_adds",
    "conv_output_size",
    "conv_param_count",
    "cross_entropy_error",
    "dilated_receptive_field",
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
    "separable_mult_adds",
    "separable_param_count",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "step_function",
    "sum_squared_error",
    "swish",
    "swish_grad",
    "tanh",
    "tanh_grad",
    "transposed_output_size",
    "weight_init_std",
]
