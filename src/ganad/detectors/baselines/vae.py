"""Variational autoencoder scored by its negative ELBO, the ADGAN baseline (Deecke et al. 2018, §4.2).

Kingma & Welling 2014, *Auto-encoding variational Bayes*: a Gaussian encoder
q(z|x) = N(mu(x), diag(sigma^2(x))), a N(0, I) prior and a Gaussian decoder, trained by
maximising the ELBO (Eq. 10) with the reparameterisation trick. ADGAN scores "by evaluating
the evidence lower bound"; the anomaly score is -ELBO.

The decoder on rows is the paper's Gaussian MLP (App. C.2): it outputs the mean and the log
variance of p(x|z) per feature, the log variance floored at ``MIN_LOG_VARIANCE`` (a standard
deviation of 0.01 in scaled units) so that a feature the decoder reconstructs exactly cannot
drive the likelihood to infinity. On images the decoder is DCGAN's generator (tanh pixels)
with unit variance, as before. Our choice, issue 13: with a unit variance on z-scored rows
the reconstruction term is weak beside the KL term, and the ELBO ranked Thyroid's held-out
training rows against the same rows with permuted features at AUROC 0.59; the learned
variance gave 0.90 (KDDCUP99 0.96 -> 0.99, Arrhythmia 0.80 -> 0.81;
``benchmarks/defaults_validation.py``, training data only).

Training anneals the KL term (``kl_warmup``; Bowman et al. 2016, §3.1, "KL cost annealing";
Sønderby et al. 2016, "warm-up"): its weight rises linearly from near 0 to 1 over the first
half of the epochs, then the plain ELBO is maximised. Our choice, issue 13: without it the
code collapsed on rows of two features (the decoder ignored z and modelled the z-scored
rows as one Gaussian: the ring's held-out negative ELBO was 2.84 nats, a standard 2-D
Gaussian's entropy). Held-out negative ELBO of held-out training rows (lower is better),
warm-up 0 / 0.1 / 0.5 of the epochs: ring 2.84 / 0.37 / 0.36, loop 1.96 / 1.01 / 1.07, arc
2.06 / 1.03 / 1.11, four_dots -0.47 / -0.19 / -0.50, Thyroid 2.86 / 2.54 / 2.41, Arrhythmia
4.4e5 / 8.7e5 / 3.1e5, KDDCUP99 -356 / -345 / -370, Musk -15.8 / 13.1 / -1.6: 0.5 is best
or near on all but Musk (``benchmarks/defaults_validation.py vae --variants '{"kl_warmup": 0}'
'{"kl_warmup": 0.1}' '{}'``, whose second column is that held-out mean). On images it is
neutral (MNIST digits 0 / 1, 400 training images, validation anomalies other digits' training
images: 770.6 / 737.6 nats without, 771.8 / 736.6 with), so one rule serves both.
"""

import math

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval

from ...training.budget import LONG_MIN_UPDATES
from ...utils.params import Hyperparameter, declare, override
from ..hyperparameters import epochs_doc
from .deep import (BASELINE_HYPERPARAMETERS, DeepBaseline, conv_decoder, conv_encoder,
                   mlp_decoder, mlp_encoder)
from .losses import MAX_LOG_VARIANCE, gaussian_kl, gaussian_nll_terms, negative_elbo

MIN_LOG_VARIANCE = 2 * math.log(0.01)  # the decoder's sigma >= 0.01 (rows)


def kl_weight(epoch, n_epochs, warmup):
    """The KL term's weight in epoch ``epoch`` (0-based) of ``n_epochs``: ``(epoch + 1) / w`` up to 1, with
    ``w = max(1, round(warmup * n_epochs))`` warm-up epochs; 1 throughout when ``warmup`` is 0.

    >>> [kl_weight(e, 8, 0.5) for e in range(6)]
    [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    """
    if warmup == 0:
        return 1.0
    return min(1.0, (epoch + 1) / max(1, round(warmup * n_epochs)))


@declare({
    **override(BASELINE_HYPERPARAMETERS, n_epochs={"doc": epochs_doc("50", LONG_MIN_UPDATES)}),
    "n_score_samples": Hyperparameter(
        0, [Interval(Integral, 0, None, closed="left")], "int",
        "The number of Monte-Carlo draws of z used to estimate the ELBO at scoring. 0 evaluates it at "
        "z = mu(x), a deterministic estimate, so a row's score does not depend on the rows scored with it; "
        "k > 0 averages k reparameterised draws from a seeded generator, draw j with one noise vector for every "
        "row (common random numbers), so the score stays independent of the rows scored with it."),
    "kl_warmup": Hyperparameter(
        0.5, [Interval(Real, 0, 1, closed="both")], "float",
        "KL annealing (Bowman et al. 2016, §3.1; Sønderby et al. 2016's warm-up): the fraction of the training "
        "epochs over which the weight of the KL term in the training loss rises linearly to 1 "
        "(``kl_weight``); 0 trains the plain ELBO throughout. The score is always the full negative ELBO."),
})
class VAE(DeepBaseline):
    """Variational autoencoder; ``anomaly_score`` is the negative ELBO.

    A Gaussian encoder q(z|x), a N(0, I) prior and a Gaussian decoder (on rows with a
    learned variance per feature, on images with unit variance), trained by maximising the
    ELBO with the reparameterisation trick.

    Attributes
    ----------
    encoder_, decoder_ : torch.nn.Module
        The encoder (mu, sigma) and the decoder.
    n_epochs_ : int
        The epochs trained.
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    References
    ----------
    Kingma & Welling, "Auto-encoding variational Bayes", ICLR 2014 (the ELBO, Eq. 10); the
    baseline of Deecke et al. (2018), §4.2, which scores "by evaluating the evidence lower
    bound".

    Examples
    --------
    >>> from ganad.detectors.baselines import VAE
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = VAE(n_epochs=1, hidden=(8,), latent_dim=2, random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    network_names = ("encoder_", "decoder_")
    min_updates = LONG_MIN_UPDATES  # its validation AUROC rose up to 10,000 updates (ganad.training.budget)

    def _make_networks(self):
        # The encoder outputs mu and log sigma^2 side by side: (B, 2 * latent_dim); on rows the
        # decoder too, the mean and the log variance of p(x|z): (B, 2 * n_features).
        if self.image_shape_ is None:
            return {"encoder_": mlp_encoder(self.n_features_in_, self.hidden, 2 * self.latent_dim),
                    "decoder_": mlp_decoder(2 * self.n_features_in_, self.hidden, self.latent_dim)}
        return {"encoder_": conv_encoder(self.image_shape_, self.conv_width, 2 * self.latent_dim),
                "decoder_": conv_decoder(self.image_shape_, self.conv_width, self.latent_dim)}

    def encode(self, X):
        """(mu, log sigma^2), each (B, latent_dim), for a batch tensor; log sigma^2 capped at ``MAX_LOG_VARIANCE``.

        The cap, as the decoder's: a row far from the training data (values of 1e3 to 1e5 on z-scored rows) drove
        the encoder's log variance past 88.7, where ``exp`` overflows float32, so the KL term scored it ``inf`` (tied
        with every farther row) and a sampled code made its score NaN. Below the cap nothing changes.
        """
        mu, logvar = self.encoder_(X).chunk(2, dim=1)
        return mu, logvar.clamp_max(MAX_LOG_VARIANCE)

    def decode(self, z):
        """(x_hat, log sigma^2 of p(x|z)) for a batch of codes; the log variance is None on images."""
        out = self.decoder_(z)
        if self.image_shape_ is not None:
            return out, None
        x_hat, log_variance = out.chunk(2, dim=1)
        return x_hat, log_variance.clamp_min(MIN_LOG_VARIANCE)

    def _elbo_terms(self, X, rng):
        """(x_hat, log variance, mu, logvar) of one reparameterised draw of z per row."""
        mu, logvar = self.encode(X)
        eps = self._draw_rows(lambda n: torch.randn((n, *mu.shape[1:]), generator=rng, device=mu.device), len(mu))
        return self._decode_draw(mu, logvar, eps)

    def _decode_draw(self, mu, logvar, eps):
        """(x_hat, log variance, mu, logvar) at z = mu + sigma * eps (reparameterisation, Eq. 10's L = 1 sample)."""
        return (*self.decode(mu + (0.5 * logvar).exp() * eps), mu, logvar)

    def _score_draws(self, X):
        """The ELBO terms at each of the score's ``n_score_samples`` draws. Draw j uses one noise vector eps_j
        for every row (common random numbers from a seeded generator), so a row's score does not depend on the
        rows scored with it, their order or the scoring chunks."""
        mu, logvar = self.encode(X)
        eps = torch.randn((self.n_score_samples, *mu.shape[1:]), generator=self._seeded_generator(1),
                          device=mu.device)
        return [self._decode_draw(mu, logvar, eps_j) for eps_j in eps]

    def _fit_settings(self):
        """With KL annealing the schedule is a share of the run, so a checkpoint resumes only a run of the
        same ``n_epochs`` (a longer one anneals over more epochs)."""
        settings = super()._fit_settings()
        if self.kl_warmup:
            settings["n_epochs"] = self.n_epochs
        return settings

    def _run_epoch(self, X, optimizer, rng, epoch):
        self._kl_weight = kl_weight(epoch, self.n_epochs_, self.kl_warmup)
        try:
            return super()._run_epoch(X, optimizer, rng, epoch)
        finally:
            del self._kl_weight

    def _training_losses(self, X, rng):
        x_hat, log_variance, mu, logvar = self._elbo_terms(X, rng)
        nll, kl = gaussian_nll_terms(X, x_hat, log_variance).sum(dim=1), gaussian_kl(mu, logvar)
        return {"annealed_negative_elbo": (nll + self._kl_weight * kl).mean(),
                "negative_elbo": (nll + kl).mean().detach(),  # negative_elbo's terms, computed once
                "kl": kl.mean().detach()}

    def _anomaly_score(self, X):
        if self.n_score_samples == 0:
            mu, logvar = self.encode(X)
            x_hat, log_variance = self.decode(mu)
            return negative_elbo(X, x_hat, mu, logvar, log_variance)
        draws = [negative_elbo(X, x_hat, mu, logvar, log_variance)
                 for x_hat, log_variance, mu, logvar in self._score_draws(X)]
        return torch.stack(draws).mean(dim=0)

    def _why_not_explained(self):
        return None

    def _feature_terms(self, X):
        """``explain``: ``-log N(x_j; x_hat_j, sigma_j^2)`` per feature (sigma_j = 1 on images),
        (x_hat, sigma^2) = D(mu(x)) (averaged over the score's own draws of z when ``n_score_samples`` > 0);
        the remainder is ``KL(q(z|x) || p(z))``, a term of the whole row."""
        mu, logvar = self.encode(X)
        if self.n_score_samples == 0:
            return gaussian_nll_terms(X, *self.decode(mu)), gaussian_kl(mu, logvar)
        draws = [gaussian_nll_terms(X, x_hat, log_variance) for x_hat, log_variance, *_ in self._score_draws(X)]
        return torch.stack(draws).mean(dim=0), gaussian_kl(mu, logvar)
