"""The shared adversarial loop: epochs, step ratio, history."""

import math

import pytest
import torch

from ganad.nets import LatentPrior, MLPConfig, MLPCritic, MLPGenerator
from ganad.training import TRAINERS, TrainingDivergedError


def make_trainer(name, batch_size=16, **options):
    config = MLPConfig(n_features=2, hidden=(8,))
    torch.manual_seed(0)
    generator, critic = MLPGenerator(config), MLPCritic(config)
    trainer_class = TRAINERS[name]
    g_opt, c_opt = trainer_class.make_optimizers(generator, critic, options.pop("learning_rate", None))
    return trainer_class(generator, critic, LatentPrior("normal", 2), generator_optimizer=g_opt,
                         critic_optimizer=c_opt, n_critic=trainer_class.default_n_critic,
                         batch_size=batch_size, rng=torch.Generator().manual_seed(0), **options)


@pytest.mark.parametrize("name, n_critic", [("wgan-gp", 5), ("wgan-clip", 5), ("vanilla", 1)])
def test_an_epoch_is_a_full_pass(name, n_critic):
    data = torch.randn(100, 2)
    history = make_trainer(name).fit(data, 3)
    critic_key = "discriminator_loss" if name == "vanilla" else "critic_loss"
    critic_steps = 3 * math.ceil(100 / 16)
    assert len(history[critic_key]) == critic_steps
    assert len(history["generator_loss"]) == critic_steps // n_critic


def test_paper_optimisers():
    gp, clip, gan = (make_trainer(n) for n in ("wgan-gp", "wgan-clip", "vanilla"))
    assert isinstance(gp.critic_optimizer, torch.optim.Adam)
    assert gp.critic_optimizer.defaults["lr"] == 1e-4 and gp.critic_optimizer.defaults["betas"] == (0.5, 0.9)
    assert isinstance(clip.critic_optimizer, torch.optim.RMSprop) and clip.critic_optimizer.defaults["lr"] == 5e-5
    assert gan.generator_optimizer.defaults["betas"] == (0.5, 0.999)


def test_clipping_keeps_critic_in_the_box():
    trainer = make_trainer("wgan-clip", clip_value=0.01, learning_rate=0.1)
    trainer.fit(torch.randn(64, 2), 2)
    assert max(p.abs().max().item() for p in trainer.critic.parameters()) <= 0.01


def test_non_finite_loss_raises():
    trainer = make_trainer("wgan-gp", learning_rate=1e35)
    with pytest.raises(TrainingDivergedError, match="epoch 1"):
        trainer.fit(torch.randn(200, 2), 2)
