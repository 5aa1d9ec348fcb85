"""ALAD: Zenati, Romain, Foo, Lecouat & Chandrasekhar 2018, "Adversarially learned anomaly
detection" (ICDM), https://arxiv.org/abs/1812.02288; reference code
houssamzenati/Adversarially-Learned-Anomaly-Detection (MIT).

ALICE (Li et al. 2017; RCGAN Eq. 2-3) with three discriminators: D_xz on (x, z) pairs,
D_xx for cycle consistency in x and D_zz for cycle consistency in z (``common.py``,
``trainer.py``). The score is the feature-matching distance in D_xx,
``||f_xx(x, x) - f_xx(x, G(E(x)))||_1`` (ALAD's "fm" score with the code's default
``--d 1``; RCGAN Eq. 12 writes it with the L2 norm, ``score_norm=2``);
``score_type="discriminator"`` gives ``1 - D_xx(x, G(E(x)))``, which ranks as ALAD's
cross-entropy score ``-log D_xx(x, G(E(x)))``. Spectral normalisation is on for the
convolutional networks, as ALAD uses it on its image data, off for tabular ones, whose
reference networks ignore the flag (``spectral_norm="auto"``). Scores use the weights'
moving averages (``ema_decay=0.999``, ``alad/run.py``); ``early_stopping=True`` stops on
the mean score of held-out training rows, as ``--enable_early_stop`` (``common.py``).
"""

import dataclasses

from ...utils.params import Hyperparameter, declare, override
from ...utils.validation import WIDTHS
from .common import (ALICE_HYPERPARAMETERS, CYCLE_HYPERPARAMETERS, CYCLE_SCORE_HYPERPARAMETERS, ROWS_LEARNING_RATE,
                     CycleDetector)


@declare({
    **ALICE_HYPERPARAMETERS,
    **CYCLE_HYPERPARAMETERS,
    "discriminator_zz_hidden": Hyperparameter((32,), [WIDTHS], "tuple of int", "Hidden widths of D_zz."),
    **override(CYCLE_SCORE_HYPERPARAMETERS, score_type={"default": "features"}, score_norm={"default": 1}),
})
class ALAD(CycleDetector):
    """Adversarially learned anomaly detection: D_xz, D_xx and D_zz; scores on D_xx's features.

    Zenati et al. (2018): ALICE with three discriminators, D_xz on (x, z) pairs, D_xx for
    cycle consistency in x and D_zz for cycle consistency in z.

    Attributes
    ----------
    generator_, encoder_ : torch.nn.Module
        G and E.
    discriminator_xz_, discriminator_xx_, discriminator_zz_ : torch.nn.Module
        D_xz, D_xx and D_zz.
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

    See Also
    --------
    RCGAN : ALICE with D_xz, D_xx and a penalty distribution.
    BiGAN : One joint discriminator.

    References
    ----------
    Zenati, Romain, Foo, Lecouat & Chandrasekhar, "Adversarially learned anomaly detection",
    ICDM 2018, https://arxiv.org/abs/1812.02288 (reference code
    houssamzenati/Adversarially-Learned-Anomaly-Detection); ALICE: Li et al. 2017, RCGAN
    Eq. 2-3; the feature score as RCGAN Eq. 12.

    Examples
    --------
    >>> from ganad import ALAD
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = ALAD(n_epochs=1, latent_dim=2, encoder_hidden=(8,), generator_hidden=(8,),
    ...                 discriminator_hidden=(8,), discriminator_xx_hidden=(8,),
    ...                 discriminator_zz_hidden=(8,), random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    image_learning_rate = ROWS_LEARNING_RATE  # 1e-4 on images too: its validation there (resolved_learning_rate)
    discriminators = ("xz", "xx", "zz")
    network_names = ("generator_", "encoder_", "discriminator_xz_", "discriminator_xx_", "discriminator_zz_")

    def _net_config(self):
        return dataclasses.replace(super()._net_config(), discriminator_zz_hidden=tuple(self.discriminator_zz_hidden))
