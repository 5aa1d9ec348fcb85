"""The GAN-training phase shared by the detectors that score with a trained generator and critic.

``GANDetector`` is the base of WGANCritic, WGANInversion and WGANEncoder (``detectors/wgan``),
AnoGAN and ADGAN (``detectors/adgan``) and HistoryAD (``detectors/history``); GANomaly
reuses its ``net_config``.

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
import warnings
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..base import TorchDetector
from ..base_detector import BASE_HYPERPARAMETERS
from ..nets import (DCGANConfig, DCGANCritic, DCGANEncoder, DCGANGenerator, LatentPrior,
                    MLPConfig, MLPCritic, MLPEncoder, MLPGenerator)
from ..training import TRAINERS
from ..training.budget import CRITIC_STEPS_PER_UPDATE
from ..training.checkpoint import CHECKPOINT_HYPERPARAMETERS
from ..training.collapse import SPREAD_PHASE, warn_if_collapsed
from ..training.fitting import train_adversarially
from ..utils.params import Hyperparameter, declare, one_of, pick, same_value
from ..utils.rng import seeded_init
from .hyperparameters import SHARED_HYPERPARAMETERS, auto_latent_dim, epochs_doc, resolved_latent_dim

# gp_weight="auto" (``resolved_gp_weight``): Algorithm 2's lambda, and Gulrajani et al.'s for 2-D toys
PAPER_GP_WEIGHT, TOY_GP_WEIGHT, TOY_MAX_FEATURES = 10.0, 0.1, 2

# latent_dim="auto" (``latent_size``, WGANEncoder's default): the ring's 2-D latent (§5.1) on rows; on images,
# where the paper gives no size (only d' << d, §3.1, "defined empirically", §6), haloui-t1's 100 (wgan README)
ROWS_LATENT_DIM, IMAGE_LATENT_DIM = 2, 100
AUTO_LATENT_DIM = auto_latent_dim(
    f'Size of the latent code z; "auto": {ROWS_LATENT_DIM} on rows (§5.1\'s ring), {IMAGE_LATENT_DIM} with '
    f"``image_shape`` (the paper gives none for MNIST).")

# The GAN phase's parameters (Haloui et al.'s ring settings), in the order of the signature
GAN_HYPERPARAMETERS = {
    "gan": Hyperparameter(
        "wgan-gp", [StrOptions(set(TRAINERS))], one_of(TRAINERS),
        "Training objective: WGAN with gradient penalty (Algorithm 2, Eq. 11), WGAN with weight clipping "
        "(§3.3, Eq. 10, 25-27) or the original GAN value function (Eq. 1)."),
    **pick(SHARED_HYPERPARAMETERS, "latent_dim", "hidden", "prior", "output_activation", "image_shape", "conv_width",
           "n_epochs", "batch_size",
           latent_dim={"default": 2},
           hidden={"default": (128, 128),
                   "doc": "Hidden widths of the fully connected generator, critic and encoder (rows; unused with "
                          "``image_shape``)."},
           conv_width={"default": 64},
           n_epochs={"doc": epochs_doc("30, Haloui et al.'s (Fig. 9/12)")},
           batch_size={"default": 64}),
    "n_critic": Hyperparameter(
        None, [Interval(Integral, 1, None, closed="left"), None], "int or None",
        'Critic steps per generator step; None: the objective\'s default (5 for the WGANs, 1 for "vanilla").'),
    **pick(SHARED_HYPERPARAMETERS, "learning_rate",
           learning_rate={"default": None, "constraints": [Interval(Real, 0, None, closed="neither"), None],
                          "type": "float or None",
                          "doc": "Learning rate of both networks' optimisers; None: the objective's default (Adam "
                                 '1e-4 with betas (0.5, 0.9) for "wgan-gp", RMSprop 5e-5 for "wgan-clip", Adam '
                                 '2e-4 with betas (0.5, 0.999) for "vanilla").'}),
    "gp_weight": Hyperparameter(
        "auto", [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})], 'float or "auto"',
        'Gradient penalty weight lambda ("wgan-gp"; setting it with another ``gan`` warns). "auto": '
        f"{PAPER_GP_WEIGHT} (Algorithm 2), or {TOY_GP_WEIGHT} on rows of at most {TOY_MAX_FEATURES} features "
        "(Gulrajani et al.'s code for 2-D toy tasks); see ``gp_weight_``."),
    "clip_value": Hyperparameter(
        0.01, [Interval(Real, 0, None, closed="neither")], "float",
        'Weight clipping bound c ("wgan-clip"; setting it with another ``gan`` warns).'),
    "saturating": Hyperparameter(
        "auto", ["boolean", StrOptions({"auto"})], 'bool or "auto"',
        'The generator side of Eq. 1 ("vanilla"; setting it with another ``gan`` warns). True: the generator '
        "minimises log(1 - D(G(z))) as Eq. 1 and Algorithm 1 are written; False: it maximises log D(G(z)), the "
        "form Goodfellow et al. (2014, §3) recommend because log(1 - D(G(z))) saturates once the discriminator "
        'wins, and the one DCGAN (Radford et al. 2015) trains with. "auto": False for images (the DCGAN '
        "networks), True for rows; see ``resolved_saturating`` and ``training.losses.generator_loss``."),
    "generator": Hyperparameter(
        None, [torch.nn.Module, None], "torch.nn.Module or None",
        "A generator of your own, z (B, latent_dim) -> rows (or images), instead of the default network; it is "
        "copied at ``fit``, and the detector cannot then be saved."),
    "critic": Hyperparameter(
        None, [torch.nn.Module, None], "torch.nn.Module or None",
        "A critic of your own, rows (or images) -> (B,), instead of the default network; it is copied at "
        "``fit``, and the detector cannot then be saved."),
    **CHECKPOINT_HYPERPARAMETERS,
    **BASE_HYPERPARAMETERS,
}

DEFAULT_NETWORKS = {  # fitted attribute -> (fully connected, convolutional)
    "generator_": (MLPGenerator, DCGANGenerator),
    "critic_": (MLPCritic, DCGANCritic),
    "encoder_": (MLPEncoder, DCGANEncoder),
}

TRAINER_OPTIONS = {"wgan-gp": ("gp_weight",), "wgan-clip": ("clip_value",), "vanilla": ("saturating",)}

# The parameters that decide what the GAN phase computes (and the space it works in: scaling,
# imputation, seed, device): all of GAN_HYPERPARAMETERS but the user's networks, checkpointing,
# display and the scoring phase's threshold and chunks. ``GANDetector.from_gan`` copies them.
NOT_GAN_PHASE = frozenset({"generator", "critic", "checkpoint_path", "checkpoint_every", "resume", "verbose",
                           "contamination", "score_batch_size"})
GAN_PHASE = tuple(name for name in GAN_HYPERPARAMETERS if name not in NOT_GAN_PHASE)
REUSED_GAN = ("generator", "critic", "n_epochs")  # what from_gan sets itself
# The GAN-phase parameters that describe the trained networks or the space their rows live in: from_gan refuses
# another value of them (the networks would stay the source's, or score rows scaled otherwise than they learnt).
SOURCE_FIXED = ("latent_dim", "hidden", "prior", "output_activation", "image_shape", "conv_width", "scaling",
                "impute", "gan")
# What a detector from_gan fits must match: the rows' shape, names, and the statistics that scale and fill them.
SOURCE_FRAME = ("n_features_in_", "feature_names_in_", "scaler_", "imputer_")


def resolved_gp_weight(gp_weight, *, n_features, image_shape, wide_rows_gp_weight=PAPER_GP_WEIGHT):
    """The gradient-penalty weight lambda that ``gp_weight`` means for rows of ``n_features``.

    A number is taken as it is. "auto" is Algorithm 2's lambda = 10 (Haloui et al. §3.4,
    from Gulrajani et al. 2017) for images, ``wide_rows_gp_weight`` (default that 10; WGANCritic
    passes 1, see there) for rows of more than two features, and lambda = 0.1 for rows of one
    or two features: Gulrajani et al.'s own code for their 2-D toy sets (``gan_toy.py``:
    "Smaller lambda seems to help for toy tasks specifically").
    Haloui et al. add that "the penalization coefficient has to be well defined in order to
    achieve convergence" (§3.4). Chosen on training data only (issue 13,
    ``benchmarks/defaults_validation.py``, held-out training rows against the same rows with
    their features permuted): with lambda = 10, the 2,000 generator steps of the default
    budget leave the ring, loop and arc generators far from the data (validation AUROC of
    WGANEncoder 0.50 / 0.48 / 0.44, WGANCritic 0.48 / 0.50 / 0.49), with 0.1 they train
    (0.81 / 0.83 / 0.80 and 0.79 / 0.67 / 0.59); on the tabular sets lambda = 10 is as good
    or better (WGANEncoder on Musk 0.979 against 0.942). See the wgan README.

    >>> resolved_gp_weight("auto", n_features=2, image_shape=None)
    0.1
    >>> resolved_gp_weight("auto", n_features=6, image_shape=None)
    10.0
    >>> resolved_gp_weight(1.0, n_features=2, image_shape=None)
    1.0
    >>> resolved_gp_weight("auto", n_features=6, image_shape=None, wide_rows_gp_weight=1.0)
    1.0
    """
    if gp_weight != "auto":
        return float(gp_weight)
    if image_shape is not None:
        return PAPER_GP_WEIGHT
    return TOY_GP_WEIGHT if n_features <= TOY_MAX_FEATURES else float(wide_rows_gp_weight)


def resolved_saturating(saturating, *, image_shape):
    """Whether the "vanilla" generator minimises log(1 - D(G(z))) (Eq. 1 as written) for this data.

    A bool is taken as it is. "auto" is the non-saturating loss, max log D(G(z)), for images,
    the loss DCGAN trains its networks with (Radford et al. 2015; Goodfellow et al. 2014, §3),
    and Eq. 1 as written for rows. Chosen on training data only (issue 13): on the
    defaults-quality MNIST 0 training images (seed 0) the saturating loss let the
    discriminator win within 500 steps, after which its gradient vanished and the generator
    drew noise (validation AUROC of AnoGAN 0.422 on unseen training zeros against other-digit
    training images, ``benchmarks/anogan_saturation.py``; non-saturating: 0.995, and 0.993
    against 0.985 on ``defaults_validation.py``'s MNIST 0 split), while on rows
    (``defaults_validation.py``, held-out training rows against the same rows with their
    features permuted) Eq. 1 as written validated higher on six of nine sets (mean 0.649
    against 0.602). See the adgan README, "AnoGAN on 500 images".

    >>> resolved_saturating("auto", image_shape=(1, 28, 28))
    False
    >>> resolved_saturating("auto", image_shape=None)
    True
    """
    if saturating != "auto":
        return bool(saturating)
    return image_shape is None


def latent_size(detector):
    """The size of z: ``latent_dim``, or for ``"auto"`` ROWS_LATENT_DIM on rows and IMAGE_LATENT_DIM on images.

    A 2-D code cannot hold a digit: WGANEncoder's validation AUROC (training images only; wgan README,
    "Defaults") was 0.634 / 0.789 on MNIST 2 / Fashion-MNIST 0 with a latent of 2, 0.907 / 0.926 with 100.
    """
    return resolved_latent_dim(detector.latent_dim, detector.image_shape_, ROWS_LATENT_DIM, IMAGE_LATENT_DIM)


def net_config(detector):
    """The network shapes of a detector being fitted: fully connected for rows, DCGAN for images.

    Reads ``image_shape_`` and ``n_features_in_`` and the parameters ``latent_dim`` (``latent_size``),
    ``hidden``, ``output_activation`` and ``conv_width``.
    """
    if detector.image_shape_ is None:
        return MLPConfig(n_features=detector.n_features_in_, latent_dim=latent_size(detector),
                         hidden=tuple(detector.hidden), output_activation=detector.output_activation)
    return DCGANConfig(image_shape=detector.image_shape_, latent_dim=latent_size(detector),
                       width=detector.conv_width)


@declare(GAN_HYPERPARAMETERS)
class GANDetector(TorchDetector):
    """A detector whose first phase trains a generator and a critic adversarially.

    Its parameters are the GAN phase's (``GAN_HYPERPARAMETERS``) and those every detector takes;
    :class:`~ganad.WGANCritic`, :class:`~ganad.WGANInversion`, :class:`~ganad.WGANEncoder`,
    :class:`~ganad.AnoGAN`, :class:`~ganad.ADGAN` and :class:`~ganad.HistoryAD` take them all
    (some with other defaults) beside their own. Defaults are Haloui et al.'s (2018) ring
    settings.

    Attributes
    ----------
    generator_, critic_ : torch.nn.Module
        The trained networks, in evaluation mode.
    prior_ : ganad.nets.LatentPrior
        The prior of z.
    n_epochs_ : int
        Epochs trained (``n_epochs`` with "auto" resolved).
    gp_weight_ : float
        The gradient-penalty weight trained with (``gp_weight`` with "auto" resolved; only with
        ``gan="wgan-gp"``).
    saturating_ : bool
        The generator loss trained with (``saturating`` with "auto" resolved; only with
        ``gan="vanilla"``).
    history_ : ganad.training.history.TrainingHistory
        Loss terms of every training step, by name.

    Warns
    -----
    ganad.training.collapse.GeneratorCollapseWarning
        At ``fit``, when the trained generator's samples spread less than a tenth of the
        training rows' spread (the GAN phase collapsed to a point).
    ganad.training.collapse.GeneratorCoverageWarning
        At ``fit``, when over a quarter of the training rows lie in regions the generator hardly
        draws (a missed mode).
    """

    network_names = ("generator_", "critic_")
    paper_epochs = 30
    checks_last_generator = True  # fit checks the trained generator against the data (ganad.training.collapse)
    wide_rows_gp_weight = PAPER_GP_WEIGHT  # gp_weight="auto": lambda on rows of more than TOY_MAX_FEATURES features
    network_sources = {}  # fitted network -> the network whose parameter and architecture it copies

    @classmethod
    def from_gan(cls, fitted, **params):
        """A detector of this class that scores with the trained GAN of another, without training one.

        The new detector takes ``fitted``'s trained generator and critic as its ``generator``
        and ``critic`` parameters with ``n_epochs=0``: its ``fit`` copies them and runs only
        its own scoring phase (an encoder, latent-search starts, a critic range...). Its
        GAN-phase parameters (``GAN_PHASE``: network shapes, prior, objective, scaling,
        imputation, seed, device...) are ``fitted``'s, so that its networks and the space its
        rows are scaled into match the trained ones (``gp_weight`` and ``saturating``: the
        values ``fitted`` trained with, ``gp_weight_`` and ``saturating_``); ``params`` sets
        the others and may override these, but not those that describe the trained networks or
        the space of their rows (``SOURCE_FIXED``: latent size, widths, prior, output, image
        shape, objective, scaling, imputation). Fit it on the rows ``fitted`` was fitted on: its
        ``fit`` refuses rows of other columns, names, or (with scaling or imputation) other
        statistics than ``fitted``'s (``SOURCE_FRAME``), which would reach the networks scaled
        otherwise than they were trained; without either, a subset of the rows serves. Like
        every detector built on networks of your own, it cannot be saved (save ``fitted``
        instead).

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
            If ``params`` sets ``generator``, ``critic`` or ``n_epochs``, or another value of a
            ``SOURCE_FIXED`` parameter than ``fitted``'s.
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
        for resolved in ("gp_weight", "saturating"):  # "auto" as ``fitted`` resolved it
            if hasattr(fitted, resolved + "_"):
                source[resolved] = getattr(fitted, resolved + "_")
        source["latent_dim"] = fitted.prior_.latent_dim  # latent_dim="auto" as ``fitted`` resolved it
        conflicting = [name for name in SOURCE_FIXED if name in params and not same_value(params[name], source[name])]
        if conflicting:
            name = conflicting[0]
            raise ValueError(f"from_gan: {', '.join(conflicting)} must be the trained GAN's ({name}={source[name]!r}, "
                             f"got {params[name]!r}): its networks and the space of their rows are fixed")
        detector = cls(**{**{name: source[name] for name in GAN_PHASE}, **params,
                          "generator": fitted.generator_, "critic": fitted.critic_, "n_epochs": 0})
        detector._source_frame = {name: getattr(fitted, name, None) for name in SOURCE_FRAME}
        detector._source_generator = fitted.generator_
        return detector

    def _check_source_frame(self):
        """For a detector of ``from_gan``: ``ValueError`` when the rows being fitted are not framed as the GAN's
        source's were (``SOURCE_FRAME``)."""
        frame = getattr(self, "_source_frame", None)
        if frame is None or self.generator is not getattr(self, "_source_generator", None):
            return  # not from_gan, or set_params gave it other networks since
        unlike = [name for name in SOURCE_FRAME if not same_value(getattr(self, name, None), frame[name])]
        if unlike:
            raise ValueError(f"{type(self).__name__} from_gan: fit it on the rows its GAN's source was fitted on; "
                             f"these rows' {', '.join(unlike)} differ from the source's, so they would reach the "
                             "trained networks in another space")

    def _net_config(self):
        return net_config(self)

    def _updates_per_batch(self):
        """Each batch is one critic step; the budget counts critic steps (``ganad.training.budget``)."""
        return 1.0 / CRITIC_STEPS_PER_UPDATE

    def _build_networks(self):
        """Fresh networks on ``device_``, initialised from ``seed_``; users' modules are copied (a GAN of
        ``from_gan`` once the rows are checked against its source's)."""
        self._check_source_frame()
        config = self._net_config()
        convolutional = isinstance(config, DCGANConfig)
        for index, name in enumerate(self.network_names):
            source = self.network_sources.get(name, name)
            users_module = getattr(self, source.rstrip("_"))
            with seeded_init(self.seed_ + index):
                module = copy.deepcopy(users_module) if users_module is not None \
                    else DEFAULT_NETWORKS[source][convolutional](config)
            setattr(self, name, module.to(self.device_).eval())
        self.prior_ = LatentPrior(self.prior, config.latent_dim)

    def _warn_ignored_options(self):
        """Warn when an objective's option (``gp_weight``, ``clip_value``) is set but ``gan`` does not use it."""
        declared = type(self).hyperparameters
        ignored = [name for options in TRAINER_OPTIONS.values() for name in options
                   if name not in TRAINER_OPTIONS[self.gan] and getattr(self, name) != declared[name].default]
        if ignored:
            warnings.warn(f"{', '.join(ignored)} set but ignored: gan={self.gan!r} does not use "
                          f"{'it' if len(ignored) == 1 else 'them'}", UserWarning, stacklevel=4)

    def _train_gan(self, X, on_step_end=None):
        self._warn_ignored_options()
        self.n_epochs_ = self._training_epochs(len(X))
        history = train_adversarially(TRAINERS[self.gan], self.generator_, self.critic_, X, self.n_epochs_,
                                      params=self.get_params(), rng=self._seeded_generator(), prior=self.prior_,
                                      on_step_end=on_step_end, **self._trainer_options())
        if self.checks_last_generator:  # (spread, missed share), kept for the benchmarks, not saved
            self._generator_check = warn_if_collapsed(type(self).__name__, self.generator_, self.prior_, X,
                                                      rng=self._seeded_generator(SPREAD_PHASE))
        return history

    def _trainer_options(self):
        """The objective's own settings (``TRAINER_OPTIONS``), "auto" resolved into ``gp_weight_`` and
        ``saturating_``."""
        options = {name: getattr(self, name) for name in TRAINER_OPTIONS[self.gan]}
        if "gp_weight" in options:
            self.gp_weight_ = options["gp_weight"] = resolved_gp_weight(
                self.gp_weight, n_features=self.n_features_in_, image_shape=self.image_shape_,
                wide_rows_gp_weight=self.wide_rows_gp_weight)
        if "saturating" in options:
            self.saturating_ = options["saturating"] = resolved_saturating(self.saturating,
                                                                           image_shape=self.image_shape_)
        return options

    def _fit_model(self, X):
        self._build_networks()
        self.history_ = self._train_gan(X)
        self._fit_scorer(X)

    def _fit_scorer(self, X):
        """Second phase: whatever the score needs beyond the trained GAN."""

    def critic_output(self, X):
        """The critic's raw output f_w(x) for each row of ``X`` (Fig. 13, left)."""
        return self._map_rows(lambda batch: self.critic_(batch), X)  # critic_ read once fitted (NotFittedError)
