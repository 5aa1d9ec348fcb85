"""Anomaly detection by inverting the WGAN generator (Haloui et al. 2018, §5.2, Eq. 21-22).

For each query x, gradient descent on z minimises

    L_x(z) = ||x - G(z)||^2 / n_features - lambda * log P(z),   log P(z) = 1/d sum_i log p(z_i)

(Eq. 22; Eq. 21 writes the data term as a log-likelihood, which for a Gaussian
observation model is this squared error up to constants). The anomaly score is the
reconstruction MSE at the optimum, as in the paper's Fig. 15. All queries and all
``n_seeds`` starting points are searched at once (``ganad.scoring.latent_search``);
the seed with the lowest L_x is kept. The paper fixes neither the optimiser, the
step count, the number of seeds nor lambda: our defaults (Adam, learning rate 0.05,
300 steps, 8 seeds, lambda = 0.01) were chosen on the ring's training data.
"""

from functools import partial
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval

from ...scoring import latent_search
from ...explanation import exact, mean_squared_terms
from ...scoring.reconstruction import reconstruction_error
from ...utils.params import Hyperparameter, Renamed, declare
from ..gan_base import GAN_HYPERPARAMETERS, GANDetector, latent_size

# The search's parameters; the paper fixes none of them (see the module docstring)
INVERSION_HYPERPARAMETERS = {
    "n_seeds": Hyperparameter(
        8, [Interval(Integral, 1, None, closed="left")], "int",
        "Starting latents of the search (seeds), drawn once from the prior at ``fit`` and shared by all queries; "
        "the seed with the lowest Eq. 22 loss is kept."),
    "inversion_steps": Hyperparameter(
        300, [Interval(Integral, 0, None, closed="left")], "int", "Adam steps of the search."),
    "inversion_learning_rate": Hyperparameter(
        0.05, [Interval(Real, 0, None, closed="neither")], "float", "Adam's learning rate in the search."),
    "prior_weight": Hyperparameter(
        0.01, [Interval(Real, 0, None, closed="left")], "float", "lambda of Eq. 22, the weight of the prior term."),
}


@declare({**GAN_HYPERPARAMETERS, **INVERSION_HYPERPARAMETERS},
         renamed={"n_restarts": Renamed(new="n_seeds", until="0.2"),
                  "inversion_lr": Renamed(new="inversion_learning_rate", until="0.2")})
class WGANInversion(GANDetector):
    """Scores samples by how well the generator can reproduce them from a probable z (§5.2).

    Attributes
    ----------
    latent_starts_ : torch.Tensor of shape (n_seeds, latent_dim)
        The starting latents.

    See Also
    --------
    WGANCritic, WGANEncoder : The other two detectors of Haloui et al. (2018).

    Examples
    --------
    >>> from ganad import WGANInversion
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = WGANInversion(n_epochs=1, hidden=(16, 16), n_seeds=2, inversion_steps=10,
    ...                          random_state=0).fit(X)
    >>> detector.reconstruction(X[:4]).shape
    (4, 2)
    >>> bool((detector.anomaly_score(X[:4]) >= 0).all())
    True
    """

    fitted_tensors = ("latent_starts_",)
    # A search per row (n_seeds x inversion_steps generator passes): as for AnoGAN and ADGAN,
    # the contamination quantile of offset_ is estimated on 1000 training rows, which bounds
    # the threshold's cost; offset_ only sets predict's threshold, never the scores.
    offset_sample_size = 1000

    def _fitted_tensor_shapes(self):
        return {"latent_starts_": (self.n_seeds, latent_size(self))}

    def _fit_scorer(self, X):
        self.latent_starts_ = self.prior_.sample(self.n_seeds, generator=self._seeded_generator(1),
                                                 device=self.device_)  # (R, d)

    def _inversion_loss(self, x, x_hat, z):
        """Eq. 22 per sample: reconstruction MSE minus lambda times the mean log prior."""
        return reconstruction_error(x, x_hat) - self.prior_weight * self.prior_.log_prob(z)

    def invert(self, X):
        """Best latent and its loss for each query tensor row: ((B, d), (B,))."""
        losses, z = latent_search(self.generator_, X, self.latent_starts_, self._inversion_loss,
                                  n_steps=self.inversion_steps,
                                  optimizer=partial(torch.optim.Adam, lr=self.inversion_learning_rate))
        best = losses.argmin(dim=0)  # (B,)
        columns = torch.arange(len(X), device=X.device)
        return z[best, columns], losses[best, columns]

    def reconstruct(self, X):
        """G(z*) for a batch tensor, z* the best latent of Eq. 22's search (Fig. 15's reconstitutions)."""
        z, _ = self.invert(X)
        return self.generator_(z)

    def _anomaly_score(self, X):
        return reconstruction_error(X, self.reconstruct(X))

    def _why_not_explained(self):
        return None

    def _feature_terms(self, X):
        """``explain``: ``(x_j - G(z*)_j)^2 / n_features`` with z* from one run of Eq. 22's search, the
        score's MSE feature by feature (exact; the prior term only steers the search)."""
        return exact(mean_squared_terms(X, self.reconstruct(X)))
