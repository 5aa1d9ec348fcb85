"""WGAN with a post-hoc encoder (Haloui et al. 2018, §5.3, Eq. 23): the paper's main model.

After the WGAN converges, an encoder E with a BatchNorm on its output is trained to
minimise ||G(E(x)) - x||^2 with the generator frozen (``ganad.training.encoder``). The
anomaly score is the reconstruction MSE ``mean((x - G(E(x)))^2)`` (§5.3, Fig. 22).
The paper gives neither the encoder's architecture nor its schedule: we mirror the
critic's widths (a convolutional encoder for images) and train 10 epochs with Adam 1e-3,
or with ``encoder_epochs="auto"`` (the default) as many more as 2,000 encoder updates need
(``ganad.training.budget``).
"""

from numbers import Real

import torch
from sklearn.utils._param_validation import Interval

from ...training import distributed
from ...training.budget import EPOCHS_CONSTRAINT, MIN_UPDATES, training_epochs
from ...training.encoder import fit_encoder
from ...utils.params import Hyperparameter, Renamed, declare, override
from ..gan_base import AUTO_LATENT_DIM, GAN_HYPERPARAMETERS, GANDetector
from ..reconstruction import ReconstructionScore

ENCODER_EPOCHS = 10  # our choice; the paper gives no schedule

# The encoder phase's parameters (§5.3); the paper gives neither the encoder nor its schedule
ENCODER_HYPERPARAMETERS = {
    "encoder": Hyperparameter(
        None, [torch.nn.Module, None], "torch.nn.Module or None",
        "An encoder of your own, rows (or images) -> (B, latent_dim), instead of the default network (the "
        "critic's widths ending in ``latent_dim`` units and a BatchNorm without affine parameters); it is "
        "copied at ``fit``, and the detector cannot then be saved."),
    "encoder_epochs": Hyperparameter(
        "auto", EPOCHS_CONSTRAINT, 'int or "auto"',
        f'Epochs of encoder training, the generator frozen. "auto": {ENCODER_EPOCHS}, raised on small data '
        f"until the encoder has made {MIN_UPDATES:,} updates."),
    "encoder_learning_rate": Hyperparameter(
        1e-3, [Interval(Real, 0, None, closed="neither")], "float", "Adam's learning rate for the encoder."),
}


# latent_dim="auto": the ring's 2 on rows, 100 on images (``gan_base.latent_size``; wgan README, "Defaults")
@declare({**override(GAN_HYPERPARAMETERS, latent_dim=AUTO_LATENT_DIM), **ENCODER_HYPERPARAMETERS},
         renamed={"encoder_lr": Renamed(new="encoder_learning_rate", until="0.2")})
class WGANEncoder(ReconstructionScore, GANDetector):
    """Scores samples by the reconstruction error of G(E(x)) (§5.3, Eq. 23).

    Attributes
    ----------
    encoder_ : torch.nn.Module
        The trained encoder E, in evaluation mode.

    See Also
    --------
    WGANCritic, WGANInversion : The other two detectors of Haloui et al. (2018).

    Examples
    --------
    >>> from ganad import WGANEncoder
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = WGANEncoder(n_epochs=1, encoder_epochs=1, hidden=(16, 16), random_state=0).fit(X)
    >>> detector.anomaly_score(X).shape
    (200,)
    >>> sorted(set(detector.predict(X).tolist()))
    [-1, 1]
    >>> detector.explain(X[:3]).shape
    (3, 2)
    """

    network_names = ("generator_", "critic_", "encoder_")

    def _fit_scorer(self, X):
        epochs = training_epochs(self.encoder_epochs, paper_epochs=ENCODER_EPOCHS,
                                 n_batches=distributed.n_batches(len(X), self.batch_size))
        fit_encoder(self.encoder_, self.generator_, X, n_epochs=epochs,
                    batch_size=self.batch_size, learning_rate=self.encoder_learning_rate,
                    rng=self._seeded_generator(1), history=self.history_, verbose=self.verbose)

    def reconstruct(self, X):
        """G(E(x)) for a batch tensor."""
        return self.generator_(self.encoder_(X))
