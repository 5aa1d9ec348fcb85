"""ADGAN (Deecke, Vandermeulen, Ruff, Mandt & Kloft 2018, Algorithm 1).

"Image anomaly detection with generative adversarial networks", ECML-PKDD 2018. After GAN
training, for a query x and each of n_seed seeds z_{j,0} ~ p_z, k Adam steps update both
the latent and a copy of the generator's parameters (theta_{j,0} = theta, reset for every
query):

    z_{j,l}     = z_{j,l-1}     - gamma         grad_z     l(g_theta(z), x)   (line 4)
    theta_{j,l} = theta_{j,l-1} - gamma_theta   grad_theta l(g_theta(z), x)   (line 5)

with l the squared L2 loss (§4.2); the anomaly score is the mean final loss over the seeds
(line 8). Defaults are the paper's (§4.2, footnote 5): n_seed = 8, k = 5, Adam with
gamma = 0.25, betas (0.5, 0.999), gamma_theta = 5e-5, latent size 256, a DCGAN-style
generator trained on the WGAN objective (Arjovsky et al. 2017, with weight clipping:
``gan="wgan-clip"``, whose RMSprop 5e-5 is the rate gamma_theta is taken from).

``adapt`` chooses which parameters line 5 updates: ``"all"`` (the paper), ``"last"`` (the
last layer with parameters only) or ``"none"`` (a pure multi-seed latent search). Every
(query, seed) pair has its own copy of the adapted parameters; ``latent_search`` batches
them with ``torch.func`` in chunks of ``adapt_chunk`` pairs. ``score_type`` selects the
score: ``"reconstruction"`` (Algorithm 1), or the two alternatives of §3.2 / §4.3:
``"critic"`` (the discriminator's output, -d(x), within its range on the training rows:
Haloui et al.'s §5.1 rule, ``ganad.scoring.critic_range``, so that rows where the critic
extrapolates above its training maximum do not rank as the most normal) and ``"prior"``
(the negative prior log-likelihood of the final latents, averaged over the seeds).
"""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ...explanation import exact
from ...scoring import range_score, training_range
from ...utils.params import Hyperparameter, Renamed, declare, one_of, override
from ..gan_base import GAN_HYPERPARAMETERS
from .losses import squared_l2
from .search import SEARCH_HYPERPARAMETERS, SEARCH_RENAMED, LatentSearchDetector

ADAPT = ("all", "last", "none")
SCORE_TYPES = ("reconstruction", "critic", "prior")

# Defaults are the paper's (§4.2, footnote 5)
ADGAN_HYPERPARAMETERS = {
    **override(GAN_HYPERPARAMETERS, gan={"default": "wgan-clip"}, latent_dim={"default": 256}),
    "n_seeds": Hyperparameter(
        8, [Interval(Integral, 1, None, closed="left")], "int",
        "n_seed, the starting latents per query (drawn once at ``fit``, ``latent_starts_``)."),
    **override(SEARCH_HYPERPARAMETERS,
               search_steps={"default": 5, "doc": "k, the joint Adam steps on (z, theta)."},
               search_learning_rate={"default": 0.25, "doc": "gamma, Adam's learning rate on z."},
               search_betas={"default": (0.5, 0.999), "doc": "Adam's betas, on z and on theta."}),
    "adapt": Hyperparameter(
        "all", [StrOptions(set(ADAPT))], one_of(ADAPT),
        "Which generator parameters line 5 updates: all of them (the paper), the last layer with parameters "
        "only, or none (a multi-seed latent search)."),
    "adapt_learning_rate": Hyperparameter(
        5e-5, [Interval(Real, 0, None, closed="left")], "float",
        "gamma_theta, Adam's learning rate on the adapted parameters."),
    "adapt_chunk": Hyperparameter(
        None, [Interval(Integral, 1, None, closed="left"), None], "int or None",
        "(query, seed) pairs per batched chunk when adapting; None: as many as the largest CPU cache holds on "
        "a CPU, as half the free memory holds on a GPU."),
    "score_type": Hyperparameter(
        "reconstruction", [StrOptions(set(SCORE_TYPES))], one_of(SCORE_TYPES),
        "The score: the mean final loss over the seeds (Algorithm 1), the critic's output within its training "
        "range, or the negative prior log-density of the final latents (§3.2, §4.3)."),
}


@declare(ADGAN_HYPERPARAMETERS,
         renamed={**SEARCH_RENAMED, "adapt_lr": Renamed(new="adapt_learning_rate", until="0.2")})
class ADGAN(LatentSearchDetector):
    """Scores a query by how well k joint steps on (z, theta) from n_seed seeds reproduce it.

    Deecke et al. (2018), Algorithm 1. ADGAN changes two of the GAN phase's defaults:
    ``gan="wgan-clip"`` (the paper's WGAN objective) and ``latent_dim=256``.

    Attributes
    ----------
    latent_starts_ : torch.Tensor of shape (n_seeds, latent_dim)
        The seeds' starting latents.
    critic_range_ : tuple of float
        (min, max) of the critic's output on the training rows (``score_type="critic"``).

    Warnings
    --------
    ``score_type="critic"`` scores how real the discriminator finds a query, and a longer-trained
    discriminator can rank other classes as *more* normal than the class it was trained on. On
    validation splits of MNIST training images (adgan README, "The discriminator's score turns
    with training length") a WGAN-GP critic trained 120 epochs gave AUROC 0.828 / 0.926 on digits
    2 / 8, and 0.382 / 0.330 after 320 epochs, while the default reconstruction score of the same
    320-epoch GANs gave 0.829 / 0.738. ``InvertedScoreWarning`` sees only rows far outside the
    training data; check a critic score on held-out data before relying on it.

    See Also
    --------
    AnoGAN : The latent search of Schlegl et al. (2017), on the same engine.

    References
    ----------
    Deecke, Vandermeulen, Ruff, Mandt & Kloft, "Image anomaly detection with generative
    adversarial networks", ECML-PKDD 2018, https://arxiv.org/abs/1705.08180; Algorithm 1
    (lines 4-5, the joint steps ``z <- z - gamma grad_z l(g_theta(z), x)`` and
    ``theta <- theta - gamma_theta grad_theta l(g_theta(z), x)``; line 8, the score
    ``(1/n_seed) sum_j l(g_theta_{j,k}(z_{j,k}), x)``), with l the squared L2 loss and the
    settings of §4.2 (footnote 5); the alternative scores of §3.2 and §4.3. The GAN:
    Arjovsky, Chintala & Bottou, "Wasserstein generative adversarial networks", ICML 2017.

    Examples
    --------
    >>> from ganad import ADGAN
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = ADGAN(n_epochs=1, hidden=(16, 16), latent_dim=2, n_seeds=2, search_steps=2,
    ...                  random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    >>> detector.explain(X[:5]).shape
    (5, 2)
    """

    fitted_values = ("critic_range_",)
    execution_parameters = LatentSearchDetector.execution_parameters | {"adapt_chunk"}  # memory, not scores

    def _n_starts(self):
        return self.n_seeds

    def _fit_scorer(self, X):
        super()._fit_scorer(X)
        self.critic_range_ = training_range(self._in_chunks(self.critic_, X))

    def _adapted_names(self):
        """Names of the generator parameters line 5 updates, per ``adapt``."""
        if self.adapt == "none":
            return ()
        if self.adapt == "all":
            return tuple(name for name, _ in self.generator_.named_parameters())
        owners = [(prefix, module) for prefix, module in self.generator_.named_modules()
                  if next(module.parameters(recurse=False), None) is not None]
        prefix, last = owners[-1]
        return tuple(f"{prefix}.{name}" if prefix else name for name, _ in last.named_parameters(recurse=False))

    def search(self, X):
        """Algorithm 1 for a scaled, shaped batch tensor: final losses (n_seeds, B), latents (n_seeds, B, d)."""
        return self._adapted_search(X, lambda x, x_hat, z: squared_l2(x, x_hat))

    def _adapted_search(self, targets, loss_fn):
        adapted = self._adapted_names()
        return self._search(targets, loss_fn, adapt=adapted, adapt_learning_rate=self.adapt_learning_rate,
                            chunk_size=self.adapt_chunk if adapted else None)

    def _anomaly_score(self, X):
        if self.score_type == "critic":
            return range_score(self.critic_(X), self.critic_range_)
        losses, z = self.search(X)
        if self.score_type == "prior":
            return -self.prior_.log_prob(z).mean(dim=0)
        return losses.mean(dim=0)

    def _why_not_explained(self):
        if self.score_type == "reconstruction":
            return None
        kind = "the discriminator's output" if self.score_type == "critic" else "a prior log-density of the latents"
        return (f"score_type={self.score_type!r} scores {kind}, not a residual per input feature; "
                "score_type='reconstruction' (Algorithm 1) is explained")

    def _feature_terms(self, X):
        """``explain`` (score_type="reconstruction"): the mean over seeds of ``(x_j - g_theta_s(z_s)_j)^2`` at
        the end of Algorithm 1, from one search (exact: the score is the mean over seeds of their sums).

        Each seed's generator copy theta_s lives only inside the search, so the loss records the
        squared residuals of its final evaluation, the one ``latent_search`` makes without
        gradients at the returned point; the query index travels with the targets.
        """
        terms = X.new_zeros(len(X), X[0].numel())  # (B, n_features), summed over seeds
        recorded = []

        def loss(targets, x_hat, z):
            x, query = targets
            squared = (x - x_hat).pow(2).flatten(1)  # (N, n_features)
            if not torch.is_grad_enabled():
                terms.index_add_(0, query, squared)
                recorded.append(len(query))
            return squared.sum(dim=1)  # squared_l2

        losses, _ = self._adapted_search((X, torch.arange(len(X), device=X.device)), loss)
        if sum(recorded) != losses.numel():
            raise RuntimeError(f"recorded {sum(recorded)} final residuals for {losses.numel()} (seed, query) pairs")
        return exact(terms / self.n_seeds)
