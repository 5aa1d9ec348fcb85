"""HistoryAD (Chatillon & Ballester 2020): a Total Variation critic trained against the GAN's history."""

from .history_ad import HistoryAD

__all__ = ["HistoryAD"]
