"""Haloui et al. 2018, §5.1: a critic's output is trusted only within its range on the training data.

A critic (a WGAN critic, HistoryAD's D_TV, a discriminator's logit) is trained to separate
the data from generated samples, not to extrapolate: far from the data its output is
whatever its last linear pieces give, and it can exceed every value seen on the training
rows. A one-sided score ``-f(x)`` then ranks such a far-away row as *more* normal than
every training row. §5.1 defines the confidence interval [min, max] of the critic's output
on the training data and flags "every point outside" it, at both ends; ``range_score`` puts
that rule into the score itself:

* inside [low, high]: ``-f(x)``, the plain critic score;
* below low: ``-f(x)`` as well, which already exceeds ``-low``;
* above high: ``-low + (f(x) - high)``, above every training row's score and growing with
  the distance from the interval, like a row below it.

So a row outside the interval always scores above every training row, rows outside rank by
how far outside they are, and ``offset_ = -low`` flags exactly §5.1's two-sided rule.

``interval_score`` applies the rule at both ends *inside* the interval too, for a critic
whose value carries no direction (WGANCritic): inside [low, high] the anomaly score is the
distance from the median m of the training outputs in units of the longer half-range,
``|f - m| / S`` with ``S = max(high - m, m - low)``; outside, ``1 + (distance beyond the
interval) / S``. Every training row scores in [0, 1], §5.1's interval is exactly the rows
scoring at most 1, and inside it rows rank by ``|f - m|`` on both sides alike (one scale, so
the most extreme training row on one side does not shrink that side's scores).
"""

import numpy as np
import torch

# float32 results differ in the last bits with the batch size; this slack keeps the
# training extremes themselves inside the range whatever chunks they are scored in.
FLOAT32_SLACK = 8 * float(np.finfo(np.float32).eps)


def with_slack(value):
    """A few float32 rounding steps at the magnitude of ``value``."""
    return FLOAT32_SLACK * max(1.0, abs(value))


def training_range(values):
    """``(min, max)`` of a critic's outputs on the training rows, as floats."""
    return float(values.min()), float(values.max())


def interval_score(values, value_range, centre):
    """Two-sided anomaly score (higher = more anomalous) of critic outputs under §5.1's interval.

    ``value_range`` is (low, high) and ``centre`` the median of the training outputs: ``|f - centre| / S``
    inside the interval, ``1 + (distance beyond it) / S`` outside, with S the longer half-range.
    """
    low, high = value_range
    scale = max(high - centre, centre - low, with_slack(high), with_slack(low))
    beyond = torch.clamp(low - values, min=0) + torch.clamp(values - high, min=0)
    return torch.where(beyond > 0, 1 + beyond / scale, (values - centre).abs() / scale)


def range_score(values, value_range):
    """Anomaly score of critic outputs ``values`` (higher = more normal) under §5.1's interval ``value_range``."""
    low, high = value_range
    high = high + with_slack(high)
    return torch.where(values > high, (values - high) - low, -values)
