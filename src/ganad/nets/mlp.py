"""Fully connected generator, critic and encoder (Haloui et al. 2018, §3.2 and §5.1).

The paper's ring networks are 2-128-128-2 (generator) and 2-128-128-1 (critic). The
activation is not stated; we use ReLU, the usual choice of the WGAN-GP toy code.
"""

from dataclasses import dataclass

from torch import nn

from .blocks import linear_stack


@dataclass(frozen=True)
class MLPConfig:
    """Shapes of the fully connected networks."""

    n_features: int
    latent_dim: int = 2
    hidden: tuple = (128, 128)
    output_activation: str | None = None  # None (unbounded data) or "tanh" ([-1, 1] data)


class MLPGenerator(nn.Module):
    """G: z (B, latent_dim) -> x (B, n_features)."""

    def __init__(self, config):
        super().__init__()
        layers = list(linear_stack([config.latent_dim, *config.hidden, config.n_features]))
        if config.output_activation == "tanh":
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


class MLPCritic(nn.Module):
    """Critic f_w (or discriminator logit): x (B, n_features) -> (B,)."""

    def __init__(self, config):
        super().__init__()
        self.body = linear_stack([config.n_features, *config.hidden], last_activation=True)
        self.head = nn.Linear(config.hidden[-1], 1)

    def features(self, x):
        """The last hidden layer, f_D of AnoGAN's feature-matching loss."""
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x)).squeeze(-1)


class MLPEncoder(nn.Module):
    """E: x (B, n_features) -> z (B, latent_dim), BatchNorm on the output (§5.3).

    The BatchNorm without affine parameters forces the codes to zero mean and unit
    variance, keeping the encoder in the region the N(0, 1) prior covers.
    """

    def __init__(self, config):
        super().__init__()
        self.net = nn.Sequential(
            *linear_stack([config.n_features, *config.hidden, config.latent_dim]),
            nn.BatchNorm1d(config.latent_dim, affine=False),
        )

    def forward(self, x):
        return self.net(x)
