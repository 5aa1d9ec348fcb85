"""What BiGAN/EGBAD, ALAD and RCGAN share: parameters, networks, training and the D_xx scores.

All three learn an encoder E with the generator G against a joint discriminator D_xz(x, z)
(RCGAN Eq. 2; survey Eq. 3; Haloui Eq. 16-17); ALAD and RCGAN add D_xx(x, x') for cycle
consistency in x (Eq. 3, 9), ALAD also D_zz(z, z') for the latent cycle, RCGAN the
penalty term of Eq. 4. Defaults are the tabular settings of ALAD's and EGBAD's reference
code (KDDCUP networks, ``alad/kdd_utilities.py``, ``bigan/kdd_utilities.py``): latent 32,
E 64 units, G 64-128, D_xz with 128-unit branches and joint layer and dropout 0.5
(EGBAD: 0.2), D_xx 128 units and D_zz 32 units with dropout 0.2, Adam 1e-5 with
beta1 = 0.5, batch 50, an N(0, I) prior; ALAD's Arrhythmia networks are in
``nets/joint.py``. Scoring uses exponential moving averages of the weights
(``ema_decay``: 0.999 in ALAD's ``alad/run.py``, 0.9999 in EGBAD's ``bigan/run_kdd.py``;
0 scores with the last weights). Neither code fixes the number of epochs
(``--nb_epochs`` is required); we default to 100. ALAD and RCGAN can stop early
(``early_stopping=True``, off as in ALAD's command line): a fraction
``validation_fraction`` (0.1, the share ALAD's KDDCUP data code sets aside) of the
training rows is held out -- the detector only ever sees its training data, so they are
normal -- and after each epoch the mean feature-matching distance on D_xx
(``||f_xx(x, x) - f_xx(x, G(E(x)))||_p``, ``p = score_norm``; ALAD's ``rec_error_valid``)
over them, computed with the averaged weights, decides: training stops after more than
``patience`` (10) epochs without a new lowest value, and the networks of the best epoch
are kept (``trainer.py``). ``n_epochs`` is then the maximum.
"""

import dataclasses
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ...base import TorchDetector
from ...base_detector import BASE_HYPERPARAMETERS
from ...nets.joint import (JointConfig, build_discriminator_xx, build_discriminator_xz, build_discriminator_zz,
                           build_encoder, build_generator)
from ...nets.prior import LatentPrior
from ...scoring import range_score, training_range
from ...training.checkpoint import CHECKPOINT_HYPERPARAMETERS
from ...training.collapse import SPREAD_PHASE, warn_if_collapsed
from ...training.fitting import train_adversarially
from ...utils.params import Hyperparameter, declare, pick
from ...utils.rng import seeded_init
from ...utils.validation import WIDTHS
from ..hyperparameters import SHARED_HYPERPARAMETERS, epochs_doc
from .trainer import JointTrainer

# The tabular settings of ALAD's and EGBAD's reference code (the module docstring)
# learning_rate="auto" (``resolved_learning_rate``): 1e-4 for rows (issue 13); for images each detector's
# ``image_learning_rate``: 1e-4 for BiGAN and ALAD, the reference codes' 1e-5 for RCGAN
ROWS_LEARNING_RATE, REFERENCE_LEARNING_RATE = 1e-4, 1e-5
# ema_decay="auto" (``resolved_ema_decay``): ALAD's averages (0.999 at its 1e-5) over the same stretch of training,
# measured in learning rate x steps
REFERENCE_EMA_DECAY = 0.999


def alice_epochs_doc(min_updates=None):
    """``n_epochs``'s meaning for the family: the paper's 100 epochs, or more on small data."""
    return (epochs_doc("100 (neither reference code fixes it)", min_updates)
            + " With ``early_stopping``, the maximum.")


ALICE_HYPERPARAMETERS = {
    **pick(SHARED_HYPERPARAMETERS, "latent_dim", latent_dim={"default": 32}),
    "encoder_hidden": Hyperparameter(
        (64,), [WIDTHS], "tuple of int", "Hidden widths of the fully connected encoder E (rows)."),
    "generator_hidden": Hyperparameter(
        (64, 128), [WIDTHS], "tuple of int", "Hidden widths of the fully connected generator G (rows)."),
    "discriminator_hidden": Hyperparameter(
        (128,), [WIDTHS], "tuple of int",
        "Widths of D_xz's joint layers, which take its x and z branches side by side."),
    "xz_branch_width": Hyperparameter(
        None, [Interval(Integral, 1, None, closed="left"), None], "int or None",
        "Units of D_xz's z branch and, on rows, of its x branch; None: ``discriminator_hidden[0]``."),
    **pick(SHARED_HYPERPARAMETERS, "image_shape", "conv_width", "dropout",
           conv_width={"default": 64},
           dropout={"default": 0.5, "doc": "Dropout rate of D_xz's z branch and joint layers, in training only."}),
    "spectral_norm": Hyperparameter(
        "auto", ["boolean", StrOptions({"auto"})], 'bool or "auto"',
        "Spectral normalisation (Miyato et al. 2018) of every Linear/Conv2d layer of E and the discriminators "
        "but their last; \"auto\": on with ``image_shape`` (as ALAD on its images), off for rows."),
    **pick(SHARED_HYPERPARAMETERS, "prior", "n_epochs", "batch_size", "learning_rate",
           prior={"default": "normal"},
           n_epochs={"default": "auto", "doc": alice_epochs_doc()},
           batch_size={"default": 50},
           learning_rate={"default": "auto",
                          "constraints": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
                          "type": 'float or "auto"',
                          "doc": "Adam's learning rate for every network (betas (0.5, 0.999)); \"auto\": "
                                 f"{ROWS_LEARNING_RATE:g} for rows; with ``image_shape`` {ROWS_LEARNING_RATE:g} for "
                                 f"BiGAN and ALAD, the reference code's {REFERENCE_LEARNING_RATE:g} for RCGAN (the "
                                 "class's ``image_learning_rate``; see ``learning_rate_``)."}),
    "ema_decay": Hyperparameter(
        0.999, [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})], 'float in [0, 1) or "auto"',
        "Decay of the exponential moving averages of the weights that scoring uses (0.999 in ALAD's code, "
        "0.9999 in EGBAD's); 0 scores with the last weights; \"auto\": ALAD's 0.999 at its rate of "
        f"{REFERENCE_LEARNING_RATE:g}, its window shortened in proportion to a higher rate (0.99 at "
        f"{ROWS_LEARNING_RATE:g}; see ``ema_decay_``)."),
    **CHECKPOINT_HYPERPARAMETERS,
    **BASE_HYPERPARAMETERS,
}

DISCRIMINATOR_BUILDERS = {"xz": build_discriminator_xz, "xx": build_discriminator_xx, "zz": build_discriminator_zz}

# D_xx and early stopping (ALAD, RCGAN)
CYCLE_HYPERPARAMETERS = {
    "discriminator_xx_hidden": Hyperparameter(
        (128,), [WIDTHS], "tuple of int", "Hidden widths of the fully connected D_xx (rows; images use convolutions)."),
    "cycle_dropout": Hyperparameter(
        0.2, [Interval(Real, 0, 1, closed="left")], "float in [0, 1)",
        "Dropout rate of D_xx (rows) and D_zz, in training only."),
    "early_stopping": Hyperparameter(
        False, ["boolean"], "bool",
        "Hold out training rows and stop training when their mean distance ``||f_xx(x, x) - f_xx(x, G(E(x)))||_p`` "
        "(``p = score_norm``, whatever ``score_type`` is), measured after each epoch, stops improving "
        "(``patience``), keeping the best epoch's networks (ALAD's ``--enable_early_stop``); ``n_epochs`` is then "
        "the maximum."),
    "validation_fraction": Hyperparameter(
        0.1, [Interval(Real, 0, 1, closed="neither")], "float in (0, 1)",
        "The fraction of training rows held out for early stopping (a seeded draw)."),
    "patience": Hyperparameter(
        10, [Interval(Integral, 0, None, closed="left")], "int",
        "Early stopping stops once more than ``patience`` epochs in a row bring no new lowest distance."),
}

# The scores on D_xx (ALAD, RCGAN); BiGAN takes ``score_norm`` for its own score
CYCLE_SCORE_HYPERPARAMETERS = {
    "score_type": Hyperparameter(
        "features", [StrOptions({"features", "discriminator"})], '{"features", "discriminator"}',
        "\"features\": ``||f_xx(x, x) - f_xx(x, G(E(x)))||_p`` with ``p = score_norm`` (RCGAN Eq. 12, ALAD's "
        "\"fm\" score); \"discriminator\": RCGAN Eq. 11, ``1 - D_xx(x, G(E(x)))``, scored as ALAD's "
        "cross-entropy score ``-log D_xx(x, G(E(x)))``, which ranks the same and does not saturate, its logit "
        "taken within its training range; it needs a trained D_xx (RCGAN's module docstring)."),
    "score_norm": Hyperparameter(
        1, [Interval(Integral, 1, 2, closed="both")], "{1, 2}",
        "p, the feature score's norm (the reference code's ``--d 1``; RCGAN Eq. 12 uses 2)."),
}


def resolved_learning_rate(learning_rate, *, image_shape, image_rate=REFERENCE_LEARNING_RATE):
    """Adam's learning rate that ``learning_rate`` means: a number as it is; "auto" (issue 13)
    ``ROWS_LEARNING_RATE`` = 1e-4 for rows, ``image_rate`` for images (the detector's
    ``image_learning_rate``: 1e-4 for BiGAN and ALAD, the reference codes' 1e-5 for RCGAN).

    ALAD's and EGBAD's 1e-5 come with runs of hundreds of thousands of steps (KDDCUP99, 100
    epochs of some 4,000 batches); the default budget here is 2,000 (``n_epochs="auto"``), at
    which 1e-5 leaves the networks near their initialisation. Chosen on training data only
    (``benchmarks/defaults_validation.py``: held-out training rows against the same rows with
    their features permuted, seed 0): ALAD 1e-5 -> 1e-4 on Thyroid 0.565 -> 0.759, Arrhythmia
    0.673 -> 0.692, Musk 0.135 -> 0.942, KDDCUP99 0.779 -> 0.915, ring 0.462 -> 0.664; RCGAN
    0.580 -> 0.765, 0.666 -> 0.700, 0.130 -> 0.981, 0.807 -> 0.926, 0.487 -> 0.763. The bench
    specs that reproduce the papers' tables set 1e-5. On images (400 training images of one
    class fit, 100 held out against as many training images of the other classes, seed 0):
    BiGAN MNIST 0 0.465 -> 0.911, Fashion-MNIST 0 0.488 -> 0.814; ALAD MNIST 0 0.948 -> 0.979;
    RCGAN MNIST 0 0.952 -> 0.819, so RCGAN keeps 1e-5 on images.

    >>> resolved_learning_rate("auto", image_shape=None), resolved_learning_rate("auto", image_shape=(1, 28, 28))
    (0.0001, 1e-05)
    """
    if learning_rate != "auto":
        return float(learning_rate)
    return image_rate if image_shape is not None else ROWS_LEARNING_RATE


def resolved_ema_decay(ema_decay, learning_rate):
    """The decay of the weight averages that ``ema_decay`` means at Adam's ``learning_rate``: a number as it
    is; "auto" (issue 15) ALAD's ``REFERENCE_EMA_DECAY`` = 0.999 at its ``REFERENCE_LEARNING_RATE`` = 1e-5,
    ``1 - (1 - 0.999) * learning_rate / 1e-5`` at another rate, and 0 (the last weights) from 1e-2 up.

    ALAD's averages span about ``1 / (1 - decay)`` = 1,000 steps, a stretch of training that at ten times its
    rate the weights cover in a tenth of the steps: kept at 1,000 steps, the averages mix weights from much
    earlier in training. Chosen on training data only (``benchmarks/defaults_validation.py``: 80 % of a
    cell's training rows fit, the other 20 % against the same rows feature-permuted and dilated; RCGAN at
    1e-4 on Thyroid, Arrhythmia, KDDCUP99, ring, loop, arc and four-dot, seeds 0-2): 0.999 -> 0.99 raised the
    mean validation AUROC from 0.795 to 0.837 and halved the spread over seeds (mean per-cell standard
    deviation of the permuted AUROC 0.029 -> 0.014; KDDCUP99 0.906 +- 0.049 -> 0.975 +- 0.010).

    >>> resolved_ema_decay("auto", 1e-5), resolved_ema_decay("auto", 1e-4), resolved_ema_decay(0.9999, 1e-4)
    (0.999, 0.99, 0.9999)
    """
    if ema_decay != "auto":
        return float(ema_decay)
    return round(max(0.0, 1 - (1 - REFERENCE_EMA_DECAY) * learning_rate / REFERENCE_LEARNING_RATE), 12)


@declare(ALICE_HYPERPARAMETERS)
class ALICEDetector(TorchDetector):
    """E and G trained against joint discriminators; subclasses pick them and the score.

    ``discriminators`` names the discriminators of the objective ("xz", "xx", "zz");
    ``network_names`` lists the fitted modules in the same order after E and G.
    """

    discriminators = ("xz",)
    paper_epochs = 100
    image_learning_rate = REFERENCE_LEARNING_RATE  # learning_rate="auto" with image_shape (resolved_learning_rate)

    def _net_config(self):
        convolutional = self.image_shape_ is not None
        return JointConfig(
            n_features=self.n_features_in_, latent_dim=self.latent_dim, image_shape=self.image_shape_,
            encoder_hidden=tuple(self.encoder_hidden), generator_hidden=tuple(self.generator_hidden),
            discriminator_hidden=tuple(self.discriminator_hidden), xz_branch_width=self.xz_branch_width,
            conv_width=self.conv_width, dropout=self.dropout,
            spectral_norm=convolutional if self.spectral_norm == "auto" else bool(self.spectral_norm))

    def _build_networks(self):
        """Fresh networks on ``device_``, initialised from ``seed_`` (also used by ``load_model``)."""
        config = self._net_config()
        with seeded_init(self.seed_):
            networks = [build_generator(config), build_encoder(config),
                        *(DISCRIMINATOR_BUILDERS[name](config) for name in self.discriminators)]
        for name, network in zip(self.network_names, networks):
            setattr(self, name, network.to(self.device_).eval())
        self.prior_ = LatentPrior(self.prior, self.latent_dim)

    def _discriminator_modules(self):
        return {name: getattr(self, f"discriminator_{name}_") for name in self.discriminators}

    def _fit_model(self, X):
        self._build_networks()
        X, stopping = self._early_stopping_split(X)
        pair = nn.ModuleDict({"generator": self.generator_, "encoder": self.encoder_})
        discriminators = nn.ModuleDict(self._discriminator_modules())
        self.n_epochs_ = self._training_epochs(len(X))
        self.learning_rate_ = resolved_learning_rate(self.learning_rate, image_shape=self.image_shape_,
                                                     image_rate=self.image_learning_rate)
        self.ema_decay_ = resolved_ema_decay(self.ema_decay, self.learning_rate_)
        self.history_ = train_adversarially(JointTrainer, pair, discriminators, X, self.n_epochs_,
                                            params={**self.get_params(), "learning_rate": self.learning_rate_},
                                            rng=self._seeded_generator(), prior=self.prior_,
                                            penalty=self._penalty(X), ema_decay=self.ema_decay_, **stopping)
        if stopping:  # the epochs that ran before it stopped, one validation loss each (n_epochs_ was the maximum)
            self.n_epochs_ = len(self.history_["validation_loss"])
        self._generator_check = warn_if_collapsed(type(self).__name__, self.generator_, self.prior_, X,
                                                  rng=self._seeded_generator(SPREAD_PHASE))

    def _early_stopping_split(self, X):
        """``(training rows, JointTrainer's early-stopping arguments)``; only ALAD and RCGAN stop early."""
        return X, {}

    def _penalty(self, X):
        """RCGAN's penalty distribution t(x) as ``penalty(x, rng)`` for the training rows ``X``; None
        without one."""
        return None

    def reconstruct(self, X):
        """G(E(x)) for a batch tensor."""
        return self.generator_(self.encoder_(X))

    def discriminator_xz(self, X):
        """D_xz(x, E(x)) as a probability for each row of ``X`` (RCGAN Fig. 3, left panels)."""
        return self._map_rows(lambda x: torch.sigmoid(self.discriminator_xz_(x, self.encoder_(x))), X)


@declare({**ALICE_HYPERPARAMETERS, **CYCLE_HYPERPARAMETERS, **CYCLE_SCORE_HYPERPARAMETERS})
class CycleDetector(ALICEDetector):
    """ALICE with D_xx; scores on D_xx (ALAD and RCGAN); optional early stopping.

    ``score_type="features"``: ``||l_xx(x, x) - l_xx(x, G(E(x)))||_p`` with ``p = score_norm``
    (RCGAN Eq. 12, ALAD's score). ``score_type="discriminator"``: RCGAN Eq. 11, ``1 -
    D_xx(x, G(E(x)))``, scored as ``-log D_xx(x, G(E(x))) = log(1 + exp(-logit))`` in float64
    (ALAD's cross-entropy score), an increasing function of Eq. 11 that ranks rows the same:
    1 - D_xx itself rounds to 1 (float64) once the logit is below about -37, and a trained
    D_xx put every Arrhythmia test row there, all tied. The logit is taken within its range
    on the training rows (Haloui et al.'s §5.1 rule,
    ``ganad.scoring.critic_range``): D_xx only ever saw normal pairs, and far from the data
    its logit can exceed every training value, which ranked far rows as the most normal. A
    logit above the range is folded back below it, so such rows score above every training
    row; in the range the score is ``-log D_xx`` exactly.
    """

    fitted_values = ("xx_logit_range_",)

    def _net_config(self):
        return dataclasses.replace(super()._net_config(), discriminator_xx_hidden=tuple(self.discriminator_xx_hidden),
                                   cycle_dropout=self.cycle_dropout)

    def _early_stopping_split(self, X):
        """Hold out a seeded random ``validation_fraction`` of the (normal) training rows to stop on."""
        if not self.early_stopping:
            return X, {}
        n_validation = max(1, round(self.validation_fraction * len(X)))
        if len(X) - n_validation < 2:
            raise ValueError(f"early_stopping needs at least 2 training rows besides the {n_validation} "
                             f"validation rows; got {len(X)} rows in all")
        order = torch.randperm(len(X), generator=self._seeded_generator(phase=1), device=X.device)
        validation = X[order[:n_validation]]
        loss = lambda: self._in_chunks(self._matching_distance, validation).mean()  # noqa: E731
        return X[order[n_validation:]], {"validation": loss, "patience": self.patience}

    def _matching_distance(self, X):
        """``||f_xx(x, x) - f_xx(x, G(E(x)))||_p``, p = ``score_norm`` (Eq. 12; ALAD's score)."""
        return feature_distance(self.discriminator_xx_, (X, X), (X, self.reconstruct(X)), self.score_norm)

    def discriminator_xx(self, X):
        """D_xx(x, G(E(x))) as a probability for each row of ``X`` (RCGAN Fig. 3, right panels)."""
        return self._map_rows(lambda x: torch.sigmoid(self.discriminator_xx_(x, self.reconstruct(x))), X)

    def _score_type(self):
        """``score_type`` resolved: "auto" (RCGAN's default) is Eq. 11 on rows, Eq. 12 on images, as
        the paper scores its tabular sets (§5.3) and CIFAR-10 (§5.4)."""
        if self.score_type != "auto":
            return self.score_type
        return "features" if self.image_shape_ is not None else "discriminator"

    def _anomaly_score(self, X):
        if self._score_type() == "features":
            return self._matching_distance(X)
        return torch.logaddexp(range_score(self._pair_logit(X), self.xx_logit_range_).double(),
                               torch.zeros((), dtype=torch.float64, device=X.device))

    def _why_not_explained(self):
        kind = {"features": "a distance in D_xx's hidden features",
                "discriminator": "D_xx's output on the pair (x, G(E(x)))",
                "auto": "D_xx's output on the pair (x, G(E(x))) on rows, a distance in its hidden features on "
                        "images"}[self.score_type]
        return (f"its score (score_type={self.score_type!r}) is {kind}, not a residual per input feature; "
                "reconstruction(X) gives G(E(x)) for a residual map")

    def _pair_logit(self, X):
        """The logit of D_xx(x, G(E(x)))."""
        return self.discriminator_xx_(X, self.reconstruct(X))

    def _fit_model(self, X):
        super()._fit_model(X)
        self.xx_logit_range_ = training_range(self._in_chunks(self._pair_logit, X))


def feature_distance(discriminator, pair, other_pair, norm):
    """``||f(*pair) - f(*other_pair)||_norm`` per sample, f a discriminator's last hidden layer."""
    return (discriminator.features(*pair) - discriminator.features(*other_pair)).flatten(1).norm(p=norm, dim=1)
