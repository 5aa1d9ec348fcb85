"""The training loop's shortcuts change no number: batches, gradient penalty, whole fits."""

import pytest
import torch
from torch import nn

from ganad.nets import DCGANConfig, DCGANCritic, DCGANGenerator, LatentPrior, MLPConfig, MLPCritic, MLPGenerator
from ganad.training import WGANGPTrainer, batches, gradient_penalty, penalties
from ganad.training.batches import minibatches, shuffled_batches

GP_WEIGHT = 10.0


@pytest.mark.parametrize("n_rows, batch_size", [(0, 4), (1, 4), (96, 16), (97, 16), (100, 7), (5, 1)])
@pytest.mark.parametrize("gather_bytes", [1, 100, 2**24])  # a block of one batch, of a few, of everything
def test_shuffled_batches_are_the_rows_minibatches_index(n_rows, batch_size, gather_bytes, monkeypatch):
    monkeypatch.setattr(batches, "GATHER_BYTES", gather_bytes)
    data = torch.arange(n_rows * 3.0).view(n_rows, 3)
    rng_a, rng_b = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    expected = [data[index] for index in minibatches(n_rows, batch_size, rng_a)]
    got = list(shuffled_batches(data, batch_size, rng_b))
    assert len(got) == len(expected)
    assert all(torch.equal(a, b) for a, b in zip(got, expected))
    assert torch.equal(rng_a.get_state(), rng_b.get_state())


class FunctionalCritic(nn.Module):
    """ReLUs called as functions and methods, an in-place one, and a smooth activation."""

    def __init__(self):
        super().__init__()
        self.a, self.b, self.c, self.d = nn.Linear(3, 8), nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 1)

    def forward(self, x):
        h = torch.relu(self.a(x)).tanh()
        h = nn.functional.relu(self.b(h), inplace=True)
        return self.d(self.c(h).relu()).squeeze(-1)


def _critics():
    torch.manual_seed(0)
    mlp = MLPCritic(MLPConfig(n_features=3, hidden=(8, 8)))
    conv = DCGANCritic(DCGANConfig(image_shape=(2, 28, 28), width=4))
    conv_bn = DCGANCritic(DCGANConfig(image_shape=(1, 32, 32), width=4, critic_batch_norm=True))
    return [(mlp, (16, 3)), (conv, (6, 2, 28, 28)), (conv_bn, (6, 1, 32, 32)), (FunctionalCritic(), (16, 3))]


def reference_penalty(critic, real, fake, *, weight, generator):
    """Haloui Eq. 11 written out as a plain PyTorch loop does it."""
    eps = torch.rand((real.shape[0],) + (1,) * (real.ndim - 1), generator=generator, dtype=real.dtype)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * (grad.flatten(1).norm(2, dim=1) - 1).pow(2).mean()


def _penalty_and_gradients(penalty_fn, critic, real, fake):
    critic.zero_grad(set_to_none=True)
    penalty = penalty_fn(critic, real, fake, weight=GP_WEIGHT, generator=torch.Generator().manual_seed(3))
    penalty.backward()
    # a parameter that changes only where the activations switch gets no gradient or a zero one
    return penalty.detach(), [torch.zeros_like(p) if p.grad is None else p.grad.clone() for p in critic.parameters()]


@pytest.mark.parametrize("min_numel", [0, penalties.CONSTANT_SLOPES_MIN_NUMEL])  # with and without ConstantSlopes
@pytest.mark.parametrize("index", range(4))
def test_gradient_penalty_equals_the_plain_formula_bit_for_bit(index, min_numel, monkeypatch):
    monkeypatch.setattr(penalties, "CONSTANT_SLOPES_MIN_NUMEL", min_numel)
    critic, shape = _critics()[index]
    real, fake = torch.randn(shape), torch.randn(shape)
    penalty, grads = _penalty_and_gradients(gradient_penalty, critic, real, fake)
    expected, expected_grads = _penalty_and_gradients(reference_penalty, critic, real, fake)
    assert torch.equal(penalty, expected)
    assert all(torch.equal(a, b) for a, b in zip(grads, expected_grads))


def _graph_nodes(tensor):
    seen, stack = set(), [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node not in seen:
            seen.add(node)
            stack.extend(next_node for next_node, _ in node.next_functions)
    return {type(node).__name__ for node in seen}


@pytest.mark.parametrize("index", range(2))
def test_gradient_penalty_does_not_differentiate_the_activation_masks(index, monkeypatch):
    monkeypatch.setattr(penalties, "CONSTANT_SLOPES_MIN_NUMEL", 0)
    critic, shape = _critics()[index]
    real, fake = torch.randn(shape), torch.randn(shape)
    generator = torch.Generator().manual_seed(3)
    masks = {"ReluBackward0", "LeakyReluBackward0"}
    assert masks & _graph_nodes(reference_penalty(critic, real, fake, weight=1.0, generator=generator))
    assert not masks & _graph_nodes(gradient_penalty(critic, real, fake, weight=1.0, generator=generator))


def _trainer(generator, critic, latent_dim, batch_size):
    g_opt, c_opt = WGANGPTrainer.make_optimizers(generator, critic)
    return WGANGPTrainer(generator, critic, LatentPrior("normal", latent_dim), generator_optimizer=g_opt,
                         critic_optimizer=c_opt, n_critic=5, batch_size=batch_size,
                         rng=torch.Generator().manual_seed(7), gp_weight=GP_WEIGHT)


def plain_wgan_gp(generator, critic, data, *, latent_dim, batch_size, n_epochs):
    """Algorithm 2 as a plain PyTorch loop, with the trainer's draws in the trainer's order."""
    g_opt, c_opt = WGANGPTrainer.make_optimizers(generator, critic)
    rng = torch.Generator().manual_seed(7)
    critic_steps = 0
    for _ in range(n_epochs):
        order = torch.randperm(len(data), generator=rng)
        for start in range(0, len(data), batch_size):
            real = data[order[start:start + batch_size]]
            if len(real) < 2:
                break
            with torch.no_grad():
                fake = generator(torch.randn((len(real), latent_dim), generator=rng))
            distance = critic(real).mean() - critic(fake).mean()
            loss = reference_penalty(critic, real, fake, weight=GP_WEIGHT, generator=rng) - distance
            c_opt.zero_grad(set_to_none=True)
            loss.backward()
            c_opt.step()
            critic_steps += 1
            if critic_steps % 5 == 0:
                g_loss = -critic(generator(torch.randn((len(real), latent_dim), generator=rng))).mean()
                g_opt.zero_grad(set_to_none=True)
                g_loss.backward()
                g_opt.step()


@pytest.mark.parametrize("min_numel", [0, penalties.CONSTANT_SLOPES_MIN_NUMEL])
@pytest.mark.parametrize("net", ["mlp", "dcgan"])
def test_wgan_gp_fit_equals_a_plain_loop_bit_for_bit(net, min_numel, monkeypatch):
    monkeypatch.setattr(penalties, "CONSTANT_SLOPES_MIN_NUMEL", min_numel)
    if net == "mlp":
        config, nets, data = MLPConfig(n_features=2, hidden=(16, 16)), (MLPGenerator, MLPCritic), torch.randn(81, 2)
    else:
        config, nets = DCGANConfig(image_shape=(1, 28, 28), latent_dim=8, width=4), (DCGANGenerator, DCGANCritic)
        data = torch.rand(21, 1, 28, 28) * 2 - 1
    batch_size = 10  # 81 and 21 rows: the last batch has one row and is left out
    trained = []
    for train in ("ganad", "plain"):
        torch.manual_seed(0)
        generator, critic = nets[0](config), nets[1](config)
        if train == "ganad":
            _trainer(generator, critic, config.latent_dim, batch_size).fit(data, 3)
        else:
            plain_wgan_gp(generator, critic, data, latent_dim=config.latent_dim, batch_size=batch_size, n_epochs=3)
        trained.append([*generator.parameters(), *critic.parameters()])
    assert all(torch.equal(a, b) for a, b in zip(*trained))


def test_each_step_computes_only_its_own_side_s_gradients():
    config = MLPConfig(n_features=2, hidden=(8,))
    torch.manual_seed(0)
    generator, critic = MLPGenerator(config), MLPCritic(config)
    trainer = _trainer(generator, critic, config.latent_dim, 8)
    real = torch.randn(8, 2)
    trainer.critic_step(real)
    assert all(p.grad is None for p in generator.parameters())
    critic_grads = [p.grad.clone() for p in critic.parameters()]
    trainer.generator_step(real)
    assert all(p.grad is not None for p in generator.parameters())
    assert all(torch.equal(p.grad, g) for p, g in zip(critic.parameters(), critic_grads))
