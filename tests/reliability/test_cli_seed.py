"""Issue 11, case 7: the seed ``ganad fit`` prints reproduces the model when passed back.

It used to print ``seed_``, a seed drawn *from* ``random_state``: ``--seed <printed>`` then
drew another one and trained another model.
"""

import re

import numpy as np
import pytest
from safetensors.numpy import load_file

from ganad.cli.main import main

TINY = ["--param", "n_epochs=1", "--param", "batch_size=16", "--param", "hidden=(8,8)", "--device", "cpu"]


def fit(data, out, capsys, *extra):
    """Fit wgan-critic through ``ganad fit``; returns the seed it printed."""
    assert main([str(arg) for arg in ["fit", data, "--method", "wgan-critic", "--out", out, *TINY, *extra]]) == 0
    return int(re.search(r"\(seed (\d+),", capsys.readouterr().out).group(1))


def test_the_printed_seed_refits_the_same_model(tmp_path, capsys):
    data = tmp_path / "train.npy"
    np.save(data, np.random.default_rng(0).normal(size=(48, 2)))
    seed = fit(data, tmp_path / "drawn", capsys)
    assert fit(data, tmp_path / "again", capsys, "--seed", seed) == seed
    drawn, again = (load_file(tmp_path / name / "model.safetensors") for name in ("drawn", "again"))
    assert drawn.keys() == again.keys()
    for name in drawn:
        np.testing.assert_array_equal(drawn[name], again[name], err_msg=name)


@pytest.mark.parametrize("seed", ["-1", str(2**32), "1.5", "x"])
def test_a_seed_outside_random_states_range_is_a_usage_error(tmp_path, capsys, seed):
    assert main(["fit", str(tmp_path / "d.npy"), "--method", "wgan-critic", "--out", str(tmp_path / "m"),
                 "--seed", seed]) == 2
    assert "--seed: must be an integer from 0 to 2**32 - 1" in capsys.readouterr().err
