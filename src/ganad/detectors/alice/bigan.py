"""BiGAN / EGBAD: Zenati, Foo, Lecouat, Manek & Chandrasekhar 2018, "Efficient GAN-based anomaly
detection", https://arxiv.org/abs/1802.06222, on Donahue et al.'s BiGAN.

E and G are trained jointly against one joint discriminator D(x, z) (survey Eq. 3, Haloui
Eq. 16-17; ``common.py``). The score is Haloui Eq. 20,
``A(x) = alpha L_G(x) + (1 - alpha) L_D(x)`` with the reconstruction loss
``L_G(x) = ||x - G(E(x))||`` (Eq. 18, which prints ``E(G(x))``, a typo for the reference
code's ``G(E(x))``) and the feature-matching loss
``L_D(x) = ||f_D(x, E(x)) - f_D(G(E(x)), E(x))||`` (Eq. 19), f_D the discriminator's last
hidden layer. Defaults are the reference code's (``bigan/run_kdd.py``, README): weight 0.1
on the feature term, i.e. alpha = 0.9 (``score_weight``), and L1 norms (``--d 1``); dropout
0.2 in D (``bigan/kdd_utilities.py``); scoring with moving averages of the weights, decay
0.9999.
The reference code has no early stopping.
"""

from numbers import Real

from sklearn.utils._param_validation import Interval

from ...explanation import norm_shares
from ...utils.params import Hyperparameter, Renamed, declare, override, pick
from .common import (ALICE_HYPERPARAMETERS, CYCLE_SCORE_HYPERPARAMETERS, ROWS_LEARNING_RATE, ALICEDetector,
                     feature_distance)


@declare({
    **override(ALICE_HYPERPARAMETERS, dropout={"default": 0.2}, ema_decay={"default": 0.9999}),
    "score_weight": Hyperparameter(
        0.9, [Interval(Real, 0, 1, closed="both")], "float in [0, 1]",
        "alpha of Eq. 20, the weight of the reconstruction term (the reference code's weight 0.1 on the feature "
        "term)."),
    **pick(CYCLE_SCORE_HYPERPARAMETERS, "score_norm", score_norm={
        "default": 1, "doc": "p, the norm of both terms (the reference code's ``--d 1``)."}),
}, renamed={"alpha": Renamed(new="score_weight", until="0.2")})
class BiGAN(ALICEDetector):
    """EGBAD: scores ``alpha ||x - G(E(x))||_p + (1 - alpha) ||f_D(x, E(x)) - f_D(G(E(x)), E(x))||_p``.

    Zenati et al. (2018)'s BiGAN-based detector: E and G trained against one joint
    discriminator D(x, z), scored with Haloui Eq. 20.
    BiGAN changes two shared defaults to the reference code's: ``dropout=0.2`` (in D) and
    ``ema_decay=0.9999`` (scores use moving averages of the weights). It has no early
    stopping.

    Attributes
    ----------
    generator_, encoder_, discriminator_xz_ : torch.nn.Module
        G, E and the joint discriminator D(x, z).
    n_epochs_ : int
        The epochs trained.
    learning_rate_ : float
        Adam's learning rate trained with (``learning_rate`` with "auto" resolved).
    ema_decay_ : float
        The decay of the weight averages that score (``ema_decay`` with "auto" resolved).
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    See Also
    --------
    ALAD, RCGAN : The ALICE detectors with cycle-consistency discriminators.

    References
    ----------
    Zenati, Foo, Lecouat, Manek & Chandrasekhar, "Efficient GAN-based anomaly detection",
    2018, https://arxiv.org/abs/1802.06222, on Donahue et al.'s BiGAN; the score is Haloui
    Eq. 20, ``A(x) = alpha L_G(x) + (1 - alpha) L_D(x)``, with L_G of Eq. 18 and L_D of
    Eq. 19 (f_D the discriminator's last hidden layer); training: survey Eq. 3, Haloui
    Eq. 16-17.

    Examples
    --------
    >>> from ganad import BiGAN
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = BiGAN(n_epochs=1, latent_dim=2, encoder_hidden=(8,), generator_hidden=(8,),
    ...                  discriminator_hidden=(8,), random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    image_learning_rate = ROWS_LEARNING_RATE  # 1e-4 on images too: its validation there (resolved_learning_rate)
    discriminators = ("xz",)
    network_names = ("generator_", "encoder_", "discriminator_xz_")

    def _anomaly_score(self, X):
        z = self.encoder_(X)
        x_rec = self.generator_(z)
        residual = (X - x_rec).flatten(1).norm(p=self.score_norm, dim=1)  # L_G, Eq. 18
        features = feature_distance(self.discriminator_xz_, (X, z), (x_rec, z), self.score_norm)  # L_D, Eq. 19
        return self.score_weight * residual + (1 - self.score_weight) * features

    def _why_not_explained(self):
        return None

    def _feature_terms(self, X):
        """``explain``: the residual part ``alpha L_G`` split over features, ``alpha |r_j|^p / ||r||_p^(p-1)``
        with r = x - G(E(x)) (``alpha |r_j|`` for the default p = 1); the remainder is the
        feature-matching part ``(1 - alpha) L_D``, a distance in D's hidden features."""
        z = self.encoder_(X)
        x_rec = self.generator_(z)
        features = feature_distance(self.discriminator_xz_, (X, z), (x_rec, z), self.score_norm)  # L_D, Eq. 19
        return self.score_weight * norm_shares(X - x_rec, self.score_norm), (1 - self.score_weight) * features
