"""Scoring machinery shared by detectors: the batched latent search, the reconstruction error,
the training-range rule for critic scores."""

from ..nets.freeze import frozen  # ganad.scoring.frozen before it moved to ganad.nets
from .critic_range import interval_score, range_score, training_range
from .latent_search import adam, latent_search, nearest_starts
from .reconstruction import reconstruction_error

__all__ = ["adam", "frozen", "interval_score", "latent_search", "nearest_starts", "range_score",
           "reconstruction_error", "training_range"]
