"""n_epochs="auto": the paper's epochs, raised until training makes 2,000 updates (a GAN: 10,000 critic steps;
VAE and Deep SVDD on rows: 10,000, DSEBM 20,000; issue 13)."""

import numpy as np
import pytest

from ganad import WGANCritic
from ganad.detectors.baselines import DCAE
from ganad.training import budget
from ganad.training.batches import n_minibatches
from ganad.training.budget import MIN_UPDATES, training_epochs


def test_an_integer_is_taken_as_it_is():
    assert training_epochs(3, paper_epochs=30, n_batches=1) == 3


@pytest.mark.parametrize(("n_rows", "updates_per_batch", "expected"), [
    (100_000, 0.2, 30),  # the ring: 1,563 batches x 30 epochs / 5 = 9,378 generator steps already
    (300, 0.2, 2000),  # 5 batches / 5 = 1 generator step per epoch
    (300, 1.0, 400),  # 5 updates per epoch
    (64, 1.0, 2000),
    (65, 1.0, 2000),  # the 65th row is a batch of one, left out: 1 batch per epoch, not 2
    (193, 1.0, 667),  # Arrhythmia's 193 training rows: 3 batches, not 4 (1,500 updates before)
])
def test_auto_reaches_the_minimum_number_of_updates(n_rows, updates_per_batch, expected):
    n_batches = n_minibatches(n_rows, 64)
    epochs = training_epochs("auto", paper_epochs=30, n_batches=n_batches, updates_per_batch=updates_per_batch)
    assert epochs == expected
    assert n_batches * updates_per_batch * epochs >= min(MIN_UPDATES, 30 * n_batches)


def test_a_fit_makes_the_minimum_of_updates_when_a_last_batch_of_one_row_is_left_out(monkeypatch):
    """A probe found 65 rows in batches of 64 trained 1,000 steps (the budget counted the one-row batch
    that the loop leaves out), 64 rows 2,000."""
    monkeypatch.setattr(budget, "MIN_UPDATES", 200)
    rows = np.random.default_rng(0).normal(size=(65, 2))
    dcae = DCAE(hidden=(8,), latent_dim=2, batch_size=32, random_state=0).fit(rows)  # 2 batches, the 65th row out
    assert dcae.n_epochs_ == 100 and len(dcae.history_["reconstruction_loss"]) == 200  # 67 epochs, 134 before


def test_detectors_resolve_auto_with_their_own_updates_per_batch(monkeypatch):
    monkeypatch.setattr(budget, "MIN_UPDATES", 20)
    rows = np.random.default_rng(0).normal(size=(64, 2))
    critic = WGANCritic(hidden=(8,), batch_size=32, random_state=0).fit(rows)  # 2 batches = 0.4 G steps
    dcae = DCAE(hidden=(8,), latent_dim=2, batch_size=32, random_state=0).fit(rows)  # 2 updates per epoch
    assert critic.n_epochs_ == 50 and dcae.n_epochs_ == 50
    assert len(critic.history_["generator_loss"]) == 20


def test_a_gan_budget_counts_critic_steps_whatever_the_objective(monkeypatch):
    """10,000 critic steps by default: 2,000 generator steps of a WGAN (n_critic 5), 10,000 of the
    original GAN (n_critic 1)."""
    from ganad import AnoGAN

    assert budget.CRITIC_STEPS_PER_UPDATE * MIN_UPDATES == 10_000
    monkeypatch.setattr(budget, "MIN_UPDATES", 20)
    rows = np.random.default_rng(0).normal(size=(64, 2))
    tiny = {"hidden": (8,), "latent_dim": 2, "batch_size": 32, "random_state": 0}
    wgan = WGANCritic(**tiny).fit(rows)
    vanilla = AnoGAN(**tiny, search_steps=1).fit(rows)
    assert wgan.n_epochs_ == vanilla.n_epochs_ == 50  # 100 critic steps, 2 per epoch
    assert len(wgan.history_["generator_loss"]) == 20 and len(vanilla.history_["generator_loss"]) == 100


def test_history_ad_measures_eq_13_time_in_fifths_of_an_auto_run(monkeypatch):
    """With "auto", history_start, history_decay and saves_per_epoch keep the paper's share of the run
    (epochs 1-5 of 5)."""
    from ganad import HistoryAD

    monkeypatch.setattr(budget, "MIN_UPDATES", 40)
    rows = np.random.default_rng(0).normal(size=(64, 2))
    model = HistoryAD(hidden=(8,), batch_size=32, saves_per_epoch=4, random_state=0).fit(rows)
    assert model.n_epochs_ == 100  # 0.4 generator steps per epoch
    times = np.asarray(model.snapshot_times_)
    assert times.min() >= 1.0 and times.max() == pytest.approx(5.0) and len(times) == 4 * 4 + 1


def test_a_detector_may_ask_for_more_updates_on_rows_only(monkeypatch):
    """VAE, Deep SVDD and GANomaly train LONG_MIN_UPDATES on rows, DSEBM twice as many (their validation curves
    rose up to them), DCAE MIN_UPDATES; on images every detector keeps MIN_UPDATES."""
    from ganad import GANomaly
    from ganad.detectors.baselines import DSEBM, VAE, DeepSVDD

    assert (VAE.min_updates, DSEBM.min_updates, DeepSVDD.min_updates, GANomaly.min_updates, DCAE.min_updates) == (
        budget.LONG_MIN_UPDATES, 2 * budget.LONG_MIN_UPDATES, budget.LONG_MIN_UPDATES, budget.LONG_MIN_UPDATES,
        None)
    monkeypatch.setattr(budget, "MIN_UPDATES", 20)
    monkeypatch.setattr(VAE, "min_updates", 60)
    rows = np.random.default_rng(0).normal(size=(64, 2))
    tiny = {"hidden": (8,), "latent_dim": 2, "batch_size": 32, "random_state": 0}
    assert VAE(**tiny).fit(rows).n_epochs_ == 50  # the paper's 50 epochs already make 100 updates
    assert VAE(**{**tiny, "batch_size": 64}).fit(rows).n_epochs_ == 60
    assert DCAE(**{**tiny, "batch_size": 64}).fit(rows).n_epochs_ == 50
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 16 * 16)).astype(np.float32)
    assert VAE(image_shape=(1, 16, 16), latent_dim=2, conv_width=4, batch_size=8,
               random_state=0).fit(images).n_epochs_ == 50


def test_history_ad_trains_d_tv_for_its_own_minimum_of_updates(monkeypatch):
    """D_TV's "auto" epochs reach ``TV_MIN_UPDATES`` (6,000: its validation curve rose to it), apart from the GAN's."""
    from ganad import HistoryAD
    from ganad.detectors.history.history_ad import TV_MIN_UPDATES

    assert HistoryAD.tv_min_updates == TV_MIN_UPDATES == 6000
    monkeypatch.setattr(HistoryAD, "tv_min_updates", 8)
    rows = np.random.default_rng(0).normal(size=(64, 2))
    model = HistoryAD(hidden=(8,), batch_size=32, saves_per_epoch=4, n_epochs=5, random_state=0).fit(rows)
    assert len(model.history_["tv_loss"]) == 8  # 4 epochs of 2 updates
    model = HistoryAD(hidden=(8,), batch_size=32, saves_per_epoch=4, n_epochs=5, tv_epochs=1, random_state=0).fit(rows)
    assert len(model.history_["tv_loss"]) == 2
