"""DAGMM (Zong et al. 2018), a baseline of RCGAN (Yang et al. 2020, §5.2).

Zong, Song, Min, Cheng, Lumezanu, Cho & Chen, *Deep autoencoding Gaussian mixture model
for unsupervised anomaly detection*, ICLR 2018. A compression network (an autoencoder)
gives z = [z_c, relative Euclidean distance, cosine similarity] (Eq. 1-3); an estimation
network predicts soft GMM memberships gamma (Eq. 4); GMM parameters follow from gamma
(Eq. 5); everything is trained end to end on Eq. 7. The anomaly score is the sample
energy E(z) (Eq. 6) under the GMM fitted on the whole training set after training.
"""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval
from torch import nn

from ...nets.blocks import linear_stack
from ...utils.params import Hyperparameter, Renamed, declare, override, pick
from ..hyperparameters import SHARED_HYPERPARAMETERS, auto_latent_dim, epochs_doc, resolved_latent_dim
from .deep import BASELINE_HYPERPARAMETERS, DeepBaseline, conv_decoder, conv_encoder
from .losses import dagmm_loss, gmm_parameters, reconstruction_features, sample_energy

# The paper's KDDCUP99 settings (§4.3): compression 120-60-30-10-1 with tanh, estimation
# 10 units, dropout 0.5, 4 components; Adam 1e-4, batch 1024, 200 epochs. The code (latent_dim="auto") is not
# the paper's 1: ROWS_LATENT_DIM on rows and IMAGE_LATENT_DIM on images, chosen on training data only
# (``DAGMM._code_size``); rcgan-t1 sets the paper's 1.
PAPER_LATENT_DIM, ROWS_LATENT_DIM, IMAGE_LATENT_DIM = 1, 16, 32
DAGMM_HYPERPARAMETERS = {
    **override(
        BASELINE_HYPERPARAMETERS,
        hidden={"default": (60, 30, 10),
                "doc": "Widths of the compression network's encoder between the input and the code (tanh between "
                       "layers); the decoder mirrors them."},
        latent_dim=auto_latent_dim(
            f"The size of the code z_c; \"auto\": {ROWS_LATENT_DIM} on rows (the paper's KDDCUP99 code is "
            f"{PAPER_LATENT_DIM}), {IMAGE_LATENT_DIM} with ``image_shape`` (README, \"DAGMM\")."),
        n_epochs={"default": "auto", "doc": epochs_doc("the paper's 200")},
        batch_size={"default": 1024},
        learning_rate={"default": 1e-4}),
    "n_mixture_components": Hyperparameter(
        4, [Interval(Integral, 1, None, closed="left")], "int", "K, the mixture components."),
    "estimation_hidden": Hyperparameter(
        10, [Interval(Integral, 1, None, closed="left")], "int",
        "The units of the estimation network's hidden tanh layer."),
    **pick(SHARED_HYPERPARAMETERS, "dropout",
           dropout={"default": 0.5,
                    "doc": "The dropout rate of the estimation network's hidden layer, in training only."}),
    "lambda_energy": Hyperparameter(
        0.1, [Interval(Real, 0, None, closed="left")], "float",
        "lambda_1 of Eq. 7, the weight of the mean sample energy."),
    "lambda_cov": Hyperparameter(
        0.005, [Interval(Real, 0, None, closed="left")], "float",
        "lambda_2 of Eq. 7, the weight of the penalty ``P(Sigma) = sum_k sum_j 1 / Sigma_k,jj`` on small "
        "covariance diagonals."),
}


class EstimationNetwork(nn.Module):
    """gamma = softmax(MLN(z)) (Eq. 4): z (B, d) -> (B, K), rows summing to one.

    Dropout draws its mask from the ``generator`` passed in (no global RNG), through
    ``draw_rows(draw, n)`` when given (``training.distributed.draw_rows``: a data-parallel
    rank's part of the global batch's draw); it is active in training mode only.
    """

    def __init__(self, n_in, n_hidden, n_mixture_components, dropout):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, n_mixture_components)
        self.dropout = dropout

    def forward(self, z, generator=None, draw_rows=None):
        h = torch.tanh(self.hidden(z))
        if self.training and self.dropout > 0:
            draw = lambda n: torch.rand((n, *h.shape[1:]), generator=generator, device=h.device)  # noqa: E731
            keep = (draw(len(h)) if draw_rows is None else draw_rows(draw, len(h))) >= self.dropout
            h = h * keep / (1 - self.dropout)
        return torch.softmax(self.out(h), dim=1)


@declare(DAGMM_HYPERPARAMETERS, renamed={"n_components": Renamed(new="n_mixture_components", until="0.2")})
class DAGMM(DeepBaseline):
    """Deep autoencoding Gaussian mixture model; ``anomaly_score`` is the sample energy.

    A compression network (a tanh autoencoder) gives z = [z_c, relative Euclidean distance,
    cosine similarity] (Eq. 1-3); an estimation network predicts soft memberships gamma of
    ``n_mixture_components`` Gaussians (Eq. 4), whose parameters follow from gamma (Eq. 5); both are
    trained end to end on Eq. 7. The score is the sample energy E(z) (Eq. 6) under the
    mixture fitted on the whole training set after training. The defaults are the paper's
    KDDCUP99 settings (§4.3) but the code size (``latent_dim="auto"``: 16 on rows, 32 on images).

    Attributes
    ----------
    encoder_, decoder_ : torch.nn.Module
        The compression network.
    estimation_ : torch.nn.Module
        The estimation network, z (B, the code size + 2) -> gamma (B, n_mixture_components).
    gmm_weights_ : torch.Tensor of shape (n_mixture_components,)
        phi, the mixture weights of Eq. 5 over the training set, float64.
    gmm_means_ : torch.Tensor of shape (n_mixture_components, the code size + 2)
        mu, the component means.
    gmm_covariances_ : torch.Tensor of shape (n_mixture_components, the code size + 2, the code size + 2)
        Sigma, the component covariances.
    n_epochs_ : int
        The epochs trained.
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    References
    ----------
    Zong, Song, Min, Cheng, Lumezanu, Cho & Chen, "Deep autoencoding Gaussian mixture model
    for unsupervised anomaly detection", ICLR 2018 (z, Eq. 1-3; gamma, Eq. 4; the mixture,
    Eq. 5; the sample energy ``E(z) = -log sum_k phi_k N(z; mu_k, Sigma_k)``, Eq. 6; the
    objective, Eq. 7); a baseline of Yang et al. (2020), §5.2.

    Examples
    --------
    >>> from ganad.detectors.baselines import DAGMM
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = DAGMM(n_epochs=1, hidden=(8,), latent_dim=1, n_mixture_components=2, batch_size=64,
    ...                  random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    network_names = ("encoder_", "decoder_", "estimation_")
    paper_epochs = 200
    fitted_tensors = ("gmm_weights_", "gmm_means_", "gmm_covariances_")

    def _fitted_tensor_shapes(self):
        k, d = self.n_mixture_components, self._code_size() + 2
        return {"gmm_weights_": (k,), "gmm_means_": (k, d), "gmm_covariances_": (k, d, d)}

    def _code_size(self):
        """The size of z_c that ``latent_dim`` means for the fitted data: a number as it is; "auto"
        ``ROWS_LATENT_DIM`` = 16 on rows and ``IMAGE_LATENT_DIM`` = 32 with ``image_shape``.

        The paper runs DAGMM on tables only, with codes of 1 or 2 (§4.3); both were chosen on training data
        only (issue 13's validation splits, ``benchmarks/defaults_validation.py dagmm --variants ...``; README,
        "DAGMM"). On rows, the held-out 20 % of a cell's training rows against the same rows feature-permuted
        and dilated, and a few hundred MNIST training digits at 8x8 as rows against other digits (``mnist8``),
        26 cells over seeds 0-1: mean validation AUROC 0.708 with the paper's code of 1 (Thyroid permuted 0.40:
        below chance), 0.695 / 0.774 / 0.813 / 0.824 / 0.806 with 2 / 4 / 8 / 16 / 32 (2 and 32: seed 0's 15
        cells). On images a code of 1 left the score near chance (400 training images of one class fit,
        100 held out against as many of the other classes): MNIST 0 / Fashion-MNIST 0 with codes of 1, 8, 16,
        32 and 64: 0.556 / 0.545, 0.894 / 0.878, 0.933 / 0.900, 0.961 / 0.930, 0.980 / 0.916. 32 and 64 tie on
        the mean (0.946, 0.948); 32 keeps the mixture's full covariances at 34 dimensions, estimated from a few
        hundred images.
        """
        return resolved_latent_dim(self.latent_dim, self.image_shape_, ROWS_LATENT_DIM, IMAGE_LATENT_DIM)

    def _make_networks(self):
        code_size = self._code_size()
        if self.image_shape_ is None:
            sizes = [self.n_features_in_, *self.hidden, code_size]
            # tanh between the Linear layers (the paper's activation), none after the last
            encoder, decoder = linear_stack(sizes, nn.Tanh), linear_stack(sizes[::-1], nn.Tanh)
        else:
            encoder = conv_encoder(self.image_shape_, self.conv_width, code_size)
            decoder = conv_decoder(self.image_shape_, self.conv_width, code_size)
        estimation = EstimationNetwork(code_size + 2, self.estimation_hidden, self.n_mixture_components,
                                        self.dropout)
        return {"encoder_": encoder, "decoder_": decoder, "estimation_": estimation}

    def _compress(self, X):
        """(x', z) with z = [z_c, z_r] (B, the code size + 2), Eq. 1-3; the GMM works in float64."""
        z_c = self.encoder_(X)
        x_hat = self.decoder_(z_c)
        return x_hat, torch.cat([z_c, reconstruction_features(X, x_hat)], dim=1).double()

    def _training_losses(self, X, rng):
        x_hat, z = self._compress(X)
        gamma = self.estimation_(z.float(), rng, self._draw_rows).double()
        phi, mu, sigma = gmm_parameters(gamma, z)
        energy = sample_energy(z, phi, mu, sigma)
        loss = dagmm_loss(X, x_hat, energy, sigma, lambda_energy=self.lambda_energy, lambda_cov=self.lambda_cov)
        return {"dagmm_loss": loss, "energy": energy.mean().detach()}

    def _fit_scorer(self, X):
        """The GMM of Eq. 5 over the whole training set, with the trained networks (§3.5, testing)."""
        z = self._in_chunks(lambda b: self._compress(b)[1], X)
        with torch.no_grad():
            gamma = self.estimation_(z.float()).double()
            self.gmm_weights_, self.gmm_means_, self.gmm_covariances_ = gmm_parameters(gamma, z)

    def _anomaly_score(self, X):
        _, z = self._compress(X)
        return sample_energy(z, self.gmm_weights_, self.gmm_means_, self.gmm_covariances_)

    def _why_not_explained(self):
        return ("its score is a Gaussian mixture's sample energy of the compressed code (Eq. 6), "
                "not a residual per input feature")
