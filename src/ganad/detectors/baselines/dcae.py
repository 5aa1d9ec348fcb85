"""Deep convolutional autoencoder (DCAE), the ADGAN baseline (Deecke et al. 2018, §4.2).

Masci et al. 2011's stacked convolutional autoencoder as ADGAN uses it: a DCGAN-like
encoder and decoder with batch normalisation, trained to reconstruct normal data; the
anomaly score is the reconstruction loss. Tabular rows use fully connected networks.
"""

from ...scoring.reconstruction import reconstruction_error
from ...utils.params import declare
from ..reconstruction import ReconstructionScore
from .deep import BASELINE_HYPERPARAMETERS, DeepBaseline, conv_decoder, conv_encoder, mlp_decoder, mlp_encoder


@declare(BASELINE_HYPERPARAMETERS)
class DCAE(ReconstructionScore, DeepBaseline):
    """Autoencoder scored by its reconstruction error ``mean((x - D(E(x)))^2)``.

    Masci et al. (2011)'s stacked convolutional autoencoder as ADGAN uses it (a DCGAN-like
    encoder and decoder with batch normalisation); tabular rows use fully connected networks.

    Attributes
    ----------
    encoder_, decoder_ : torch.nn.Module
        E and D.
    n_epochs_ : int
        The epochs trained.
    history_ : ganad.training.history.TrainingHistory
        The training losses, one entry per optimiser step (``ganad.training.history``).

    References
    ----------
    Masci, Meier, Cireşan & Schmidhuber, "Stacked convolutional auto-encoders for
    hierarchical feature extraction", ICANN 2011; the baseline of Deecke et al. (2018), §4.2.

    Examples
    --------
    >>> from ganad.detectors.baselines import DCAE
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = DCAE(n_epochs=1, hidden=(8,), latent_dim=2, random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    network_names = ("encoder_", "decoder_")

    def _make_networks(self):
        if self.image_shape_ is None:
            return {"encoder_": mlp_encoder(self.n_features_in_, self.hidden, self.latent_dim),
                    "decoder_": mlp_decoder(self.n_features_in_, self.hidden, self.latent_dim)}
        return {"encoder_": conv_encoder(self.image_shape_, self.conv_width, self.latent_dim),
                "decoder_": conv_decoder(self.image_shape_, self.conv_width, self.latent_dim)}

    def reconstruct(self, X):
        """D(E(x)) for a batch tensor."""
        return self.decoder_(self.encoder_(X))

    def _training_losses(self, X, rng):
        return {"reconstruction_loss": reconstruction_error(X, self.reconstruct(X)).mean()}
