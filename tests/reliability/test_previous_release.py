"""Model files written by the previous release load and score identically.

``previous_release/`` holds one tiny model per savable detector, saved by ganad 0.1.0 at commit
59272f1 (before issue 18 moved modules, merged the training loops and declared each
hyperparameter once), with the scores that release gave (``make_models.py`` wrote them).
"Identically" is to float32 rounding (relative 1e-5): the kernels torch runs, and so the last
bits of a float32 score, depend on the CPU's instruction set (bit-identical on the machines
these files were written and tested on; 1e-7 to 2e-6 apart, relative, on an AVX-512 one).
A detector whose score was changed on purpose since (``SCORE_CHANGED``, with the reason) must
still load and flag the same rows.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import ganad
from ganad.registry import DETECTORS

FOLDER = Path(__file__).parent / "previous_release"
EXPECTED = json.loads((FOLDER / "expected.json").read_text())
SCORE_CHANGED = {"wgan-critic": "issue 13: both sides of the critic's median in one scale (wgan README); "
                                "§5.1's interval, the rows scoring above 1, unchanged"}


def test_every_savable_detector_has_a_model_of_the_previous_release():
    savable = {name for name, cls in DETECTORS.items() if cls.savable}
    assert savable == set(EXPECTED["scores"])


@pytest.mark.parametrize("name", sorted(set(EXPECTED["scores"]) - set(SCORE_CHANGED)))
def test_a_model_of_the_previous_release_scores_identically(name):
    detector = ganad.load(FOLDER / name)
    assert type(detector) is DETECTORS[name]
    scores = detector.anomaly_score(np.array(EXPECTED["rows"]))
    np.testing.assert_allclose(scores, np.array(EXPECTED["scores"][name]), rtol=1e-5, atol=0)


@pytest.mark.parametrize("name", sorted(SCORE_CHANGED))
def test_a_model_of_the_previous_release_whose_score_changed_flags_the_same_rows(name):
    detector = ganad.load(FOLDER / name)
    scores = detector.anomaly_score(np.array(EXPECTED["rows"]))
    before = np.array(EXPECTED["scores"][name])
    assert not np.allclose(scores, before), f"{name}'s score no longer differs: remove it from SCORE_CHANGED"
    np.testing.assert_array_equal(scores > 1, before > 1)
