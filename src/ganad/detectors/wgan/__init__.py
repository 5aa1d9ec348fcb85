"""The three detectors of Haloui et al. 2018, "Anomaly detection with Wasserstein GAN"."""

from .critic import WGANCritic
from .encoder import WGANEncoder
from .inversion import WGANInversion

__all__ = ["WGANCritic", "WGANEncoder", "WGANInversion"]
