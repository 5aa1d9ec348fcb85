"""``detector.explain(X)``: per-feature contributions to the anomaly score (``ganad.explanation``).

Over the registry: a detector whose score is a residual explains it, its contributions
summing to ``anomaly_score`` minus the documented remainder (0 where the decomposition is
exact), in the original feature order and with the support rule's raise on the feature
that triggered it; every other detector has no ``explain`` attribute, and reading it says why.
"""

import copy

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from ganad.detectors.adgan.losses import discrimination_loss
from ganad.detectors.alice.common import feature_distance
from ganad.detectors.baselines.losses import gaussian_kl
from ganad.explanation import add_support_raise, mean_squared_terms, norm_shares
from ganad.registry import DETECTORS

from ..conftest import QUICK_PARAMS

N_FEATURES = 5
# Detectors that explain, with the parameters that make them do so (beyond QUICK_PARAMS).
EXPLAINED = {"wgan-inversion": {}, "wgan-encoder": {}, "dcae": {}, "dsebm": {},
             "adgan": {}, "vae": {}, "bigan": {}, "anogan": {}}
EXACT = ("wgan-inversion", "wgan-encoder", "dcae", "dsebm", "adgan")  # the score is the sum of the terms
RECONSTRUCTING = ("wgan-inversion", "wgan-encoder", "dcae")  # residual = x - reconstruction(X), squared / F
# Every registered detector with its defaults, then the score types that change the answer.
OFFERED = [(name, {}, name in EXPLAINED and not EXPLAINED[name]) for name in sorted(DETECTORS)] + [
    ("dsebm", {"score_type": "energy"}, False),
    ("adgan", {"score_type": "critic"}, False),
    ("adgan", {"score_type": "prior"}, False),
    ("alad", {"score_type": "discriminator"}, False),
    ("rcgan", {"score_type": "discriminator"}, False),
]


def make(name, **params):
    return DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0, **params})


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(300, N_FEATURES))


@pytest.fixture(scope="module")
def fitted(data):
    """name -> {support_rule: detector fitted on ``data``}; the twins differ only in the rule."""
    return {name: {rule: make(name, **params, support_rule=rule).fit(data) for rule in (False, True)}
            for name, params in EXPLAINED.items()}


def remainder(name, detector, X):
    """The documented part of the score that ``explain`` leaves out, computed apart from it."""
    if name in EXACT:
        return np.zeros(len(X))
    if name == "vae":
        return detector._map_rows(lambda x: gaussian_kl(*detector.encode(x)), X)
    if name == "bigan":
        def matching(x):
            z = detector.encoder_(x)
            return feature_distance(detector.discriminator_xz_, (x, z), (detector.generator_(z), z),
                                    detector.score_norm)
        return (1 - detector.score_weight) * detector._map_rows(matching, X)
    assert name == "anogan"
    critic = detector.critic_

    def feature_loss(x):
        x_hat = detector.generator_(detector._map_back(x)[1])  # G(z_Gamma)
        return discrimination_loss(critic.features(x), critic.features(x_hat))
    return detector.feature_weight * detector._map_rows(feature_loss, X)


@pytest.mark.parametrize(("name", "params", "explains"), OFFERED,
                         ids=[f"{n}-{p.get('score_type', 'default')}" for n, p, _ in OFFERED])
def test_explain_is_offered_exactly_where_the_score_is_a_residual(name, params, explains):
    detector = make(name, **params)
    assert hasattr(detector, "explain") == explains
    if not explains:
        with pytest.raises(AttributeError, match=rf"{type(detector).__name__} has no explain\(\): .*"
                                                 "not a residual per input feature"):
            detector.explain  # noqa: B018
        assert "explain" not in dir(detector)


def test_a_fitted_detector_without_a_residual_score_has_no_explain(data):
    detector = make("iforest").fit(data)
    with pytest.raises(AttributeError, match="IForest has no explain"):
        detector.explain(data)


@pytest.mark.parametrize("name", sorted(EXPLAINED))
def test_contributions_sum_to_the_score_minus_the_documented_remainder(name, fitted, data):
    for detector in fitted[name].values():  # training rows lie inside the support: no raise
        X = data[:60]
        contributions = detector.explain(X)
        assert contributions.shape == (60, N_FEATURES) and contributions.dtype == np.float64
        np.testing.assert_allclose(contributions.sum(axis=1), detector.anomaly_score(X) - remainder(name, detector, X),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(EXPLAINED))
def test_a_feature_moved_far_gets_the_largest_contribution(name, fitted, data):
    """Column order: moving feature k of a row 10 standard deviations (support rule off) makes
    column k the row's largest contribution, for every k."""
    detector = fitted[name][False]
    rows = data.mean(axis=0) + 10 * data.std(axis=0) * np.eye(N_FEATURES)  # row k: feature k moved
    contributions = detector.explain(rows)
    np.testing.assert_array_equal(contributions.argmax(axis=1), np.arange(N_FEATURES))
    np.testing.assert_allclose(contributions.sum(axis=1),
                               detector.anomaly_score(rows) - remainder(name, detector, rows), rtol=1e-5)


@pytest.mark.parametrize("name", RECONSTRUCTING)
def test_contributions_are_the_squared_residuals_of_the_reconstruction_in_feature_order(name, fitted, data):
    detector = fitted[name][False]
    X = data[:40]
    expected = (X - detector.reconstruction(X)) ** 2 / N_FEATURES
    np.testing.assert_allclose(detector.explain(X), expected, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("name", sorted(EXPLAINED))
def test_the_support_rule_raise_goes_to_the_feature_beyond_the_range(name, fitted, data):
    """Twins fitted with and without the rule have the same networks; on rows 30 standard
    deviations out in feature k, their contributions differ in column k only, by the raise.
    A residual already scores such rows above the training rows, so the rule's training
    maximum is set above every score here, to make it raise them all."""
    without, with_rule = fitted[name][False], copy.deepcopy(fitted[name][True])
    with_rule.support_["score"] = 1e4
    far = data.mean(axis=0) + 30 * data.std(axis=0) * np.vstack([np.eye(N_FEATURES), -np.eye(N_FEATURES)])
    raised = with_rule.anomaly_score(far) - without.anomaly_score(far)
    assert (raised > 0).all()
    difference = with_rule.explain(far) - without.explain(far)
    expected = np.zeros_like(difference)
    expected[np.arange(len(far)), np.arange(len(far)) % N_FEATURES] = raised
    np.testing.assert_allclose(difference, expected, rtol=1e-5, atol=1e-4 * np.abs(raised).max())
    np.testing.assert_allclose(with_rule.explain(far).sum(axis=1),
                               with_rule.anomaly_score(far) - remainder(name, with_rule, far), rtol=1e-5)


@pytest.mark.parametrize(("name", "params"), [
    ("bigan", {"score_weight": 1.0}),  # the feature-matching part weighs nothing: exact
    ("bigan", {"score_norm": 2}),  # r_j^2 / ||r||_2, summing to score_weight ||r||_2
    ("anogan", {"feature_weight": 0.0}),  # exact
    ("vae", {"n_score_samples": 3, "score_batch_size": 7}),  # the score's own draws, chunk by chunk
    ("adgan", {"adapt": "last"}),
    ("adgan", {"adapt": "none", "score_batch_size": 7}),
    ("wgan-inversion", {"score_batch_size": 7}),
])
def test_scoring_parameters_set_after_fit(name, params, fitted, data):
    detector = copy.deepcopy(fitted[name][False]).set_params(**params)
    X = data[:30]
    np.testing.assert_allclose(detector.explain(X).sum(axis=1),
                               detector.anomaly_score(X) - remainder(name, detector, X), rtol=1e-5, atol=1e-6)
    if params in ({"score_weight": 1.0}, {"feature_weight": 0.0}):
        np.testing.assert_allclose(detector.explain(X).sum(axis=1), detector.anomaly_score(X), rtol=1e-5)


def test_chunks_do_not_change_the_contributions(fitted, data):
    detector = fitted["dcae"][False]
    chunked = copy.deepcopy(detector).set_params(score_batch_size=7)
    np.testing.assert_allclose(chunked.explain(data[:50]), detector.explain(data[:50]), rtol=1e-5, atol=1e-7)


def test_scaling_is_taken_into_account(data):
    X = 10.0 + 3.0 * data
    detector = make("dcae", scaling="standard").fit(X)
    contributions = detector.explain(X[:40])
    np.testing.assert_allclose(contributions.sum(axis=1), detector.anomaly_score(X[:40]), rtol=1e-5, atol=1e-7)
    scaled = (X[:40] - detector.scaler_["shift"]) / detector.scaler_["scale"]
    np.testing.assert_allclose(contributions, (scaled - detector.reconstruction(X[:40])) ** 2 / N_FEATURES,
                               rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("name", ["dcae", "adgan"])
def test_images_give_a_residual_map_per_pixel(name):
    shape = (1, 28, 28)
    images = np.random.default_rng(0).uniform(-1, 1, size=(6, 28 * 28))
    params = {"n_epochs": 1, "batch_size": 3, "conv_width": 4, "image_shape": shape}
    detector = make(name, **params, **({"latent_dim": 8} if name == "adgan" else {})).fit(images)
    contributions = detector.explain(images)
    assert contributions.shape == (6, 28 * 28)
    np.testing.assert_allclose(contributions.sum(axis=1), detector.anomaly_score(images), rtol=1e-5)
    if name == "dcae":
        residual_map = ((images - detector.reconstruction(images)) ** 2 / (28 * 28)).reshape(-1, *shape)
        np.testing.assert_allclose(contributions.reshape(-1, *shape), residual_map, rtol=1e-4, atol=1e-9)


def test_input_is_validated_like_scoring(fitted, data):
    detector = fitted["dcae"][False]
    with pytest.raises(ValueError, match="features"):
        detector.explain(data[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        detector.explain(np.where(np.eye(5, N_FEATURES) > 0, np.nan, 0.0))
    with pytest.raises(NotFittedError):
        make("dcae").explain(data)
    broken = copy.deepcopy(detector)
    broken.score_batch_size = 0  # set after fit, bypassing fit's validation
    with pytest.raises(InvalidParameterError):
        broken.explain(data)


def test_nan_contributions_are_refused(fitted, data):
    detector = copy.deepcopy(fitted["dcae"][False])
    detector._feature_terms = lambda X: (torch.full((len(X), N_FEATURES), float("nan")), torch.zeros(len(X)))
    with pytest.raises(ValueError, match="3 of 3 rows have NaN contributions"):
        detector.explain(data[:3])


def test_explain_runs_with_the_scoring_threads(fitted, data):
    detector = copy.deepcopy(fitted["dcae"][False]).set_params(n_threads=2)
    seen, terms = [], detector._feature_terms
    detector._feature_terms = lambda X: seen.append(torch.get_num_threads()) or terms(X)
    before = torch.get_num_threads()
    detector.explain(data[:10])
    assert seen == [2] and torch.get_num_threads() == before


# --- the shared pieces, by hand ------------------------------------------------------------

def test_mean_squared_terms_by_hand():
    x, x_hat = torch.tensor([[1.0, 2.0], [0.0, 0.0]]), torch.tensor([[0.0, 4.0], [1.0, 1.0]])
    torch.testing.assert_close(mean_squared_terms(x, x_hat), torch.tensor([[0.5, 2.0], [0.5, 0.5]]))


def test_norm_shares_sum_to_the_norm():
    r = torch.tensor([[3.0, -4.0], [0.0, 0.0]])
    torch.testing.assert_close(norm_shares(r, 1), torch.tensor([[3.0, 4.0], [0.0, 0.0]], dtype=torch.float64))
    # p = 2: r_j^2 / ||r||_2 = 9 / 5, 16 / 5; a zero residual has zero shares
    torch.testing.assert_close(norm_shares(r, 2), torch.tensor([[1.8, 3.2], [0.0, 0.0]], dtype=torch.float64))


def test_the_support_raise_goes_to_the_farthest_features_split_between_ties():
    support = {"low": np.zeros(3), "high": np.ones(3), "margin": np.ones(3), "score": 10.0}
    X = np.array([[0.5, 0.5, 0.5],  # inside: no raise
                  [0.5, 4.0, 2.5],  # feature 1 is 3 margins out: e = 3, score raised to 10 + 2
                  [-3.0, 4.0, 0.5]])  # features 0 and 1 tie at 3 margins
    terms = np.full((3, 3), 1.0)  # scores 3
    out = add_support_raise(terms, terms.sum(axis=1), X, support)
    np.testing.assert_allclose(out, [[1, 1, 1], [1, 10, 1], [5.5, 5.5, 1]])
