"""The GAN-training phase shared by the detectors that score with a trained generator and critic.

``GANDetector`` is the base of WGANCritic, WGANInversion and WGANEncoder (``detectors/wgan``),
AnoGAN and ADGAN (``detectors/adgan``) and HistoryAD (``detectors/history``); GANomaly
reuses its parameters and ``net_config``.

Haloui, Sen Gupta & Feuillard, "Anomaly detection with Wasserstein GAN" (2018),
https://arxiv.org/abs/1812.02463. Defaults are the paper's: fully connected
2-128-128-2 generator and 2-128-128-1 critic with a 2-D N(0, 1) latent (§5.1), WGAN-GP
with Algorithm 2's settings (§3.4), 30 epochs (Fig. 9/12): ``n_epochs="auto"`` (the
default) trains those 30 epochs, or more on a small data set until the generator has made
2,000 steps (``ganad.training.budget``). Setting ``image_shape``
switches to DCGAN-style convolutional networks (§5.1-5.3 use a convolutional WGAN on
MNIST; its exact architecture, App. C, is not given in the text).
"""

import copy
import os
import warnings
from numbers import Integral, Real

from pathlib import Path

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..base import BASE_CONSTRAINTS, BASE_PARAMETERS, BaseGANDetector
from ..nets import (DCGANConfig, DCGANCritic, DCGANEncoder, DCGANGenerator, LatentPrior,
                    MLPConfig, MLPCritic, MLPEncoder, MLPGenerator)
from ..nets.prior import PRIORS
from ..training import TRAINERS
from ..training.budget import EPOCHS_CONSTRAINT
from ..utils.rng import seeded_init
from ..utils.validation import IMAGE_SHAPE, WIDTHS

GAN_PARAMETERS = {
    "gan": "wgan-gp",
    "latent_dim": 2,
    "hidden": (128, 128),
    "prior": "normal",
    "output_activation": None,
    "image_shape": None,
    "conv_width": 64,
    "n_epochs": "auto",
    "batch_size": 64,
    "n_critic": None,
    "learning_rate": None,
    "gp_weight": 10.0,
    "clip_value": 0.01,
    "generator": None,
    "critic": None,
    "checkpoint_path": None,
    "checkpoint_every": 1,
    "resume": False,
    **BASE_PARAMETERS,
}

GAN_CONSTRAINTS = {
    **BASE_CONSTRAINTS,
    "gan": [StrOptions(set(TRAINERS))],
    "latent_dim": [Interval(Integral, 1, None, closed="left")],
    "hidden": [WIDTHS],
    "prior": [StrOptions(set(PRIORS))],
    "output_activation": [StrOptions({"tanh"}), None],
    "image_shape": [IMAGE_SHAPE, None],
    "conv_width": [Interval(Integral, 1, None, closed="left")],
    "n_epochs": EPOCHS_CONSTRAINT,
    "batch_size": [Interval(Integral, 2, None, closed="left")],
    "n_critic": [Interval(Integral, 1, None, closed="left"), None],
    "learning_rate": [Interval(Real, 0, None, closed="neither"), None],
    "gp_weight": [Interval(Real, 0, None, closed="left")],
    "clip_value": [Interval(Real, 0, None, closed="neither")],
    "generator": [torch.nn.Module, None],
    "critic": [torch.nn.Module, None],
    "checkpoint_path": [str, os.PathLike, None],
    "checkpoint_every": [Interval(Integral, 1, None, closed="left")],
    "resume": ["boolean"],
}

DEFAULT_NETWORKS = {  # fitted attribute -> (fully connected, convolutional)
    "generator_": (MLPGenerator, DCGANGenerator),
    "critic_": (MLPCritic, DCGANCritic),
    "encoder_": (MLPEncoder, DCGANEncoder),
}

TRAINER_OPTIONS = {"wgan-gp": ("gp_weight",), "wgan-clip": ("clip_value",), "vanilla": ()}

# The parameters that decide what the GAN phase computes (and the space it works in: scaling,
# imputation, seed, device): all of GAN_PARAMETERS but the user's networks, checkpointing,
# display and the scoring phase's threshold and chunks. ``GANDetector.from_gan`` copies them.
NOT_GAN_PHASE = frozenset({"generator", "critic", "checkpoint_path", "checkpoint_every", "resume", "verbose",
                           "contamination", "score_batch_size"})
GAN_PHASE = tuple(name for name in GAN_PARAMETERS if name not in NOT_GAN_PHASE)
REUSED_GAN = ("generator", "critic", "n_epochs")  # what from_gan sets itself


def net_config(detector):
    """The network shapes of a detector being fitted: fully connected for rows, DCGAN for images.

    Reads ``image_shape_`` and ``n_features_in_`` and the parameters ``latent_dim``,
    ``hidden``, ``output_activation`` and ``conv_width``.
    """
    if detector.image_shape_ is None:
        return MLPConfig(n_features=detector.n_features_in_, latent_dim=detector.latent_dim,
                         hidden=tuple(detector.hidden), output_activation=detector.output_activation)
    return DCGANConfig(image_shape=detector.image_shape_, latent_dim=detector.latent_dim, width=detector.conv_width)


class GANDetector(BaseGANDetector):
    """A detector whose first phase trains a generator and a critic adversarially.

    The parameters of this GAN phase (``GAN_PARAMETERS``) are documented here once; they are
    shared by :class:`~ganad.WGANCritic`, :class:`~ganad.WGANInversion`,
    :class:`~ganad.WGANEncoder`, :class:`~ganad.AnoGAN` and :class:`~ganad.ADGAN` (the last
    two with other defaults for some), beside the shared parameters of
    :class:`~ganad.base.BaseGANDetector`. Defaults are Haloui et al.'s (2018) ring settings.

    Parameters
    ----------
    gan : {"wgan-gp", "wgan-clip", "vanilla"}, default="wgan-gp"
        Training objective: WGAN with gradient penalty (Algorithm 2, Eq. 11), WGAN with weight
        clipping (§3.3, Eq. 10, 25-27) or the original GAN value function (Eq. 1).
    latent_dim : int, default=2
        Size of the generator's input z.
    hidden : tuple of int, default=(128, 128)
        Hidden widths of the fully connected generator, critic and encoder (rows).
    prior : {"normal", "uniform"}, default="normal"
        Prior of z: N(0, I) or U(-1, 1)^d.
    output_activation : {"tanh"} or None, default=None
        Activation of the fully connected generator's output: "tanh" for data in [-1, 1].
    image_shape : tuple of int (C, H, W) or None, default=None
        Rows are flattened images of this shape: DCGAN-style convolutional networks instead
        of fully connected ones (and no support rule).
    conv_width : int, default=64
        Channels of the convolutional networks' widest stage (``image_shape`` only).
    n_epochs : int or "auto", default="auto"
        Passes over the training rows. "auto": the paper's 30 epochs, raised on small data
        until the generator has made 2,000 updates (``ganad.training.budget``).
    batch_size : int, default=64
        Minibatch size.
    n_critic : int or None, default=None
        Critic steps per generator step; None: the objective's default (5 for the WGANs,
        1 for "vanilla").
    learning_rate : float or None, default=None
        Learning rate of both networks; None: the objective's default (Adam 1e-4 for
        "wgan-gp", RMSprop 5e-5 for "wgan-clip", Adam 2e-4 for "vanilla").
    gp_weight : float, default=10.0
        Gradient penalty weight lambda ("wgan-gp"; setting it with another ``gan`` warns).
    clip_value : float, default=0.01
        Weight clipping bound c ("wgan-clip"; setting it with another ``gan`` warns).
    generator, critic : torch.nn.Module or None, default=None
        Networks of your own instead of the default ones; they are copied at ``fit``.
    checkpoint_path : str, path-like or None, default=None
        File of a training checkpoint written every ``checkpoint_every`` epochs.
    checkpoint_every : int, default=1
        Epochs between checkpoints.
    resume : bool, default=False
        Continue from ``checkpoint_path`` when it holds a checkpoint of the same fit.

    Attributes
    ----------
    generator_, critic_ : torch.nn.Module
        The trained networks, in evaluation mode.
    prior_ : ganad.nets.LatentPrior
        The prior of z.
    n_epochs_ : int
        Epochs trained (``n_epochs`` with "auto" resolved).
    history_ : ganad.training.history.TrainingHistory
        Loss terms of every training step, by name.
    """

    _parameter_constraints = GAN_CONSTRAINTS
    network_names = ("generator_", "critic_")
    paper_epochs = 30
    network_sources = {}  # fitted network -> the network whose parameter and architecture it copies

    @classmethod
    def from_gan(cls, fitted, **params):
        """A detector of this class that scores with the trained GAN of another, without training one.

        The new detector takes ``fitted``'s trained generator and critic as its ``generator``
        and ``critic`` parameters with ``n_epochs=0``: its ``fit`` copies them and runs only
        its own scoring phase (an encoder, latent-search starts, a critic range...). Its
        GAN-phase parameters (``GAN_PHASE``: network shapes, prior, objective, scaling,
        imputation, seed, device...) are ``fitted``'s, so that its networks and the space its
        rows are scaled into match the trained ones; ``params`` sets the others and may
        override these. Fit it on the rows ``fitted`` was fitted on. Like every detector built
        on networks of your own, it cannot be saved (save ``fitted`` instead).

        Parameters
        ----------
        fitted : GANDetector
            A fitted GAN detector: WGANEncoder, WGANCritic, WGANInversion, AnoGAN, ADGAN, HistoryAD.
        **params
            Further parameters of the new detector (``inversion_steps``, ``contamination``...);
            not ``generator``, ``critic`` or ``n_epochs``, which this method sets.

        Returns
        -------
        detector : GANDetector
            An unfitted detector of this class.

        Raises
        ------
        TypeError
            If ``fitted`` is not a GAN detector.
        ValueError
            If ``params`` sets ``generator``, ``critic`` or ``n_epochs``.
        sklearn.exceptions.NotFittedError
            If ``fitted`` is not fitted.

        Examples
        --------
        >>> import torch
        >>> from ganad import WGANCritic, WGANEncoder
        >>> from ganad.data import make_ring
        >>> X = make_ring(200, random_state=0)
        >>> encoder = WGANEncoder(n_epochs=1, encoder_epochs=1, hidden=(16, 16), random_state=0).fit(X)
        >>> critic = WGANCritic.from_gan(encoder).fit(X)  # no GAN training
        >>> critic.hidden, critic.n_epochs_
        ((16, 16), 0)
        >>> all(torch.equal(a, b) for a, b in zip(critic.critic_.parameters(), encoder.critic_.parameters()))
        True
        """
        if not isinstance(fitted, GANDetector):
            raise TypeError(f"from_gan needs a fitted GAN detector, got {type(fitted).__name__}")
        check_is_fitted(fitted)
        fixed = sorted(set(params) & set(REUSED_GAN))
        if fixed:
            raise ValueError(f"from_gan sets {', '.join(REUSED_GAN)} itself; got {fixed}")
        source = fitted.get_params()
        return cls(**{**{name: source[name] for name in GAN_PHASE}, **params,
                      "generator": fitted.generator_, "critic": fitted.critic_, "n_epochs": 0})

    def _net_config(self):
        return net_config(self)

    def _updates_per_batch(self):
        return 1.0 / (self.n_critic or TRAINERS[self.gan].default_n_critic)

    def _build_networks(self):
        """Fresh networks on ``device_``, initialised from ``seed_``; users' modules are copied."""
        config = self._net_config()
        convolutional = isinstance(config, DCGANConfig)
        for index, name in enumerate(self.network_names):
            source = self.network_sources.get(name, name)
            users_module = getattr(self, source.rstrip("_"))
            with seeded_init(self.seed_ + index):
                module = copy.deepcopy(users_module) if users_module is not None \
                    else DEFAULT_NETWORKS[source][convolutional](config)
            setattr(self, name, module.to(self.device_).eval())
        self.prior_ = LatentPrior(self.prior, self.latent_dim)

    def _warn_ignored_options(self):
        """Warn when an objective's option (``gp_weight``, ``clip_value``) is set but ``gan`` does not use it."""
        defaults = type(self)().get_params()
        ignored = [name for options in TRAINER_OPTIONS.values() for name in options
                   if name not in TRAINER_OPTIONS[self.gan] and getattr(self, name) != defaults[name]]
        if ignored:
            warnings.warn(f"{', '.join(ignored)} set but ignored: gan={self.gan!r} does not use "
                          f"{'it' if len(ignored) == 1 else 'them'}", UserWarning, stacklevel=4)

    def _train_gan(self, X, on_step_end=None):
        self._warn_ignored_options()
        trainer_class = TRAINERS[self.gan]
        generator_optimizer, critic_optimizer = trainer_class.make_optimizers(
            self.generator_, self.critic_, self.learning_rate)
        trainer = trainer_class(
            self.generator_, self.critic_, self.prior_,
            generator_optimizer=generator_optimizer, critic_optimizer=critic_optimizer,
            n_critic=self.n_critic or trainer_class.default_n_critic, batch_size=self.batch_size,
            rng=self._seeded_generator(), verbose=self.verbose,
            **{name: getattr(self, name) for name in TRAINER_OPTIONS[self.gan]},
        )
        path = None if self.checkpoint_path is None else Path(self.checkpoint_path)
        self.n_epochs_ = self._training_epochs(len(X))
        history = trainer.fit(X, self.n_epochs_, checkpoint_path=path,
                              checkpoint_every=self.checkpoint_every, resume=self.resume,
                              on_step_end=on_step_end)
        self.generator_.eval()
        self.critic_.eval()
        return history

    def _fit_model(self, X):
        self._build_networks()
        self.history_ = self._train_gan(X)
        self._fit_scorer(X)

    def _fit_scorer(self, X):
        """Second phase: whatever the score needs beyond the trained GAN."""

    def critic_output(self, X):
        """The critic's raw output f_w(x) for each row of ``X`` (Fig. 13, left)."""
        return self._map_rows(self.critic_, X)
