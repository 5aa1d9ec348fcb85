"""Generic adversarial trainers: vanilla GAN, WGAN with clipping, WGAN-GP."""

from .gan import GANTrainer
from .history import TrainingDivergedError, TrainingHistory
from .penalties import clip_weights, gradient_penalty
from .trainer import AdversarialTrainer
from .wgan_clip import WGANClipTrainer
from .wgan_gp import WGANGPTrainer

TRAINERS = {"wgan-gp": WGANGPTrainer, "wgan-clip": WGANClipTrainer, "vanilla": GANTrainer}

__all__ = [
    "TRAINERS",
    "AdversarialTrainer",
    "GANTrainer",
    "TrainingDivergedError",
    "TrainingHistory",
    "WGANClipTrainer",
    "WGANGPTrainer",
    "clip_weights",
    "gradient_penalty",
]
