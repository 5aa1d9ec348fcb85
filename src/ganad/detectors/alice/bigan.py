"""BiGAN / EGBAD: Zenati, Foo, Lecouat, Manek & Chandrasekhar 2018, "Efficient GAN-based anomaly
detection", https://arxiv.org/abs/1802.06222, on Donahue et al.'s BiGAN.

E and G are trained jointly against one joint discriminator D(x, z) (survey Eq. 3, Haloui
Eq. 16-17; ``common.py``). The score is Haloui Eq. 20,
``A(x) = alpha L_G(x) + (1 - alpha) L_D(x)`` with the reconstruction loss
``L_G(x) = ||x - G(E(x))||`` (Eq. 18, which prints ``E(G(x))``, a typo for the reference
code's ``G(E(x))``) and the feature-matching loss
``L_D(x) = ||f_D(x, E(x)) - f_D(G(E(x)), E(x))||`` (Eq. 19), f_D the discriminator's last
hidden layer. Defaults are the reference code's (``bigan/run_kdd.py``, README): weight 0.1
on the feature term, i.e. alpha = 0.9, and L1 norms (``--d 1``); dropout 0.2 in D
(``bigan/kdd_utilities.py``); scoring with moving averages of the weights, decay 0.9999.
The reference code has no early stopping.
"""

from numbers import Real

from sklearn.utils._param_validation import Interval

from ...explanation import norm_shares
from ...utils.params import keyword_init
from .common import ALICE_CONSTRAINTS, ALICE_PARAMETERS, CYCLE_CONSTRAINTS, ALICEDetector, feature_distance


class BiGAN(ALICEDetector):
    """EGBAD: scores ``alpha ||x - G(E(x))||_p + (1 - alpha) ||f_D(x, E(x)) - f_D(G(E(x)), E(x))||_p``.

    Parameters beyond the shared ones (``ganad.detectors.alice.common``): ``alpha`` (Eq. 20)
    and ``score_norm`` (p, 1 or 2).
    """

    __init__ = keyword_init({**ALICE_PARAMETERS, "dropout": 0.2, "ema_decay": 0.9999, "alpha": 0.9, "score_norm": 1})
    _parameter_constraints = {
        **ALICE_CONSTRAINTS,
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "score_norm": CYCLE_CONSTRAINTS["score_norm"],
    }
    discriminators = ("xz",)
    network_names = ("generator_", "encoder_", "discriminator_xz_")

    def _anomaly_score(self, X):
        z = self.encoder_(X)
        x_rec = self.generator_(z)
        residual = (X - x_rec).flatten(1).norm(p=self.score_norm, dim=1)  # L_G, Eq. 18
        features = feature_distance(self.discriminator_xz_, (X, z), (x_rec, z), self.score_norm)  # L_D, Eq. 19
        return self.alpha * residual + (1 - self.alpha) * features

    def _why_not_explained(self):
        return None

    def _feature_terms(self, X):
        """``explain``: the residual part ``alpha L_G`` split over features, ``alpha |r_j|^p / ||r||_p^(p-1)``
        with r = x - G(E(x)) (``alpha |r_j|`` for the default p = 1); the remainder is the
        feature-matching part ``(1 - alpha) L_D``, a distance in D's hidden features."""
        z = self.encoder_(X)
        x_rec = self.generator_(z)
        features = feature_distance(self.discriminator_xz_, (X, z), (x_rec, z), self.score_norm)  # L_D, Eq. 19
        return self.alpha * norm_shares(X - x_rec, self.score_norm), (1 - self.alpha) * features
