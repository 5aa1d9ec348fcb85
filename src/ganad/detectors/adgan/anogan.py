"""AnoGAN (Schlegl et al. 2017), as described in the survey §3.1 and in ADGAN §3.2.

Schlegl, Seeböck, Waldstein, Schmidt-Erfurth & Langs, "Unsupervised anomaly detection
with generative adversarial networks to guide marker discovery", IPMI 2017,
https://arxiv.org/abs/1703.05921. A GAN is trained on normal data; a query x is mapped
back to the latent space by Gamma iterations of gradient descent on z minimising

    L(z) = (1 - lambda) ||x - G(z)||_1 + lambda ||f(x) - f(G(z))||_1      (Eq. 4-6)

with f an intermediate layer of the discriminator (``critic.features``: the last hidden
layer of the fully connected critic, the flattened last convolution of the DCGAN one).
The anomaly score is the loss at the last iterate, A(x) = L(z_Gamma) (Eq. 7).

Defaults: lambda = 0.1 and Gamma = 500 (the original's), a DCGAN-style GAN trained with the
original objective (``gan="vanilla"``, Eq. 1; on images the DCGAN discriminator then has
batch normalisation as in Radford et al. and the generator maximises log D(G(z)) as DCGAN
trains, ``saturating="auto"``, where log(1 - D(G(z))) as Eq. 1 is written stalled once the
discriminator won, see the README; on rows it is Eq. 1 as written) and a 100-dimensional
N(0, I) latent. ``gan`` can be any trainer, e.g. ``"wgan-clip"`` as in ADGAN's Table 2
comparison. Neither the survey nor ADGAN names the optimiser of the search or its step
size: we use Adam with learning rate 0.01 and betas (0.9, 0.999).

The start z_1 is "a random point in the latent space" (survey §3.1). Our choice: each query
starts from the best of ``start_candidates`` = 1024 random points, drawn from the prior once at
fit time (``latent_starts_``): the candidate with the lowest mapping loss L(z) before any step,
an approximate inversion as ADGAN §6 proposes for the start. From one random start shared by
every query (``start_candidates=1``, the original's loop) the search left many normal rows of a
multi-modal set near another mode, with a loss far above the rest (README, "The search's
start").
"""

import dataclasses
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval

from ...nets import DCGANConfig
from ...nets.freeze import frozen
from ...scoring import nearest_starts
from ...utils.params import Hyperparameter, declare, override
from ..gan_base import GAN_HYPERPARAMETERS, latent_size
from .losses import anogan_loss, discrimination_loss, pairwise_anogan_loss
from .search import SEARCH_HYPERPARAMETERS, SEARCH_RENAMED, LatentSearchDetector

ANOGAN_HYPERPARAMETERS = {
    **override(GAN_HYPERPARAMETERS, gan={"default": "vanilla"}, latent_dim={"default": 100},
               critic={"doc": GAN_HYPERPARAMETERS["critic"].doc + " It must have a ``features(x)`` method, the "
                                                                  "layer f of Eq. 5."}),
    **override(SEARCH_HYPERPARAMETERS,
               search_steps={"default": 500, "doc": "Gamma, the Adam steps of the search on z (Eq. 7's z_Gamma)."},
               search_learning_rate={"default": 0.01,
                                     "doc": "Adam's learning rate on z (the papers do not name it: our choice)."},
               search_betas={"default": (0.9, 0.999)}),
    "start_candidates": Hyperparameter(
        1024, [Interval(Integral, 1, None, closed="left")], "int",
        "Random latents drawn from the prior at ``fit`` (``latent_starts_``); each query's search starts from the "
        "one with the lowest mapping loss (Eq. 6) before any step. 1: one random start shared by every query, "
        "the original's loop."),
    "feature_weight": Hyperparameter(
        0.1, [Interval(Real, 0, 1, closed="both")], "float in [0, 1]",
        "lambda of Eq. 6, the weight of the feature-matching term ``||f(x) - f(G(z))||_1`` against the "
        "residual ``||x - G(z)||_1``."),
}


@declare(ANOGAN_HYPERPARAMETERS, renamed=SEARCH_RENAMED)
class AnoGAN(LatentSearchDetector):
    """Scores a query by the AnoGAN mapping loss after ``search_steps`` (Gamma) iterations.

    Schlegl et al. (2017): a search on z minimising Eq. 4-6; the score is the loss at the last
    iterate (Eq. 7). AnoGAN changes two of the GAN phase's defaults: ``gan="vanilla"`` (the
    original objective, Eq. 1, with the non-saturating generator loss on images:
    ``saturating="auto"``) and ``latent_dim=100``.

    Attributes
    ----------
    latent_starts_ : torch.Tensor of shape (start_candidates, latent_dim)
        The candidate starts, drawn from the prior at ``fit``; each query starts from the one
        of lowest mapping loss.

    See Also
    --------
    ADGAN : Multi-seed search that also adapts the generator, on the same engine.

    References
    ----------
    Schlegl, Seeböck, Waldstein, Schmidt-Erfurth & Langs, "Unsupervised anomaly detection
    with generative adversarial networks to guide marker discovery", IPMI 2017,
    https://arxiv.org/abs/1703.05921; Eq. 4-6 (the mapping loss
    ``L(z) = (1 - lambda) ||x - G(z)||_1 + lambda ||f(x) - f(G(z))||_1``) and Eq. 7
    (``A(x) = L(z_Gamma)``).

    Examples
    --------
    >>> from ganad import AnoGAN
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = AnoGAN(n_epochs=1, hidden=(16, 16), latent_dim=2, search_steps=2,
    ...                   random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    def _net_config(self):
        config = super()._net_config()
        if isinstance(config, DCGANConfig) and self.gan == "vanilla":
            return dataclasses.replace(config, critic_batch_norm=True)
        return config

    def _build_networks(self):
        super()._build_networks()
        if not callable(getattr(self.critic_, "features", None)):
            raise ValueError("AnoGAN needs a critic with a features(x) method: the intermediate "
                             "discriminator layer f of its feature loss (Eq. 5)")

    def _n_starts(self):
        return self.start_candidates

    def _fitted_tensor_shapes(self):
        """Any number of candidate starts: the search starts from the best of those kept (a model of ganad 0.1.0
        kept one, and scores as it did)."""
        return {"latent_starts_": (None, latent_size(self))}

    def _mapping_loss(self, targets, x_hat, z):
        x, features_x = targets
        return anogan_loss(x, x_hat, features_x, self.critic_.features(x_hat), weight=self.feature_weight)

    def _map_back(self, X):
        """Gamma search steps from each query's start: (the mapping loss A(x) (B,), z_Gamma (B, d))."""
        with frozen(self.critic_):
            targets = (X, self.critic_.features(X))
            losses, z = self._search(targets, self._mapping_loss, starts=self._starts(targets))
        return losses[0], z[0]

    def _starts(self, targets):
        """(1, B, d): for each query, the candidate in ``latent_starts_`` of lowest mapping loss (Eq. 6)."""
        x, features_x = targets
        with torch.no_grad():
            x_hat = self.generator_(self.latent_starts_)
            losses = pairwise_anogan_loss(x, x_hat, features_x, self.critic_.features(x_hat),
                                          weight=self.feature_weight)
        return nearest_starts(losses, self.latent_starts_)

    def _anomaly_score(self, X):
        return self._map_back(X)[0]

    def _why_not_explained(self):
        return None

    def _feature_terms(self, X):
        """``explain``: the residual part ``(1 - lambda) |x_j - G(z_Gamma)_j|`` (Eq. 4), from one search;
        the remainder is the feature part ``lambda ||f(x) - f(G(z_Gamma))||_1`` (Eq. 5)."""
        _, z = self._map_back(X)
        x_hat = self.generator_(z)  # G(z_Gamma)
        with frozen(self.critic_):
            features = discrimination_loss(self.critic_.features(X), self.critic_.features(x_hat))
        return (1 - self.feature_weight) * (X - x_hat).abs().flatten(1), self.feature_weight * features
