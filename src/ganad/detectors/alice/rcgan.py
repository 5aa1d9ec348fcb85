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
``"features"`` is Eq. 12, ``||l_xx(x, x) - l_xx(x, G(E(x)))||_2``, used on CIFAR-10 (§5.4);
``"auto"`` (the default) is the paper's choice: Eq. 11 on rows, Eq. 12 with ``image_shape``.
Eq. 11 needs a trained D_xx: at ALAD's settings (Adam 1e-5, about 10,000 steps) D_xx stays
near chance (its loss near 2 log 2) and Eq. 11 read a near-initial network whose ranking of
rows unlike the data swung with the seed (issue 15; README "Diagnosis: seed instability").
So ``n_epochs="auto"`` trains rows for at least 20,000 steps (``ROW_MIN_UPDATES``), where
D_xx has learned: on rcgan-t3's training splits Eq. 11's validation AUROC then varied
with the seed by a standard deviation of about 0.03, while Eq. 12, the default before, fell
on Arrhythmia as D_xx learned (README "Training length").
Networks, optimiser and early stopping are ALAD's (``common.py``); so is the weight averaging, ALAD's 0.999 at
its rate of 1e-5, kept over the same stretch of training at RCGAN's rate (``ema_decay="auto"``: 0.99 at the rows'
1e-4, ``common.resolved_ema_decay``, chosen on validation rows; issue 15). Early stopping monitors the Eq. 12
distance with ``score_norm`` whatever ``score_type`` is, as ALAD monitors its feature-matching score.
"""

import math
from numbers import Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ...training.budget import LONG_MIN_UPDATES
from ...utils.params import Hyperparameter, declare, one_of, override
from .common import (ALICE_HYPERPARAMETERS, CYCLE_HYPERPARAMETERS, CYCLE_SCORE_HYPERPARAMETERS, CycleDetector,
                     alice_epochs_doc)

PENALTIES = ("normal", "uniform")
PENALTY_FRAMES = ("input", "unit-cube")
# n_epochs="auto" trains rows for at least this many steps: RCGAN's validation AUROC on Thyroid
# still rose up to about 18,000 steps (ganad.training.budget, ALICE README "Training length")
ROW_MIN_UPDATES = 2 * LONG_MIN_UPDATES


class PenaltyDistribution:
    """t(x) of Eq. 4 over the data space: N(0, scale * I) or U(-scale, scale) per coordinate.

    ``frame``, when given, is ``(low, width)``, tensors shaped like one row, on the rows'
    device: t is drawn in the coordinates where each feature of the training rows spans [0, 1]
    and mapped back, ``low + width * t`` (``penalty_frame="unit-cube"``); None draws t in the
    networks' own input coordinates.
    """

    def __init__(self, kind, scale=1.0, frame=None):
        if kind not in PENALTIES:
            raise ValueError(f"penalty must be one of {PENALTIES}, got {kind!r}")
        self.kind = kind
        self.scale = scale
        self.frame = frame

    def __call__(self, like, rng):
        """A batch shaped like the tensor ``like``, drawn from ``rng``."""
        if self.kind == "normal":
            t = math.sqrt(self.scale) * torch.randn(like.shape, generator=rng, device=like.device)
        else:
            t = self.scale * (2 * torch.rand(like.shape, generator=rng, device=like.device) - 1)
        if self.frame is None:
            return t
        low, width = self.frame
        return low + width * t


def unit_cube_frame(X):
    """``(low, width)`` of the rows ``X`` (a tensor) per feature; width 1 where a feature is constant."""
    low = X.amin(dim=0)
    width = X.amax(dim=0) - low
    return low, torch.where(width > 0, width, torch.ones_like(width))


@declare({
    **override(ALICE_HYPERPARAMETERS, n_epochs={"doc": alice_epochs_doc(ROW_MIN_UPDATES)},
               ema_decay={"default": "auto"}),
    **CYCLE_HYPERPARAMETERS,
    "penalty": Hyperparameter(
        "normal", [StrOptions({*PENALTIES, "none"}), None], f'{one_of((*PENALTIES, "none"))} or None',
        "t(x) of Eq. 4: N(0, s I), or U(-s, s) per coordinate; None (or \"none\", for configuration files that "
        "cannot write None) removes the term, the \"w/o t(x)\" ablation of Table 3."),
    "penalty_scale": Hyperparameter(
        1.0, [Interval(Real, 0, None, closed="neither")], "float > 0",
        "s (Table 4: N(0, I), N(0, 2I), U(-1, 1))."),
    "penalty_frame": Hyperparameter(
        "input", [StrOptions(set(PENALTY_FRAMES))], one_of(PENALTY_FRAMES),
        'The coordinates t(x) is drawn in: "input", those the networks see (after ``scaling``); '
        '"unit-cube", those where each feature of the training rows spans [0, 1], the paper\'s '
        "normalised data (§4.1), mapped back to the networks' coordinates."),
    **override(CYCLE_SCORE_HYPERPARAMETERS,
               score_type={"default": "auto",
                           "constraints": [StrOptions({"auto", "features", "discriminator"})],
                           "type": '{"auto", "features", "discriminator"}',
                           "doc": CYCLE_SCORE_HYPERPARAMETERS["score_type"].doc
                           + ' "auto": Eq. 11 on rows (§5.3), Eq. 12 with ``image_shape`` (§5.4).'},
               score_norm={"default": 2, "doc": "p, the feature score's norm (2 in Eq. 12)."}),
})
class RCGAN(CycleDetector):
    """Regularized cycle consistent GAN: ALICE (D_xz, D_xx) plus the penalty distribution t(x).

    Yang et al. (2020): the objective of Eq. 10, V_ano (Eq. 4, with the penalty term
    ``E_{x~t}[log(1 - D_xz(x, E(x)))]``) plus V_cycle (Eq. 9); no D_zz.

    Attributes
    ----------
    generator_, encoder_ : torch.nn.Module
        G and E.
    discriminator_xz_, discriminator_xx_ : torch.nn.Module
        D_xz and D_xx.
    xx_logit_range_ : tuple of float
        (min, max) of D_xx's logit on the training rows (``score_type="discriminator"``).
    n_epochs_ : int
        The epochs trained: with ``early_stopping``, those run before it stopped (the weights kept are
        the best epoch's).
    learning_rate_ : float
        Adam's learning rate trained with (``learning_rate`` with "auto" resolved).
    ema_decay_ : float
        The decay of the weight averages that score (``ema_decay`` with "auto" resolved).
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    Warnings
    --------
    Eq. 11 (the default on rows) reads D_xx's confidence, and for rows unlike every training row,
    such as rows with categories the training rows never had, that confidence is an
    extrapolation which moves with the seed and with the CPU the fit ran on. On rcgan-t1's KDDCUP
    split (README "What moves Eq. 11 on KDDCUP") six fits gave test F1 0.46-0.91 with Eq. 11
    and 0.87-0.89 with Eq. 12 (``score_type="features"``) on the same networks, and one seed's
    F1 moved by 0.06-0.07 between two CPUs. Eq. 12 is not the safer default everywhere: with
    ALAD's Arrhythmia networks it fell to near chance on held-out rows once D_xx had learned. Check
    a score on held-out rows like those you expect before relying on it.

    See Also
    --------
    ALAD : The detector whose networks and settings RCGAN follows (§5.4).

    References
    ----------
    Yang, Bozchalooi & Darve, "Regularized cycle consistent generative adversarial network
    for anomaly detection", ECAI 2020, https://arxiv.org/abs/2001.06591; Eq. 4, 9 and 10
    (objective), Eq. 11 and 12 (scores). No reference code was published.

    Examples
    --------
    >>> from ganad import RCGAN
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = RCGAN(n_epochs=1, latent_dim=2, encoder_hidden=(8,), generator_hidden=(8,),
    ...                  discriminator_hidden=(8,), discriminator_xx_hidden=(8,),
    ...                  random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    discriminators = ("xz", "xx")
    min_updates = ROW_MIN_UPDATES
    network_names = ("generator_", "encoder_", "discriminator_xz_", "discriminator_xx_")

    def _penalty(self, X):
        if self.penalty in (None, "none"):
            return None
        frame = unit_cube_frame(X) if self.penalty_frame == "unit-cube" else None
        return PenaltyDistribution(self.penalty, self.penalty_scale, frame)
