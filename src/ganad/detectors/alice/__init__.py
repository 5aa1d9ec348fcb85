"""The bidirectional-GAN detectors: BiGAN/EGBAD, ALAD and RCGAN (issue 5)."""

from .alad import ALAD
from .bigan import BiGAN
from .rcgan import RCGAN, PenaltyDistribution

__all__ = ["ALAD", "RCGAN", "BiGAN", "PenaltyDistribution"]
