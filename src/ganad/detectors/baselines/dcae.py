"""Deep convolutional autoencoder (DCAE), the ADGAN baseline (Deecke et al. 2018, §4.2).

Masci et al. 2011's stacked convolutional autoencoder as ADGAN uses it: a DCGAN-like
encoder and decoder with batch normalisation, trained to reconstruct normal data; the
anomaly score is the reconstruction loss. Tabular rows use fully connected networks.
"""

from ...explanation import exact, mean_squared_terms
from ...scoring.reconstruction import reconstruction_error
from ...utils.params import keyword_init
from .deep import BASELINE_PARAMETERS, DeepBaseline, conv_decoder, conv_encoder, mlp_decoder, mlp_encoder


class DCAE(DeepBaseline):
    """Autoencoder scored by its reconstruction error ``mean((x - D(E(x)))^2)``.

    Parameters: ``hidden`` (encoder widths, fully connected nets; the decoder mirrors
    them), ``latent_dim``, ``image_shape`` (C, H, W; 28x28 or 32x32 switches to DCGAN-like
    convolutional nets, data in [-1, 1]), ``conv_width``, ``n_epochs``, ``batch_size``,
    ``learning_rate``, ``weight_decay`` (Adam), and the base parameters.
    """

    __init__ = keyword_init(BASELINE_PARAMETERS)
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

    def _anomaly_score(self, X):
        return reconstruction_error(X, self.reconstruct(X))

    def _why_not_explained(self):
        return None

    def _feature_terms(self, X):
        """``explain``: ``(x_j - D(E(x))_j)^2 / n_features``, the score's MSE feature by feature (exact)."""
        return exact(mean_squared_terms(X, self.reconstruct(X)))
