"""The classical baselines of ADGAN (Deecke et al. 2018, §4.2, Table 1) through scikit-learn.

Each wraps scikit-learn objects behind the ganad detector contract (``base.py``):
``anomaly_score`` is the negated normality of the underlying model.

* ``KDE``: PCA, then a Gaussian ``KernelDensity``; the bandwidth by 10-fold
  cross-validated log-likelihood over h in {2^0, 2^0.5, ..., 2^4}; score = -log density.
* ``OCSVM``: PCA, then an rbf ``OneClassSVM``; gamma in {2^-7, ..., 2^-1} on a holdout of
  1000 training rows; score = -decision_function.
* ``IForest``: ``IsolationForest``; score = -score_samples.
* ``GMM``: ``GaussianMixture`` with 2..20 components chosen by BIC; score = -log likelihood.

The paper picks the PCA dimension in {20, 40, ..., 100} and gamma by "best performance on a
small holdout set", which needs labelled anomalies. Training data here is one-class, so the
criteria are unsupervised (see ``README.md``): KDE keeps the dimension with the highest
holdout log-likelihood in the full feature space (KDE on the projection times an isotropic
Gaussian on the discarded directions, so that dimensions compare); OC-SVM keeps the
(dimension, gamma) whose holdout fraction of predicted outliers is closest to ``nu``.

The fitted state is scikit-learn trees, SVMs and mixtures: it cannot be written as
safetensors + JSON, and ganad refuses pickle, so ``save`` raises ``ValueError``.
"""

import logging
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KernelDensity
from sklearn.svm import OneClassSVM
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions

from ...base import BASE_CONSTRAINTS, BASE_PARAMETERS, BaseGANDetector
from ...utils.params import keyword_init

logger = logging.getLogger(__name__)

# The paper's grids (§4.2).
PCA_GRID = (20, 40, 60, 80, 100)
BANDWIDTH_GRID = tuple(2.0 ** (k / 2) for k in range(9))  # 2^0, 2^0.5, ..., 2^4
GAMMA_GRID = tuple(2.0 ** k for k in range(-7, 0))  # 2^-7, ..., 2^-1
MIXTURE_GRID = tuple(range(2, 21))  # 2, 3, ..., 20
HOLDOUT_SIZE = 1000

POSITIVE_INT = Interval(Integral, 1, None, closed="left")
AUTO = StrOptions({"auto"})


class ClassicalDetector(BaseGANDetector):
    """A detector whose model is fitted by scikit-learn on the CPU.

    Subclasses implement ``_fit_numpy(X)`` and ``_anomaly_numpy(X)`` on float64 arrays.
    """

    savable = False

    def _why_not_explained(self):
        return ("its score is a scikit-learn model's value of the whole row (a density, an SVM decision, "
                "an isolation depth), not a residual per input feature")

    def _fit_model(self, X):
        # scikit-learn runs on the CPU whatever ``device`` says; scoring then stays there too.
        self.device_ = torch.device("cpu")
        self._fit_numpy(_to_numpy(X))

    def _anomaly_score(self, X):
        return torch.from_numpy(self._anomaly_numpy(_to_numpy(X)))

    def _fit_numpy(self, X):
        raise NotImplementedError

    def _anomaly_numpy(self, X):
        raise NotImplementedError


def _to_numpy(X):
    return X.reshape(len(X), -1).cpu().numpy().astype(np.float64)  # (B, D)


def _holdout_split(n_samples, holdout_size, seed):
    """(fit rows, holdout rows): a seeded ``holdout_size`` rows, at most a fifth of the data.

    With fewer than five rows there is nothing to hold out; both parts are all rows.
    """
    order = np.random.default_rng(seed).permutation(n_samples)
    n_holdout = min(holdout_size, n_samples // 5)
    if n_holdout == 0:
        return order, order
    return order[n_holdout:], order[:n_holdout]


def _pca_candidates(n_components, n_features, n_samples):
    """The PCA dimensions to try: the paper's grid capped at the data's rank, or the one given."""
    if n_components != "auto":
        if n_components > min(n_features, n_samples):
            raise ValueError(f"n_components={n_components} must be <= min(n_samples, n_features) "
                             f"= {min(n_features, n_samples)}")
        return (n_components,)
    cap = min(n_features, n_samples)
    return tuple(sorted({min(d, cap) for d in PCA_GRID}))


def _fit_pca(X, n_components, seed):
    return PCA(n_components=min(n_components, *X.shape), random_state=seed).fit(X)


def _one_class_svm(gamma, nu, seed):
    """An rbf ``OneClassSVM`` whose libsvm seed is drawn from ``seed``, not numpy's global RNG.

    ``OneClassSVM`` takes no ``random_state``, yet ``BaseLibSVM.fit`` draws libsvm's seed
    from ``check_random_state(self.random_state)``, the global RNG while that attribute is
    None; setting the attribute keeps the fit off the caller's RNG.
    """
    svm = OneClassSVM(kernel="rbf", gamma=gamma, nu=nu)
    svm.random_state = seed
    return svm


def _residual_log_density(pca, X):
    """Log-density of the part of ``X`` that ``pca`` discards, as an isotropic Gaussian.

    The variance is the mean variance of the discarded directions (probabilistic PCA's
    noise variance, Tipping & Bishop 1999), floored so a rank-deficient fit stays finite.
    """
    n_discarded = pca.n_features_in_ - pca.n_components_
    if n_discarded == 0:
        return np.zeros(len(X))
    total = pca.explained_variance_.sum() / pca.explained_variance_ratio_.sum()
    variance = max((total - pca.explained_variance_.sum()) / n_discarded, 1e-12 * total, 1e-300)
    centred = X - pca.mean_
    squared = np.maximum((centred ** 2).sum(1) - (pca.transform(X) ** 2).sum(1), 0.0)
    return -0.5 * (n_discarded * np.log(2 * np.pi * variance) + squared / variance)


class KDE(ClassicalDetector):
    """Gaussian kernel density estimate on a PCA projection; anomaly score = -log density.

    Parameters (besides the base ones): ``n_components`` ("auto": the PCA dimension in
    {20, 40, ..., 100}, capped at the data's rank, with the highest holdout log-likelihood;
    an int fixes it), ``bandwidth`` ("auto": the grid {2^0, 2^0.5, ..., 2^4} searched by
    ``n_folds``-fold cross-validated log-likelihood; a float fixes it), ``holdout_size``.
    ``device`` is accepted and ignored (scikit-learn runs on the CPU).
    """

    __init__ = keyword_init({**BASE_PARAMETERS, "n_components": "auto", "bandwidth": "auto",
                             "n_folds": 10, "holdout_size": HOLDOUT_SIZE})
    _parameter_constraints = {
        **BASE_CONSTRAINTS,
        "n_components": [POSITIVE_INT, AUTO],
        "bandwidth": [Interval(Real, 0, None, closed="neither"), AUTO],
        "n_folds": [Interval(Integral, 2, None, closed="left")],
        "holdout_size": [POSITIVE_INT],
    }

    def _fit_numpy(self, X):
        candidates = _pca_candidates(self.n_components, X.shape[1], len(X))
        self.holdout_log_likelihood_ = {}
        if len(candidates) > 1:
            fit_rows, holdout_rows = _holdout_split(len(X), self.holdout_size, self.seed_)
            for d in candidates:
                pca, kde = self._fit_pipeline(X[fit_rows], d)
                holdout = X[holdout_rows]
                log_density = kde.score_samples(pca.transform(holdout)) + _residual_log_density(pca, holdout)
                self.holdout_log_likelihood_[pca.n_components_] = float(log_density.mean())
            best = max(self.holdout_log_likelihood_, key=self.holdout_log_likelihood_.get)
        else:
            best = candidates[0]
        self.pca_, self.kde_ = self._fit_pipeline(X, best)
        self.n_components_ = int(self.pca_.n_components_)
        self.bandwidth_ = float(self.kde_.bandwidth)
        logger.info("KDE: %d PCA components, bandwidth %.3g", self.n_components_, self.bandwidth_)

    def _fit_pipeline(self, X, n_components):
        pca = _fit_pca(X, n_components, self.seed_)
        Z = pca.transform(X)  # (N, d)
        if self.bandwidth != "auto":
            return pca, KernelDensity(kernel="gaussian", bandwidth=self.bandwidth).fit(Z)
        folds = KFold(n_splits=min(self.n_folds, len(Z)), shuffle=True, random_state=self.seed_)
        # KernelDensity.score is the held-out fold's total log-likelihood: a maximum-likelihood search.
        search = GridSearchCV(KernelDensity(kernel="gaussian"), {"bandwidth": list(BANDWIDTH_GRID)}, cv=folds)
        search.fit(Z)
        self.cv_log_likelihood_ = dict(zip(BANDWIDTH_GRID, search.cv_results_["mean_test_score"].tolist()))
        return pca, search.best_estimator_

    def _anomaly_numpy(self, X):
        return -self.kde_.score_samples(self.pca_.transform(X))


class OCSVM(ClassicalDetector):
    """One-class SVM with an rbf kernel on a PCA projection; anomaly score = -decision_function.

    Parameters (besides the base ones): ``n_components`` ("auto" or an int, as ``KDE``),
    ``gamma`` ("auto": the grid {2^-7, ..., 2^-1}, *not* scikit-learn's 1/n_features; a
    float fixes it), ``nu`` (0.1; the paper does not say), ``holdout_size`` (1000, at most a
    fifth of the data). With "auto", the (dimension, gamma) pair whose fraction of predicted
    outliers on the holdout is closest to ``nu`` is kept (ties: the smaller dimension, then
    the smaller gamma), then refitted on all rows. ``device`` is accepted and ignored.
    """

    __init__ = keyword_init({**BASE_PARAMETERS, "n_components": "auto", "gamma": "auto", "nu": 0.1,
                             "holdout_size": HOLDOUT_SIZE})
    _parameter_constraints = {
        **BASE_CONSTRAINTS,
        "n_components": [POSITIVE_INT, AUTO],
        "gamma": [Interval(Real, 0, None, closed="neither"), AUTO],
        "nu": [Interval(Real, 0, 1, closed="right")],
        "holdout_size": [POSITIVE_INT],
    }

    def _fit_numpy(self, X):
        dims = _pca_candidates(self.n_components, X.shape[1], len(X))
        gammas = GAMMA_GRID if self.gamma == "auto" else (float(self.gamma),)
        self.holdout_outlier_fraction_ = {}
        if len(dims) * len(gammas) > 1:
            fit_rows, holdout_rows = _holdout_split(len(X), self.holdout_size, self.seed_)
            for d in dims:
                pca = _fit_pca(X[fit_rows], d, self.seed_)
                Z_fit, Z_holdout = pca.transform(X[fit_rows]), pca.transform(X[holdout_rows])
                for gamma in gammas:
                    svm = _one_class_svm(gamma, self.nu, self.seed_).fit(Z_fit)
                    fraction = float((svm.predict(Z_holdout) == -1).mean())
                    self.holdout_outlier_fraction_[(int(pca.n_components_), gamma)] = fraction
            # min() keeps the first of equal gaps: grid order is smaller dimension, then smaller gamma.
            best_d, best_gamma = min(self.holdout_outlier_fraction_,
                                     key=lambda key: abs(self.holdout_outlier_fraction_[key] - self.nu))
        else:
            best_d, best_gamma = dims[0], gammas[0]
        self.pca_ = _fit_pca(X, best_d, self.seed_)
        self.svm_ = _one_class_svm(best_gamma, self.nu, self.seed_).fit(self.pca_.transform(X))
        self.n_components_ = int(self.pca_.n_components_)
        self.gamma_ = float(best_gamma)
        logger.info("OC-SVM: %d PCA components, gamma %.3g", self.n_components_, self.gamma_)

    def _anomaly_numpy(self, X):
        return -self.svm_.decision_function(self.pca_.transform(X))


class IForest(ClassicalDetector):
    """scikit-learn's ``IsolationForest``; anomaly score = -score_samples.

    The paper found it "largely stable to changes in its parametrization" and gives no
    values: ``n_estimators``, ``max_samples`` and ``max_features`` keep scikit-learn's
    defaults (Liu et al. 2008's 100 trees of 256 samples). ``device`` is ignored.
    """

    __init__ = keyword_init({**BASE_PARAMETERS, "n_estimators": 100, "max_samples": "auto",
                             "max_features": 1.0})
    _parameter_constraints = {
        **BASE_CONSTRAINTS,
        "n_estimators": [POSITIVE_INT],
        "max_samples": [AUTO, POSITIVE_INT, Interval(RealNotInt, 0, 1, closed="right")],
        "max_features": [POSITIVE_INT, Interval(RealNotInt, 0, 1, closed="right")],
    }

    def _fit_numpy(self, X):
        self.iforest_ = IsolationForest(n_estimators=self.n_estimators, max_samples=self.max_samples,
                                        max_features=self.max_features, random_state=self.seed_).fit(X)

    def _anomaly_numpy(self, X):
        return -self.iforest_.score_samples(X)


class GMM(ClassicalDetector):
    """Gaussian mixture; anomaly score = -log likelihood.

    ``n_mixture_components`` "auto" fits 2, 3, ..., 20 components (capped at the number of
    rows) and keeps the lowest Bayesian information criterion on the training data; an int
    fixes it. ``covariance_type`` ("full", scikit-learn's default; the paper does not say).
    ``device`` is ignored.
    """

    __init__ = keyword_init({**BASE_PARAMETERS, "n_mixture_components": "auto", "covariance_type": "full"})
    _parameter_constraints = {
        **BASE_CONSTRAINTS,
        "n_mixture_components": [POSITIVE_INT, AUTO],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
    }

    def _fit_numpy(self, X):
        if self.n_mixture_components == "auto":
            candidates = [k for k in MIXTURE_GRID if k <= len(X)]
        else:
            candidates = [self.n_mixture_components]
        self.bic_, best = {}, None
        for k in candidates:
            gmm = GaussianMixture(n_components=k, covariance_type=self.covariance_type,
                                  random_state=self.seed_).fit(X)
            self.bic_[k] = float(gmm.bic(X))
            if best is None or self.bic_[k] < self.bic_[best.n_components]:
                best = gmm
        self.gmm_ = best
        self.n_mixture_components_ = int(best.n_components)
        logger.info("GMM: %d components by BIC", self.n_mixture_components_)

    def _anomaly_numpy(self, X):
        return -self.gmm_.score_samples(X)
