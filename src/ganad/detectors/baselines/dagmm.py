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

from ...utils.params import keyword_init
from .deep import BASELINE_CONSTRAINTS, BASELINE_PARAMETERS, DeepBaseline, conv_decoder, conv_encoder
from .losses import dagmm_loss, gmm_parameters, reconstruction_features, sample_energy

# The paper's KDDCUP99 settings (§4.3): compression 120-60-30-10-1 with tanh, estimation
# 10 units, dropout 0.5, 4 components; Adam 1e-4, batch 1024, 200 epochs.
DAGMM_PARAMETERS = {
    **BASELINE_PARAMETERS,
    "hidden": (60, 30, 10),
    "latent_dim": 1,
    "n_epochs": "auto",
    "batch_size": 1024,
    "learning_rate": 1e-4,
    "n_components": 4,
    "estimation_hidden": 10,
    "dropout": 0.5,
    "lambda_energy": 0.1,
    "lambda_cov": 0.005,
}


def tanh_stack(sizes):
    """Linear layers with tanh between them (the paper's activation), none after the last."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.Tanh()]
    return nn.Sequential(*layers[:-1])


class EstimationNetwork(nn.Module):
    """gamma = softmax(MLN(z)) (Eq. 4): z (B, d) -> (B, K), rows summing to one.

    Dropout draws its mask from the ``generator`` passed in (no global RNG); it is
    active in training mode only.
    """

    def __init__(self, n_in, n_hidden, n_components, dropout):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, n_components)
        self.dropout = dropout

    def forward(self, z, generator=None):
        h = torch.tanh(self.hidden(z))
        if self.training and self.dropout > 0:
            keep = torch.rand(h.shape, generator=generator, device=h.device) >= self.dropout
            h = h * keep / (1 - self.dropout)
        return torch.softmax(self.out(h), dim=1)


class DAGMM(DeepBaseline):
    """Deep autoencoding Gaussian mixture model; ``anomaly_score`` is the sample energy.

    Parameters beyond the shared ones (see ``DCAE``; ``hidden`` and ``latent_dim`` shape
    the compression network): ``n_components`` (K), ``estimation_hidden``, ``dropout``,
    ``lambda_energy`` (lambda_1) and ``lambda_cov`` (lambda_2).
    """

    __init__ = keyword_init(DAGMM_PARAMETERS)
    _parameter_constraints = {
        **BASELINE_CONSTRAINTS,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "estimation_hidden": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "lambda_energy": [Interval(Real, 0, None, closed="left")],
        "lambda_cov": [Interval(Real, 0, None, closed="left")],
    }
    network_names = ("encoder_", "decoder_", "estimation_")
    paper_epochs = 200
    fitted_tensors = ("gmm_weights_", "gmm_means_", "gmm_covariances_")

    def _make_networks(self):
        if self.image_shape_ is None:
            sizes = [self.n_features_in_, *self.hidden, self.latent_dim]
            encoder, decoder = tanh_stack(sizes), tanh_stack(sizes[::-1])
        else:
            encoder = conv_encoder(self.image_shape_, self.conv_width, self.latent_dim)
            decoder = conv_decoder(self.image_shape_, self.conv_width, self.latent_dim)
        estimation = EstimationNetwork(self.latent_dim + 2, self.estimation_hidden, self.n_components, self.dropout)
        return {"encoder_": encoder, "decoder_": decoder, "estimation_": estimation}

    def _compress(self, X):
        """(x', z) with z = [z_c, z_r] (B, latent_dim + 2), Eq. 1-3; the GMM works in float64."""
        z_c = self.encoder_(X)
        x_hat = self.decoder_(z_c)
        return x_hat, torch.cat([z_c, reconstruction_features(X, x_hat)], dim=1).double()

    def _training_losses(self, X, rng):
        x_hat, z = self._compress(X)
        gamma = self.estimation_(z.float(), rng).double()
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
