"""ADGAN's classical baselines (Deecke et al. 2018, §4.2): contract, selection grids, quality floor."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from ganad.detectors.baselines import GMM, KDE, OCSVM, IForest
from ganad.detectors.baselines.classical import (BANDWIDTH_GRID, GAMMA_FACTORS, MIXTURE_GRID, PCA_GRID,
                                                SMALL_BANDWIDTHS, _scale_gamma)
from ganad.data import make_ring, make_ring_anomaly_set
from ganad.metrics import auroc
from ganad.utils.scaling import apply_scaler


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """Small SVDs (BLAS) and GMM's k-means init (OpenMP) slow down ~100x when their threads
    contend for 2 busy shared cores; one thread each keeps the module at a few seconds."""
    with threadpool_limits(limits=1):
        yield


N_FEATURES, N_LATENT = 100, 5


def _cloud(rng, n, shift=0.0):
    """A Gaussian cloud on a 5-d subspace of R^100 plus isotropic noise; ``shift`` moves it far away."""
    mixing = np.random.default_rng(42).normal(size=(N_LATENT, N_FEATURES)) * 0.2  # same subspace every call
    return (rng.normal(size=(n, N_LATENT)) + shift) @ mixing + 0.1 * rng.normal(size=(n, N_FEATURES))


@pytest.fixture(scope="module")
def data():
    """(X_train, X_test, y_test): 300 normal rows; test = 100 normal + 50 from a far blob (y = 1)."""
    rng = np.random.default_rng(0)
    X_test = np.vstack([_cloud(rng, 100), _cloud(rng, 50, shift=6.0)])
    return _cloud(rng, 300), X_test, np.r_[np.zeros(100), np.ones(50)]


DETECTORS = {"kde": KDE, "ocsvm": OCSVM, "iforest": IForest, "gmm": GMM}


@pytest.fixture(scope="module")
def fitted(data):
    """Each baseline fitted once with the paper's defaults (all grids searched)."""
    return {name: cls(random_state=0).fit(data[0]) for name, cls in DETECTORS.items()}


@pytest.mark.long
@pytest.mark.parametrize("name", list(DETECTORS))
def test_far_blob_is_separated(data, fitted, name):
    _, X_test, y_test = data
    assert auroc(y_test, fitted[name].anomaly_score(X_test)) >= 0.95


@pytest.mark.long
def test_kde_selection_lies_in_paper_grids(fitted):
    kde = fitted["kde"]
    assert kde.n_components_ in PCA_GRID and kde.pca_.n_components_ == kde.n_components_
    assert set(kde.holdout_log_likelihood_) == set(PCA_GRID)
    assert kde.n_components_ == max(kde.holdout_log_likelihood_, key=kde.holdout_log_likelihood_.get)
    assert kde.bandwidth_ in BANDWIDTH_GRID + SMALL_BANDWIDTHS and kde.kde_.bandwidth == kde.bandwidth_
    assert kde.bandwidth_ == max(kde.cv_log_likelihood_, key=kde.cv_log_likelihood_.get)


@pytest.mark.long
def test_ocsvm_keeps_the_largest_dimension_and_the_gamma_minimising_calibration_plus_volume(data, fitted):
    svm = fitted["ocsvm"]
    assert svm.n_components_ == PCA_GRID[-1] == svm.pca_.n_components_
    assert set(svm.holdout_outlier_fraction_) == set(GAMMA_FACTORS) == set(svm.uniform_accepted_fraction_)
    criterion = {factor: abs(svm.holdout_outlier_fraction_[factor] - svm.nu) + svm.uniform_accepted_fraction_[factor]
                 for factor in GAMMA_FACTORS}
    best = min(criterion.values())
    factor = max(factor for factor, value in criterion.items() if value == best)  # ties: the larger gamma
    Z = svm.pca_.transform(apply_scaler(data[0], svm.scaler_))
    assert svm.gamma_ == pytest.approx(factor * _scale_gamma(Z))
    assert svm.svm_.gamma == svm.gamma_


def test_ocsvm_tightens_a_ring_that_calibration_alone_blurs():
    """Every gamma factor keeps about nu of the ring's holdout; the volume term picks a tight one."""
    X = make_ring(2000, random_state=0)
    X_test, y_test = make_ring_anomaly_set(500, 500, random_state=1)
    svm = OCSVM(random_state=0, scaling="standard").fit(X)
    accepted = svm.uniform_accepted_fraction_
    assert accepted[GAMMA_FACTORS[-1]] < accepted[GAMMA_FACTORS[0]]
    assert auroc(y_test, svm.anomaly_score(X_test)) > 0.95


def test_kde_bandwidth_search_reaches_below_the_papers_grid():
    X = make_ring(1000, random_state=0)
    X_test, y_test = make_ring_anomaly_set(500, 500, random_state=1)
    kde = KDE(random_state=0, scaling="standard", n_folds=2).fit(X)
    assert kde.bandwidth_ < 1.0 and set(kde.cv_log_likelihood_) == set(BANDWIDTH_GRID + SMALL_BANDWIDTHS)
    assert auroc(y_test, kde.anomaly_score(X_test)) > 0.95


def test_ocsvm_holdout_is_at_most_1000_rows_and_a_fifth():
    from ganad.detectors.baselines.classical import _holdout_split

    fit_rows, holdout_rows = _holdout_split(300, 1000, seed=0)
    assert len(holdout_rows) == 60 and len(fit_rows) == 240
    assert not set(fit_rows) & set(holdout_rows)
    assert len(_holdout_split(6000, 1000, seed=0)[1]) == 1000


@pytest.mark.long
def test_gmm_components_chosen_by_bic(fitted):
    gmm = fitted["gmm"]
    assert set(gmm.bic_) == set(MIXTURE_GRID)
    assert gmm.n_mixture_components_ == min(gmm.bic_, key=gmm.bic_.get) == gmm.gmm_.n_components


def test_fixed_values_skip_the_search(data):
    X = data[0][:100]
    kde = KDE(n_components=7, bandwidth=2.0, random_state=0).fit(X)
    assert (kde.n_components_, kde.bandwidth_, kde.holdout_log_likelihood_) == (7, 2.0, {})
    svm = OCSVM(n_components=7, gamma=0.25, random_state=0).fit(X)
    assert (svm.n_components_, svm.gamma_, svm.holdout_outlier_fraction_) == (7, 0.25, {})
    with pytest.raises(ValueError, match="n_components"):
        KDE(n_components=200).fit(X)


@pytest.mark.parametrize("name", list(DETECTORS))
def test_same_seed_same_scores(data, name):
    X_train, X_test, _ = data
    X_small = X_train[:150, :30]  # candidates {20, 30}: every search still runs, on less data
    first, again = (DETECTORS[name](random_state=0).fit(X_small) for _ in range(2))
    np.testing.assert_array_equal(again.anomaly_score(X_test[:, :30]), first.anomaly_score(X_test[:, :30]))


def test_kde_paper_bandwidth_searches_the_papers_grid_only():
    X = make_ring(300, random_state=0)
    kde = KDE(random_state=0, scaling="standard", n_folds=2, bandwidth="paper").fit(X)
    assert set(kde.cv_log_likelihood_) == set(BANDWIDTH_GRID) and kde.bandwidth_ == BANDWIDTH_GRID[0]



def test_kde_bandwidth_grid_is_searched_as_given_and_scales_with_the_pixels(data):
    """A sequence is the grid searched; the paper's grid times 2 on X is the paper's grid on X / 2 (pixels in
    [0, 1] instead of [-1, 1]): half the bandwidth, the same ranking."""
    X_train, X_test, _ = data
    doubled = tuple(2 * h for h in BANDWIDTH_GRID)
    wide = KDE(n_components=5, bandwidth=list(doubled), density="projection", support_rule=False, n_folds=3,
               random_state=0).fit(X_train)
    half = KDE(n_components=5, bandwidth="paper", density="projection", support_rule=False, n_folds=3,
               random_state=0).fit(X_train / 2)
    assert set(wide.cv_log_likelihood_) == set(doubled) and wide.bandwidth_ == 2 * half.bandwidth_
    np.testing.assert_array_equal(np.argsort(wide.anomaly_score(X_test)), np.argsort(half.anomaly_score(X_test / 2)))


def test_kde_full_density_flags_rows_off_the_projection(data):
    """Training rows moved far off the PCA subspace (they project where they did) are normal to the
    paper's projection-only density and anomalous to the default full-space one (the support rule,
    which would flag them too, is off)."""
    X_train = data[0]
    kdes = {density: KDE(n_components=5, bandwidth=1.0, density=density, support_rule=False,
                         random_state=0).fit(X_train)
            for density in ("full", "projection")}
    components = kdes["full"].pca_.components_  # (5, 100), the same fit for both
    noise = np.random.default_rng(1).normal(size=(20, N_FEATURES))
    off_subspace = X_train[:20] + 3.0 * (noise - noise @ components.T @ components)
    for density, kde in kdes.items():
        moved, training = kde.anomaly_score(off_subspace), kde.anomaly_score(X_train)
        if density == "full":
            assert moved.min() > training.max()
        else:
            np.testing.assert_allclose(moved, training[:20], rtol=1e-6)


def test_kde_bandwidth_search_reaches_above_the_papers_grid_on_unscaled_data():
    """A feature of spread 1e6, unscaled: 2^4 won, the training rows scored alike (a spread of 1.7e-8) and
    predict flagged every new normal row."""
    rng = np.random.default_rng(0)
    X, X_new = (rng.normal(size=(n, 3)) * [1e6, 1.0, 1.0] for n in (200, 200))
    kde = KDE(random_state=0, n_folds=2).fit(X)
    assert kde.bandwidth_ > 1e4 and max(kde.cv_log_likelihood_) > kde.bandwidth_
    assert np.mean(kde.predict(X_new) == -1) < 0.3
