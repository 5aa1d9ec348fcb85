"""``ganad fit --impute`` and ``ganad score`` on CSV files with empty cells (issue 17).

Without ``--impute`` an empty cell stops ``fit`` (exit 2) naming its row and column; with
``--impute median`` the model stores the training medians and ``score`` reads empty cells
as NaN and fills them, scoring as the Python API does.
"""

import json

import numpy as np
import pytest

import ganad
from ganad.cli.main import main

TINY = ["--method", "dcae", "--param", "n_epochs=1", "--param", "batch_size=32", "--param", "hidden=(16,8)",
        "--param", "latent_dim=2", "--seed", "0", "--device", "cpu"]
X = np.random.default_rng(0).normal(size=(40, 3)) * [1.0, 100.0, 1e4]
X[::6, 1] = np.nan
X[2::9, 0] = np.nan


def write_csv(path, rows):
    """A CSV with the header ``a,b,c`` and an empty cell for each NaN, as pandas writes it."""
    lines = ["a,b,c"] + [",".join("" if np.isnan(v) else repr(float(v)) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(*argv):
    return main([str(arg) for arg in argv])


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """``(folder, train.csv, model folder)`` of a model fitted with ``--impute median``."""
    folder = tmp_path_factory.mktemp("impute")
    train = write_csv(folder / "train.csv", X)
    assert run("fit", train, "--out", folder / "model", "--impute", "median", *TINY) == 0
    return folder, train, folder / "model"


def test_without_impute_an_empty_cell_stops_fit_naming_its_row_and_column(tmp_path, capsys):
    train = write_csv(tmp_path / "train.csv", X)
    assert run("fit", train, "--out", tmp_path / "model", *TINY) == 2
    err = capsys.readouterr().err
    assert "missing (empty) cell in the row at line 2, column 2 ('b')" in err and "--impute" in err
    assert err.count("\n") == 1 and not (tmp_path / "model").exists()


def test_fit_with_impute_stores_the_training_medians(fitted):
    _, _, model = fitted
    config = json.loads((model / "config.json").read_text())
    assert config["params"]["impute"] == "median"
    np.testing.assert_array_equal(config["imputer"], np.nanmedian(X, axis=0))


def test_score_reads_empty_cells_and_scores_as_the_python_api(fitted):
    folder, train, model = fitted
    assert run("score", model, train, "--out", folder / "scores.csv", "--device", "cpu", "--chunk-rows", "16") == 0
    scores = np.loadtxt(folder / "scores.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(scores, ganad.load(model, device="cpu").anomaly_score(X))


def test_a_model_without_imputer_refuses_empty_cells_at_score(fitted, tmp_path, capsys):
    folder, train, _ = fitted
    complete = write_csv(tmp_path / "complete.csv", np.nan_to_num(X))
    assert run("fit", complete, "--out", tmp_path / "model", *TINY) == 0
    assert run("score", tmp_path / "model", train, "--out", tmp_path / "scores.csv", "--device", "cpu") == 2
    assert "missing (empty) cell in the row at line 2, column 2 ('b')" in capsys.readouterr().err


def test_text_cells_stay_refused_with_impute(tmp_path, capsys):
    train = write_csv(tmp_path / "train.csv", X)
    train.write_text(train.read_text().replace("\n,", "\nn/a,", 1))
    assert run("fit", train, "--out", tmp_path / "model", "--impute", "median", *TINY) == 2
    assert "non-numeric cell 'n/a'" in capsys.readouterr().err


def test_impute_is_a_flag_not_a_param(tmp_path, capsys):
    train = write_csv(tmp_path / "train.csv", X)
    assert run("fit", train, "--out", tmp_path / "model", "--param", "impute=median", *TINY) == 2
    assert "set impute with --impute, not --param" in capsys.readouterr().err
