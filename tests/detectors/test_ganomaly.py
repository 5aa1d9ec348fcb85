"""GANomaly: pinned loss terms, the trainer's wiring, the detector contract and a quality floor."""

import math

import numpy as np
import pytest
import torch

from ganad.detectors.ganomaly import GANomaly
from ganad.detectors.ganomaly import losses
from ganad.metrics import auroc, minmax_scale
from ganad.nets.ganomaly import GANomalyOutput

from ..conftest import QUICK_PARAMS


def make(**params):
    return GANomaly(**{**QUICK_PARAMS["ganomaly"], "random_state": 0, **params})


@pytest.fixture(scope="module")
def fitted(cloud):
    return make(n_epochs=30, latent_dim=2, hidden=(16, 8)).fit(cloud[0])


# --- loss terms pinned by hand -----------------------------------------------------------

def test_adversarial_loss_by_hand():
    real = torch.tensor([[1.0, 2.0], [0.0, 0.0]])
    fake = torch.tensor([[0.0, 4.0], [1.0, 1.0]])
    # squares 1, 4, 1, 1 -> mean 7 / 4
    torch.testing.assert_close(losses.adversarial_loss(real, fake), torch.tensor(1.75))


def test_contextual_loss_by_hand():
    x = torch.tensor([[1.0, -2.0, 0.5]])
    x_hat = torch.tensor([[0.0, 1.0, 0.5]])
    # |1| + |-3| + 0 over 3 elements
    torch.testing.assert_close(losses.contextual_loss(x, x_hat), torch.tensor(4.0 / 3.0))


def test_encoder_loss_by_hand():
    z = torch.tensor([[3.0, 0.0], [1.0, 1.0]])
    z_hat = torch.tensor([[0.0, 4.0], [1.0, 0.0]])
    # squares 9, 16, 0, 1 -> 26 / 4
    torch.testing.assert_close(losses.encoder_loss(z, z_hat), torch.tensor(6.5))


def test_generator_loss_uses_the_papers_weights_by_default():
    adv, con, enc = torch.tensor(0.5), torch.tensor(0.1), torch.tensor(2.0)
    torch.testing.assert_close(losses.generator_loss(adv, con, enc), torch.tensor(0.5 + 5.0 + 2.0))
    torch.testing.assert_close(losses.generator_loss(adv, con, enc, w_adv=2, w_con=0, w_enc=3), torch.tensor(7.0))


def test_discriminator_loss_is_half_the_two_bces():
    real, fake = torch.tensor([0.0, 2.0]), torch.tensor([0.0, -1.0])
    # BCE(sigmoid(l), 1) = log(1 + e^-l); BCE(sigmoid(l), 0) = log(1 + e^l)
    bce_real = (math.log(2) + math.log(1 + math.exp(-2))) / 2
    bce_fake = (math.log(2) + math.log(1 + math.exp(-1))) / 2
    torch.testing.assert_close(losses.discriminator_loss(real, fake), torch.tensor(0.5 * (bce_real + bce_fake)))


def test_latent_distance_is_the_euclidean_norm():
    z = torch.tensor([[3.0, 0.0], [1.0, 1.0]])
    z_hat = torch.tensor([[0.0, 4.0], [1.0, 1.0]])
    torch.testing.assert_close(losses.latent_distance(z, z_hat), torch.tensor([5.0, 0.0]))


def test_minmax_scale_by_hand():
    np.testing.assert_allclose(minmax_scale(np.array([2.0, 4.0, 3.0, 6.0])), [0.0, 0.5, 0.25, 1.0])
    np.testing.assert_array_equal(minmax_scale(np.array([3.0, 3.0])), [0.0, 0.0])


# --- training ----------------------------------------------------------------------------

def test_history_logs_every_term_and_eq_11_combines_them(fitted):
    history = fitted.history_
    steps = fitted.n_epochs * math.ceil(400 / fitted.batch_size)
    assert all(len(history[name]) == steps for name in history.keys())
    combined = history["adversarial_loss"] + 50.0 * history["contextual_loss"] + history["encoder_loss"]
    np.testing.assert_allclose(history["generator_loss"], combined, rtol=1e-5)
    assert history["contextual_loss"][-10:].mean() < history["contextual_loss"][:10].mean()


@pytest.mark.parametrize("threshold, expected", [(1e9, 1.0), (0.0, 0.0)])
def test_discriminator_is_reinitialised_when_its_loss_collapses(cloud, threshold, expected):
    model = make(n_epochs=1, reinit_threshold=threshold).fit(cloud[0][:64])
    assert np.all(model.history_["discriminator_reinitialised"] == expected)


def test_reinitialised_discriminator_has_fresh_weights(cloud):
    # with every step re-initialising, D ends as drawn from its initialiser: never trained
    kept = make(n_epochs=2, reinit_threshold=0.0).fit(cloud[0][:64]).discriminator_
    fresh = make(n_epochs=2, reinit_threshold=1e9).fit(cloud[0][:64]).discriminator_
    initial = make(n_epochs=0).fit(cloud[0][:64]).discriminator_
    assert not torch.equal(kept.head.weight, initial.head.weight)
    assert not torch.equal(fresh.head.weight, initial.head.weight)  # a new draw, not the first one
    assert fresh.head.weight.abs().max() <= 1 / math.sqrt(fresh.head.in_features)  # PyTorch's default bound


def test_resumed_training_equals_uninterrupted(tmp_path, cloud):
    X = cloud[0][:100]
    straight = make(n_epochs=3, reinit_threshold=0.5).fit(X)
    checkpoint = tmp_path / "run.ckpt"
    make(n_epochs=2, reinit_threshold=0.5, checkpoint_path=checkpoint).fit(X)
    resumed = make(n_epochs=3, reinit_threshold=0.5, checkpoint_path=checkpoint, resume=True).fit(X)
    np.testing.assert_array_equal(straight.history_["generator_loss"], resumed.history_["generator_loss"])
    np.testing.assert_array_equal(straight.anomaly_score(X), resumed.anomaly_score(X))


# --- detector contract -------------------------------------------------------------------

def test_far_blob_is_separated(cloud, fitted):
    _, X_test, y_test = cloud
    assert auroc(y_test, fitted.anomaly_score(X_test)) >= 0.9


def test_score_is_the_latent_distance_of_eq_12(cloud, fitted):
    X = torch.tensor(cloud[1][:5], dtype=torch.float32)
    with torch.no_grad():
        output = fitted.generator_(X)
    assert isinstance(output, GANomalyOutput)
    expected = torch.sqrt(((output.z - output.z_hat) ** 2).sum(dim=1)).numpy()
    np.testing.assert_allclose(fitted.anomaly_score(cloud[1][:5]), expected, rtol=1e-6)


def test_minmax_scaling_of_eq_13(cloud, fitted):
    raw = fitted.anomaly_score(cloud[1])
    scaled = minmax_scale(raw)
    assert scaled.min() == 0.0 and scaled.max() == 1.0
    np.testing.assert_allclose(scaled, (raw - raw.min()) / (raw.max() - raw.min()), rtol=1e-12)


def test_score_convention(cloud, fitted):
    X = cloud[0]
    np.testing.assert_allclose(fitted.anomaly_score(X), -fitted.score_samples(X))
    np.testing.assert_allclose(fitted.decision_function(X), fitted.score_samples(X) - fitted.offset_)
    assert (fitted.predict(X) == -1).mean() == pytest.approx(0.1, abs=0.01)


def test_fit_leaves_global_rng_alone(cloud):
    torch_state, np_state = torch.random.get_rng_state(), np.random.get_state()[1].copy()
    make(reinit_threshold=1e9).fit(cloud[0][:64])
    assert torch.equal(torch_state, torch.random.get_rng_state())
    np.testing.assert_array_equal(np_state, np.random.get_state()[1])


@pytest.mark.parametrize("image_shape", [(1, 28, 28), (3, 32, 32)])
def test_convolutional_networks_on_images(image_shape):
    images = np.random.default_rng(0).uniform(-1, 1, size=(6, int(np.prod(image_shape))))
    model = make(image_shape=image_shape, latent_dim=8, conv_width=4, batch_size=3).fit(images)
    x_hat, z, z_hat = model.generator_(torch.zeros(2, *image_shape))
    assert x_hat.shape == (2, *image_shape) and z.shape == z_hat.shape == (2, 8)
    assert model.discriminator_.features(torch.zeros(2, *image_shape)).ndim == 2
    assert np.isfinite(model.anomaly_score(images)).all()


def test_bad_parameters_are_refused():
    # an invalid w_con: test_contract.py
    with pytest.raises(TypeError, match="score_scaling"):
        make(score_scaling="minmax")  # Eq. 13 is ganad.metrics.minmax_scale, over a score set
