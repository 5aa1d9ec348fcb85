"""Fitting and scoring a detector never moves numpy's or torch's global RNG (STYLE principle 7).

A detector seeded through ``random_state`` draws from its own generators; a hidden draw
from ``np.random`` or torch's default generator would shift every later global draw of the
user's program and make a detector's result depend on what ran before it.
"""

import numpy as np
import pytest
import torch

from ganad.registry import DETECTORS

from ..conftest import QUICK_PARAMS


@pytest.fixture(scope="module")
def tiny():
    return np.random.default_rng(0).normal(size=(32, 3))


def _global_states():
    """numpy's and torch's global RNG states, as comparable bytes."""
    name, keys, position, has_gauss, cached_gauss = np.random.get_state()
    return (name, keys.tobytes(), position, has_gauss, cached_gauss,
            torch.random.get_rng_state().numpy().tobytes())


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_fit_and_score_leave_global_rngs_alone(name, tiny):
    detector = DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0})
    before = _global_states()
    detector.fit(tiny)
    assert _global_states() == before, f"{name}.fit moved a global RNG"
    detector.score_samples(tiny)
    assert _global_states() == before, f"{name}.score_samples moved a global RNG"
