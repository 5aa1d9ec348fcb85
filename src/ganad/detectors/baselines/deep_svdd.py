"""Deep SVDD (Ruff et al. 2018), a baseline of RCGAN (Yang et al. 2020, §5.2).

Ruff, Vandermeulen, Görnitz, Deecke, Siddiqui, Binder, Müller & Kloft, *Deep one-class
classification*, ICML 2018. A bias-free network phi maps the data into a hypersphere of
centre c, fixed to the mean of an initial forward pass; training minimises the mean
squared distance to c (one-class, Eq. 4) or the soft-boundary objective (Eq. 3). The
anomaly score is ``||phi(x) - c||^2`` (minus R^2 for the soft boundary, Eq. 5).
"""

from functools import partial
from numbers import Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ...nets.blocks import linear_stack
from ...training.budget import LONG_MIN_UPDATES
from ...utils.params import Hyperparameter, declare, one_of, override, pick
from ..hyperparameters import SHARED_HYPERPARAMETERS, epochs_doc
from .deep import BASELINE_HYPERPARAMETERS, DeepBaseline
from .losses import one_class_svdd_loss, soft_boundary_svdd_loss, squared_distance

# Ruff et al.'s MNIST settings (§4.1 and their code): Adam 1e-4, weight decay 5e-7
# (lambda), batch 200, 150 epochs, 32-D representation.
OBJECTIVES = ("one-class", "soft-boundary")
SVDD_HYPERPARAMETERS = {
    **override(
        BASELINE_HYPERPARAMETERS,
        hidden={"doc": "Widths of phi's fully connected layers (rows)."},
        latent_dim={"default": 32, "doc": "The output size of phi, the representation whose distance to c is scored."},
        image_shape={"doc": "Rows are flattened images of this shape: phi is then Ruff et al.'s LeNet-style "
                            "network (two 5x5 bias-free convolutions, each with batch norm, LeakyReLU and 2x2 max "
                            "pooling, then a bias-free linear layer) instead of fully connected layers, and the "
                            "support rule is off."},
        conv_width={"doc": "Channels of phi's first convolution, the second having half as many (``image_shape`` "
                           "only)."},
        n_epochs={"default": "auto", "doc": epochs_doc("Ruff et al.'s 150", LONG_MIN_UPDATES)},
        batch_size={"default": 200},
        learning_rate={"default": 1e-4},
        weight_decay={"default": 5e-7, "doc": "lambda, Adam's weight decay (an L2 penalty on the weights)."}),
    "objective": Hyperparameter(
        "one-class", [StrOptions(set(OBJECTIVES))], one_of(OBJECTIVES),
        "The mean squared distance to c (Eq. 4) or the soft-boundary objective (Eq. 3)."),
    **pick(SHARED_HYPERPARAMETERS, "nu",
           nu={"default": 0.1, "doc": "nu, the soft boundary's bound on the fraction of training rows outside the "
                                      "sphere (``objective=\"soft-boundary\"`` only)."}),
    "warm_up_epochs": Hyperparameter(
        10, [Interval(Real, 0, None, closed="left")], "float", "Epochs before R is first updated (soft boundary)."),
    "center_eps": Hyperparameter(
        0.1, [Interval(Real, 0, None, closed="left")], "float",
        "Coordinates of c closer to 0 than this are moved to +-center_eps (a coordinate at 0 is trivially "
        "matched by zero weights)."),
}


def mlp_features(n_features, hidden, latent_dim):
    """phi: x (B, n_features) -> (B, latent_dim), bias-free Linear + LeakyReLU (no bias: Prop. 2)."""
    return linear_stack([n_features, *hidden, latent_dim], partial(nn.LeakyReLU, 0.1), bias=False)


def conv_features(image_shape, width, latent_dim):
    """phi: x (B, C, H, W) -> (B, latent_dim), Ruff et al.'s MNIST LeNet with ``width`` channels.

    Two 5x5 bias-free convolutions, each followed by batch norm without affine terms,
    LeakyReLU and 2x2 max pooling, then a bias-free linear layer.
    """
    channels, height, _ = image_shape
    mid = max(1, width // 2)

    def block(c_in, c_out):
        return [nn.Conv2d(c_in, c_out, 5, padding=2, bias=False),
                nn.BatchNorm2d(c_out, eps=1e-4, affine=False), nn.LeakyReLU(0.1), nn.MaxPool2d(2)]

    n_flat = mid * (height // 4) * (image_shape[2] // 4)  # two poolings halve H and W twice
    return nn.Sequential(*block(channels, width), *block(width, mid), nn.Flatten(),
                         nn.Linear(n_flat, latent_dim, bias=False))


@declare(SVDD_HYPERPARAMETERS)
class DeepSVDD(DeepBaseline):
    """Deep SVDD; ``anomaly_score`` is ``||phi(x) - c||^2`` (soft boundary: minus R^2).

    A bias-free network phi maps the data into a hypersphere of centre c, fixed to the mean
    of an initial forward pass.

    Attributes
    ----------
    network_ : torch.nn.Module
        phi.
    center_ : torch.Tensor
        c.
    radius_ : float
        R (soft boundary).
    n_epochs_ : int
        The epochs trained.
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    References
    ----------
    Ruff, Vandermeulen, Görnitz, Deecke, Siddiqui, Binder, Müller & Kloft, "Deep one-class
    classification", ICML 2018 (Eq. 3-5); a baseline of Yang et al. (2020), §5.2.

    Examples
    --------
    >>> from ganad.detectors.baselines import DeepSVDD
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = DeepSVDD(n_epochs=1, hidden=(8,), latent_dim=2, random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    network_names = ("network_",)
    paper_epochs = 150
    min_updates = LONG_MIN_UPDATES  # its validation AUROC rose up to 10,000 updates (ganad.training.budget)
    fitted_values = ("radius_",)
    fitted_tensors = ("center_",)

    def _make_networks(self):
        if self.image_shape_ is None:
            return {"network_": mlp_features(self.n_features_in_, self.hidden, self.latent_dim)}
        return {"network_": conv_features(self.image_shape_, self.conv_width, self.latent_dim)}

    def _fitted_tensor_shapes(self):
        return {"center_": (self.latent_dim,)}

    def _before_training(self, X):
        """c = mean of phi over the training data at initialisation (Ruff et al. §3.3)."""
        self.network_.eval()  # as Ruff et al.'s code: batch norm with its initial statistics
        center = self._in_chunks(self.network_, X).mean(dim=0)
        small = center.abs() < self.center_eps  # a coordinate at 0 is trivially matched by zero weights
        self.center_ = torch.where(small & (center < 0), -self.center_eps,
                                   torch.where(small, self.center_eps, center))
        self.radius_ = 0.0

    def _training_losses(self, X, rng):
        distances = squared_distance(self.network_(X), self.center_)
        if self.objective == "one-class":
            return {"svdd_loss": one_class_svdd_loss(distances)}
        return {"svdd_loss": soft_boundary_svdd_loss(distances, self.radius_, self.nu)}

    def _after_epoch(self, X, epoch):
        """Soft boundary: R = the (1 - nu)-quantile of the distances after warm-up (§3.1 line search)."""
        if self.objective == "soft-boundary" and epoch + 1 >= self.warm_up_epochs:
            self.network_.eval()
            distances = self._in_chunks(lambda b: squared_distance(self.network_(b), self.center_), X)
            self.radius_ = float(np.quantile(distances.sqrt().cpu().double().numpy(), 1 - self.nu))

    def _anomaly_score(self, X):
        return squared_distance(self.network_(X), self.center_) - self.radius_**2

    def _why_not_explained(self):
        return "its score is the distance of the row's embedding phi(x) to the centre c, not a residual per input feature"
