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
from pathlib import Path

from sklearn.utils._param_validation import Interval

from ...base import BASE_CONSTRAINTS, BASE_PARAMETERS, BaseGANDetector
from ...nets.ganomaly import ganomaly_networks, initialize
from ...utils.params import keyword_init
from ...utils.rng import seeded_init
from ..gan_base import GAN_CONSTRAINTS, net_config
from .losses import latent_distance
from .trainer import GANomalyTrainer

GANOMALY_PARAMETERS = {
    "latent_dim": 100,
    "hidden": (64, 32),
    "output_activation": None,
    "image_shape": None,
    "conv_width": 64,
    "n_epochs": "auto",
    "batch_size": 64,
    "learning_rate": 2e-4,
    "w_adv": 1.0,
    "w_con": 50.0,
    "w_enc": 1.0,
    "reinit_threshold": 1e-5,
    "checkpoint_path": None,
    "checkpoint_every": 1,
    "resume": False,
    **BASE_PARAMETERS,
}

SHARED = ("latent_dim", "hidden", "output_activation", "image_shape", "conv_width", "n_epochs", "batch_size",
          "checkpoint_path", "checkpoint_every", "resume")
GANOMALY_CONSTRAINTS = {
    **BASE_CONSTRAINTS,
    **{name: GAN_CONSTRAINTS[name] for name in SHARED},
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    **{name: [Interval(Real, 0, None, closed="left")] for name in ("w_adv", "w_con", "w_enc", "reinit_threshold")},
}


class GANomaly(BaseGANDetector):
    """Scores x by ``||G_E(x) - E(G(x))||_2``, the distance between its two latent codes.

    Akcay et al. (2018): an encoder-decoder-encoder generator and a discriminator trained
    adversarially on normal data. Also takes the parameters shared by every detector
    (``scaling``, ``impute``, ``random_state``, ``device``...), documented on
    :class:`~ganad.base.BaseGANDetector`; the signature above gives every default.

    Parameters
    ----------
    latent_dim : int, default=100
        The size of z.
    hidden : tuple of int, default=(64, 32)
        Encoder widths of the fully connected networks for tabular rows.
    output_activation : {None, "tanh"}, default=None
        The fully connected decoder's output activation.
    image_shape : tuple of int or None, default=None
        (C, H, W) of square images whose side halves to 4x4 or more (28x28, 32x32, ...)
        selects the DCGAN-style networks, pixels in [-1, 1].
    conv_width : int, default=64
        The width of the convolutional networks.
    n_epochs : int or "auto", default="auto"
        The training epochs (the paper's 15).
    batch_size : int, default=64
        Rows per training batch.
    learning_rate : float, default=2e-4
        Adam's learning rate (betas (0.5, 0.999)).
    w_adv, w_con, w_enc : float, default=1.0, 50.0, 1.0
        The weights of the generator loss's terms (Eq. 11).
    reinit_threshold : float, default=1e-5
        Re-initialise D when its loss falls below it; 0 never does.
    checkpoint_path : str or None, default=None
        Where to save training checkpoints.
    checkpoint_every : int, default=1
        Epochs between checkpoints.
    resume : bool, default=False
        Resume training from ``checkpoint_path``.

    Attributes
    ----------
    generator_ : torch.nn.Module
        The encoder-decoder-encoder generator (G_E, G_D, E).
    discriminator_ : torch.nn.Module
        D.
    n_epochs_ : int
        The epochs trained.
    history_ : ganad.training.history.TrainingHistory
        The training losses per epoch.

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

    __init__ = keyword_init(GANOMALY_PARAMETERS)
    _parameter_constraints = GANOMALY_CONSTRAINTS
    network_names = ("generator_", "discriminator_")
    paper_epochs = 15

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
        generator_optimizer, critic_optimizer = GANomalyTrainer.make_optimizers(
            self.generator_, self.discriminator_, self.learning_rate)
        trainer = GANomalyTrainer(
            self.generator_, self.discriminator_, initialize=self._initializer(),
            weights=(self.w_adv, self.w_con, self.w_enc), reinit_threshold=self.reinit_threshold,
            generator_optimizer=generator_optimizer, critic_optimizer=critic_optimizer,
            n_critic=GANomalyTrainer.default_n_critic, batch_size=self.batch_size,
            rng=self._seeded_generator(), verbose=self.verbose,
        )
        path = None if self.checkpoint_path is None else Path(self.checkpoint_path)
        self.n_epochs_ = self._training_epochs(len(X))
        self.history_ = trainer.fit(X, self.n_epochs_, checkpoint_path=path,
                                    checkpoint_every=self.checkpoint_every, resume=self.resume)
        self.generator_.eval()
        self.discriminator_.eval()

    def _anomaly_score(self, X):
        _, z, z_hat = self.generator_(X)
        return latent_distance(z, z_hat)

    def _why_not_explained(self):
        return ("its score is the latent distance ||G_E(x) - E(G(x))||_2 (Eq. 12), measured in the latent space, "
                "not a residual per input feature")
