"""Per-feature explanations of anomaly scores: which input features made a row anomalous.

``detector.explain(X)`` (``base_detector.py``) returns an (n_samples, n_features) float64 array of
contributions in score units, in the original feature order; for images it is the
flattened C*H*W row, so ``explain(X).reshape(-1, *image_shape)`` is the residual map. It is
offered by the detectors whose score is a residual of the input or of a latent search;
elsewhere ``hasattr(detector, "explain")`` is False and reading the attribute raises
``AttributeError`` saying why (the convention of scikit-learn's ``available_if``).

A detector that explains implements ``_feature_terms(batch) -> (terms, remainder)``:
``terms`` (B, n_features) are the per-feature terms of its own score and ``remainder`` (B,)
the part of the score that has no per-feature form (0 where the score is exactly a sum
over features), so that ``score = terms.sum(1) + remainder`` and, for every row,

    anomaly_score(X) - explain(X).sum(axis=1) == remainder      (to float rounding)

| detector | ``explain(X)[i, j]`` | remainder |
|---|---|---|
| WGANEncoder, DCAE | ``(x_j - G(E(x))_j)^2 / n_features`` | 0 |
| WGANInversion | ``(x_j - G(z*)_j)^2 / n_features``, z* from one run of Eq. 22's search | 0 |
| ADGAN, ``score_type="reconstruction"`` | mean over seeds of ``(x_j - g_theta_s(z_s)_j)^2`` after Algorithm 1 | 0 |
| DSEBM, ``score_type="reconstruction"`` | ``(x_j - f(x)_j)^2 = (dE/dx_j)^2`` | 0 |
| VAE | ``-log N(x_j; x_hat_j, sigma_j^2)`` (sigma_j = 1 on images) | ``KL(q(z|x) || p(z))`` |
| BiGAN | ``alpha |r_j|^p / ||r||_p^(p-1)``, r = x - G(E(x)): sums to ``alpha L_G`` | ``(1 - alpha) L_D`` |
| AnoGAN | ``(1 - lambda) |x_j - G(z_Gamma)_j|`` | ``lambda ||f(x) - f(G(z_Gamma))||_1`` |

Residuals are those of the scaled rows the networks see (``scaler_``). The support rule
(``ganad.utils.support``) raises the score of a tabular row far outside the training range
to ``max(score, max training score + e(x) - 1)``; that raise depends only on the feature
farthest outside its range (the one that sets e(x)), and ``explain`` adds it to that
feature (split equally between ties). The identity above therefore holds with the rule on,
and the feature that triggered it gets the credit.
"""

import functools
import types

import numpy as np
import torch

from .fitted_state import NAN_CAUSES
from .utils.support import apply_support


def if_explained(method):
    """Decorator for ``explain``: the method exists only where ``detector._why_not_explained()`` is None.

    Elsewhere reading the attribute raises ``AttributeError`` carrying that reason, so that
    ``hasattr(detector, "explain")`` is False, as with scikit-learn's ``available_if``
    (whose message would not say why).
    """
    return ExplainedMethod(method)


class ExplainedMethod:
    """The descriptor behind :func:`if_explained`."""

    def __init__(self, method):
        self.method = method
        functools.update_wrapper(self, method)

    def __get__(self, detector, owner=None):
        if detector is None:
            return self.method
        reason = detector._why_not_explained()
        if reason is not None:
            raise AttributeError(f"{type(detector).__name__} has no explain(): {reason}")
        return types.MethodType(self.method, detector)


def exact(terms):
    """``(terms, 0)`` for a score that is exactly the sum of its per-feature terms."""
    return terms, terms.new_zeros(len(terms))


def mean_squared_terms(x, x_hat):
    """``(x_j - x_hat_j)^2 / n_features``, (B, ...) -> (B, n_features): the terms of
    ``reconstruction_error``, the mean squared residual."""
    squared = (x - x_hat).pow(2).flatten(1)  # (B, n_features)
    return squared / squared.shape[1]


def norm_shares(residual, p):
    """Each feature's share of ``||r||_p``, (B, ...) -> (B, n_features) float64.

    ``|r_j|^p / ||r||_p^(p-1)``: ``|r_j|`` for p = 1, ``r_j^2 / ||r||_2`` for p = 2. The
    shares sum to ``||r||_p`` (0 where r = 0); computed in float64 so squares do not overflow.
    """
    r = residual.flatten(1).abs().double()
    if p == 1:
        return r
    norm = r.norm(p=p, dim=1, keepdim=True).clamp_min(torch.finfo(r.dtype).tiny)
    return r.pow(p) / norm.pow(p - 1)


def add_support_raise(terms, scores, X, support):
    """``terms`` plus the support rule's raise on the feature(s) farthest outside the training range.

    ``scores`` (n,) are the method's own scores of the scaled rows ``X`` (n, n_features);
    the raise is ``apply_support(scores) - scores``, 0 inside the support.
    """
    raised = apply_support(scores, X, support, support["score"]) - scores
    rows = np.flatnonzero(raised > 0)
    if len(rows) == 0:
        return terms
    beyond = np.maximum(support["low"] - X[rows], X[rows] - support["high"]) / support["margin"]
    farthest = beyond == beyond.max(axis=1, keepdims=True)  # (r, n_features): the features setting e(x)
    terms = terms.copy()
    terms[rows] += raised[rows, None] * farthest / farthest.sum(axis=1, keepdims=True)
    return terms


def check_contributions(terms):
    """Contributions returned to a user: no row with a NaN, as ``anomaly_score`` refuses NaN scores."""
    n_nan = int(np.isnan(terms).any(axis=1).sum())
    if n_nan:
        raise ValueError(f"{n_nan} of {len(terms)} rows have NaN contributions: the model cannot explain "
                         f"them; {NAN_CAUSES}")
    return terms
