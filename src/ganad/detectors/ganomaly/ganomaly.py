"""GANomaly (Akcay, Atapour-Abarghouei & Breckon 2018), https://arxiv.org/abs/1805.06725.

As restated by Thimmaraju 2022, §3.3 (``../shared/papers/gan_ad_survey_thimmaraju_2022.md``):
an encoder-decoder-encoder generator x -> z = G_E(x) -> x_hat = G_D(z) -> z_hat = E(x_hat)
and a discriminator D are trained adversarially on normal data with the generator loss
``w_adv L_adv + w_con L_con + w_enc L_enc`` (Eq. 8-11; weights 1, 50, 1). The anomaly score
is ``A(x) = ||G_E(x) - E(G(x))||_2`` (Eq. 12). Eq. 13's min-max scaling is a transform of a
whole score set, ``ganad.metrics.minmax_scale``, never part of per-row scoring.

Training follows the reference code (samet-akcay/ganomaly, MIT licence): the adversarial
term matches D's features (not its logits), the discriminator is re-initialised when its
loss collapses, Adam 2e-4 with betas (0.5, 0.999), 15 epochs, batch 64, latent 100, width
64. Unlike the reference code we never pick an epoch by its test AUC: the model is the
one after the last epoch. Choices and deviations: this folder's README.md.
"""

from functools import partial
from numbers import Real

from sklearn.utils._param_validation import Interval

from ...base import TorchDetector
from ...base_detector import BASE_HYPERPARAMETERS
from ...nets.ganomaly import ganomaly_networks, initialize
from ...training.fitting import train_adversarially
from ...training.budget import LONG_MIN_UPDATES
from ...training.checkpoint import CHECKPOINT_HYPERPARAMETERS
from ...utils.params import Hyperparameter, declare, pick
from ...utils.rng import seeded_init
from ..gan_base import net_config
from ..hyperparameters import SHARED_HYPERPARAMETERS, epochs_doc
from .losses import latent_distance
from .trainer import GANomalyTrainer

# The reference code's settings (samet-akcay/ganomaly, ``options.py``); networks: ``nets/ganomaly.py``
GANOMALY_HYPERPARAMETERS = {
    **pick(SHARED_HYPERPARAMETERS, "latent_dim", "hidden", "output_activation", "image_shape", "conv_width",
           "n_epochs", "batch_size", "learning_rate",
           latent_dim={"default": 100},
           hidden={"default": (64, 32),
                   "doc": "Widths of the fully connected encoders and discriminator (rows); the decoder mirrors "
                          "them."},
           conv_width={"default": 64},
           n_epochs={"default": "auto", "doc": epochs_doc("the paper's 15", LONG_MIN_UPDATES)},
           batch_size={"default": 64},
           learning_rate={"default": 2e-4, "doc": "Adam's learning rate for both networks (betas (0.5, 0.999))."}),
    "w_adv": Hyperparameter(
        1.0, [Interval(Real, 0, None, closed="left")], "float",
        "Weight of L_adv, the feature matching ``mean((f(x) - f(G(x)))^2)`` on D's last hidden layer, in the "
        "generator loss (Eq. 8, 11)."),
    "w_con": Hyperparameter(
        50.0, [Interval(Real, 0, None, closed="left")], "float",
        "Weight of L_con, the contextual loss ``mean |x - G(x)|``, in the generator loss (Eq. 9, 11)."),
    "w_enc": Hyperparameter(
        1.0, [Interval(Real, 0, None, closed="left")], "float",
        "Weight of L_enc, the encoder loss ``mean (G_E(x) - E(G(x)))^2``, in the generator loss (Eq. 10, 11)."),
    "reinit_threshold": Hyperparameter(
        1e-5, [Interval(Real, 0, None, closed="left")], "float",
        "Re-initialise D when its loss on a batch falls below it (the reference code's ``reinit_d``); 0 never "
        "does."),
    **CHECKPOINT_HYPERPARAMETERS,
    **BASE_HYPERPARAMETERS,
}


@declare(GANOMALY_HYPERPARAMETERS)
class GANomaly(TorchDetector):
    """Scores x by ``||G_E(x) - E(G(x))||_2``, the distance between its two latent codes.

    Akcay et al. (2018): an encoder-decoder-encoder generator and a discriminator trained
    adversarially on normal data.

    Attributes
    ----------
    generator_ : torch.nn.Module
        The encoder-decoder-encoder generator (G_E, G_D, E).
    discriminator_ : torch.nn.Module
        D.
    n_epochs_ : int
        The epochs trained.
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    References
    ----------
    Akcay, Atapour-Abarghouei & Breckon, "GANomaly: semi-supervised anomaly detection via
    adversarial training", 2018, https://arxiv.org/abs/1805.06725, as restated by
    Thimmaraju 2022, §3.3: generator loss ``w_adv L_adv + w_con L_con + w_enc L_enc``
    (Eq. 8-11), score ``A(x) = ||G_E(x) - E(G(x))||_2`` (Eq. 12). Eq. 13's min-max scaling
    is :func:`ganad.metrics.minmax_scale`, never part of per-row scoring.

    Examples
    --------
    >>> from ganad import GANomaly
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = GANomaly(n_epochs=1, latent_dim=2, hidden=(8,), random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    network_names = ("generator_", "discriminator_")
    paper_epochs = 15
    min_updates = LONG_MIN_UPDATES  # its validation AUROC rose up to 10,000 updates (ganad.training.budget)

    def _net_config(self):
        return net_config(self)

    def _initializer(self):
        return partial(initialize, dcgan=self.image_shape_ is not None)

    def _build_networks(self):
        """Fresh networks on ``device_``, initialised from ``seed_`` (also used by ``load_model``)."""
        init = self._initializer()
        with seeded_init(self.seed_):
            generator, discriminator = ganomaly_networks(self._net_config())
            init(generator)
            init(discriminator)
        self.generator_ = generator.to(self.device_).eval()
        self.discriminator_ = discriminator.to(self.device_).eval()

    def _fit_model(self, X):
        self._build_networks()
        self.n_epochs_ = self._training_epochs(len(X))
        self.history_ = train_adversarially(
            GANomalyTrainer, self.generator_, self.discriminator_, X, self.n_epochs_, params=self.get_params(),
            rng=self._seeded_generator(), initialize=self._initializer(),
            weights=(self.w_adv, self.w_con, self.w_enc), reinit_threshold=self.reinit_threshold)

    def _anomaly_score(self, X):
        _, z, z_hat = self.generator_(X)
        return latent_distance(z, z_hat)

    def _why_not_explained(self):
        return ("its score is the latent distance ||G_E(x) - E(G(x))||_2 (Eq. 12), measured in the latent space, "
                "not a residual per input feature")
