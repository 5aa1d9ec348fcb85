"""Latent-search detectors: AnoGAN (Schlegl et al. 2017) and ADGAN (Deecke et al. 2018)."""

from .adgan import ADGAN
from .anogan import AnoGAN

__all__ = ["ADGAN", "AnoGAN"]
