"""The classical baselines of ADGAN (Deecke et al. 2018, §4.2, Table 1) through scikit-learn.

Each wraps scikit-learn objects behind the ganad detector contract (``base_detector.py``):
``anomaly_score`` is the negated normality of the underlying model.

* ``KDE``: PCA, then a Gaussian ``KernelDensity``; the bandwidth by 10-fold
  cross-validated log-likelihood over h in {2^0, 2^0.5, ..., 2^4}, extended down to 2^-4
  when 2^0 wins; score = -log density, with the discarded directions' isotropic Gaussian
  (``density="full"``, the default) or of the projection alone (the paper's, ``"projection"``).
* ``OCSVM``: PCA to the grid's largest dimension, then an rbf ``OneClassSVM``; gamma in
  {2^-3, ..., 2^3} / (d Var(Z)) on a holdout of 1000 training rows; score = -decision_function.
* ``IForest``: ``IsolationForest``; score = -score_samples.
* ``GMM``: ``GaussianMixture`` with 2..20 components chosen by BIC; score = -log likelihood.

The paper picks the PCA dimension in {20, 40, ..., 100} and gamma by "best performance on a
small holdout set", which needs labelled anomalies. Training data here is one-class, so the
criteria are unsupervised (see ``README.md``): KDE keeps the dimension with the highest
holdout log-likelihood in the full feature space (KDE on the projection times an isotropic
Gaussian on the discarded directions, so that dimensions compare); OC-SVM keeps the grid's
largest dimension (it ignores every discarded direction) and the gamma that best trades the
holdout's fraction of predicted outliers (its distance to ``nu``) against the volume it
accepts (Tax & Duin 2001).
The paper's own rule, the best AUROC on a labelled holdout of the *training* split, is a
benchmark protocol option that fixes ``n_components`` (and ``gamma``) before ``fit``
(``selection = "holdout"`` in a spec, ``ganad.protocols.holdout_selection``).

The paper's absolute grids, h in {2^0, ..., 2^4} and gamma in {2^-7, ..., 2^-1}, fit the
scale of its images; on z-scored tables of a few features the smallest h and the largest
gamma are still far too smooth (a ring of seven modes became one disc: AUROC 0.64, issue
13). Two choices keep the searches valid on data of any scale: the bandwidth grid extends
the paper's downward to 2^-4 when its smallest value, 1, wins, and upward, eight half-powers
at a time, while its largest wins (unscaled data of a large spread: 2^4 had won on a feature
of spread 1e6 and every new normal row scored as an outlier); cross-validation still
decides; where the paper's grid served, it is the only grid searched; ``bandwidth="paper"``
never extends it, and the gamma grid is scikit-learn's ``"scale"`` value 1 / (d Var(Z)) of
the projection Z times {2^-3, ..., 2^3}, which spans the paper's grid on its images.

The fitted state is scikit-learn trees, SVMs and mixtures: it cannot be written as
safetensors + JSON, and ganad refuses pickle, so ``save`` raises ``ValueError``.
"""

import logging
from numbers import Integral, Real

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KernelDensity
from sklearn.svm import OneClassSVM
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions

from ...base_detector import BASE_HYPERPARAMETERS, BaseDetector
from ...utils.params import Hyperparameter, declare, one_of, override, pick
from ..hyperparameters import SHARED_HYPERPARAMETERS

logger = logging.getLogger(__name__)

# The paper's grids (§4.2).
PCA_GRID = (20, 40, 60, 80, 100)
BANDWIDTH_GRID = tuple(2.0 ** (k / 2) for k in range(9))  # 2^0, 2^0.5, ..., 2^4: the paper's
SMALL_BANDWIDTHS = tuple(2.0 ** (k / 2) for k in range(-8, 0))  # 2^-4, ..., 2^-0.5: searched when 2^0 wins
LARGER_BANDWIDTHS = tuple(2.0 ** (k / 2) for k in range(1, 9))  # the next eight half-powers above the winner
MAX_BANDWIDTH = 1e30  # the upward search stops here (float32-range data)
GAMMA_FACTORS = tuple(2.0 ** k for k in range(-3, 4))  # times scikit-learn's "scale" gamma 1 / (d Var(Z))
MIXTURE_GRID = tuple(range(2, 21))  # 2, 3, ..., 20
DENSITIES = ("full", "projection")  # KDE's scored density: with the discarded directions (default), or the paper's
HOLDOUT_SIZE = 1000

POSITIVE_INT = Interval(Integral, 1, None, closed="left")
AUTO = StrOptions({"auto"})
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
GRID_TEXT = f"{{{PCA_GRID[0]}, {PCA_GRID[1]}, ..., {PCA_GRID[-1]}}}"  # the PCA grid as the docs write it

# Every detector's parameters; scikit-learn runs on the CPU, with its own threads
CLASSICAL_HYPERPARAMETERS = override(
    BASE_HYPERPARAMETERS,
    device={"doc": "Accepted and ignored: scikit-learn fits and scores on the CPU."},
    n_threads={"doc": "Accepted and ignored: no torch network runs."})

# KDE's and OC-SVM's PCA step
PCA_HYPERPARAMETERS = {
    "n_components": Hyperparameter(
        "auto", [POSITIVE_INT, AUTO], 'int or "auto"',
        f"The PCA dimension. \"auto\": the dimension of {GRID_TEXT}, capped at ``min(n_samples, "
        "n_features)``, with the highest holdout log-likelihood in the full feature space; an int fixes it."),
    "holdout_size": Hyperparameter(
        HOLDOUT_SIZE, [POSITIVE_INT], "int",
        "Training rows held out to choose the PCA dimension (at most a fifth of the data)."),
}


@declare(CLASSICAL_HYPERPARAMETERS)
class ClassicalDetector(BaseDetector):
    """A detector whose model is fitted by scikit-learn on the CPU (no torch networks).

    Subclasses implement ``_fit_numpy(X)`` and ``_anomaly_numpy(X)`` on float64 arrays: the
    float32 rows ``BaseDetector`` hands over, as every detector sees them. ``device`` and
    ``n_threads`` are accepted and ignored; not savable (``BaseDetector.savable``).
    """

    def _why_not_explained(self):
        return ("its score is a scikit-learn model's value of the whole row (a density, an SVM decision, "
                "an isolation depth), not a residual per input feature")

    def _fit_model(self, X):
        self._fit_numpy(X.astype(np.float64))

    def _anomaly_score(self, X):
        return self._anomaly_numpy(X.astype(np.float64))

    def _fit_numpy(self, X):
        raise NotImplementedError

    def _anomaly_numpy(self, X):
        raise NotImplementedError


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


def _cv_log_likelihood(Z, bandwidths, folds):
    """{h: mean held-out fold log-likelihood} of a Gaussian KDE on ``Z`` (a maximum-likelihood search)."""
    search = GridSearchCV(KernelDensity(kernel="gaussian"), {"bandwidth": list(bandwidths)}, cv=folds, refit=False)
    search.fit(Z)
    return dict(zip(bandwidths, search.cv_results_["mean_test_score"].tolist()))


def _bandwidth_grid(bandwidth):
    """The bandwidths a KDE's likelihood search tries first: the paper's, or the sequence given."""
    if isinstance(bandwidth, str):
        return BANDWIDTH_GRID
    grid = tuple(float(h) for h in np.ravel(np.asarray(bandwidth, dtype=float)))
    if not grid or not all(np.isfinite(h) and h > 0 for h in grid):
        raise ValueError("The 'bandwidth' parameter of KDE, as a sequence, must hold one or more finite positive "
                         f"floats; got {list(np.ravel(bandwidth))!r}.")
    return grid


def _residual_log_density(pca, X, Z):
    """Log-density of the part of ``X`` that ``pca`` discards, as an isotropic Gaussian; ``Z`` is
    ``pca.transform(X)``.

    The variance is the mean variance of the discarded directions (probabilistic PCA's
    noise variance, Tipping & Bishop 1999), floored so a rank-deficient fit stays finite.
    """
    n_discarded = pca.n_features_in_ - pca.n_components_
    if n_discarded == 0:
        return np.zeros(len(X))
    total = pca.explained_variance_.sum() / pca.explained_variance_ratio_.sum()  # NaN without any variance
    variance = max(np.nan_to_num((total - pca.explained_variance_.sum()) / n_discarded), 1e-12 * np.nan_to_num(total),
                   1e-300)
    centred = X - pca.mean_
    squared = np.maximum((centred ** 2).sum(1) - (Z ** 2).sum(1), 0.0)
    return -0.5 * (n_discarded * np.log(2 * np.pi * variance) + squared / variance)


def _full_log_density(pca, kde, X):
    """Log-density in the full feature space: ``kde`` on the projection times the discarded directions'."""
    Z = pca.transform(X)
    return kde.score_samples(Z) + _residual_log_density(pca, X, Z)


@declare({
    **CLASSICAL_HYPERPARAMETERS,
    **pick(PCA_HYPERPARAMETERS, "n_components"),
    "bandwidth": Hyperparameter(
        "auto", [Interval(Real, 0, None, closed="neither"), StrOptions({"auto", "paper"}), "array-like"],
        'float, "auto", "paper" or a sequence of floats',
        "The kernel's bandwidth h, by ``n_folds``-fold cross-validated log-likelihood (§4.2 (i.)): \"paper\" "
        "searches the paper's grid {2^0, 2^0.5, ..., 2^4} only; \"auto\" too, and the eight half-powers below it "
        "when 2^0 wins (issue 13), and above it eight at a time while the largest tried wins (unscaled data of a "
        "large spread); a sequence of positive floats is the grid searched instead (e.g. the paper's "
        "grid times 2, its values for pixels in [0, 1] on pixels in [-1, 1]); a float fixes it."),
    "n_folds": Hyperparameter(
        10, [Interval(Integral, 2, None, closed="left")], "int", "The folds of the bandwidth search."),
    "density": Hyperparameter(
        "full", [StrOptions(set(DENSITIES))], '"full" or "projection"',
        "The density scored: \"full\", the KDE on the projection times an isotropic Gaussian on the discarded "
        "directions (the model whose held-out likelihood chooses the dimension; issue 13); \"projection\", "
        "the KDE on the projection alone (§4.2 (i.), the paper's)."),
    **pick(PCA_HYPERPARAMETERS, "holdout_size"),
})
class KDE(ClassicalDetector):
    """Gaussian kernel density estimate on a PCA projection; anomaly score = -log density.

    scikit-learn's ``PCA`` then ``KernelDensity(kernel="gaussian")``; the search grids and
    the unsupervised selection rules are given in the docstring of the module
    ``ganad.detectors.baselines.classical`` and in its README. With ``density="full"`` (the
    default) the score adds the log-density of the discarded directions (probabilistic PCA's
    isotropic Gaussian, Tipping & Bishop 1999), so that a row far off the projection's
    subspace scores as anomalous; the paper scores the projection alone
    (``density="projection"``).

    Attributes
    ----------
    pca_ : sklearn.decomposition.PCA
        The projection, fitted on all training rows.
    kde_ : sklearn.neighbors.KernelDensity
        The density on the projection.
    n_components_ : int
        The PCA dimension kept.
    bandwidth_ : float
        The bandwidth kept.
    holdout_log_likelihood_ : dict
        PCA dimension -> mean holdout log-likelihood; empty when there was one candidate.
    cv_log_likelihood_ : dict
        Bandwidth -> mean cross-validated log-likelihood of the final fit (unless
        ``bandwidth`` is a float).

    References
    ----------
    Deecke, Vandermeulen, Ruff, Mandt & Kloft, "Image anomaly detection with generative
    adversarial networks", ECML-PKDD 2018, https://arxiv.org/abs/1705.08180, §4.2 (i.) and
    Table 1; Parzen, "On estimation of a probability density function and mode", Ann. Math.
    Statist. 1962.

    Examples
    --------
    >>> from ganad.detectors.baselines import KDE
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = KDE(n_folds=2, random_state=0).fit(X)
    >>> detector.n_components_
    2
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    def _fit_numpy(self, X):
        candidates = _pca_candidates(self.n_components, X.shape[1], len(X))
        self.holdout_log_likelihood_ = {}
        if len(candidates) > 1:
            fit_rows, holdout_rows = _holdout_split(len(X), self.holdout_size, self.seed_)
            for d in candidates:
                pca, kde = self._fit_pipeline(X[fit_rows], d)
                log_density = _full_log_density(pca, kde, X[holdout_rows])
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
        if isinstance(self.bandwidth, Real):
            return pca, KernelDensity(kernel="gaussian", bandwidth=self.bandwidth).fit(Z)
        folds = KFold(n_splits=min(self.n_folds, len(Z)), shuffle=True, random_state=self.seed_)
        # KernelDensity.score is the held-out fold's total log-likelihood: a maximum-likelihood search.
        self.cv_log_likelihood_ = _cv_log_likelihood(Z, _bandwidth_grid(self.bandwidth), folds)
        best = max(self.cv_log_likelihood_, key=self.cv_log_likelihood_.get)
        if isinstance(self.bandwidth, str) and self.bandwidth == "auto" and best == BANDWIDTH_GRID[0]:
            self.cv_log_likelihood_.update(_cv_log_likelihood(Z, SMALL_BANDWIDTHS, folds))
        while (isinstance(self.bandwidth, str) and self.bandwidth == "auto" and best == max(self.cv_log_likelihood_)
               and best < MAX_BANDWIDTH):  # unscaled data of a spread far above 1: the grid's top keeps winning
            self.cv_log_likelihood_.update(_cv_log_likelihood(Z, tuple(best * h for h in LARGER_BANDWIDTHS), folds))
            best = max(self.cv_log_likelihood_, key=self.cv_log_likelihood_.get)
        bandwidth = max(self.cv_log_likelihood_, key=self.cv_log_likelihood_.get)
        return pca, KernelDensity(kernel="gaussian", bandwidth=bandwidth).fit(Z)

    def _anomaly_numpy(self, X):
        if self.density == "full":
            return -_full_log_density(self.pca_, self.kde_, X)
        return -self.kde_.score_samples(self.pca_.transform(X))


@declare({
    **CLASSICAL_HYPERPARAMETERS,
    **pick(PCA_HYPERPARAMETERS, "n_components", n_components={
        "doc": f"The PCA dimension: \"auto\" is the largest of {GRID_TEXT}, capped at ``min(n_samples, "
               "n_features)``; an int fixes it."}),
    "gamma": Hyperparameter(
        "auto", [Interval(Real, 0, None, closed="neither"), AUTO], 'float or "auto"',
        "The rbf kernel's coefficient. \"auto\": scikit-learn's ``\"scale\"`` value of the projection times "
        "{2^-3, ..., 2^3} (the paper's absolute grid of §4.2 (ii.) suits only its images); a float fixes it."),
    **pick(SHARED_HYPERPARAMETERS, "nu", nu={
        "default": 0.1,
        "doc": "nu, the OC-SVM's bound on the fraction of training outliers (the paper does not give it)."}),
    **pick(PCA_HYPERPARAMETERS, "holdout_size", holdout_size={
        "doc": "Training rows held out to choose the dimension and gamma (at most a fifth of the data)."}),
})
class OCSVM(ClassicalDetector):
    """One-class SVM with an rbf kernel on a PCA projection; anomaly score = -decision_function.

    scikit-learn's ``PCA`` then ``OneClassSVM(kernel="rbf")``. The "auto" dimension is the
    largest of the paper's grid that the data allow: the SVM ignores every discarded
    direction, and on validation splits of training data (other-class training images,
    feature-permuted rows) the largest ranked best, or within 0.002 of the best, at every gamma
    factor tried (README).
    With "auto" gamma, the factor minimising ``|holdout outlier fraction - nu| + uniform
    accepted fraction`` (Tax & Duin's volume criterion: the tightest boundary that still
    keeps ``1 - nu`` of the held-out normal rows; ties: the larger gamma) is kept, then the
    SVM is refitted on all rows; the grids are given in the docstring of the module
    ``ganad.detectors.baselines.classical`` and in its README.

    Attributes
    ----------
    pca_ : sklearn.decomposition.PCA
        The projection, fitted on all training rows.
    svm_ : sklearn.svm.OneClassSVM
        The SVM on the projection.
    n_components_ : int
        The PCA dimension kept.
    gamma_ : float
        The gamma kept.
    holdout_outlier_fraction_ : dict
        gamma factor -> the holdout's fraction of predicted outliers; empty when ``gamma``
        is a float.
    uniform_accepted_fraction_ : dict
        gamma factor -> the fraction of uniform points in the training box of the
        projection that the SVM accepts; empty when ``gamma`` is a float.

    References
    ----------
    Deecke, Vandermeulen, Ruff, Mandt & Kloft, "Image anomaly detection with generative
    adversarial networks", ECML-PKDD 2018, https://arxiv.org/abs/1705.08180, §4.2 (ii.) and
    Table 1; Schölkopf, Platt, Shawe-Taylor, Smola & Williamson, "Estimating the support of
    a high-dimensional distribution", Neural Computation 13(7), 2001; Tax & Duin, "Uniform
    object generation for optimizing one-class classifiers", JMLR 2, 2001.

    Examples
    --------
    >>> from ganad.detectors.baselines import OCSVM
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = OCSVM(random_state=0).fit(X)
    >>> detector.n_components_
    2
    >>> detector.predict(X[:5]).shape
    (5,)
    """

    def _fit_numpy(self, X):
        dimension = _pca_candidates(self.n_components, X.shape[1], len(X))[-1]
        self.holdout_outlier_fraction_, self.uniform_accepted_fraction_ = {}, {}
        factor = self._select(X, dimension) if self.gamma == "auto" else None
        self.pca_ = _fit_pca(X, dimension, self.seed_)
        Z = self.pca_.transform(X)
        self.gamma_ = float(self.gamma) if self.gamma != "auto" else factor * _scale_gamma(Z)
        self.svm_ = _one_class_svm(self.gamma_, self.nu, self.seed_).fit(Z)
        self.n_components_ = int(self.pca_.n_components_)
        logger.info("OC-SVM: %d PCA components, gamma %.3g", self.n_components_, self.gamma_)

    def _select(self, X, dimension):
        """The gamma factor minimising ``|holdout outlier fraction - nu| + uniform accepted fraction``.

        Tax & Duin (2001): an SVM that rejects ``nu`` of the held-out normal rows and accepts
        the least of the uniform distribution over the training box (of the projection)
        encloses the data most tightly. Where the box is far larger than the data (high
        dimensions) every candidate accepts nothing and the rule is the holdout's alone.
        Ties: the larger gamma (the tighter boundary).
        """
        fit_rows, holdout_rows = _holdout_split(len(X), self.holdout_size, self.seed_)
        pca = _fit_pca(X[fit_rows], dimension, self.seed_)
        Z_fit, Z_holdout = pca.transform(X[fit_rows]), pca.transform(X[holdout_rows])
        rng = np.random.default_rng(self.seed_)
        uniform = rng.uniform(Z_fit.min(axis=0), Z_fit.max(axis=0), size=Z_holdout.shape)
        for factor in GAMMA_FACTORS:
            svm = _one_class_svm(factor * _scale_gamma(Z_fit), self.nu, self.seed_).fit(Z_fit)
            self.holdout_outlier_fraction_[factor] = float((svm.predict(Z_holdout) == -1).mean())
            self.uniform_accepted_fraction_[factor] = float((svm.predict(uniform) == 1).mean())
        criterion = {factor: abs(self.holdout_outlier_fraction_[factor] - self.nu)
                     + self.uniform_accepted_fraction_[factor] for factor in GAMMA_FACTORS}
        return min(GAMMA_FACTORS, key=lambda factor: (criterion[factor], -factor))

    def _anomaly_numpy(self, X):
        return -self.svm_.decision_function(self.pca_.transform(X))


def _scale_gamma(Z):
    """scikit-learn's ``gamma="scale"``: 1 / (n_features Var(Z)), 1 for constant ``Z``."""
    variance = float(Z.var()) * Z.shape[1]
    return 1.0 / variance if variance > 0 else 1.0


@declare({
    **CLASSICAL_HYPERPARAMETERS,
    "n_estimators": Hyperparameter(100, [POSITIVE_INT], "int", "The trees of the forest."),
    "max_samples": Hyperparameter(
        "auto", [AUTO, POSITIVE_INT, Interval(RealNotInt, 0, 1, closed="right")], '"auto", int or float in (0, 1]',
        "The rows drawn to grow each tree: \"auto\" is ``min(256, n_samples)``, an int a count, a float a "
        "fraction of the rows."),
    "max_features": Hyperparameter(
        1.0, [POSITIVE_INT, Interval(RealNotInt, 0, 1, closed="right")], "int or float in (0, 1]",
        "The features drawn for each tree: a count, or a fraction of the features."),
})
class IForest(ClassicalDetector):
    """scikit-learn's ``IsolationForest``; anomaly score = -score_samples.

    The paper found it "largely stable to changes in its parametrization" and gives no
    values: ``n_estimators``, ``max_samples`` and ``max_features`` keep scikit-learn's
    defaults (Liu et al. 2008's 100 trees of 256 samples). It runs on the raw features (no
    PCA).

    Attributes
    ----------
    iforest_ : sklearn.ensemble.IsolationForest
        The fitted forest, seeded from ``random_state``.

    References
    ----------
    Liu, Ting & Zhou, "Isolation forest", ICDM 2008 (the anomaly score
    ``s(x, n) = 2^(-E(h(x)) / c(n))``, Eq. 2, which ``anomaly_score`` returns); a baseline of
    Deecke et al. (2018), §4.2 (iii.) and Table 1.

    Examples
    --------
    >>> from ganad.detectors.baselines import IForest
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = IForest(n_estimators=20, random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    def _fit_numpy(self, X):
        self.iforest_ = IsolationForest(n_estimators=self.n_estimators, max_samples=self.max_samples,
                                        max_features=self.max_features, random_state=self.seed_).fit(X)

    def _anomaly_numpy(self, X):
        return -self.iforest_.score_samples(X)


@declare({
    **CLASSICAL_HYPERPARAMETERS,
    "n_mixture_components": Hyperparameter(
        "auto", [POSITIVE_INT, AUTO], 'int or "auto"',
        f"The components. \"auto\" fits every count from {MIXTURE_GRID[0]} to {MIXTURE_GRID[-1]} (capped at the "
        "number of rows) and keeps the lowest BIC; an int fixes it."),
    "covariance_type": Hyperparameter(
        "full", [StrOptions(set(COVARIANCE_TYPES))], one_of(COVARIANCE_TYPES),
        "The components' covariances (scikit-learn's default; the paper does not say)."),
})
class GMM(ClassicalDetector):
    """Gaussian mixture; anomaly score = -log likelihood.

    scikit-learn's ``GaussianMixture`` on the raw features (no PCA), its number of
    components chosen by the Bayesian information criterion on the training data.

    Attributes
    ----------
    gmm_ : sklearn.mixture.GaussianMixture
        The mixture kept.
    n_mixture_components_ : int
        Its number of components.
    bic_ : dict
        Number of components -> BIC on the training data, for every count fitted.

    References
    ----------
    Deecke, Vandermeulen, Ruff, Mandt & Kloft, "Image anomaly detection with generative
    adversarial networks", ECML-PKDD 2018, https://arxiv.org/abs/1705.08180, §4.2 (iv.) and
    Table 1; Schwarz, "Estimating the dimension of a model", Ann. Statist. 1978 (the BIC).

    Examples
    --------
    >>> from ganad.detectors.baselines import GMM
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = GMM(n_mixture_components=7, random_state=0).fit(X)
    >>> detector.n_mixture_components_
    7
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

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
