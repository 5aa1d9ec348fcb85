"""Loss terms pinned against hand-computed values."""

import math

import pytest
import torch

from ganad.nets import LatentPrior
from ganad.training import clip_weights, gradient_penalty
from ganad.training.losses import (discriminator_loss, generator_loss, wasserstein_estimate,
                                   wasserstein_generator_loss)


def linear_critic(weights):
    critic = torch.nn.Linear(len(weights), 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([weights]))
    return lambda x: critic(x).squeeze(-1)


def test_gradient_penalty_of_a_linear_critic():
    # grad_x f = w everywhere, so the penalty is weight * (||w|| - 1)^2 = 10 * (5 - 1)^2.
    critic = linear_critic([3.0, 4.0])
    real, fake = torch.randn(6, 2), torch.randn(6, 2)
    penalty = gradient_penalty(critic, real, fake, weight=10.0, generator=torch.Generator().manual_seed(0))
    assert penalty.item() == pytest.approx(160.0)


def test_gradient_penalty_is_shape_agnostic():
    critic = linear_critic([0.6] * 12)  # norm sqrt(12 * 0.36) = 2.078...
    real, fake = torch.randn(4, 3, 2, 2), torch.randn(4, 3, 2, 2)
    flat = lambda x: critic(x.flatten(1))  # noqa: E731
    penalty = gradient_penalty(flat, real, fake, weight=1.0, generator=torch.Generator().manual_seed(0))
    assert penalty.item() == pytest.approx((math.sqrt(12 * 0.36) - 1) ** 2, rel=1e-5)


def test_wasserstein_terms():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([-1.0, 0.0])
    assert wasserstein_estimate(real, fake).item() == pytest.approx(2.5)  # Eq. 26
    assert wasserstein_generator_loss(fake).item() == pytest.approx(0.5)  # Eq. 25


def test_gan_terms_at_an_undecided_discriminator():
    zero = torch.zeros(3)  # D = sigmoid(0) = 1/2
    assert discriminator_loss(zero, zero).item() == pytest.approx(2 * math.log(2))
    assert generator_loss(zero, saturating=True).item() == pytest.approx(-math.log(2))  # log(1 - 1/2)
    assert generator_loss(zero, saturating=False).item() == pytest.approx(math.log(2))  # -log(1/2)


def test_clip_weights():
    layer = torch.nn.Linear(3, 3)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        layer.bias.fill_(-0.5)
    clip_weights(layer, 0.01)
    assert layer.weight.max().item() == pytest.approx(0.01)
    assert layer.bias.min().item() == pytest.approx(-0.01)


def test_normal_prior_log_density_is_the_coordinate_mean():
    prior = LatentPrior("normal", 2)
    z = torch.tensor([[0.0, 2.0]])
    expected = (-0.5 * math.log(2 * math.pi) + (-2.0 - 0.5 * math.log(2 * math.pi))) / 2
    assert prior.log_prob(z).item() == pytest.approx(expected)
