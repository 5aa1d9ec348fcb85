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

from ...utils.params import keyword_init
from ...utils.validation import WIDTHS
from .common import ALICE_CONSTRAINTS, ALICE_PARAMETERS, CYCLE_CONSTRAINTS, CYCLE_PARAMETERS, CycleDetector


class ALAD(CycleDetector):
    """Adversarially learned anomaly detection: D_xz, D_xx and D_zz; scores on D_xx's features.

    Parameters beyond those of ``ganad.detectors.alice.common`` (shared and cycle ones):
    ``discriminator_zz_hidden`` (D_zz's layers), ``score_type`` ("features" or
    "discriminator") and ``score_norm`` (1 or 2).
    """

    __init__ = keyword_init({**ALICE_PARAMETERS, **CYCLE_PARAMETERS, "discriminator_zz_hidden": (32,),
                             "score_type": "features", "score_norm": 1})
    _parameter_constraints = {**ALICE_CONSTRAINTS, **CYCLE_CONSTRAINTS, "discriminator_zz_hidden": [WIDTHS]}
    discriminators = ("xz", "xx", "zz")
    network_names = ("generator_", "encoder_", "discriminator_xz_", "discriminator_xx_", "discriminator_zz_")

    def _net_config(self):
        return dataclasses.replace(super()._net_config(), discriminator_zz_hidden=tuple(self.discriminator_zz_hidden))
