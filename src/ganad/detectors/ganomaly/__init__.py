"""GANomaly (Akcay et al. 2018): encoder-decoder-encoder GAN scored by its latent distance."""

from .ganomaly import GANomaly

__all__ = ["GANomaly"]
