"""HistoryAD (Chatillon & Ballester 2020): pinned loss terms, P_G_hist, Eq. 14, D_TV's optimum, the detector."""

import math

import numpy as np
import pytest
import torch
from scipy.stats import norm

from ganad.detectors.history import HistoryAD
from ganad.detectors.history.dtv import fit_tv_critic
from ganad.detectors.history.hist import average_state, history_weights, sample_history
from ganad.detectors.history.history_ad import _linear_decay
from ganad.detectors.history.losses import distance_to_interval, tv_loss
from ganad.metrics import auroc
from ganad.nets import LatentPrior, MLPConfig, MLPCritic, MLPGenerator
from ganad.training import TrainingHistory
from ganad.training.batches import n_minibatches
from ganad.training.snapshots import SnapshotStore

from ..conftest import QUICK_PARAMS


def tiny(**params):
    return HistoryAD(**{**QUICK_PARAMS["history-ad"], "random_state": 0, **params})


def apply(network, X):
    with torch.no_grad():
        return network(X)


# Loss terms (Eq. 9-10), pinned by hand.

def test_distance_to_interval():
    values = torch.tensor([-3.0, -1.0, -0.2, 0.0, 1.0, 1.5])
    torch.testing.assert_close(distance_to_interval(values), torch.tensor([2.0, 0.0, 0.0, 0.0, 0.0, 0.5]))


def test_tv_loss_pinned():
    d_data, d_hist = torch.tensor([-1.0, -2.0, 0.5]), torch.tensor([1.5, 0.0, -0.5])
    loss, logs = tv_loss(d_data, d_hist, bound_weight=10.0)
    # E_hist - E_data = 1/3 + 5/6 = 7/6; distances 0, 1, 0, 0.5, 0, 0 -> mean square 1.25 / 6
    assert logs["tv_objective"].item() == pytest.approx(7 / 6)
    assert logs["bound_penalty"].item() == pytest.approx(10 * 1.25 / 6)
    assert loss.item() == pytest.approx(10 * 1.25 / 6 - 7 / 6)


def test_tv_critic_reaches_the_optimum_of_eq_11():
    """Data N(0, 1) against a fixed 'history' N(0, 3^2): D* = sign(p_h - p_d) + (p_h - p_d) / (lambda (p_h + p_d))."""
    torch.manual_seed(0)
    network = MLPCritic(MLPConfig(n_features=1, hidden=(32, 32)))
    rng = torch.Generator().manual_seed(0)
    fit_tv_critic(network, torch.randn(3000, 1, generator=rng), lambda n: 3 * torch.randn(n, 1, generator=rng),
                  n_epochs=12, batch_size=64, learning_rate=1e-3, bound_weight=10.0, rng=rng,
                  history=TrainingHistory())
    x = np.array([-4.0, 0.0, 4.0])
    p_data, p_hist = norm.pdf(x), norm.pdf(x / 3) / 3
    optimum = np.sign(p_hist - p_data) + (p_hist - p_data) / (10 * (p_hist + p_data))  # [1.10, -1.05, 1.10]
    d_tv = -apply(network, torch.tensor(x, dtype=torch.float32)[:, None]).numpy()
    np.testing.assert_allclose(d_tv, optimum, atol=0.1)


# P_G_hist (Eq. 3, 13) and the averaged critic (Eq. 14).

def test_history_weights_follow_eq_13():
    weights = history_weights([0.5, 1.0, 2.0, 3.0, 4.0], start=1.0, decay=3.0, n_epochs=3)
    expected = np.array([0.0, math.exp(-3), math.exp(-6), math.exp(-9), 0.0])
    np.testing.assert_allclose(weights.numpy(), expected / expected.sum())
    with pytest.raises(ValueError, match="no snapshot"):
        history_weights([0.2, 0.4], start=1.0, decay=3.0, n_epochs=3)


def constant_generator(value):
    generator = MLPGenerator(MLPConfig(n_features=1, latent_dim=2, hidden=(2,)))
    with torch.no_grad():
        for param in generator.parameters():
            param.zero_()
        generator.net[-1].bias.fill_(value)
    return generator


def test_sample_history_draws_snapshots_by_weight_in_random_order():
    store = SnapshotStore(memory_budget=0)  # both snapshots on disk
    for value in (0.0, 10.0):
        store.add(1.0, {"generator": constant_generator(value).state_dict()})
    samples = sample_history(store, constant_generator(-1.0), LatentPrior("normal", 2),
                             torch.tensor([0.3, 0.7], dtype=torch.float64), 4000,
                             rng=torch.Generator().manual_seed(0), apply=apply)[:, 0]
    assert set(samples.unique().tolist()) == {0.0, 10.0}
    assert (samples == 10.0).float().mean().item() == pytest.approx(0.7, abs=0.03)
    assert (samples[:2000] == 10.0).float().mean().item() == pytest.approx(0.7, abs=0.05)  # not grouped
    store.close()


def test_case_2_widens_half_of_the_latents():
    identity = MLPGenerator(MLPConfig(n_features=1, latent_dim=1, hidden=(1,)))
    with torch.no_grad():  # G(z) = relu(z): half-normal; scaled latents scale it
        identity.net[0].weight.fill_(1.0), identity.net[0].bias.zero_()
        identity.net[2].weight.fill_(1.0), identity.net[2].bias.zero_()
    store = SnapshotStore(memory_budget=10**6)
    store.add(1.0, {"generator": identity.state_dict()})
    draw = lambda scale: sample_history(store, identity, LatentPrior("normal", 1), torch.ones(1, dtype=torch.float64),
                                        20000, rng=torch.Generator().manual_seed(0), apply=apply, wide_scale=scale)
    second_moment = lambda x: x.pow(2).mean().item()  # E[relu(s z)^2] = s^2 / 2
    assert second_moment(draw(None)) == pytest.approx(0.5, rel=0.05)
    assert second_moment(draw(3.0)) == pytest.approx(0.5 * (0.5 + 0.5 * 9), rel=0.05)


def test_average_state_is_the_weighted_mean_of_eq_14():
    store = SnapshotStore(memory_budget=10**6)
    states = [{"w": torch.tensor([1.0, 2.0]), "count": torch.tensor(3)},
              {"w": torch.tensor([5.0, -2.0]), "count": torch.tensor(7)},
              {"w": torch.tensor([100.0, 100.0]), "count": torch.tensor(9)}]
    for state in states:
        store.add(1.0, {"critic": state})
    average = average_state(store, "critic", torch.tensor([0.25, 0.75, 0.0], dtype=torch.float64))
    torch.testing.assert_close(average["w"], torch.tensor([4.0, -1.0]))
    assert average["w"].dtype == torch.float32 and average["count"].item() == 7  # the last weighted snapshot


def test_linear_decay_of_the_learning_rate():
    optimizer = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=1e-3)
    _linear_decay(0.25, optimizer)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(7.5e-4)
    _linear_decay(1.0, optimizer)
    assert optimizer.param_groups[0]["lr"] == 0.0


# The detector.

@pytest.fixture(scope="module")
def ring_model(ring):
    """HistoryAD on the ring with the toy-data GAN settings of conftest.QUICK_RING (5 epochs), history_decay
    (beta) = 1."""
    model = HistoryAD(n_epochs=5, history_decay=1.0, gp_weight=0.1, learning_rate=1e-3, keep_snapshots=True,
                      random_state=1, device="cpu").fit(ring[0])
    return model, ring[1], ring[2]


@pytest.mark.long
def test_ring_anomalies_score_high_and_normal_data_about_minus_one(ring_model):
    model, X_test, y_test = ring_model
    scores = model.anomaly_score(X_test)
    assert auroc(y_test, scores) >= 0.9
    assert np.median(scores[y_test == 0]) < -0.8
    np.testing.assert_array_equal(scores, -model.score_samples(X_test))
    with torch.no_grad():  # D_TV(x) = -tv_critic_(x)
        np.testing.assert_allclose(scores, -model.tv_critic_(torch.as_tensor(X_test)).numpy(), rtol=1e-6)


@pytest.mark.long
def test_snapshots_cover_history_start_to_n_epochs(ring_model):
    model, _, _ = ring_model
    times = np.asarray(model.snapshot_times_)
    per_epoch = min(50, n_minibatches(10_000, 64))
    assert times[0] == pytest.approx(1.0) and times[-1] == pytest.approx(5.0)
    assert len(times) == 4 * per_epoch + 1 and np.all(np.diff(times) > 0)
    assert model.snapshot_weights_[0] > model.snapshot_weights_[-1] > 0
    assert sum(model.snapshot_weights_) == pytest.approx(1.0)
    last = model.snapshots_.state(-1, "generator")  # saved at t = n_epochs: the final generator
    assert all(torch.equal(last[k], v) for k, v in model.generator_.state_dict().items())


@pytest.mark.long
def test_inspection_helpers(ring_model):
    model, X_test, _ = ring_model
    history = model.sample_history(500, random_state=0)
    assert history.shape == (500, 2)
    np.testing.assert_array_equal(history, model.sample_history(500, random_state=0))
    first, last = model.sample_snapshot(0, 200, random_state=0), model.sample_snapshot(-1, 200, random_state=0)
    assert first.shape == last.shape == (200, 2) and not np.allclose(first, last)
    mean_output, mean_weights = model.averaged_critic_outputs(X_test[:50])
    assert mean_output.shape == mean_weights.shape == (50,)
    t, samples, scores = model.latent_interpolation(7, random_state=0)
    assert t[0] == 0 and t[-1] == 1 and samples.shape == (7, 2)
    np.testing.assert_array_equal(scores, model.anomaly_score(samples.astype(np.float32)))


def test_no_training_scores_with_the_eq_14_initialisation(blobs):
    model = tiny(tv_epochs=0, keep_snapshots=True).fit(blobs)
    np.testing.assert_allclose(model.anomaly_score(blobs), model.averaged_critic_outputs(blobs)[1], rtol=1e-5)
    random = tiny(tv_epochs=0, tv_init="random").fit(blobs)
    assert not np.allclose(random.anomaly_score(blobs), model.anomaly_score(blobs))


def test_snapshot_times_with_few_steps_per_epoch(blobs):
    model = tiny(n_epochs=2, batch_size=40).fit(blobs)  # 120 rows: 3 steps per epoch, 4 saves per epoch
    assert model.snapshot_times_ == pytest.approx([2 / 3, 1.0, 4 / 3, 5 / 3, 2.0])


def test_spilled_snapshots_give_the_same_model_and_are_deleted(tmp_path, blobs):
    in_memory = tiny(case=2).fit(blobs)
    spilled = tiny(case=2, snapshot_memory_mb=0, snapshot_dir=tmp_path / "snapshots").fit(blobs)
    np.testing.assert_array_equal(in_memory.anomaly_score(blobs), spilled.anomaly_score(blobs))
    assert (tmp_path / "snapshots").is_dir() and not list((tmp_path / "snapshots").iterdir())
    assert not hasattr(spilled, "snapshots_")
    with pytest.raises(ValueError, match="keep_snapshots"):
        spilled.sample_history(10)


@pytest.mark.parametrize("n", [0, -1, 2.5])
def test_a_sample_count_that_is_not_positive_is_refused(blobs, n):
    model = tiny(tv_epochs=0, keep_snapshots=True).fit(blobs)
    for sample in (lambda: model.sample_history(n), lambda: model.sample_snapshot(0, n)):
        with pytest.raises(ValueError, match="the number of samples must be an integer of 1 or more"):
            sample()


def test_dcgan_networks_on_images():
    images = np.random.default_rng(0).uniform(-1, 1, size=(16, 28 * 28))
    model = tiny(image_shape=(1, 28, 28), latent_dim=4, conv_width=4, batch_size=8, keep_snapshots=True).fit(images)
    assert np.isfinite(model.anomaly_score(images)).all()
    assert model.sample_history(3, random_state=0).shape == (3, 28 * 28)


@pytest.mark.parametrize("params, message", [
    ({"history_start": 3.0, "n_epochs": 2}, "history_start=3.0 must not exceed n_epochs=2"),
    ({"resume": True}, "cannot resume"),
])  # invalid values of case and tv_init: test_contract.py
def test_bad_parameters_are_refused(blobs, params, message):
    with pytest.raises(ValueError, match=message):
        tiny(**params).fit(blobs)


def test_random_init_redraws_a_users_critic(blobs):
    critic = MLPCritic(MLPConfig(n_features=3, hidden=(16, 16)))
    model = tiny(critic=critic, tv_init="random", tv_epochs=0).fit(blobs)
    assert not torch.equal(model.tv_critic_.head.weight, critic.head.weight)
