"""GANomaly's networks (Akcay et al. 2018, §3.1, Fig. 2): encoder-decoder-encoder G and D.

The generator maps x to z = G_E(x) (encoder), x_hat = G_D(z) (decoder) and
z_hat = E(x_hat) (a second encoder with G_E's architecture and its own weights). The
discriminator is a DCGAN discriminator whose last hidden layer gives the features f(.)
of the adversarial loss.

Convolutional variant (the square images ``nets/dcgan.py`` takes), built from it: the
reference code's (samet-akcay/ganomaly, ``lib/networks.py``) encoder is stride-2 4x4
convolutions with LeakyReLU(0.2) and BatchNorm after all but the first, then a 4x4
valid convolution to ``nz`` channels; on the last 4x4 (or 7x7) map that convolution is
exactly a Linear layer on the flattened map, which is what we use. Its decoder is the
DCGAN generator (a 4x4 projection, transposed convolutions with BatchNorm and ReLU, tanh),
our ``DCGANGenerator``; its discriminator is the encoder with one output and a sigmoid,
our ``DCGANCritic`` with batch norm (the sigmoid lives in the loss, on logits).

Fully connected variant (tabular rows; the paper has none): ``hidden`` widths with ReLU
for the encoders, the reversed widths for the decoder (``MLPGenerator``) and an
``MLPCritic`` discriminator.
"""

from typing import NamedTuple

import torch
from torch import nn

from .blocks import conv_encoder, linear_stack
from .dcgan import DCGANConfig, DCGANCritic, DCGANGenerator
from .mlp import MLPConfig, MLPCritic, MLPGenerator


class GANomalyOutput(NamedTuple):
    """What the generator returns for a batch x of B rows."""

    x_hat: torch.Tensor  # G(x) = G_D(G_E(x)), shaped like x
    z: torch.Tensor  # G_E(x), (B, latent_dim)
    z_hat: torch.Tensor  # E(G(x)), (B, latent_dim)


class GANomalyGenerator(nn.Module):
    """G = (G_E, G_D, E): x -> ``GANomalyOutput(x_hat, z, z_hat)``."""

    def __init__(self, encoder, decoder, reencoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.reencoder = reencoder

    def forward(self, x):
        z = self.encoder(x)
        x_hat = self.decoder(z)
        return GANomalyOutput(x_hat, z, self.reencoder(x_hat))


def ganomaly_networks(config):
    """(generator, discriminator) for an ``MLPConfig`` or a ``DCGANConfig``."""
    if isinstance(config, DCGANConfig):
        config = DCGANConfig(image_shape=config.image_shape, latent_dim=config.latent_dim,
                             width=config.width, critic_batch_norm=True)
        # G_E and E: the reference encoder, its final 4x4 convolution as a Linear layer
        generator = GANomalyGenerator(conv_encoder(config, config.latent_dim), DCGANGenerator(config),
                                      conv_encoder(config, config.latent_dim))
        return generator, DCGANCritic(config)
    decoder_config = MLPConfig(n_features=config.n_features, latent_dim=config.latent_dim,
                               hidden=tuple(reversed(config.hidden)), output_activation=config.output_activation)
    encoder_widths = [config.n_features, *config.hidden, config.latent_dim]  # ReLU between layers, none on z
    generator = GANomalyGenerator(linear_stack(encoder_widths), MLPGenerator(decoder_config),
                                  linear_stack(encoder_widths))
    return generator, MLPCritic(config)


def initialize(module, *, dcgan):
    """Fresh weights from the global generator (callers fork and seed it).

    Every layer's own ``reset_parameters``; with ``dcgan=True`` then the reference code's
    ``weights_init`` (Radford et al. 2016): weights N(0, 0.02) for convolutions and the
    Linear layers that stand in for them, BatchNorm scales N(1, 0.02) and shifts 0.
    """
    for layer in module.modules():
        if hasattr(layer, "reset_parameters"):
            layer.reset_parameters()
        if not dcgan:
            continue
        if isinstance(layer, nn.Conv2d | nn.ConvTranspose2d | nn.Linear):
            nn.init.normal_(layer.weight, 0.0, 0.02)
        elif isinstance(layer, nn.BatchNorm1d | nn.BatchNorm2d) and layer.affine:
            nn.init.normal_(layer.weight, 1.0, 0.02)
            nn.init.zeros_(layer.bias)
