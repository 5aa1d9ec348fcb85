"""DCGAN networks on any square image that halves to 4x4 or more, among them the 9 x 128 x 128
distance plots of Haloui et al. §6 (Eq. 24)."""

import pytest
import torch

from ganad.nets import DCGANConfig, DCGANCritic, DCGANEncoder, DCGANGenerator
from ganad.nets.dcgan import image_stages


@pytest.mark.parametrize(("size", "stages"), [(28, (7, 2)), (32, (4, 3)), (64, (4, 4)), (128, (4, 5)),
                                              (24, (6, 2)), (10, (5, 1))])
def test_stages_halve_down_to_a_base_of_at_least_4(size, stages):
    assert image_stages(size) == stages


@pytest.mark.parametrize("image_shape", [(9, 128, 128), (1, 28, 28), (3, 32, 32)])
def test_generator_critic_and_encoder_shapes(image_shape):
    config = DCGANConfig(image_shape=image_shape, latent_dim=4, width=2)
    torch.manual_seed(0)
    z = torch.randn(3, 4)
    x = DCGANGenerator(config)(z)
    assert x.shape == (3, *image_shape) and x.abs().max() <= 1  # tanh output
    assert DCGANCritic(config)(x).shape == (3,)
    assert DCGANEncoder(config)(x).shape == (3, 4)


def test_distance_plot_networks_use_five_stages():
    config = DCGANConfig(image_shape=(9, 128, 128), latent_dim=4, width=2)
    generator, critic = DCGANGenerator(config), DCGANCritic(config)
    assert generator.base_shape == (2 * 2**4, 4, 4)  # width * 2^(stages - 1) channels at 4x4
    assert sum(isinstance(m, torch.nn.ConvTranspose2d) for m in generator.modules()) == 5
    assert critic.head.in_features == 2 * 2**4 * 4 * 4


@pytest.mark.parametrize("image_shape", [(1, 28, 32), (1, 7, 7), (1, 9, 9)])
def test_images_that_cannot_halve_to_4x4_are_refused(image_shape):
    with pytest.raises(ValueError, match="square images"):
        DCGANConfig(image_shape=image_shape)
