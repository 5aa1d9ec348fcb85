"""DCGAN-style convolutional generator and critic (Radford et al. 2016).

Used by Haloui et al. 2018 (§5.1-5.3, MNIST) and ADGAN (Deecke et al. 2018, §4.1).
Square images of any channel count whose side halves at least once to 4 or more: the
networks use one stride-2 stage per halving, down to a base of at least 4x4 (28x28: two
stages from 7x7; 32x32: three from 4x4; the 128x128 distance plots of Haloui et al. §6,
Eq. 24: five from 4x4). Pixel data are expected in [-1, 1] (tanh output).
The critic has no batch normalisation by default, as WGAN-GP requires (Gulrajani et
al. 2017, §4); ``critic_batch_norm=True`` gives the original DCGAN discriminator.
"""

from dataclasses import dataclass

from torch import nn

from .blocks import conv_downsample, conv_encoder

MIN_BASE = 4  # the smallest feature map a stride-2 stage may halve to


def image_stages(size):
    """``(base, n_stages)`` for a ``size`` x ``size`` image: halve while even and >= ``MIN_BASE``."""
    base, n_stages = size, 0
    while base % 2 == 0 and base // 2 >= MIN_BASE:
        base, n_stages = base // 2, n_stages + 1
    return base, n_stages


@dataclass(frozen=True)
class DCGANConfig:
    """Shapes of the convolutional networks."""

    image_shape: tuple  # (C, H, W) with H == W, e.g. 28, 32, 64 or 128
    latent_dim: int = 100
    width: int = 64  # channels of the last generator / first critic stage
    critic_batch_norm: bool = False

    def __post_init__(self):
        channels, height, width = self.image_shape
        if height != width or image_stages(height)[1] == 0:
            raise ValueError("DCGAN nets need square images whose side halves at least once to "
                             f"{MIN_BASE} or more (28, 32, 64, 128, ...), got {self.image_shape}")

    @property
    def stages(self):
        """(base spatial size, number of stride-2 stages)."""
        return image_stages(self.image_shape[1])


class DCGANGenerator(nn.Module):
    """G: z (B, latent_dim) -> x (B, C, H, W) in [-1, 1]."""

    def __init__(self, config):
        super().__init__()
        base, n_stages = config.stages
        top = config.width * 2 ** (n_stages - 1)
        self.base_shape = (top, base, base)
        self.project = nn.Sequential(
            nn.Linear(config.latent_dim, top * base * base, bias=False),
            nn.BatchNorm1d(top * base * base),
            nn.ReLU(),
        )
        layers = []
        channels = top
        for _ in range(n_stages - 1):
            layers += [
                nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(channels // 2),
                nn.ReLU(),
            ]
            channels //= 2
        layers += [nn.ConvTranspose2d(channels, config.image_shape[0], 4, stride=2, padding=1), nn.Tanh()]
        self.upsample = nn.Sequential(*layers)

    def forward(self, z):
        h = self.project(z).view(-1, *self.base_shape)  # (B, top, base, base)
        return self.upsample(h)


class DCGANCritic(nn.Module):
    """Critic f_w (or discriminator logit): x (B, C, H, W) -> (B,)."""

    def __init__(self, config):
        super().__init__()
        self.body, n_flat = conv_downsample(config)  # (B, n_flat)
        self.head = nn.Linear(n_flat, 1)

    def features(self, x):
        """The flattened last convolutional layer, f_D of AnoGAN's feature loss."""
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x)).squeeze(-1)


class DCGANEncoder(nn.Module):
    """E: x (B, C, H, W) -> z (B, latent_dim), BatchNorm on the output (Haloui §5.3)."""

    def __init__(self, config):
        super().__init__()
        self.net = nn.Sequential(*conv_encoder(config, config.latent_dim),  # body, Linear
                                 nn.BatchNorm1d(config.latent_dim, affine=False))

    def forward(self, x):
        return self.net(x)
