"""Networks of the bidirectional GANs: BiGAN/EGBAD, ALAD and RCGAN.

An encoder E: x -> z, a generator G: z -> x and joint discriminators that look at two
inputs at once: D_xz(x, z) (BiGAN, Donahue et al. 2017; RCGAN Eq. 2 and 4),
D_xx(x, x') (ALICE, Li et al. 2017; RCGAN Eq. 3 and 9) and D_zz(z, z') (ALAD, Zenati et al.
2018). Every discriminator returns a logit, and ``features(a, b)`` its last hidden layer,
the l_xx / f_D of the feature-matching scores (RCGAN Eq. 12, Haloui Eq. 19).

Fully connected networks follow the tabular networks of ALAD's reference code
(``alad/kdd_utilities.py``, ``alad/arrhythmia_utilities.py``; EGBAD's
``bigan/kdd_utilities.py`` is the KDD one with dropout 0.2 everywhere): E is Linear +
LeakyReLU(0.2) layers then a linear output, G is ``MLPGenerator`` (ReLU, linear output),
D_xz has an x branch (Linear, BatchNorm, LeakyReLU) and a z branch (Linear, LeakyReLU,
dropout ``dropout``) of ``xz_branch_width`` units joined by the Linear + LeakyReLU +
dropout layers of ``discriminator_hidden``; D_xx (layers ``discriminator_xx_hidden``) and
D_zz (``discriminator_zz_hidden``) concatenate their two inputs and use dropout
``cycle_dropout``. ALAD's KDDCUP networks are the defaults of :class:`JointConfig`; its
Arrhythmia networks are ``latent_dim=64, encoder_hidden=(256, 128),
generator_hidden=(128, 256), discriminator_hidden=(256,), xz_branch_width=128,
discriminator_xx_hidden=(256, 128), discriminator_zz_hidden=(64, 32)``. Convolutional networks (28x28
and 32x32 images) reuse the DCGAN blocks of ``nets/dcgan.py``: D_xx stacks its two
images along the channel axis. Weights start Glorot-uniform (tabular, the reference code's
``xavier_initializer``) or N(0, 0.02) (images, DCGAN's); biases at zero. Spectral
normalisation (Miyato et al. 2018), which ALAD applies to its image encoder and
discriminators, wraps every hidden Linear/Conv2d layer of E and the discriminators.
"""

from dataclasses import dataclass
from functools import partial

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from .blocks import conv_downsample, conv_encoder, linear_stack
from .dcgan import DCGANConfig, DCGANGenerator
from .mlp import MLPConfig, MLPGenerator

NEGATIVE_SLOPE = 0.2  # LeakyReLU of ALAD's reference code (EGBAD's uses 0.1)
LEAKY_RELU = partial(nn.LeakyReLU, NEGATIVE_SLOPE)


@dataclass(frozen=True)
class JointConfig:
    """Shapes of the encoder, generator and joint discriminators."""

    n_features: int
    latent_dim: int = 32
    image_shape: tuple | None = None  # (C, H, W) switches to convolutional networks
    encoder_hidden: tuple = (64,)
    generator_hidden: tuple = (64, 128)
    discriminator_hidden: tuple = (128,)  # D_xz's joint layers
    xz_branch_width: int | None = None  # D_xz's x and z branches; None: discriminator_hidden[0]
    discriminator_xx_hidden: tuple = (128,)  # D_xx's layers (tabular)
    discriminator_zz_hidden: tuple = (32,)  # D_zz's layers
    conv_width: int = 64
    dropout: float = 0.5  # D_xz
    cycle_dropout: float = 0.2  # D_xx, D_zz
    spectral_norm: bool = False

    @property
    def convolutional(self):
        return self.image_shape is not None

    def dcgan(self, image_shape=None, batch_norm=False):
        return DCGANConfig(image_shape=tuple(image_shape or self.image_shape), latent_dim=self.latent_dim,
                           width=self.conv_width, critic_batch_norm=batch_norm)


class JointDiscriminator(nn.Module):
    """D(a, b) -> logit (B,): optional branches, concatenation along dim 1, a body, a linear head."""

    def __init__(self, body, n_body_out, a_branch=None, b_branch=None):
        super().__init__()
        self.a_branch = a_branch if a_branch is not None else nn.Identity()
        self.b_branch = b_branch if b_branch is not None else nn.Identity()
        self.body = body
        self.head = nn.Linear(n_body_out, 1)

    def features(self, a, b):
        """The last hidden layer, (B, n_body_out)."""
        return self.body(torch.cat([self.a_branch(a), self.b_branch(b)], dim=1))

    def forward(self, a, b):
        return self.head(self.features(a, b)).squeeze(-1)


def _leaky_layers(sizes, dropout):
    """Linear + LeakyReLU + dropout for each consecutive pair of ``sizes`` (the discriminators' layers)."""
    return linear_stack(sizes, LEAKY_RELU, last_activation=True, dropout=dropout)


def build_encoder(config):
    """E: x (B, n_features) or (B, C, H, W) -> z (B, latent_dim), unbounded output."""
    if config.convolutional:
        encoder = conv_encoder(config.dcgan(batch_norm=True), config.latent_dim)  # (B, n_flat) -> (B, latent_dim)
    else:
        encoder = linear_stack([config.n_features, *config.encoder_hidden, config.latent_dim], LEAKY_RELU)
    return _finish(encoder, config)


def build_generator(config):
    """G: z (B, latent_dim) -> x, linear output for rows, tanh for images."""
    if config.convolutional:
        generator = DCGANGenerator(config.dcgan())
    else:
        generator = MLPGenerator(MLPConfig(n_features=config.n_features, latent_dim=config.latent_dim,
                                           hidden=tuple(config.generator_hidden)))
    _initialise(generator, config)
    return generator


def build_discriminator_xz(config):
    """D_xz(x, z): does the pair come from (x, E(x)) or from (G(z), z)?"""
    hidden = tuple(config.discriminator_hidden)
    width = config.xz_branch_width or hidden[0]
    z_branch = _leaky_layers([config.latent_dim, width], config.dropout)
    if config.convolutional:
        x_branch, n_x = conv_downsample(config.dcgan(batch_norm=True))  # (B, n_flat)
    else:
        x_branch = nn.Sequential(nn.Linear(config.n_features, width), nn.BatchNorm1d(width),
                                 nn.LeakyReLU(NEGATIVE_SLOPE))
        n_x = width
    body = _leaky_layers([n_x + width, *hidden], config.dropout)
    return _finish(JointDiscriminator(body, hidden[-1], x_branch, z_branch), config)


def build_discriminator_xx(config):
    """D_xx(x, x'): is x' the input itself or its reconstruction G(E(x))?"""
    if config.convolutional:
        channels, height, width = config.image_shape
        body, n_out = conv_downsample(config.dcgan(image_shape=(2 * channels, height, width)))  # (B, n_flat)
    else:
        sizes = [2 * config.n_features, *config.discriminator_xx_hidden]
        body, n_out = _leaky_layers(sizes, config.cycle_dropout), sizes[-1]
    return _finish(JointDiscriminator(body, n_out), config)


def build_discriminator_zz(config):
    """D_zz(z, z'): is z' the latent itself or its cycle E(G(z))?"""
    sizes = [2 * config.latent_dim, *config.discriminator_zz_hidden]
    return _finish(JointDiscriminator(_leaky_layers(sizes, config.cycle_dropout), sizes[-1]), config)


def _finish(module, config):
    """Initialise, then spectrally normalise every Linear/Conv2d layer but the last when configured.

    The last layer -- a discriminator's head, the encoder's output -- stays unnormalised,
    as in ALAD's reference code.
    """
    _initialise(module, config)
    if config.spectral_norm:
        for layer in [m for m in module.modules() if isinstance(m, nn.Linear | nn.Conv2d)][:-1]:
            spectral_norm(layer)
    return module


@torch.no_grad()
def _initialise(module, config):
    for layer in module.modules():
        if isinstance(layer, nn.Linear | nn.Conv2d | nn.ConvTranspose2d):
            if config.convolutional:
                nn.init.normal_(layer.weight, 0.0, 0.02)
            else:
                nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
