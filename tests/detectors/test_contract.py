"""The detector contract, once, over every name in ``ganad.registry.DETECTORS``.

Each detector is fitted once per module (``fitted``) with the tiny settings of
``QUICK_PARAMS``, and the tests below read that fit: ``fit`` returns ``self``; a saved and
loaded model scores identically; the same ``random_state`` gives the same scores and
another gives other scores; the global RNGs (numpy's legacy one, ``random``, torch's
default generator, and no GPU generator is reseeded) are untouched by fitting and scoring; ``calibrate`` moves ``offset_`` to
the ``contamination`` quantile of held-out rows and nothing else; an invalid parameter value is a
``ValueError`` naming the parameter; a fit resumed from a checkpoint equals an
uninterrupted one. Family-specific checks stay in ``test_<family>.py``.
"""

import copy
import random
from unittest import mock

import numpy as np
import pytest
import torch

import ganad
from ganad.fitted_state import fitted_tensors
from sklearn.exceptions import NotFittedError
from ganad.registry import DETECTORS

from ..conftest import QUICK_PARAMS

NAMES = list(DETECTORS)
SAVABLE = [name for name in NAMES if DETECTORS[name].savable]
NOT_SAVABLE = [name for name in NAMES if not DETECTORS[name].savable]

# Detectors whose scores do not depend on random_state, with the reason.
DETERMINISTIC = {
    "kde": "a Gaussian KDE on a full PCA is a deterministic function of the data; random_state only "
           "shuffles the cross-validation folds that pick the bandwidth, and on 64 rows both seeds pick the same one",
}
STOCHASTIC = [name for name in NAMES if name not in DETERMINISTIC]

# Detectors with checkpoint_path/resume whose resume is refused by design, with the reason.
NO_RESUME = {
    "history-ad": "the snapshots of P_G_hist taken before a checkpoint are not in it, so resume=True is a "
                  "ValueError (tests/detectors/test_history_ad.py::test_bad_parameters_are_refused)",
}
RESUMABLE = [name for name in NAMES if "resume" in DETECTORS[name]().get_params() and name not in NO_RESUME]

# One or more invalid values per detector, each a ValueError naming its parameter; contamination is shared.
INVALID = {
    "history-ad": [("case", 3), ("tv_init", "zeros")],
    "wgan-critic": [("n_critic", 0)],
    "wgan-inversion": [("n_seeds", 0)],
    "wgan-encoder": [("encoder_epochs", -1)],
    "kde": [("n_folds", 1), ("bandwidth", -1.0), ("bandwidth", [1.0, -1.0])],
    "ocsvm": [("nu", 0.0)],
    "iforest": [("n_estimators", 0)],
    "gmm": [("covariance_type", "round")],
    "dcae": [("weight_decay", -1.0)],
    "vae": [("n_score_samples", -1)],
    "deep-svdd": [("objective", "hard")],
    "dagmm": [("lambda_energy", -1.0)],
    "dsebm": [("score_type", "free")],
    "bigan": [("ema_decay", 1.0)],
    "alad": [("score_norm", 3), ("ema_decay", 1.0)],
    "rcgan": [("penalty", "cauchy")],
    "ganomaly": [("w_con", -1.0)],
    "anogan": [("feature_weight", 2.0)],
    "adgan": [("n_seeds", 0), ("adapt", "some")],
}
INVALID_CASES = [(name, param, value) for name in NAMES for param, value in [*INVALID[name], ("contamination", 0.7)]]

pytestmark = [pytest.mark.filterwarnings("ignore::ganad.utils.support.InvertedScoreWarning"),  # one-epoch models
              pytest.mark.filterwarnings("ignore::ganad.training.collapse.GeneratorCollapseWarning")]


def make(name, **params):
    """``name`` with its tiny settings: two epochs where it trains, so the generator takes steps."""
    quick = QUICK_PARAMS[name]
    epochs = {"n_epochs": 2} if "n_epochs" in quick else {}
    return DETECTORS[name](**{**quick, **epochs, "scaling": "standard", "random_state": 0, **params})


def global_states():
    """numpy's legacy, python's and torch's default RNG states, comparable with ==."""
    kind, keys, position, has_gauss, cached = np.random.get_state()
    return (kind, keys.tobytes(), position, has_gauss, cached, random.getstate(),
            torch.random.get_rng_state().numpy().tobytes())


@pytest.fixture(scope="module")
def rows():
    return np.random.default_rng(0).normal(size=(64, 3))


@pytest.fixture(scope="module")
def fitted(rows):
    """``fitted(name)`` -> (detector, what fit returned, global RNGs moved by fit?), each fitted once per module."""
    cache = {}

    def fit(name):
        if name not in cache:
            detector = make(name)
            before = global_states()
            cuda_seeds = []  # any reseeding of a GPU's generator: a CPU fit must not touch CUDA's RNGs
            with mock.patch("torch.cuda.manual_seed_all", side_effect=cuda_seeds.append), \
                    mock.patch("torch.cuda.manual_seed", side_effect=cuda_seeds.append):
                returned = detector.fit(rows)
            cache[name] = detector, returned, global_states() != before or bool(cuda_seeds)
        return cache[name]
    return fit


@pytest.mark.parametrize("name", NAMES)
def test_fit_returns_self(name, fitted):
    detector, returned, _ = fitted(name)
    assert returned is detector


@pytest.mark.parametrize("name", SAVABLE)
def test_save_load_gives_identical_scores(name, fitted, rows, tmp_path):
    model = fitted(name)[0]
    folder = model.save(tmp_path / "model")
    assert ganad.load(folder).get_params() == {**model.get_params(), "device": "auto"}  # load picks its own device
    loaded = ganad.load(folder, device="cpu")  # where the model was fitted, so scores compare bit for bit
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.score_samples(rows), model.score_samples(rows))
    np.testing.assert_array_equal(loaded.decision_function(rows), model.decision_function(rows))
    np.testing.assert_array_equal(loaded.predict(rows), model.predict(rows))
    assert loaded.offset_ == model.offset_
    assert loaded.calibration_rows_ is None
    calibrated = ganad.load(copy.deepcopy(model).calibrate(rows[:20]).save(tmp_path / "calibrated"), device="cpu")
    assert calibrated.calibration_rows_ == (None if model.contamination == "range" else 20)  # §5.1's rule stays
    expected, got = fitted_tensors(model), fitted_tensors(loaded)
    assert got.keys() == expected.keys()
    for key, tensor in expected.items():
        assert torch.equal(got[key], tensor), key
    for key in model.fitted_values:
        assert np.array_equal(np.asarray(getattr(loaded, key)), np.asarray(getattr(model, key))), key
    history = getattr(model, "history_", None)
    if history is not None:
        assert set(loaded.history_.keys()) == set(history.keys())
        for key in history.keys():  # saved as float32
            np.testing.assert_array_equal(loaded.history_[key], np.asarray(history[key]).astype(np.float32))


@pytest.mark.parametrize("name", NOT_SAVABLE)
def test_save_of_a_pickle_only_model_raises(name, fitted, tmp_path):
    with pytest.raises(ValueError, match="cannot be saved without pickle"):
        fitted(name)[0].save(tmp_path / "model")
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_scores(name, fitted, rows):
    again = make(name).fit(rows)
    np.testing.assert_array_equal(again.anomaly_score(rows), fitted(name)[0].anomaly_score(rows))


@pytest.mark.parametrize("name", STOCHASTIC)
def test_other_seed_other_scores(name, fitted, rows):
    other = make(name, random_state=1).fit(rows)
    assert not np.allclose(other.anomaly_score(rows), fitted(name)[0].anomaly_score(rows))


@pytest.mark.parametrize("name", NAMES)
def test_fit_and_scoring_leave_the_global_rngs_alone(name, fitted, rows):
    detector, _, fit_moved = fitted(name)
    assert not fit_moved, f"{name}.fit moved a global RNG"
    before = global_states()
    detector.score_samples(rows)
    detector.decision_function(rows)
    detector.predict(rows)
    assert global_states() == before, f"{name}'s scoring moved a global RNG"


@pytest.mark.parametrize("name", NAMES)
def test_calibrate_sets_the_offset_from_held_out_rows(name, fitted):
    detector = copy.deepcopy(fitted(name)[0])
    if detector.contamination == "range":  # WGANCritic's default: §5.1's interval, no quantile to move
        detector.set_params(contamination=0.1)
    held_out = 1.5 * np.random.default_rng(1).normal(size=(40, 3))  # wider than the fitted rows
    scores = detector.score_samples(held_out)
    assert detector.calibration_rows_ is None
    assert detector.calibrate(held_out) is detector
    assert detector.calibration_rows_ == 40
    assert detector.offset_ == pytest.approx(np.percentile(scores, 100 * detector.contamination))
    np.testing.assert_array_equal(detector.score_samples(held_out), scores)
    assert np.mean(detector.predict(held_out) == -1) == pytest.approx(detector.contamination, abs=1 / 40)


def test_calibrate_refuses_an_unfitted_model_other_columns_a_single_row_and_infinite_scores(fitted, rows):
    with pytest.raises(NotFittedError):
        make("iforest").calibrate(rows)
    detector = copy.deepcopy(fitted("iforest")[0])
    with pytest.raises(ValueError, match="3 features"):
        detector.calibrate(rows[:, :2])
    with pytest.raises(ValueError, match="at least 2 normal rows"):
        detector.calibrate(rows[:1])
    detector.anomaly_score = lambda X: np.full(len(X), np.inf)  # rows scored infinitely far: no threshold
    with pytest.raises(ValueError, match="not a threshold"):
        detector.calibrate(rows)
    assert detector.offset_ == fitted("iforest")[0].offset_ and detector.calibration_rows_ is None


def test_calibrate_keeps_the_critics_paper_interval(fitted, rows):
    critic = copy.deepcopy(fitted("wgan-critic")[0])
    assert critic.contamination == "range"
    offset = critic.offset_
    assert critic.calibrate(2.0 * rows).offset_ == offset
    assert critic.calibration_rows_ is None


@pytest.mark.parametrize(("name", "param", "value"), INVALID_CASES)
def test_an_invalid_parameter_is_a_value_error_naming_it(name, param, value, rows):
    with pytest.raises(ValueError, match=f"'{param}' parameter"):
        make(name, **{param: value}).fit(rows)


@pytest.mark.parametrize("name", RESUMABLE)
def test_resumed_training_equals_uninterrupted(name, rows, tmp_path):
    # the VAE's KL annealing spans a share of n_epochs, so only a run without it may be extended
    # (tests/reliability/test_resume.py::test_a_kl_annealed_vae_resumes_only_a_run_of_the_same_length)
    plain = {"kl_warmup": 0.0} if name == "vae" else {}
    straight = make(name, n_epochs=3, **plain).fit(rows)
    checkpoint = tmp_path / "run.ckpt"
    make(name, n_epochs=2, checkpoint_path=checkpoint, **plain).fit(rows)
    assert checkpoint.exists() and not list(tmp_path.glob("*.tmp"))
    resumed = make(name, n_epochs=3, checkpoint_path=checkpoint, resume=True, **plain).fit(rows)
    expected, got = fitted_tensors(straight), fitted_tensors(resumed)
    assert got.keys() == expected.keys()
    for key, tensor in expected.items():
        assert torch.equal(got[key], tensor), key
    assert set(resumed.history_.keys()) == set(straight.history_.keys())
    for key in straight.history_.keys():
        np.testing.assert_array_equal(resumed.history_[key], straight.history_[key])
    np.testing.assert_array_equal(resumed.anomaly_score(rows), straight.anomaly_score(rows))


def test_every_registered_name_has_invalid_values():
    assert set(INVALID) == set(DETECTORS)
    assert set(DETERMINISTIC) <= set(DETECTORS)
    assert set(NO_RESUME) <= {name for name in NAMES if "resume" in DETECTORS[name]().get_params()}
