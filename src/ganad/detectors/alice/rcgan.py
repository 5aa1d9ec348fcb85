"""RCGAN: Yang, Bozchalooi & Darve 2020, "Regularized cycle consistent generative adversarial
network for anomaly detection" (ECAI), https://arxiv.org/abs/2001.06591. No reference code
was published; the paper builds on ALAD's and follows its settings (§5.4).

Objective (Eq. 10) = V_ano (Eq. 4: ALI's D_xz objective plus the penalty term
``E_{x~t}[log(1 - D_xz(x, E(x)))]``) + V_cycle (Eq. 9: D_xx on (x, x) against
(x, G(E(x)))). No D_zz. The penalty distribution t(x) over the data space is
``penalty="normal"``: N(0, s I), or ``"uniform"``: U(-s, s) per coordinate, with
``s = penalty_scale`` (Table 4: N(0, I), N(0, 2I), U(-1, 1)); ``penalty=None`` (or
``"none"``, for configuration files that cannot write None) removes the term, the
"w/o t(x)" ablation of Table 3. Scores: ``score_type="discriminator"`` is Eq. 11,
``A(x) = 1 - D_xx(x, G(E(x)))``, the score of the tabular experiments (§5.3);
``"features"`` is Eq. 12, ``||l_xx(x, x) - l_xx(x, G(E(x)))||_2``, used on CIFAR-10 (§5.4).
Networks, optimiser, weight averaging (``ema_decay=0.999``) and early stopping are ALAD's
(``common.py``); early stopping monitors the Eq. 12 distance with ``score_norm``
whatever ``score_type`` is, as ALAD monitors its feature-matching score.
"""

import math
from numbers import Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ...utils.params import keyword_init
from .common import ALICE_CONSTRAINTS, ALICE_PARAMETERS, CYCLE_CONSTRAINTS, CYCLE_PARAMETERS, CycleDetector

PENALTIES = ("normal", "uniform")


class PenaltyDistribution:
    """t(x) of Eq. 4 over the data space: N(0, scale * I) or U(-scale, scale) per coordinate."""

    def __init__(self, kind, scale=1.0):
        if kind not in PENALTIES:
            raise ValueError(f"penalty must be one of {PENALTIES}, got {kind!r}")
        self.kind = kind
        self.scale = scale

    def __call__(self, like, rng):
        """A batch shaped like the tensor ``like``, drawn from ``rng``."""
        if self.kind == "normal":
            return math.sqrt(self.scale) * torch.randn(like.shape, generator=rng, device=like.device)
        return self.scale * (2 * torch.rand(like.shape, generator=rng, device=like.device) - 1)


class RCGAN(CycleDetector):
    """Regularized cycle consistent GAN: ALICE (D_xz, D_xx) plus the penalty distribution t(x).

    Parameters beyond those of ``ganad.detectors.alice.common`` (shared and cycle ones): ``penalty``
    ("normal", "uniform", or None / "none"), ``penalty_scale`` (s), ``score_type``
    ("discriminator", Eq. 11, or "features", Eq. 12) and ``score_norm`` (the feature
    score's norm, 2 in Eq. 12).
    """

    __init__ = keyword_init({**ALICE_PARAMETERS, **CYCLE_PARAMETERS, "penalty": "normal", "penalty_scale": 1.0,
                             "score_type": "discriminator", "score_norm": 2})
    _parameter_constraints = {
        **ALICE_CONSTRAINTS,
        **CYCLE_CONSTRAINTS,
        "penalty": [StrOptions({*PENALTIES, "none"}), None],
        "penalty_scale": [Interval(Real, 0, None, closed="neither")],
    }
    discriminators = ("xz", "xx")
    network_names = ("generator_", "encoder_", "discriminator_xz_", "discriminator_xx_")

    def _penalty(self):
        if self.penalty in (None, "none"):
            return None
        return PenaltyDistribution(self.penalty, self.penalty_scale)
