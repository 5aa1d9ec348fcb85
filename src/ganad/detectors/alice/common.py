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
import os
from numbers import Integral, Real
from pathlib import Path

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ...base import BASE_CONSTRAINTS, BASE_PARAMETERS, BaseGANDetector
from ...nets.joint import (JointConfig, build_discriminator_xx, build_discriminator_xz, build_discriminator_zz,
                           build_encoder, build_generator)
from ...nets.prior import PRIORS, LatentPrior
from ...scoring import range_score, training_range
from ...training.budget import EPOCHS_CONSTRAINT
from ...utils.rng import seeded_init
from ...utils.validation import IMAGE_SHAPE, WIDTHS
from .trainer import JointTrainer

ALICE_PARAMETERS = {
    "latent_dim": 32,
    "encoder_hidden": (64,),
    "generator_hidden": (64, 128),
    "discriminator_hidden": (128,),
    "xz_branch_width": None,
    "image_shape": None,
    "conv_width": 64,
    "dropout": 0.5,
    "spectral_norm": "auto",
    "prior": "normal",
    "n_epochs": "auto",
    "batch_size": 50,
    "learning_rate": 1e-5,
    "ema_decay": 0.999,
    "checkpoint_path": None,
    "checkpoint_every": 1,
    "resume": False,
    **BASE_PARAMETERS,
}

ALICE_CONSTRAINTS = {
    **BASE_CONSTRAINTS,
    "latent_dim": [Interval(Integral, 1, None, closed="left")],
    "encoder_hidden": [WIDTHS],
    "generator_hidden": [WIDTHS],
    "discriminator_hidden": [WIDTHS],
    "xz_branch_width": [Interval(Integral, 1, None, closed="left"), None],
    "image_shape": [IMAGE_SHAPE, None],
    "conv_width": [Interval(Integral, 1, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "spectral_norm": ["boolean", StrOptions({"auto"})],
    "prior": [StrOptions(set(PRIORS))],
    "n_epochs": EPOCHS_CONSTRAINT,
    "batch_size": [Interval(Integral, 2, None, closed="left")],
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "ema_decay": [Interval(Real, 0, 1, closed="left")],
    "checkpoint_path": [str, os.PathLike, None],
    "checkpoint_every": [Interval(Integral, 1, None, closed="left")],
    "resume": ["boolean"],
}

DISCRIMINATOR_BUILDERS = {"xz": build_discriminator_xz, "xx": build_discriminator_xx, "zz": build_discriminator_zz}

CYCLE_PARAMETERS = {
    "discriminator_xx_hidden": (128,),
    "cycle_dropout": 0.2,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "patience": 10,
}
CYCLE_CONSTRAINTS = {
    "discriminator_xx_hidden": [WIDTHS],
    "cycle_dropout": [Interval(Real, 0, 1, closed="left")],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "patience": [Interval(Integral, 0, None, closed="left")],
    "score_type": [StrOptions({"features", "discriminator"})],
    "score_norm": [Interval(Integral, 1, 2, closed="both")],
}


class ALICEDetector(BaseGANDetector):
    """E and G trained against joint discriminators; subclasses pick them and the score.

    ``discriminators`` names the discriminators of the objective ("xz", "xx", "zz");
    ``network_names`` lists the fitted modules in the same order after E and G.
    """

    _parameter_constraints = ALICE_CONSTRAINTS
    discriminators = ("xz",)
    paper_epochs = 100

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
        generator_optimizer, discriminator_optimizer = JointTrainer.make_optimizers(
            pair, discriminators, self.learning_rate)
        trainer = JointTrainer(pair, discriminators, self.prior_, penalty=self._penalty(), ema_decay=self.ema_decay,
                               **stopping,
                               generator_optimizer=generator_optimizer, critic_optimizer=discriminator_optimizer,
                               n_critic=1, batch_size=self.batch_size, rng=self._seeded_generator(),
                               verbose=self.verbose)
        path = None if self.checkpoint_path is None else Path(self.checkpoint_path)
        self.n_epochs_ = self._training_epochs(len(X))
        self.history_ = trainer.fit(X, self.n_epochs_, checkpoint_path=path,
                                    checkpoint_every=self.checkpoint_every, resume=self.resume)
        trainer.final_weights()
        pair.eval()
        discriminators.eval()

    def _early_stopping_split(self, X):
        """``(training rows, JointTrainer's early-stopping arguments)``; only ALAD and RCGAN stop early."""
        return X, {}

    def _penalty(self):
        """RCGAN's penalty distribution t(x) as ``penalty(x, rng)``; None without one."""
        return None

    def reconstruct(self, X):
        """G(E(x)) for a batch tensor."""
        return self.generator_(self.encoder_(X))

    def discriminator_xz(self, X):
        """D_xz(x, E(x)) as a probability for each row of ``X`` (RCGAN Fig. 3, left panels)."""
        return self._map_rows(lambda x: torch.sigmoid(self.discriminator_xz_(x, self.encoder_(x))), X)


class CycleDetector(ALICEDetector):
    """ALICE with D_xx; scores on D_xx (ALAD and RCGAN); optional early stopping.

    ``score_type="features"``: ``||l_xx(x, x) - l_xx(x, G(E(x)))||_p`` with ``p = score_norm``
    (RCGAN Eq. 12, ALAD's score). ``score_type="discriminator"``: ``1 - D_xx(x, G(E(x)))``
    (RCGAN Eq. 11), computed as ``sigmoid(-logit)`` so it does not round to 0 in float32,
    with the logit taken within its range on the training rows (Haloui et al.'s §5.1 rule,
    ``ganad.scoring.critic_range``): D_xx only ever saw normal pairs, and far from the data
    its logit can exceed every training value, which ranked far rows as the most normal. A
    logit above the range is folded back below it, so such rows score above every training
    row; in the range the score is Eq. 11's exactly.
    Parameters beyond the shared ones: ``discriminator_xx_hidden``, ``cycle_dropout``
    (D_xx's and D_zz's dropout), ``early_stopping``, ``validation_fraction``, ``patience``
    (see the module docstring).
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

    def _anomaly_score(self, X):
        if self.score_type == "features":
            return self._matching_distance(X)
        return torch.sigmoid(range_score(self._pair_logit(X), self.xx_logit_range_).double())

    def _why_not_explained(self):
        kind = ("a distance in D_xx's hidden features" if self.score_type == "features"
                else "D_xx's output on the pair (x, G(E(x)))")
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
