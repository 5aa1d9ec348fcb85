"""Scoring machinery shared by detectors: the batched latent search."""

from .latent_search import frozen, latent_search

__all__ = ["frozen", "latent_search"]
