"""``GANDetector.from_gan``: a detector built on another's trained GAN scores as the n_epochs=0 route did."""

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError

from ganad import ADGAN, AnoGAN, HistoryAD, WGANCritic, WGANEncoder, WGANInversion
from ganad.data import make_ring
from ganad.detectors.baselines import DCAE
from ganad.detectors.gan_base import GAN_PHASE

GAN = {"n_epochs": 1, "batch_size": 32, "hidden": (16, 16), "scaling": "standard", "random_state": 0, "device": "cpu"}
SCORING = {  # each class's own (scoring-phase) parameters, small
    WGANCritic: {},
    WGANInversion: {"inversion_steps": 5, "n_seeds": 2},
    WGANEncoder: {"encoder_epochs": 1},
    AnoGAN: {"search_steps": 5},
    ADGAN: {"n_seeds": 2, "search_steps": 2},
}


@pytest.fixture(scope="module")
def ring():
    return make_ring(200, random_state=0)


@pytest.fixture(scope="module")
def source(ring):
    return WGANEncoder(**GAN, encoder_epochs=1).fit(ring)


@pytest.mark.parametrize("cls", list(SCORING), ids=lambda cls: cls.__name__)
def test_from_gan_scores_as_the_networks_passed_with_no_epochs(cls, source, ring):
    reused = cls.from_gan(source, **SCORING[cls]).fit(ring)
    params = {name: value for name, value in source.get_params().items() if name in GAN_PHASE}
    params["gp_weight"] = source.gp_weight_  # "auto" resolved: the lambda the reused GAN trained with
    params["latent_dim"] = source.prior_.latent_dim  # "auto" resolved: the size of the reused GAN's z
    by_hand = cls(**{**params, "generator": source.generator_, "critic": source.critic_, "n_epochs": 0,
                     **SCORING[cls]}).fit(ring)
    assert reused.get_params() == by_hand.get_params()
    assert reused.n_epochs_ == 0
    np.testing.assert_array_equal(reused.anomaly_score(ring), by_hand.anomaly_score(ring))


def test_from_gan_copies_the_trained_networks_and_leaves_them_alone(source, ring):
    before = {name: value.clone() for name, value in source.critic_.state_dict().items()}
    critic = WGANCritic.from_gan(source, contamination=0.2).fit(ring)
    assert critic.contamination == 0.2 and critic.hidden == GAN["hidden"]
    assert critic.critic_ is not source.critic_
    for name, value in critic.critic_.state_dict().items():
        torch.testing.assert_close(value, before[name], rtol=0, atol=0)
        torch.testing.assert_close(source.critic_.state_dict()[name], before[name], rtol=0, atol=0)


def test_from_gan_refuses_what_it_cannot_reuse(source, ring):
    with pytest.raises(NotFittedError):
        WGANCritic.from_gan(WGANEncoder(**GAN))
    with pytest.raises(TypeError, match="GAN detector"):
        WGANCritic.from_gan(DCAE(n_epochs=1, hidden=(4,), latent_dim=2, random_state=0).fit(ring))
    with pytest.raises(ValueError, match="n_epochs"):
        WGANCritic.from_gan(source, n_epochs=3)


def test_from_gan_refuses_another_value_of_what_describes_the_trained_networks(ring):
    """hidden / latent_dim / scaling overrides were taken: get_params named networks it did not have, or the
    rows reached the generator scaled otherwise than it learnt (mean score 33.4 -> 0.93)."""
    source = WGANEncoder(**GAN, encoder_epochs=1).fit(ring)
    for override in ({"hidden": (64, 64)}, {"latent_dim": 3}, {"scaling": "minmax"}, {"image_shape": (1, 1, 2)}):
        name = next(iter(override))
        with pytest.raises(ValueError, match=f"from_gan: {name} must be the trained GAN's"):
            WGANCritic.from_gan(source, **override)
    assert WGANCritic.from_gan(source, hidden=list(source.hidden), contamination=0.2).contamination == 0.2


def test_from_gan_refuses_rows_framed_otherwise_than_the_sources(ring):
    """The derived fit rescaled other rows silently (the generator saw rows in another space)."""
    source = WGANEncoder(**{**GAN, "scaling": "minmax"}, encoder_epochs=1).fit(ring)
    with pytest.raises(ValueError, match="scaler_ differ"):
        WGANInversion.from_gan(source).fit(ring[:30])
    with pytest.raises(ValueError, match="n_features_in_, scaler_ differ"):
        WGANCritic.from_gan(source).fit(ring[:, :1])
    WGANCritic.from_gan(source).fit(ring)  # the source's rows
    trains_its_own = WGANCritic.from_gan(source).set_params(generator=None, critic=None, n_epochs=1)
    trains_its_own.fit(ring[:30])  # its own GAN now: any rows
    unscaled = WGANEncoder(**{**GAN, "scaling": None}, encoder_epochs=1).fit(ring)
    WGANCritic.from_gan(unscaled).fit(ring[:30])  # no scaling, no imputation: a subset of the rows serves


def test_history_ad_is_a_source_not_a_target_of_from_gan(ring):
    with pytest.raises(TypeError, match="HistoryAD cannot be built from_gan"):
        HistoryAD.from_gan(WGANEncoder(**GAN, encoder_epochs=1).fit(ring))
