"""Per-sample losses of the latent searches of AnoGAN and ADGAN, as pure functions.

Every function maps a batch to one value per sample, shape (B,), so that the batched
search (``ganad.scoring.latent_search``) optimises every sample independently;
``pairwise_anogan_loss`` gives Eq. 6 between every query and every candidate start, (B, N).
"""

import torch


def residual_loss(x, x_hat):
    """``||x - G(z)||_1`` (AnoGAN, survey §3.1 Eq. 4)."""
    return (x - x_hat).abs().flatten(1).sum(dim=1)


def discrimination_loss(features_x, features_x_hat):
    """``||f(x) - f(G(z))||_1`` on an intermediate discriminator layer f (Eq. 5)."""
    return (features_x - features_x_hat).abs().flatten(1).sum(dim=1)


def anogan_loss(x, x_hat, features_x, features_x_hat, *, weight):
    """``(1 - lambda) L_R + lambda L_D`` (Eq. 6); at the last iterate it is the anomaly score A(x) (Eq. 7)."""
    return (1 - weight) * residual_loss(x, x_hat) + weight * discrimination_loss(features_x, features_x_hat)


def pairwise_anogan_loss(x, x_hat, features_x, features_x_hat, *, weight):
    """Eq. 6 between every query ``x`` (B, ...) and every generated ``x_hat`` (N, ...): (B, N).

    Entry (b, n) is ``anogan_loss`` of query b against candidate n, computed as L1 distances
    (``torch.cdist``) without forming the B x N pairs.
    """
    residual = torch.cdist(x.flatten(1), x_hat.flatten(1), p=1)
    discrimination = torch.cdist(features_x.flatten(1), features_x_hat.flatten(1), p=1)
    return (1 - weight) * residual + weight * discrimination


def squared_l2(x, x_hat):
    """``||x - g_theta(z)||_2^2``, ADGAN's reconstruction loss l (§4.2, Algorithm 1)."""
    return (x - x_hat).pow(2).flatten(1).sum(dim=1)
