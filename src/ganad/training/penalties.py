"""Lipschitz constraints of the Wasserstein critic, as pure functions."""

import contextlib

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

CONSTANT_SLOPES_MIN_NUMEL = 2**14  # smaller x_hat batches: ConstantSlopes costs more time than it saves


def gradient_penalty(critic, real, fake, *, weight, generator, eps=None):
    """WGAN-GP penalty ``weight * E[(||grad_x f(x_hat)||_2 - 1)^2]`` (Haloui Eq. 11).

    ``x_hat = eps * real + (1 - eps) * fake`` with one ``eps ~ U[0, 1]`` per sample
    (Algorithm 2), broadcast over every feature dimension, so any input shape works;
    ``eps`` is drawn from ``generator`` by :func:`interpolation_weights` unless given.
    For batches of at least ``CONSTANT_SLOPES_MIN_NUMEL`` numbers (images), the critic runs
    on ``x_hat`` under :class:`ConstantSlopes`, which saves time and changes no number.
    """
    if eps is None:
        eps = interpolation_weights(real.shape[0], real, generator)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    with ConstantSlopes() if x_hat.numel() >= CONSTANT_SLOPES_MIN_NUMEL else contextlib.nullcontext():
        scores = critic(x_hat)  # (B,)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    return weight * (grad.flatten(1).norm(2, dim=1) - 1).pow(2).mean()


def interpolation_weights(n, like, generator):
    """``n`` draws of eps ~ U[0, 1] shaped ``(n,) + (1,) * (like.ndim - 1)``, ``like``'s dtype and device."""
    eps_shape = (n,) + (1,) * (like.ndim - 1)
    return torch.rand(eps_shape, generator=generator, device=like.device, dtype=like.dtype)


@torch.no_grad()
def clip_weights(module, clip_value):
    """Clamp every parameter to ``[-c, c]`` (Arjovsky et al. 2017; Haloui §3.3, c = 0.01)."""
    for param in module.parameters():
        param.clamp_(-clip_value, clip_value)


class ConstantSlopes(TorchFunctionMode):
    """Inside the block, ReLU and leaky ReLU are differentiated twice without their masks.

    Their slope is piecewise constant, so its derivative is zero. Autograd still
    differentiates ``relu``'s backward with respect to the activation it saved, and the
    gradient penalty's double backward then sends those zeros back through the forward
    pass of ``x_hat``: a weight gradient (and an input gradient) of zeros per layer, added
    to the weight gradients. Here the forward and the backward run the same kernels on the
    same values; only the saved activation enters the backward detached. The values and
    gradients are the same, bit for bit (up to the sign of a gradient that is exactly 0),
    and the zeros are never computed. Other functions, and in-place activations, run as
    they are.
    """

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in _RELUS:
            x, inplace = _relu_args(*args, **kwargs)
            if not inplace:
                return _ReLU.apply(x)
        elif func is F.leaky_relu:
            x, slope, inplace = _leaky_relu_args(*args, **kwargs)
            if not inplace:
                return _LeakyReLU.apply(x, slope)
        return func(*args, **kwargs)


class _ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.relu(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return torch.ops.aten.threshold_backward(grad, out.detach(), 0)  # relu's own backward


class _LeakyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        ctx.save_for_backward(x)
        return F.leaky_relu(x, slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return torch.ops.aten.leaky_relu_backward(grad, x.detach(), ctx.slope, False), None  # leaky_relu's own


_RELUS = (F.relu, torch.relu, torch.Tensor.relu)


def _relu_args(input, inplace=False):
    return input, inplace


def _leaky_relu_args(input, negative_slope=0.01, inplace=False):
    return input, negative_slope, inplace
