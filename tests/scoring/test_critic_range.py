"""Haloui et al. 2018, §5.1: the critic's training interval as a score (ganad.scoring.critic_range)."""

import pytest
import torch

from ganad.scoring import interval_score, range_score


def test_interval_score_measures_both_sides_in_the_longer_half_range():
    # training outputs in [-1, 3] with median 0: the longer half-range is 3 (above)
    values = torch.tensor([-2.0, -1.0, -0.5, 0.0, 1.5, 3.0, 6.0])
    scores = interval_score(values, (-1.0, 3.0), 0.0)
    assert scores.tolist() == pytest.approx([1 + 1 / 3, 1 / 3, 0.5 / 3, 0.0, 0.5, 1.0, 2.0])


def test_interval_score_is_above_one_exactly_outside_the_training_range():
    value_range, median = (-1.0, 3.0), 0.0
    values = torch.linspace(-3.0, 5.0, 81)
    outside = (values < value_range[0]) | (values > value_range[1])
    assert torch.equal(interval_score(values, value_range, median) > 1, outside)


def test_interval_score_flags_both_ends_unlike_the_one_sided_fold():
    # a value just below the maximum is normal for the one-sided fold, anomalous two-sided
    value_range, median = (0.0, 10.0), 5.0
    near_max, at_median = torch.tensor([9.9]), torch.tensor([5.0])
    assert range_score(near_max, value_range) < range_score(at_median, value_range)
    assert interval_score(near_max, value_range, median) > interval_score(at_median, value_range, median)


def test_interval_score_of_a_constant_critic_stays_finite():
    scores = interval_score(torch.tensor([1.0, 1.0, 2.0]), (1.0, 1.0), 1.0)
    assert torch.isfinite(scores).all() and scores[2] > scores[0] == 0.0
