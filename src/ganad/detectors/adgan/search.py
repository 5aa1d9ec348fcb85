"""What AnoGAN and ADGAN share: a trained GAN, starting latents drawn once, the batched search.

Both score a query x by searching the generator's latent space for a z with G(z) close
to x (survey §3.1; Deecke et al. 2018, §3). The starting latents are drawn from the prior
once, at fit time, and shared by every query: a query's score is then a deterministic
function of x alone, whatever batch or order it is scored in. Each search starts from the
same distribution as a fresh draw per query would, which is what the papers do.
"""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from ...scoring import adam, latent_search
from ...utils.params import Hyperparameter, Renamed, declare
from ...utils.validation import SequenceOf
from ..gan_base import GAN_HYPERPARAMETERS, GANDetector, latent_size

# The search's parameters, with AnoGAN's defaults; ADGAN overrides them (``adgan.py``)
SEARCH_HYPERPARAMETERS = {
    "search_steps": Hyperparameter(
        500, [Interval(Integral, 0, None, closed="left")], "int",
        "Adam steps of the latent search, from every start, for every query."),
    "search_learning_rate": Hyperparameter(
        0.01, [Interval(Real, 0, None, closed="neither")], "float", "Adam's learning rate on z in the search."),
    "search_betas": Hyperparameter(
        (0.9, 0.999), [SequenceOf(Interval(Real, 0, 1, closed="left"), length=2)], "tuple of 2 float",
        "Adam's betas (beta1, beta2) on z in the search."),
}


# Former names of the search's parameters (the README's changelog), for every class that takes them
SEARCH_RENAMED = {"search_lr": Renamed(new="search_learning_rate", until="0.2")}


@declare({**GAN_HYPERPARAMETERS, **SEARCH_HYPERPARAMETERS}, renamed=SEARCH_RENAMED)
class LatentSearchDetector(GANDetector):
    """A GAN detector scoring each query by a batched Adam search of the latent space.

    Subclasses set ``_n_starts()`` and call ``_search(targets, loss_fn, **options)``,
    which runs ``search_steps`` Adam steps (``search_learning_rate``, ``search_betas``) from every
    start (``latent_starts_``, or the ``starts`` given) for every query and returns the final
    losses (R, B) and latents (R, B, d).
    """

    fitted_tensors = ("latent_starts_",)
    # A search per row costs hundreds of generator passes (ADGAN adapting: a generator copy
    # per seed), so the contamination quantile of offset_ is estimated on 1000 training rows;
    # offset_ only sets predict's threshold, never the scores.
    offset_sample_size = 1000

    def _n_starts(self):
        return 1

    def _fitted_tensor_shapes(self):
        return {"latent_starts_": (self._n_starts(), latent_size(self))}

    def _fit_scorer(self, X):
        self.latent_starts_ = self.prior_.sample(self._n_starts(), generator=self._seeded_generator(1),
                                                 device=self.device_)  # (R, d)

    def _search(self, targets, loss_fn, *, starts=None, **options):
        """The search from ``starts`` ((R, d) shared or (R, B, d) per query; default ``latent_starts_``)."""
        optimizer = adam(lr=self.search_learning_rate, betas=tuple(self.search_betas), device=self.device_)
        starts = self.latent_starts_ if starts is None else starts
        return latent_search(self.generator_, targets, starts, loss_fn,
                             n_steps=self.search_steps, optimizer=optimizer, **options)
