"""Adversarial losses, written as quantities to minimise."""

import torch.nn.functional as F


def wasserstein_estimate(real_scores, fake_scores):
    """``E[f(x)] - E[f(G(z))]``, the critic's estimate of W(P_r, P_theta) (Haloui Eq. 10, 26)."""
    return real_scores.mean() - fake_scores.mean()


def wasserstein_generator_loss(fake_scores):
    """``-1/m sum f(G(z))`` (Haloui Eq. 25)."""
    return -fake_scores.mean()


def discriminator_loss(real_logits, fake_logits):
    """``-(log D(x) + log(1 - D(G(z))))``: the discriminator side of Eq. 1, from logits."""
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def generator_loss(fake_logits, *, saturating):
    """Generator side of Eq. 1.

    ``saturating=True`` minimises ``log(1 - D(G(z)))`` exactly as in Eq. 1 and
    Algorithm 1; ``False`` maximises ``log D(G(z))`` instead (Goodfellow et al. 2014, §3).
    """
    if saturating:
        return -F.softplus(fake_logits).mean()
    return F.softplus(-fake_logits).mean()
