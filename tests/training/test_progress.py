"""verbose=1 without a terminal: one progress line per epoch on stderr (a tqdm bar on a terminal)."""

import re

import numpy as np

from ganad import WGANEncoder
from ganad.detectors.baselines import DCAE

TINY = {"n_epochs": 1, "batch_size": 32, "hidden": (16, 8), "device": "cpu", "random_state": 0}


def _epoch_lines(text, phase):
    return re.findall(rf"^{phase}: epoch (\d+)/(\d+) \([\d.]+ s\)", text, flags=re.M)


def test_one_line_per_epoch_when_stderr_is_not_a_terminal(capsys):
    rows = np.random.default_rng(0).normal(size=(64, 3))
    DCAE(**{**TINY, "n_epochs": 3}, latent_dim=2, verbose=1).fit(rows)
    WGANEncoder(**TINY, encoder_epochs=2, verbose=1).fit(rows)  # n_epochs=1 (TINY)
    err = capsys.readouterr().err
    assert _epoch_lines(err, "training")[:3] == [("1", "3"), ("2", "3"), ("3", "3")]
    assert _epoch_lines(err, "training")[3:] == [("1", "1")]  # the WGAN's epoch, then its encoder's
    assert _epoch_lines(err, "encoder") == [("1", "2"), ("2", "2")]
    assert "encoder_loss=" in err


def test_silent_by_default(capsys):
    DCAE(**TINY, latent_dim=2).fit(np.random.default_rng(0).normal(size=(64, 3)))
    assert capsys.readouterr().err == ""
