"""``ganad fit`` / ``ganad score`` on Parquet files, through the data layer (issue 17).

The command line reads and writes files only through ``ganad.data``: a Parquet file's
column names become the model's feature names, a reordered file is matched by name, and
``--out scores.parquet`` writes Parquet with the CSV's columns and values.
"""

import numpy as np
import pytest

import ganad
from ganad.cli.main import main

pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow: pip install ganad[parquet]")
pq = pytest.importorskip("pyarrow.parquet")

TINY = ["--param", "n_epochs=1", "--param", "batch_size=32", "--param", "hidden=(16,16)",
        "--seed", "0", "--device", "cpu"]
X = np.random.default_rng(0).normal(size=(40, 3)) * [1.0, 100.0, 1e4]
NAMES = ("a", "b", "c")


def run(*argv):
    return main([str(arg) for arg in argv])


def write_parquet(path, rows, names=NAMES):
    pq.write_table(pa.table({name: rows[:, i] for i, name in enumerate(names)}), path, row_group_size=16)
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parquet")
    assert run("fit", write_parquet(folder / "train.parquet", X), "--method", "wgan-critic",
               "--out", folder / "model", *TINY) == 0
    return folder / "model"


def test_fit_keeps_the_parquet_column_names(model):
    assert tuple(ganad.load(model, device="cpu").feature_names_in_) == NAMES


def test_score_matches_by_name_and_writes_parquet_like_csv(model, tmp_path):
    shuffled = write_parquet(tmp_path / "shuffled.parquet", X[:, [2, 0, 1]], ("c", "a", "b"))
    assert run("score", model, shuffled, "--out", tmp_path / "scores.parquet", "--labels",
               "--chunk-rows", "7", "--device", "cpu") == 0
    plain = tmp_path / "plain.csv"
    np.savetxt(plain, X, delimiter=",")
    assert run("score", model, plain, "--out", tmp_path / "scores.csv", "--labels",
               "--chunk-rows", "7", "--device", "cpu") == 0  # the same chunks: float32 sums depend on them
    table = pq.read_table(tmp_path / "scores.parquet")
    assert table.column_names == ["anomaly_score", "label"]
    expected = np.loadtxt(tmp_path / "scores.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(np.column_stack([table.column(0).to_numpy(), table.column(1).to_numpy()]),
                                  expected)


def test_other_columns_and_text_are_refused_in_one_line(model, tmp_path, capsys):
    other = write_parquet(tmp_path / "other.parquet", X, ("a", "b", "d"))
    assert run("score", model, other, "--out", tmp_path / "scores.parquet", "--device", "cpu") == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: ") and "missing ['c']; not expected ['d']" in err
    text = tmp_path / "text.parquet"
    pq.write_table(pa.table({"a": X[:2, 0], "b": ["1", "2"], "c": X[:2, 2]}), text)
    assert run("score", model, text, "--out", tmp_path / "scores.parquet", "--device", "cpu") == 2
    err = capsys.readouterr().err
    assert "non-numeric cell '1' in row 1, column 2 ('b')" in err and err.count("\n") == 1
    assert not (tmp_path / "scores.parquet").exists()
