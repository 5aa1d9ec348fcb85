"""DSEBM (Zhai et al. 2016), a baseline of RCGAN (Yang et al. 2020, §5.2).

Zhai, Cheng, Lu & Zhang, *Deep structured energy based models for anomaly detection*,
ICML 2016. A deep network h defines the energy ``E(x) = 1/2 ||x - b'||^2 - sum_j
softplus(h_j(x))``, trained by denoising score matching: ``f(x) = x - dE/dx`` must map
``x + noise`` back to ``x`` (Eq. 7-8). Two scores (§4): the energy E(x) (DSEBM-e,
``score_type="energy"``) and the reconstruction error ``||x - f(x)||^2 = ||dE/dx||^2``
(DSEBM-r, ``score_type="reconstruction"``).
"""

from numbers import Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ...nets.blocks import conv_encoder, linear_stack
from ...nets.dcgan import DCGANConfig
from ...training.budget import LONG_MIN_UPDATES
from ...utils.params import Hyperparameter, declare, one_of, override
from ..hyperparameters import epochs_doc
from .deep import BASELINE_HYPERPARAMETERS, DeepBaseline
from ...explanation import exact
from .losses import dsebm_energy, score_matching_error

SCORE_TYPES = ("energy", "reconstruction")
# noise_std="auto" (resolved_noise_std): rows, and images (ALAD's dsebm/run.py draws N(0, 1) noise)
ROWS_NOISE_STD, IMAGE_NOISE_STD = 0.1, 1.0
DSEBM_HYPERPARAMETERS = {
    **override(
        BASELINE_HYPERPARAMETERS,
        hidden={"doc": "Widths of h's fully connected layers (softplus between them); for images, ``hidden[-1]`` is "
                       "the number of features h gives after its convolutions."},
        latent_dim={"doc": "Not used by DSEBM (it has no code); kept so the deep baselines share one signature."},
        n_epochs={"doc": epochs_doc("50", 2 * LONG_MIN_UPDATES)},
        image_shape={"doc": "Rows are flattened images of this shape, square with a side that halves to 4x4 or "
                            "more (28x28, 32x32, ...): h is DCGAN's stride-2 convolutions (no batch norm) then a "
                            "linear layer, pixels are expected in [-1, 1], and the support rule is off."}),
    "noise_std": Hyperparameter(
        "auto", [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})], 'float or "auto"',
        "sigma, the standard deviation of the Gaussian noise of denoising score matching (Eq. 8). \"auto\": "
        f"{ROWS_NOISE_STD} on rows, {IMAGE_NOISE_STD} on images (ALAD's reference DSEBM code; issue 13); see "
        "``noise_std_``."),
    "score_type": Hyperparameter(
        "reconstruction", [StrOptions(set(SCORE_TYPES))], one_of(SCORE_TYPES),
        "The score (§4): ``||dE/dx||^2`` (DSEBM-r, offers ``explain``) or the energy E(x) (DSEBM-e). The paper "
        "offers both; the default is the one that separated held-out training rows from feature-permuted ones "
        "on 5 of 6 sets (the baselines' README, issue 13); the energy inverted on two tables. Named "
        "``score_type``, not ``score``, which would shadow the ``score`` method scikit-learn's tools look for."),
}


class Bias(nn.Module):
    """b' of Eq. 3, shaped like one input row (a submodule, so its state key has a dot)."""

    def __init__(self, input_shape):
        super().__init__()
        self.b_prime = nn.Parameter(torch.zeros(input_shape))


class EnergyNetwork(nn.Module):
    """E: x (B, ...) -> (B,), the energy of Eq. 3 over a deep feature network h."""

    def __init__(self, body, input_shape):
        super().__init__()
        self.body = body  # h: x -> (B, m), pre-activation features
        self.bias = Bias(input_shape)

    def forward(self, x):
        return dsebm_energy(x, self.bias.b_prime, self.body(x))


def mlp_body(n_features, hidden):
    """h for rows: Linear layers with softplus between them (smooth, as score matching likes)."""
    return linear_stack([n_features, *hidden], nn.Softplus)


def conv_body(image_shape, width, n_out):
    """h for images: DCGAN's stride-2 convolutions without batch norm, then a linear layer."""
    return conv_encoder(DCGANConfig(image_shape=image_shape, width=width), n_out)  # (B, n_flat) -> (B, n_out)


def resolved_noise_std(noise_std, *, image_shape):
    """The noise level ``noise_std`` means: a number as it is; "auto" ``ROWS_NOISE_STD`` = 0.1 on rows,
    ``IMAGE_NOISE_STD`` = 1.0 on images.

    1.0 is the value of ALAD's reference DSEBM code (``dsebm/run.py``, every data set), whose
    baselines RCGAN compares with. On images in [-1, 1] it was chosen on training data only
    (``benchmarks/defaults_validation.py``: 400 training images of one class fit, 100 held out
    against as many training images of the other classes, seed 0), 0.1 -> 1.0: MNIST 0 / 1 / 2
    0.483 / 0.994 / 0.514 -> 0.953 / 0.995 / 0.689, Fashion-MNIST 0 / 1 / 2 0.809 / 0.990 /
    0.783 -> 0.890 / 0.990 / 0.857. On z-scored rows (held-out rows against the same rows with
    their features permuted) 1.0 lost: Thyroid 0.967 -> 0.696, ring 0.828 -> 0.496, arc 0.815
    -> 0.658, so rows keep 0.1.
    """
    if noise_std != "auto":
        return float(noise_std)
    return ROWS_NOISE_STD if image_shape is None else IMAGE_NOISE_STD


def energy_gradient(energy_net, x, *, create_graph):
    """(E(x), dE/dx) for a batch; rows do not interact, so each row's gradient is its own."""
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        energy = energy_net(x)
        (grad,) = torch.autograd.grad(energy.sum(), x, create_graph=create_graph)
    return energy, grad


@declare(DSEBM_HYPERPARAMETERS)
class DSEBM(DeepBaseline):
    """Deep structured energy-based model; ``anomaly_score`` is E(x) or ``||dE/dx||^2``.

    A deep network h defines the energy ``E(x) = 1/2 ||x - b'||^2 - sum_j softplus(h_j(x))``,
    trained by denoising score matching: ``f(v) = v - dE/dv`` must map ``x + noise`` back
    to ``x``. The score is the energy (DSEBM-e) or the reconstruction error
    ``||x - f(x)||^2 = ||dE/dx||^2`` (DSEBM-r).

    Attributes
    ----------
    energy_ : torch.nn.Module
        E, x (B, ...) -> (B,): h and the bias b'.
    noise_std_ : float
        The noise level trained with (``noise_std``, "auto" resolved).
    n_epochs_ : int
        The epochs trained.
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    References
    ----------
    Zhai, Cheng, Lu & Zhang, "Deep structured energy based models for anomaly detection",
    ICML 2016, https://arxiv.org/abs/1605.07717 (the energy, Eq. 3 with a deep h, §3.1;
    score matching, Eq. 7-8; the two scores, §4); a baseline of Yang et al. (2020), §5.2.

    Examples
    --------
    >>> from ganad.detectors.baselines import DSEBM
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = DSEBM(n_epochs=1, hidden=(8,), score_type="reconstruction",
    ...                  random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    >>> detector.explain(X[:5]).shape
    (5, 2)
    """

    network_names = ("energy_",)
    min_updates = 2 * LONG_MIN_UPDATES  # its validation AUROC still rose at 20,000 updates (ganad.training.budget)

    def _make_networks(self):
        if self.image_shape_ is None:
            body, shape = mlp_body(self.n_features_in_, self.hidden), (self.n_features_in_,)
        else:
            body, shape = conv_body(self.image_shape_, self.conv_width, self.hidden[-1]), self.image_shape_
        return {"energy_": EnergyNetwork(body, shape)}

    def _before_training(self, X):
        self.noise_std_ = resolved_noise_std(self.noise_std, image_shape=self.image_shape_)

    def _training_losses(self, X, rng):
        noise = self._draw_rows(lambda n: torch.randn((n, *X.shape[1:]), generator=rng, device=X.device), len(X))
        noisy = X + self.noise_std_ * noise
        _, grad = energy_gradient(self.energy_, noisy, create_graph=True)
        return {"score_matching_loss": score_matching_error(X, noisy, grad).mean()}

    def energy(self, X):
        """E(x) for a batch tensor."""
        return self.energy_(X)

    def _anomaly_score(self, X):
        if self.score_type == "energy":
            return self.energy_(X)
        _, grad = energy_gradient(self.energy_, X, create_graph=False)
        return score_matching_error(X, X, grad)

    def _why_not_explained(self):
        if self.score_type == "reconstruction":
            return None
        return (f"score_type={self.score_type!r} scores the energy E(x) of the whole row, not a residual per "
                "input feature; score_type='reconstruction' (||x - f(x)||^2) is explained")

    def _feature_terms(self, X):
        """``explain`` (score_type="reconstruction"): ``(x_j - f(x)_j)^2 = (dE/dx_j)^2`` (exact)."""
        _, grad = energy_gradient(self.energy_, X, create_graph=False)
        return exact((X - (X - grad)).pow(2).flatten(1))  # as score_matching_error(X, X, grad), unsummed
