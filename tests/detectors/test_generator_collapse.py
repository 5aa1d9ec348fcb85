"""The check that a GAN phase learned the data's spread (``ganad.training.collapse``)."""

import warnings

import numpy as np
import pytest
import torch

from ganad.detectors.alice import common as alice_common
from ganad.nets import LatentPrior
from ganad.registry import DETECTORS
from ganad.training import collapse
from ganad.training.collapse import (MAX_MISSED_SHARE, MIN_SPREAD, GeneratorCollapseWarning,
                                     GeneratorCoverageWarning, generated_sample, missed_share, spread_ratio,
                                     warn_if_collapsed)

from ..conftest import QUICK_PARAMS


class Point(torch.nn.Module):
    """A generator that draws one point whatever z is, as a collapsed GAN does."""

    def __init__(self, n_features=2):
        super().__init__()
        self.location = torch.nn.Parameter(torch.zeros(n_features))

    def forward(self, z):
        return self.location.expand(len(z), -1)


def rows(n=500, scale=3.0, seed=0):
    return scale * torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))


def two_modes(n=1000, seed=0):
    """70 % of the rows around (-5, 0), 30 % around (5, 0)."""
    points = 0.5 * torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))
    points[:, 0] += torch.where(torch.arange(n) < 0.7 * n, -5.0, 5.0)
    return points


def first_mode(z):
    """A generator that draws the first of ``two_modes``' modes only."""
    return 0.5 * z + torch.tensor([-5.0, 0.0])


def generated_spread(generator, prior, X, *, rng):
    return spread_ratio(*generated_sample(generator, prior, X, rng=rng))


def test_spread_is_one_for_the_data_law_and_zero_for_a_point():
    prior, rng = LatentPrior("normal", 2), torch.Generator().manual_seed(1)
    assert generated_spread(lambda z: 3.0 * z, prior, rows(), rng=rng) == pytest.approx(1.0, abs=0.1)
    assert generated_spread(lambda z: 0.3 * z, prior, rows(), rng=rng) == pytest.approx(0.1, abs=0.01)
    assert generated_spread(Point(), prior, rows(), rng=rng) == 0.0
    assert generated_spread(Point(), prior, torch.ones(10, 2), rng=rng) == 1.0  # rows without spread


def test_only_a_spread_below_the_threshold_warns():
    prior = LatentPrior("normal", 2)
    with pytest.warns(GeneratorCollapseWarning, match="Point's generator did not learn the data.*spread 0 times"):
        assert warn_if_collapsed("Point", Point(), prior, rows(), rng=torch.Generator().manual_seed(1))[0] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeneratorCollapseWarning)
        spread, missed = warn_if_collapsed("Scaled", lambda z: 3.0 * z, prior, rows(),
                                           rng=torch.Generator().manual_seed(1))
    assert spread > MIN_SPREAD and missed <= MAX_MISSED_SHARE


def test_missed_share_is_the_share_of_a_mode_the_generator_never_draws():
    prior, rng = LatentPrior("normal", 2), torch.Generator().manual_seed(1)
    data = two_modes()
    assert missed_share(two_modes(seed=1), data) == 0.0
    assert missed_share(first_mode(prior.sample(1000, generator=rng, device="cpu")), data) == pytest.approx(0.3)
    assert missed_share(Point()(data), torch.ones(10, 2)) == 0.0  # rows without two distinct values: no bins


def test_a_missed_mode_warns_though_the_samples_spread():
    """The generator that draws one of two modes keeps a fifth of the spread, above ``MIN_SPREAD``: only the
    coverage check sees it."""
    with pytest.warns(GeneratorCoverageWarning, match="missed part of the data: 30% of the training rows"):
        spread, missed = warn_if_collapsed("OneMode", first_mode, LatentPrior("normal", 2), two_modes(),
                                           rng=torch.Generator().manual_seed(1))
    assert spread > MIN_SPREAD and missed == pytest.approx(0.3, abs=0.01)


def test_only_rank_zero_warns_under_data_parallel_training(monkeypatch):
    """Every rank fits the same model; one warning, rank 0's, not one per rank. The other ranks still
    compute the spread (their draws from ``rng`` are rank 0's)."""
    monkeypatch.setattr(collapse, "is_main_process", lambda: False)
    rng = torch.Generator().manual_seed(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeneratorCollapseWarning)
        assert warn_if_collapsed("Point", Point(), LatentPrior("normal", 2), rows(), rng=rng)[0] == 0.0
    assert not torch.equal(rng.get_state(), torch.Generator().manual_seed(1).get_state())


def fit_warns(name, X, **params):
    with pytest.warns(GeneratorCollapseWarning, match="did not learn the data"):
        model = DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0, **params}).fit(X)
    assert np.isfinite(model.anomaly_score(X)).all()  # a warning, not an error: the model is kept


@pytest.mark.long
def test_a_gan_detector_whose_generator_collapsed_warns_at_fit(blobs):
    fit_warns("wgan-critic", blobs[:, :2], generator=Point())


def test_the_bidirectional_detectors_check_their_generator_too(blobs, monkeypatch):
    monkeypatch.setattr(alice_common, "build_generator", lambda config: Point())
    fit_warns("bigan", blobs[:, :2])


@pytest.mark.parametrize("name, subject", [("wgan-critic", "WGANCritic's generator"), ("rcgan", "RCGAN's generator"),
                                           ("history-ad", "HistoryAD's generator history (P_G_hist)")])
def test_fit_checks_the_samples_its_score_rests_on(blobs, monkeypatch, name, subject):
    """One check per fit. HistoryAD's D_TV scores against the generator's history (Eq. 13), not its last state:
    its check reads samples of P_G_hist."""
    monkeypatch.setattr(collapse, "spread_ratio", lambda fake, real: 1.0)
    monkeypatch.setattr(collapse, "missed_share", lambda fake, real: 0.5)
    with pytest.warns(GeneratorCoverageWarning) as caught:
        DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0}).fit(blobs)
    assert [str(w.message).split(" missed part")[0] for w in caught if w.category is GeneratorCoverageWarning] == \
        [subject]
