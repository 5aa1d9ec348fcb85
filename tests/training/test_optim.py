"""``ganad.training.optim.adam``: PyTorch's fused Adam where it runs, the same update up to rounding."""

import pytest
import torch

from ganad.training.optim import adam


def _net(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))


def _train(net, optimizer, steps=20):
    x = torch.randn(32, 3, generator=torch.Generator().manual_seed(1))
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        net(x).pow(2).mean().backward()
        optimizer.step()


def test_fused_on_cpu_float_parameters():
    assert adam(_net(0).parameters(), lr=1e-3).param_groups[0]["fused"] is True


def test_explicit_fused_setting_is_kept():
    assert not adam(_net(0).parameters(), lr=1e-3, fused=False).param_groups[0]["fused"]


def test_parameter_groups_accepted():
    net = _net(0)
    optimizer = adam([{"params": net[0].parameters()}, {"params": net[2].parameters(), "lr": 1e-2}], lr=1e-3)
    assert [group["fused"] for group in optimizer.param_groups] == [True, True]


@pytest.mark.parametrize("options", [{"lr": 1e-3}, {"lr": 1e-4, "betas": (0.5, 0.9), "weight_decay": 1e-4}])
def test_same_update_as_torch_adam_up_to_rounding(options):
    ours, reference = _net(0), _net(0)
    _train(ours, adam(ours.parameters(), **options))
    _train(reference, torch.optim.Adam(reference.parameters(), **options))
    for a, b, start in zip(ours.parameters(), reference.parameters(), _net(0).parameters()):
        assert (a - start).abs().max() > 1e-4  # trained
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
