"""Scoring machinery shared by detectors: the batched latent search, the reconstruction error."""

from .latent_search import adam, frozen, latent_search
from .reconstruction import reconstruction_error

__all__ = ["adam", "frozen", "latent_search", "reconstruction_error"]
