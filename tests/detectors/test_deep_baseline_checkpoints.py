"""The deep baselines on the shared epoch loop: checkpoints, resume and the progress display.

The resume-equals-uninterrupted check of every resumable detector, the deep baselines included, is
in ``test_contract.py``; here only Deep SVDD's soft-boundary radius, a fitted value beyond the
networks that the contract's default settings do not exercise.
"""

import numpy as np
import pytest

from ganad.detectors.baselines import DAGMM, DCAE, DSEBM, VAE, DeepSVDD

X = np.random.default_rng(0).normal(size=(96, 3))
TINY = {"hidden": (8,), "latent_dim": 2, "batch_size": 32, "device": "cpu", "random_state": 0}
BASELINES = {
    "dcae": (DCAE, {}),
    "vae": (VAE, {}),
    "dsebm": (DSEBM, {}),
    "dagmm": (DAGMM, {"n_mixture_components": 2}),
    "deep-svdd": (DeepSVDD, {"objective": "soft-boundary", "warm_up_epochs": 1}),  # its radius is checkpointed
}


def make(name, **params):
    cls, settings = BASELINES[name]
    return cls(**{**TINY, **settings, **params})


def test_resumed_soft_boundary_fit_equals_uninterrupted(tmp_path):
    name = "deep-svdd"
    path = tmp_path / "run.ckpt"
    whole = make(name, n_epochs=3).fit(X)
    make(name, n_epochs=2, checkpoint_path=path).fit(X)
    resumed = make(name, n_epochs=3, checkpoint_path=path, resume=True).fit(X)
    np.testing.assert_array_equal(resumed.anomaly_score(X), whole.anomaly_score(X))
    for key in whole.history_.keys():
        np.testing.assert_array_equal(resumed.history_[key], whole.history_[key])


def test_checkpoint_of_other_settings_is_refused(tmp_path):
    path = tmp_path / "run.ckpt"
    make("dcae", n_epochs=1, checkpoint_path=path).fit(X)
    with pytest.raises(ValueError, match=r"learning_rate=0.001, .*this fit asks learning_rate=0.01\b"):
        make("dcae", n_epochs=2, learning_rate=1e-2, checkpoint_path=path, resume=True).fit(X)
    with pytest.raises(ValueError, match="detector=DCAE, .*this fit asks detector=VAE"):
        make("vae", n_epochs=2, checkpoint_path=path, resume=True).fit(X)


def test_progress_lines_with_verbose_and_after_resume(tmp_path, capsys):
    path = tmp_path / "run.ckpt"
    make("dcae", n_epochs=2, checkpoint_path=path, verbose=1).fit(X)
    make("dcae", n_epochs=3, checkpoint_path=path, resume=True, verbose=1).fit(X)
    lines = [line.split(" (")[0] for line in capsys.readouterr().err.splitlines()]
    assert lines == ["training: epoch 1/2", "training: epoch 2/2", "training: epoch 3/3"]
