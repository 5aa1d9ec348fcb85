"""GANomaly's loss terms and score as pure functions of tensors (survey Eq. 8-13).

Equation numbers are those of Thimmaraju 2022 (§3.3), which restates Akcay et al. 2018.
The training terms follow the reference code (samet-akcay/ganomaly, ``lib/model.py``):
per-element means, each term compared with the code's ``l2_loss`` / ``nn.L1Loss``.
"""

from ...training.losses import discriminator_loss as gan_discriminator_loss


def adversarial_loss(real_features, fake_features):
    """Feature matching on D's last hidden layer, ``mean((f(x) - f(G(x)))^2)`` (Eq. 8, as coded).

    Eq. 8 writes ``E_x ||f(x) - E_x f(G(x))||_2``; the reference code pairs each x with its
    own G(x) and takes the mean square over batch and features (``l2_loss``).
    """
    return (real_features - fake_features).pow(2).mean()


def contextual_loss(x, x_hat):
    """``mean |x - G(x)|`` over batch and features: Eq. 9's L1 distance, per element."""
    return (x - x_hat).abs().mean()


def encoder_loss(z, z_hat):
    """``mean (G_E(x) - E(G(x)))^2`` over batch and latent units (Eq. 10, as coded)."""
    return (z - z_hat).pow(2).mean()


def generator_loss(adversarial, contextual, encoder, *, w_adv=1.0, w_con=50.0, w_enc=1.0):
    """Eq. 11: ``w_adv L_adv + w_con L_con + w_enc L_enc`` (the paper's weights 1, 50, 1)."""
    return w_adv * adversarial + w_con * contextual + w_enc * encoder


def discriminator_loss(real_logits, fake_logits):
    """The reference code's ``(BCE(D(x), 1) + BCE(D(G(x)), 0)) / 2``, from logits."""
    return 0.5 * gan_discriminator_loss(real_logits, fake_logits)


def latent_distance(z, z_hat):
    """Anomaly score ``A(x) = ||G_E(x) - E(G(x))||_2`` per sample (Eq. 12): (B, d) -> (B,)."""
    return (z - z_hat).norm(dim=1)

