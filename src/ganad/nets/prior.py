"""The latent prior p(z): sampling and the per-sample log density."""

import math

import torch

PRIORS = ("normal", "uniform")


class LatentPrior:
    """Prior over the generator's input, ``N(0, I)`` or ``U(-1, 1)^d``.

    ``log_prob`` follows Haloui et al. 2018, §5.2 (after Creswell & Bharath 2016):
    ``log P(z) = 1/d * sum_i log P(z_i)``, the per-coordinate mean, so that the
    penalty weight does not scale with the latent size.
    """

    def __init__(self, kind, latent_dim):
        if kind not in PRIORS:
            raise ValueError(f"prior must be one of {PRIORS}, got {kind!r}")
        self.kind = kind
        self.latent_dim = latent_dim

    def sample(self, n, *, generator, device):
        """Draw ``n`` latent vectors, shape ``(n, latent_dim)``."""
        shape = (n, self.latent_dim)
        if self.kind == "normal":
            return torch.randn(shape, generator=generator, device=device)
        return torch.rand(shape, generator=generator, device=device) * 2 - 1

    def log_prob(self, z):
        """Mean log density per coordinate, shape ``z.shape[:-1]``."""
        if self.kind == "normal":
            return (-0.5 * z.pow(2) - 0.5 * math.log(2 * math.pi)).mean(dim=-1)
        inside = (z.abs() <= 1).all(dim=-1)
        return torch.full(inside.shape, -math.log(2.0), device=z.device).masked_fill(~inside, -math.inf)
