"""The detectors of Haloui et al. 2018 on the ring, and the contract around them."""

import os
import warnings
import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError

import ganad
from ganad.detectors.gan_base import latent_size, resolved_gp_weight
from ganad.metrics import auroc
from ganad.registry import DETECTORS
from ganad.training import TrainingDivergedError
from ganad.utils.scaling import apply_scaler

from ..conftest import GAN_METHODS, QUICK_PARAMS, reseal


def tiny(name, **params):
    return DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0, **params})


@pytest.mark.long
def test_ring_anomalies_are_separated(ring, ring_detectors):
    _, X_test, y_test = ring
    assert auroc(y_test, ring_detectors["wgan-encoder"].anomaly_score(X_test)) >= 0.9


@pytest.mark.long
def test_critic_separates_ring_anomalies_two_sided(ring, ring_detectors):
    # On the paper's ring the trained critic is high on the modes and low on the bridges
    # between them: the one-sided -f(x) ranks these anomalies best (AUROC >= 0.9). The
    # default two-sided score (the §5.1 interval at every level, chosen on training data of
    # the tables of issue 13, where -f(x) inverted) also flags the highest critic values and
    # ranks the ring's anomalies less well; the floor pins that it still separates. The same
    # seed gave 0.825 where the test was written and 0.789 on an Intel Xeon with numpy 2.4.6,
    # scikit-learn 1.9.1 and torch 2.13.0: the machine's float kernels or the dependencies'
    # versions change the GAN's training, so the floor leaves room for both.
    _, X_test, y_test = ring
    assert auroc(y_test, ring_detectors["wgan-critic"].anomaly_score(X_test)) >= 0.75


@pytest.mark.long
def test_inversion_separates_ring_anomalies_less_well(ring, ring_detectors):
    # The generator's range is connected: it also produces the bridges between the
    # modes (paper Fig. 12), and inverting it reconstructs anomalies lying there. We
    # measured AUROC ~0.68-0.75 over restarts, steps and prior weights; §5.3's encoder
    # was the paper's answer. The floor pins that it still ranks better than chance.
    _, X_test, y_test = ring
    assert auroc(y_test, ring_detectors["wgan-inversion"].anomaly_score(X_test)) >= 0.6


@pytest.mark.long
def test_critic_range_rule(ring, ring_detectors):
    critic = ring_detectors["wgan-critic"]
    X_train = ring[0]
    assert critic.offset_ == pytest.approx(-1.0)
    train_scores = critic.anomaly_score(X_train)
    assert train_scores.min() >= 0.0 and train_scores.max() == pytest.approx(1.0, rel=1e-5)
    assert not critic.outside_training_range(X_train).any()
    assert np.all(critic.predict(X_train) == 1)
    far = np.array([[5.0, 5.0], [-4.0, 3.0]])
    assert critic.outside_training_range(far).all()


@pytest.mark.long
def test_critic_predict_is_the_two_sided_range_rule(ring_detectors):
    # contamination="range" (the default): predict flags exactly the rows whose critic output
    # leaves [min, max] of the training outputs, at either end (within the support rule's
    # margin, which is 3 training standard deviations beyond the ring)
    critic = ring_detectors["wgan-critic"]
    axis = np.linspace(-6.0, 6.0, 61)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    outside = critic.outside_training_range(grid)
    assert 0 < outside.sum() < len(grid)
    np.testing.assert_array_equal(critic.predict(grid) == -1, outside)


@pytest.mark.parametrize("name", GAN_METHODS)
def test_score_convention(blobs, name):
    model = tiny(name, contamination=0.1).fit(blobs)
    np.testing.assert_allclose(model.anomaly_score(blobs), -model.score_samples(blobs))
    np.testing.assert_allclose(model.decision_function(blobs), model.score_samples(blobs) - model.offset_)
    assert set(np.unique(model.predict(blobs))) <= {-1, 1}
    assert (model.predict(blobs) == -1).mean() == pytest.approx(0.1, abs=0.01)


BAD_INPUTS = [
    (np.array([[0.0, np.nan, 1.0]] * 10), "NaN"),
    (np.array([[0.0, np.inf, 1.0]] * 10), "infinite"),
    (np.zeros(10), "Expected 2D array"),
    (np.zeros((0, 3)), "0 sample"),
    (np.zeros((1, 3)), "1 sample"),
    (np.array([["a", "b", "c"]] * 10), "[Uu]nable to convert|could not convert|dtype"),
]


@pytest.mark.parametrize("X, message", BAD_INPUTS)
def test_bad_training_input_is_refused(X, message):
    with pytest.raises(ValueError, match=message):
        tiny("wgan-encoder").fit(X)


def test_scoring_checks_input(blobs):
    model = tiny("wgan-critic").fit(blobs)
    with pytest.raises(ValueError, match="X has 2 features, but WGANCritic is expecting 3"):
        model.score_samples(blobs[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        model.anomaly_score(np.full((2, 3), np.nan))
    with pytest.raises(NotFittedError):
        tiny("wgan-critic").predict(blobs)


def test_values_beyond_float32_are_refused(blobs):
    with pytest.raises(ValueError, match="float32 range"):
        tiny("wgan-critic").fit(blobs * 1e300)


def test_image_shape_must_match_features(blobs):
    with pytest.raises(ValueError, match="image_shape"):
        tiny("wgan-encoder", image_shape=(1, 28, 28)).fit(blobs)


def test_dcgan_networks_on_images():
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 28 * 28))
    model = tiny("wgan-encoder", image_shape=(1, 28, 28), latent_dim=8, conv_width=4, batch_size=4).fit(images)
    assert model.generator_(torch.zeros(2, 8)).shape == (2, 1, 28, 28)
    assert np.isfinite(model.anomaly_score(images)).all()


@pytest.mark.parametrize(("latent_dim", "image_shape", "expected"), [
    ("auto", None, 2), ("auto", (1, 28, 28), 100), (8, None, 8), (8, (1, 28, 28), 8)])
def test_auto_latent_dim_is_the_rings_two_on_rows_and_a_hundred_on_images(latent_dim, image_shape, expected):
    assert latent_size(SimpleNamespace(latent_dim=latent_dim, image_shape_=image_shape)) == expected


def test_the_encoder_sizes_its_latent_by_the_input(blobs):
    assert ganad.WGANEncoder().latent_dim == "auto"
    assert tiny("wgan-encoder").fit(blobs).prior_.latent_dim == 2
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 28 * 28))
    model = tiny("wgan-encoder", image_shape=(1, 28, 28), conv_width=4, batch_size=4).fit(images)
    assert model.prior_.latent_dim == 100 and model.encoder_(torch.zeros(2, 1, 28, 28)).shape == (2, 100)
    assert ganad.WGANCritic.from_gan(model).fit(images).latent_dim == 100  # the size the reused GAN has


def test_users_modules_are_trained_on_copies_and_not_saved(tmp_path, blobs):
    generator = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    before = [p.detach().clone() for p in generator.parameters()]
    model = tiny("wgan-critic", generator=generator, n_epochs=3).fit(blobs)
    assert all(torch.equal(a, b) for a, b in zip(before, generator.parameters()))
    assert not torch.equal(before[0], model.generator_[0].weight)
    with pytest.raises(ValueError, match="user-supplied modules"):
        model.save(tmp_path / "model")


def test_diverging_loss_stops_with_clear_error(tmp_path, blobs):
    model = tiny("wgan-encoder", learning_rate=1e35, checkpoint_path=tmp_path / "run.ckpt")
    with pytest.raises(TrainingDivergedError, match="became"):
        model.fit(blobs)
    with pytest.raises(NotFittedError):
        model.predict(blobs)
    assert not (tmp_path / "run.ckpt").exists()


class _Payload:
    def __reduce__(self):
        return (os.system, (f"touch {os.environ['GANAD_PWNED']}",))


def test_pickle_payload_is_refused_without_running_it(tmp_path, blobs, monkeypatch):
    model_dir = tmp_path / "model"
    tiny("wgan-critic").fit(blobs).save(model_dir)
    marker = tmp_path / "pwned"
    monkeypatch.setenv("GANAD_PWNED", str(marker))
    (model_dir / "model.safetensors").write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(ValueError, match="does not match manifest.json"):
        ganad.load(model_dir)
    reseal(model_dir)
    with pytest.raises(ValueError, match="not a safetensors file"):
        ganad.load(model_dir)
    assert not marker.exists()


def test_load_refuses_other_folders(tmp_path):
    (tmp_path / "model.pt").write_bytes(b"\x80\x04")
    with pytest.raises(ValueError, match="not a ganad model folder"):
        ganad.load(tmp_path)


def test_pyod_adapter_speaks_pyod(blobs):
    adapter = ganad.PyODAdapter(tiny("wgan-encoder", contamination=0.2), contamination=None).fit(blobs)
    np.testing.assert_array_equal(adapter.labels_, (adapter.detector_.predict(blobs) == -1).astype(int))
    np.testing.assert_allclose(adapter.decision_scores_, adapter.detector_.anomaly_score(blobs))
    assert adapter.labels_.mean() == pytest.approx(0.2, abs=0.01)
    assert set(np.unique(adapter.predict(blobs))) <= {0, 1}
    assert np.all((adapter.predict_proba(blobs) >= 0) & (adapter.predict_proba(blobs) <= 1))


@pytest.mark.parametrize("name", ["wgan-inversion", "wgan-encoder"])
def test_reconstruction_is_what_the_score_measures(blobs, name):
    model = tiny(name).fit(blobs)
    reconstruction = model.reconstruction(blobs[:10])
    assert reconstruction.shape == (10, blobs.shape[1])
    scaled = apply_scaler(blobs[:10], model.scaler_)
    np.testing.assert_allclose(((scaled - reconstruction) ** 2).mean(axis=1), model.anomaly_score(blobs[:10]),
                               rtol=1e-4, atol=1e-6)


def test_critic_does_not_reconstruct(blobs):
    with pytest.raises(AttributeError, match="does not reconstruct"):
        tiny("wgan-critic").fit(blobs).reconstruction(blobs)


@pytest.mark.parametrize(("gp_weight", "n_features", "image_shape", "expected"), [
    ("auto", 1, None, 0.1), ("auto", 2, None, 0.1), ("auto", 3, None, 10.0), ("auto", 274, None, 10.0),
    ("auto", 4, (1, 2, 2), 10.0), (1.0, 2, None, 1.0), (0, 6, None, 0.0)])
def test_auto_gp_weight_is_the_toy_lambda_on_two_features_only(gp_weight, n_features, image_shape, expected):
    resolved = resolved_gp_weight(gp_weight, n_features=n_features, image_shape=image_shape)
    assert resolved == expected and isinstance(resolved, float)


def test_auto_gp_weight_of_wider_rows_is_the_detectors_own():
    assert resolved_gp_weight("auto", n_features=274, image_shape=None, wide_rows_gp_weight=1.0) == 1.0
    assert resolved_gp_weight("auto", n_features=2, image_shape=None, wide_rows_gp_weight=1.0) == 0.1
    assert resolved_gp_weight("auto", n_features=784, image_shape=(1, 28, 28), wide_rows_gp_weight=1.0) == 10.0


def test_the_gp_weight_trained_with_is_recorded(blobs):
    encoder = tiny("wgan-encoder").fit(blobs)
    assert encoder.gp_weight_ == 10.0  # blobs have more than two features
    assert tiny("wgan-encoder").fit(blobs[:, :2]).gp_weight_ == 0.1
    assert tiny("wgan-encoder", gp_weight=2.5).fit(blobs[:, :2]).gp_weight_ == 2.5
    assert tiny("wgan-critic").fit(blobs).gp_weight_ == 1.0  # the critic's "auto" on rows of more than two features
    assert tiny("wgan-critic").fit(blobs[:, :2]).gp_weight_ == 0.1
    reused = DETECTORS["wgan-critic"].from_gan(encoder)
    assert reused.gp_weight == 10.0 and reused.fit(blobs).gp_weight_ == 10.0  # what the reused GAN trained with


def test_an_option_the_objective_ignores_is_warned(blobs):
    with pytest.warns(UserWarning, match=r"gp_weight set but ignored: gan='wgan-clip'"):
        tiny("wgan-critic", gan="wgan-clip", gp_weight=1.0).fit(blobs)
    with pytest.warns(UserWarning, match=r"saturating set but ignored: gan='wgan-gp'"):
        tiny("wgan-critic", saturating=True).fit(blobs)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*set but ignored")
        tiny("wgan-critic", gan="wgan-clip", clip_value=0.05).fit(blobs)


def test_the_critic_scores_with_its_weight_average(blobs):
    """One critic step (one batch, no generator step): the average is training.ema's first update, 0.1 x the
    initial weights + 0.9 x the trained ones, and ema_decay=0 keeps the trained ones."""
    X = blobs[:40]
    settings = dict(hidden=(8, 8), batch_size=64, random_state=0)
    initial = ganad.WGANCritic(n_epochs=0, **settings).fit(X).critic_
    trained = ganad.WGANCritic(n_epochs=1, **settings).fit(X).critic_
    averaged = ganad.WGANCritic(n_epochs=1, ema_decay=0.5, **settings).fit(X).critic_
    assert not all(torch.equal(start, last) for start, last in zip(initial.parameters(), trained.parameters()))
    for start, last, average in zip(initial.parameters(), trained.parameters(), averaged.parameters()):
        torch.testing.assert_close(average, 0.1 * start + 0.9 * last)


def test_the_critic_averages_are_not_resumed(tmp_path, blobs):
    with pytest.raises(ValueError, match="cannot resume with ema_decay > 0"):
        ganad.WGANCritic(n_epochs=1, ema_decay=0.99, checkpoint_path=tmp_path / "ckpt", resume=True).fit(blobs)
