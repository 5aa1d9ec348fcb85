"""``resume=True`` continues only the run a checkpoint was made by (issue 11).

A checkpoint made on other data, with other settings or further than ``n_epochs`` is
refused with a ValueError before any state is loaded; networks that became non-finite are
never checkpointed. That a matching resume equals an uninterrupted run is pinned for every
resumable detector by ``test_resumed_training_equals_uninterrupted`` in
``tests/detectors/test_contract.py`` (and with GANomaly's discriminator re-initialisation in
``tests/detectors/test_ganomaly.py``).
"""

import numpy as np
import pytest
import torch
from torch import nn

from ganad.nets import LatentPrior
from ganad.registry import DETECTORS
from ganad.training import TrainingDivergedError, WGANGPTrainer
from ganad.training.checkpoint import load_checkpoint, save_checkpoint

from ..conftest import QUICK_PARAMS

# One detector per trainer family that checkpoints: WGANGPTrainer, JointTrainer, GANomalyTrainer.
FAMILIES = {"wgan-critic": {"hidden": (8,)}, "bigan": {}, "ganomaly": {"hidden": (8,)}}


def tiny(name, **params):
    return DETECTORS[name](**{**QUICK_PARAMS[name], **FAMILIES[name], "n_epochs": 2, "batch_size": 16,
                              "random_state": 0, **params})


@pytest.fixture
def data():
    return np.random.default_rng(0).normal(size=(64, 2))


@pytest.fixture
def checkpoint(tmp_path):
    return tmp_path / "run.ckpt"


@pytest.mark.parametrize("name", FAMILIES)
def test_other_data_of_the_same_shape_is_refused(name, data, checkpoint):
    tiny(name, checkpoint_path=checkpoint).fit(data)
    with pytest.raises(ValueError, match=r"was made with data=float32 \(64, 2\) sha256:\w+, this fit asks data="):
        tiny(name, n_epochs=3, checkpoint_path=checkpoint, resume=True).fit(data + 1.0)


@pytest.mark.parametrize("name", FAMILIES)
def test_changed_learning_rate_is_refused(name, data, checkpoint):
    tiny(name, learning_rate=1e-3, checkpoint_path=checkpoint).fit(data)
    with pytest.raises(ValueError, match=r"lr=0.001, .*this fit asks .*lr=0.01\b.*set resume=False"):
        tiny(name, learning_rate=1e-2, n_epochs=3, checkpoint_path=checkpoint, resume=True).fit(data)


def test_changed_objective_is_refused(data, checkpoint):
    tiny("wgan-critic", gan="wgan-gp", checkpoint_path=checkpoint).fit(data)
    with pytest.raises(ValueError, match="trainer=WGANGPTrainer.*this fit asks trainer=WGANClipTrainer"):
        tiny("wgan-critic", gan="wgan-clip", n_epochs=3, checkpoint_path=checkpoint, resume=True).fit(data)


@pytest.mark.parametrize("name", FAMILIES)
def test_n_epochs_below_the_checkpoint_is_refused(name, data, checkpoint):
    tiny(name, checkpoint_path=checkpoint).fit(data)
    with pytest.raises(ValueError, match="is at epoch 2, beyond n_epochs=1"):
        tiny(name, n_epochs=1, checkpoint_path=checkpoint, resume=True).fit(data)


def test_n_epochs_at_the_checkpoint_returns_its_model(data, checkpoint):
    trained = tiny("wgan-critic", checkpoint_path=checkpoint).fit(data)
    before = checkpoint.stat().st_mtime_ns
    resumed = tiny("wgan-critic", checkpoint_path=checkpoint, resume=True).fit(data)
    np.testing.assert_array_equal(trained.history_["critic_loss"], resumed.history_["critic_loss"])
    np.testing.assert_array_equal(trained.anomaly_score(data), resumed.anomaly_score(data))
    assert checkpoint.stat().st_mtime_ns == before  # nothing trained, nothing written


def test_checkpoint_without_fingerprint_is_refused(data, checkpoint):
    tiny("wgan-critic", checkpoint_path=checkpoint).fit(data)
    state = load_checkpoint(checkpoint)
    del state["fingerprint"]  # as an older ganad wrote it
    save_checkpoint(checkpoint, state)
    with pytest.raises(ValueError, match="records no fingerprint"):
        tiny("wgan-critic", n_epochs=3, checkpoint_path=checkpoint, resume=True).fit(data)


def test_checkpoint_of_averages_without_warm_up_is_refused(data, checkpoint):
    """Averages written before the num_updates warm-up (0.1.0) are not resumed as if they had one."""
    tiny("bigan", checkpoint_path=checkpoint).fit(data)
    state = load_checkpoint(checkpoint)
    state["fingerprint"]["ema_decay"] = "0.9999"  # as 0.1.0 wrote it
    save_checkpoint(checkpoint, state)
    with pytest.raises(ValueError, match=r"ema_decay=0\.9999, this fit asks ema_decay=0\.9999 \(num_updates warm-up\)"):
        tiny("bigan", n_epochs=3, checkpoint_path=checkpoint, resume=True).fit(data)


def trainer():
    generator, critic = nn.Linear(2, 2), nn.Linear(2, 1)
    generator_optimizer, critic_optimizer = WGANGPTrainer.make_optimizers(generator, critic)
    return WGANGPTrainer(generator, critic, LatentPrior("normal", 2), generator_optimizer=generator_optimizer,
                         critic_optimizer=critic_optimizer, n_critic=1, batch_size=16, rng=torch.Generator())


def test_a_kl_annealed_vae_resumes_only_a_run_of_the_same_length(data, checkpoint):
    """The VAE's KL schedule is a share of ``n_epochs``: extending the run would anneal over other epochs."""
    def vae(**params):
        return DETECTORS["vae"](**{**QUICK_PARAMS["vae"], "batch_size": 16, "random_state": 0,
                                   "checkpoint_path": checkpoint, **params})

    vae(n_epochs=2).fit(data)
    with pytest.raises(ValueError, match=r"n_epochs=2\b.*this fit asks .*n_epochs=3\b"):
        vae(n_epochs=3, resume=True).fit(data)
    vae(n_epochs=3, kl_warmup=0.0).fit(data)
    assert vae(n_epochs=4, kl_warmup=0.0, resume=True).fit(data).n_epochs_ == 4  # without annealing it may extend


def test_fingerprint_is_deterministic():
    data = torch.randn(64, 2)
    assert trainer().fingerprint(data) == trainer().fingerprint(data.clone())


def test_non_finite_network_is_not_checkpointed(checkpoint):
    def poison_last_step(progress, trainer):
        if progress == 1:
            with torch.no_grad():
                trainer.critic.bias.fill_(float("nan"))

    with pytest.raises(TrainingDivergedError, match="critic tensor 'bias' is not finite after epoch 1"):
        trainer().fit(torch.randn(64, 2), 1, checkpoint_path=checkpoint, on_step_end=poison_last_step)
    assert not checkpoint.exists()
