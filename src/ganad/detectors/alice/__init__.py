"""The bidirectional-GAN detectors: BiGAN/EGBAD, ALAD and RCGAN (issue 5)."""

from .alad import ALAD
from .bigan import BiGAN
from .rcgan import RCGAN, PenaltyDistribution, unit_cube_frame

__all__ = ["ALAD", "RCGAN", "BiGAN", "PenaltyDistribution", "unit_cube_frame"]
