"""The score of a detector that reconstructs its rows, written once for DCAE and WGANEncoder.

``anomaly_score(x) = ||x - x_hat||^2 / n_features`` with ``x_hat = self.reconstruct(x)``
(``ganad.scoring.reconstruction``), explained exactly: each feature's term is
``(x_j - x_hat_j)^2 / n_features`` and the terms sum to the score.
"""

from ..explanation import exact, mean_squared_terms
from ..scoring.reconstruction import reconstruction_error


class ReconstructionScore:
    """Mixin (put before the detector's base class): the mean squared reconstruction error.

    The detector provides ``reconstruct(X)``, a batch tensor of its reconstructions.
    """

    def _anomaly_score(self, X):
        return reconstruction_error(X, self.reconstruct(X))

    def _why_not_explained(self):
        return None

    def _feature_terms(self, X):
        """``explain``: ``(x_j - x_hat_j)^2 / n_features``, the score's MSE feature by feature (exact)."""
        return exact(mean_squared_terms(X, self.reconstruct(X)))
