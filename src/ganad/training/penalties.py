"""Lipschitz constraints of the Wasserstein critic, as pure functions."""

import torch


def gradient_penalty(critic, real, fake, *, weight, generator):
    """WGAN-GP penalty ``weight * E[(||grad_x f(x_hat)||_2 - 1)^2]`` (Haloui Eq. 11).

    ``x_hat = eps * real + (1 - eps) * fake`` with one ``eps ~ U[0, 1]`` per sample
    (Algorithm 2), broadcast over every feature dimension, so any input shape works.
    """
    eps_shape = (real.shape[0],) + (1,) * (real.ndim - 1)
    eps = torch.rand(eps_shape, generator=generator, device=real.device, dtype=real.dtype)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * (grad.flatten(1).norm(2, dim=1) - 1).pow(2).mean()


@torch.no_grad()
def clip_weights(module, clip_value):
    """Clamp every parameter to ``[-c, c]`` (Arjovsky et al. 2017; Haloui §3.3, c = 0.01)."""
    for param in module.parameters():
        param.clamp_(-clip_value, clip_value)
