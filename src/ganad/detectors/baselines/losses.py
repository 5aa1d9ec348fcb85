"""Loss functions of the deep baselines, as pure functions of tensors.

Each returns a per-sample tensor of shape (B,) (the anomaly score where the paper
scores with the same quantity); training takes its mean. Equation numbers refer to
the papers listed in this folder's README.
"""

import math

import torch


def gaussian_kl(mu, logvar):
    """KL(N(mu, diag(exp(logvar))) || N(0, I)) per sample (Kingma & Welling 2014, App. B): (B, d) -> (B,)."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)


def negative_elbo(x, x_hat, mu, logvar, log_variance=None):
    """VAE's -ELBO per sample with a Gaussian decoder (Kingma & Welling 2014, Eq. 10 and App. C.2).

    ``-log N(x; x_hat, diag(sigma^2)) + KL(q(z|x) || p(z))``, the sum over features of
    ``gaussian_nll_terms`` plus the KL term. ``log_variance`` is the decoder's log sigma^2
    (shaped like ``x``); None is the unit-variance decoder,
    ``1/2 ||x - x_hat||^2 + d/2 log(2 pi) + KL`` with d the number of features.
    """
    return gaussian_nll_terms(x, x_hat, log_variance).sum(dim=1) + gaussian_kl(mu, logvar)


MAX_LOG_VARIANCE = 80.0  # gaussian_nll_terms: exp(log sigma^2) stays finite in float32 (it overflows above 88.7)


def gaussian_nll_terms(x, x_hat, log_variance=None):
    """``-log N(x_j; x_hat_j, sigma_j^2) = (x_j - x_hat_j)^2 / (2 sigma_j^2) + log(2 pi sigma_j^2) / 2``.

    Per feature, (B, ...) -> (B, d): the terms of ``negative_elbo``'s reconstruction part
    (``VAE.explain``). ``log_variance`` None means sigma_j = 1. In the squared error's divisor
    ``exp(log sigma^2)`` the log variance is capped at ``MAX_LOG_VARIANCE`` = 80: above 88.7
    exp overflows float32 and the gradient becomes 0 * inf = NaN (a VAE on Arrhythmia's sparse
    features reached 104); below the cap the value is unchanged, and above it the term is 0
    to float32 precision either way.
    """
    squared = (x - x_hat).pow(2).flatten(1)
    if log_variance is None:
        return 0.5 * squared + 0.5 * math.log(2 * math.pi)
    log_variance = log_variance.flatten(1)
    return 0.5 * (squared / log_variance.clamp_max(MAX_LOG_VARIANCE).exp() + log_variance + math.log(2 * math.pi))


def squared_distance(features, center):
    """Deep SVDD's ``||phi(x) - c||^2`` per sample (Ruff et al. 2018, Eq. 3 and 4): (B, k) -> (B,)."""
    return (features - center).pow(2).sum(dim=1)


def one_class_svdd_loss(distances):
    """One-class Deep SVDD, ``1/n sum ||phi(x_i) - c||^2`` (Ruff et al. 2018, Eq. 4; weight decay apart)."""
    return distances.mean()


def soft_boundary_svdd_loss(distances, radius, nu):
    """Soft-boundary Deep SVDD, ``R^2 + 1/(nu n) sum max(0, ||phi(x_i) - c||^2 - R^2)`` (Eq. 3)."""
    return radius**2 + torch.clamp(distances - radius**2, min=0).mean() / nu


def reconstruction_features(x, x_hat):
    """DAGMM's z_r (Zong et al. 2018, §3.2, Eq. 2): relative Euclidean distance and cosine similarity.

    ``[||x - x'|| / ||x||, x . x' / (||x|| ||x'||)]`` per sample, (B, ...) -> (B, 2); a 1e-8
    floor on the norms keeps all-zero rows finite.
    """
    x, x_hat = x.flatten(1), x_hat.flatten(1)
    norm = x.norm(dim=1).clamp_min(1e-8)
    relative = (x - x_hat).norm(dim=1) / norm
    cosine = (x * x_hat).sum(dim=1) / (norm * x_hat.norm(dim=1).clamp_min(1e-8))
    return torch.stack([relative, cosine], dim=1)


def gmm_parameters(gamma, z):
    """GMM weights, means and covariances from soft memberships (Zong et al. 2018, Eq. 5).

    gamma (N, K), z (N, d) -> phi (K,), mu (K, d), sigma (K, d, d), each a
    membership-weighted average over the N samples.
    """
    totals = gamma.sum(dim=0)  # (K,)
    phi = totals / len(z)
    mu = gamma.T @ z / totals[:, None]  # (K, d)
    centred = z[None] - mu[:, None]  # (K, N, d)
    sigma = torch.einsum("nk,kni,knj->kij", gamma, centred, centred) / totals[:, None, None]
    return phi, mu, sigma


def sample_energy(z, phi, mu, sigma, eps=1e-6):
    """DAGMM's sample energy (Zong et al. 2018, Eq. 6), z (N, d) -> (N,).

    ``E(z) = -log sum_k phi_k exp(-1/2 (z - mu_k)^T Sigma_k^-1 (z - mu_k)) / sqrt(|2 pi Sigma_k|)``
    with ``eps * I`` added to each Sigma_k. A covariance that is not positive definite
    gives NaN (which stops training as diverged) rather than an exception.
    """
    d = z.shape[1]
    sigma = sigma + eps * torch.eye(d, dtype=sigma.dtype, device=sigma.device)
    chol, info = torch.linalg.cholesky_ex(sigma)  # (K, d, d)
    centred = (z[None] - mu[:, None]).transpose(1, 2)  # (K, d, N)
    solved = torch.linalg.solve_triangular(chol, centred, upper=False)  # L^-1 (z - mu)
    mahalanobis = solved.pow(2).sum(dim=1)  # (K, N)
    log_det = 2 * chol.diagonal(dim1=1, dim2=2).log().sum(dim=1)  # log |Sigma_k|
    log_norm = 0.5 * (log_det + d * math.log(2 * math.pi))  # log sqrt(|2 pi Sigma_k|)
    log_terms = phi.log()[:, None] - 0.5 * mahalanobis - log_norm[:, None]  # (K, N)
    bad = torch.where(info.any(), torch.nan, 0.0)
    return -torch.logsumexp(log_terms, dim=0) + bad


def covariance_penalty(sigma, eps=1e-6):
    """``P(Sigma) = sum_k sum_j 1 / Sigma_k,jj`` (Zong et al. 2018, §3.4), against singular components.

    Taken on ``Sigma + eps * I`` like the energy, so that a feature of z with no spread
    (the cosine similarity of one-feature data is always 1) gives a large, finite penalty.
    """
    return (sigma.diagonal(dim1=1, dim2=2) + eps).reciprocal().sum()


def dagmm_loss(x, x_hat, energy, sigma, *, lambda_energy=0.1, lambda_cov=0.005, eps=1e-6):
    """DAGMM's objective (Zong et al. 2018, Eq. 7).

    ``1/N sum ||x_i - x_i'||^2 + lambda_1/N sum E(z_i) + lambda_2 P(Sigma + eps I)``.
    """
    reconstruction = (x - x_hat).pow(2).flatten(1).sum(dim=1).mean()
    return reconstruction + lambda_energy * energy.mean() + lambda_cov * covariance_penalty(sigma, eps)


def dsebm_energy(x, b_prime, features):
    """DSEBM's energy (Zhai et al. 2016, Eq. 3 with a deep h, §3.1), (B, ...) -> (B,).

    ``E(x) = 1/2 ||x - b'||^2 - sum_j softplus(h_j(x))`` with ``features`` = h(x) (B, m),
    the deep network's last pre-activation layer.
    """
    quadratic = 0.5 * (x - b_prime).pow(2).flatten(1).sum(dim=1)
    return quadratic - torch.nn.functional.softplus(features).sum(dim=1)


def score_matching_error(x, x_input, energy_grad):
    """``||x - f(x_input)||^2`` per sample with ``f(v) = v - dE/dv`` (Zhai et al. 2016, Eq. 7-8).

    With ``x_input = x + noise`` it is the denoising score-matching loss (Eq. 8, Vincent
    2011); with ``x_input = x`` it is DSEBM-r's reconstruction score ``||dE/dx||^2`` (§4).
    """
    reconstruction = x_input - energy_grad
    return (x - reconstruction).pow(2).flatten(1).sum(dim=1)
