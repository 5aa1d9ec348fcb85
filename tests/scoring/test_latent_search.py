"""The batched latent-search engine: independence of chunks, starts, optimisers and budgets."""

from functools import partial

import pytest
import torch

from ganad.scoring import adam, latent_search
from ganad.scoring.latent_search import _pairs_in_budget, cache_bytes


def squared_error(x, x_hat, z):
    return (x - x_hat).pow(2).sum(dim=1)


@pytest.fixture
def generator():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.Tanh(), torch.nn.Linear(16, 5))


@pytest.fixture
def queries():
    return torch.randn(7, 5, generator=torch.Generator().manual_seed(1))


@pytest.fixture
def starts():
    return torch.randn(4, 3, generator=torch.Generator().manual_seed(2))


ADAM = partial(torch.optim.Adam, lr=0.1, betas=(0.5, 0.999))


@pytest.mark.parametrize("adapt", [(), ("2.weight", "2.bias"), ("0.weight", "0.bias", "2.weight", "2.bias")])
def test_chunks_do_not_change_results(generator, queries, starts, adapt):
    search = partial(latent_search, generator, queries, starts, squared_error, n_steps=5, optimizer=ADAM,
                     adapt=adapt, adapt_learning_rate=1e-2)
    losses, z = search(chunk_size=None)
    for chunk in (1, 5):
        other_losses, other_z = search(chunk_size=chunk)
        torch.testing.assert_close(other_losses, losses, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(other_z, z, rtol=1e-5, atol=1e-6)
    assert losses.shape == (4, 7) and z.shape == (4, 7, 3)


def test_each_pair_is_an_independent_search(generator, queries, starts):
    losses, z = latent_search(generator, queries, starts, squared_error, n_steps=5, optimizer=ADAM)
    one_losses, one_z = latent_search(generator, queries[3:4], starts[2:3], squared_error, n_steps=5, optimizer=ADAM)
    torch.testing.assert_close(one_losses[0, 0], losses[2, 3], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(one_z[0, 0], z[2, 3], rtol=1e-5, atol=1e-6)


def test_per_query_starts(generator, queries, starts):
    per_query = starts.unsqueeze(1).expand(-1, len(queries), -1).clone()  # (R, B, d)
    per_query[:, 0] += 1.0
    losses, z = latent_search(generator, queries, per_query, squared_error, n_steps=3, optimizer=ADAM)
    shared_losses, shared_z = latent_search(generator, queries, starts, squared_error, n_steps=3, optimizer=ADAM)
    torch.testing.assert_close(losses[:, 1:], shared_losses[:, 1:])
    assert not torch.allclose(z[:, 0], shared_z[:, 0])


def test_one_sgd_step_by_hand():
    # G(z) = W z, l = ||x - W z||^2: grad_z = -2 W^T (x - W z), so z1 = z0 + 2 lr W^T (x - W z0).
    generator = torch.nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        generator.weight.copy_(torch.tensor([[1.0, 2.0], [0.0, 1.0]]))
    x, z0 = torch.tensor([[1.0, 1.0]]), torch.tensor([[0.0, 0.0]])
    losses, z = latent_search(generator, x, z0, squared_error, n_steps=1,
                              optimizer=partial(torch.optim.SGD, lr=0.1))
    torch.testing.assert_close(z[0, 0], torch.tensor([0.2, 0.6]))  # 0.2 * W^T (1, 1) = 0.2 * (1, 3)
    torch.testing.assert_close(losses[0, 0], torch.tensor(0.4**2 + 0.4**2))  # x - W z1 = (1, 1) - (1.4, 0.6)


def test_tuple_targets_reach_the_loss(generator, queries, starts):
    weights = torch.arange(len(queries), dtype=torch.float32)

    def weighted(target, x_hat, z):
        x, w = target
        return w * (x - x_hat).pow(2).sum(dim=1)

    losses, _ = latent_search(generator, (queries, weights), starts, weighted, n_steps=0, optimizer=ADAM)
    plain, _ = latent_search(generator, queries, starts, squared_error, n_steps=0, optimizer=ADAM)
    torch.testing.assert_close(losses, plain * weights)


def test_generator_is_left_as_it_was(generator, queries, starts):
    generator.train()
    before = [p.detach().clone() for p in generator.parameters()]
    latent_search(generator, queries, starts, squared_error, n_steps=3, optimizer=ADAM,
                  adapt=("0.weight",), adapt_learning_rate=0.1)
    assert generator.training and all(p.requires_grad for p in generator.parameters())
    assert all(torch.equal(a, b) for a, b in zip(before, generator.parameters()))


def test_memory_budget_sets_the_chunk(generator, queries, starts):
    per_pair = _pairs_in_budget(generator, (queries,), starts, squared_error, {}, 10**9)
    assert per_pair > 1000
    one_pair_bytes = 10**9 // per_pair
    assert _pairs_in_budget(generator, (queries,), starts, squared_error, {}, 3 * one_pair_bytes + 1) in (2, 3)
    adapted = {"2.weight": generator[2].weight}
    copies = _pairs_in_budget(generator, (queries,), starts, squared_error, adapted, 10**6)
    assert copies < 10**6 // (4 * 16 * 5 * 4)  # four 16 x 5 float32 tensors per pair, plus activations


def test_fused_adam_matches_adam(generator, queries, starts):
    reference, _ = latent_search(generator, queries, starts, squared_error, n_steps=5, optimizer=ADAM,
                                 adapt=("2.weight",), adapt_learning_rate=1e-2)
    fast, _ = latent_search(generator, queries, starts, squared_error, n_steps=5,
                            optimizer=adam(lr=0.1, betas=(0.5, 0.999), device=torch.device("cpu")),
                            adapt=("2.weight",), adapt_learning_rate=1e-2)
    torch.testing.assert_close(fast, reference, rtol=1e-5, atol=1e-6)


def test_adapted_chunks_stay_in_the_cpu_cache(generator, queries, starts):
    big = torch.nn.Linear(1000, 1000)
    state = 4 * big.weight.numel() * 4  # copy, gradient and two moments, float32
    assert _pairs_in_budget(generator, (queries,), starts, squared_error, {"w": big.weight}, 10**12) == \
        max(1, cache_bytes() // state)
    assert cache_bytes() > 2**16


def test_finds_the_preimage_of_an_identity_generator():
    generator = torch.nn.Linear(2, 2)
    with torch.no_grad():
        generator.weight.copy_(torch.eye(2))
        generator.bias.zero_()
    x = torch.tensor([[0.5, -1.0], [2.0, 0.3]])
    mse = lambda x, x_hat, z: (x - x_hat).pow(2).mean(dim=1)  # noqa: E731
    losses, z = latent_search(generator, x, torch.zeros(3, 2), mse, n_steps=500,
                              optimizer=adam(lr=0.05, betas=(0.9, 0.999), device=x.device))
    assert losses.shape == (3, 2) and z.shape == (3, 2, 2)
    torch.testing.assert_close(z[0], x, atol=1e-3, rtol=0)
    assert all(p.requires_grad for p in generator.parameters())  # unfrozen afterwards
