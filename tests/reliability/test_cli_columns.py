"""Issue 11, cases 2-4: a CSV's header, column names and index column are never misread.

2. A numeric header (``0,1,2``, pandas' default integer column names) was read as a data
   row: one score too many, every label shifted by one.
3. A file with its columns in another order was scored silently (median score in the
   millions); the model now keeps the training header's names and matches them.
4. pandas' unnamed index column (``,a,b,c`` above 0, 1, 2...) was trained on as a feature.
"""

import numpy as np
import pytest

import ganad
from ganad.cli.main import main
from ganad.data import read_array
from ganad.data.files import column_names

TINY = ["--param", "n_epochs=1", "--param", "batch_size=32", "--param", "hidden=(16,16)",
        "--seed", "0", "--device", "cpu"]
N_ROWS = 40
X = np.random.default_rng(0).normal(size=(N_ROWS, 3)) * [1.0, 100.0, 1e4]  # columns of very different scales


def write_csv(path, rows, header=None, index=False):
    """A CSV as pandas' ``to_csv`` writes it: floats with a point, the index as 0, 1, 2..."""
    lines = [] if header is None else [("," if index else "") + header]
    lines += [(f"{i}," if index else "") + ",".join(repr(float(v)) for v in row) for i, row in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(argv):
    return main([str(arg) for arg in argv])


def fit(data, out, *extra):
    return run(["fit", data, "--method", "wgan-critic", "--out", out, *TINY, *extra])


def score(model, data, out, *extra):
    """The anomaly scores ``ganad score`` writes for ``data``."""
    assert run(["score", model, data, "--out", out, "--device", "cpu", *extra]) == 0
    return np.loadtxt(out, delimiter=",", skiprows=1, ndmin=1)


@pytest.fixture(scope="module")
def named_model(tmp_path_factory):
    """A model fitted on a CSV with the header ``a,b,c``."""
    folder = tmp_path_factory.mktemp("named")
    assert fit(write_csv(folder / "train.csv", X, "a,b,c"), folder / "model") == 0
    return folder / "model"


@pytest.fixture(scope="module")
def reference_scores(named_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    return score(named_model, write_csv(folder / "plain.csv", X), folder / "scores.csv")


# --- case 2: header detection -------------------------------------------------------------

def test_a_numeric_header_is_not_a_data_row(tmp_path, capsys):
    data = write_csv(tmp_path / "pandas.csv", X, "0,1,2")
    assert fit(data, tmp_path / "model") == 0
    assert f"fitted on {N_ROWS} rows x 3 features" in capsys.readouterr().out
    scores = score(tmp_path / "model", data, tmp_path / "scores.csv")
    assert scores.shape == (N_ROWS,)
    np.testing.assert_array_equal(scores, score(tmp_path / "model", write_csv(tmp_path / "plain.csv", X),
                                                tmp_path / "plain_scores.csv"))


@pytest.mark.parametrize("text, header", [
    ("a,b\n1.5,2.5\n", True),  # a cell that is not a number
    ("0,1\n1.5,2.5\n", True),  # labels 0..n-1 above non-integer data
    ("3,5,7\n1.0,2.0,3.0\n", True),  # increasing labels (a column subset) above non-integer data
    (",0,1\n0,1.5,2.5\n", True),  # an empty first cell: pandas' index header
    ("10,20\n30,40\n", False),  # increasing integers, but not 0..n-1, above integers
    ("1,0\n1.5,2.5\n", False),  # not increasing: data
    ("0.0,1.0\n1.5,2.5\n", False),  # written as floats: data
    ("0,-1\n1.5,2.5\n", False),  # a sign: data
])
def test_header_rule(tmp_path, text, header):
    path = tmp_path / "data.csv"
    path.write_text(text)
    n_lines = len(text.splitlines())
    assert (column_names(path, index_column="keep") is not None) == header
    assert len(read_array(path, index_column="keep")) == n_lines - header


def test_labels_above_integer_data_are_refused_as_ambiguous(tmp_path, capsys):
    data = tmp_path / "counts.csv"
    data.write_text("0,1,2\n3,1,4\n1,5,9\n")
    assert fit(data, tmp_path / "model") == 2
    err = capsys.readouterr().err
    assert "cannot tell whether the first line" in err and "--header yes|no" in err
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("header, n_rows", [("yes", 2), ("no", 3)])
def test_header_option_decides(tmp_path, capsys, header, n_rows):
    data = tmp_path / "counts.csv"
    data.write_text("0,1,2\n3,1,4\n1,5,9\n")
    assert fit(data, tmp_path / "model", "--header", header) == 0
    assert f"fitted on {n_rows} rows x 3 features" in capsys.readouterr().out


def test_numeric_training_names_above_integers_are_ambiguous_at_score_time(tmp_path, capsys):
    """``10,20,30`` above integers may be the model's names or a row of counts: taking it for the header lost a
    headerless first row equal to the names in any order, and swapped the next rows' columns (a probe), so it
    is refused, asking --header; above non-integer rows it is the header."""
    assert fit(write_csv(tmp_path / "train.csv", X, "10,20,30"), tmp_path / "model") == 0
    counts = tmp_path / "counts.csv"
    counts.write_text("10,20,30\n1,2,3\n4,5,6\n")
    assert main(["score", str(tmp_path / "model"), str(counts), "--out", str(tmp_path / "s.csv")]) == 2
    assert "cannot tell whether the first line '10,20,30' is a header" in capsys.readouterr().err
    assert score(tmp_path / "model", counts, tmp_path / "scores.csv", "--header", "yes").shape == (2,)
    assert score(tmp_path / "model", counts, tmp_path / "scores.csv", "--header", "no").shape == (3,)
    counts.write_text("10,20,30\n1.5,2,3\n4,5,6\n")
    assert score(tmp_path / "model", counts, tmp_path / "scores.csv").shape == (2,)


# --- case 3: column names -----------------------------------------------------------------

def test_the_model_keeps_the_training_column_names(named_model):
    assert list(ganad.load(named_model, device="cpu").feature_names_in_) == ["a", "b", "c"]


def test_reordered_columns_are_matched_by_name(named_model, reference_scores, tmp_path):
    shuffled = write_csv(tmp_path / "shuffled.csv", X[:, [2, 0, 1]], "c,a,b")
    np.testing.assert_array_equal(score(named_model, shuffled, tmp_path / "scores.csv"), reference_scores)


def test_a_file_without_header_is_matched_by_position(named_model, reference_scores, tmp_path, recwarn):
    scores = score(named_model, write_csv(tmp_path / "plain.csv", X), tmp_path / "scores.csv")
    np.testing.assert_array_equal(scores, reference_scores)
    assert not [w for w in recwarn if "feature names" in str(w.message)]


def test_a_named_file_scored_by_a_model_without_names_warns_that_it_goes_by_position(tmp_path, capsys):
    """A model fitted on a file without a header scored a file whose header reorders the columns silently."""
    assert fit(write_csv(tmp_path / "train.csv", X), tmp_path / "model") == 0
    capsys.readouterr()
    score(tmp_path / "model", write_csv(tmp_path / "shuffled.csv", X[:, [2, 0, 1]], "c,a,b"), tmp_path / "s.csv")
    assert "fitted without column names, so the columns of" in capsys.readouterr().err
    score(tmp_path / "model", write_csv(tmp_path / "plain.csv", X), tmp_path / "s.csv")
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("header, message", [
    ("a,b,d", "missing ['c']; not expected ['d']"),
    ("a,b,b", "repeats the column name(s) ['b']"),
])
def test_other_columns_are_refused_by_name(named_model, tmp_path, capsys, header, message):
    out = tmp_path / "scores.csv"
    assert run(["score", named_model, write_csv(tmp_path / "other.csv", X, header), "--out", out,
                "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: ") and message in err
    assert not out.exists()


def test_fit_refuses_repeated_column_names(tmp_path, capsys):
    assert fit(write_csv(tmp_path / "train.csv", X, "a,b,a"), tmp_path / "model") == 2
    assert "repeats the column name(s) ['a']" in capsys.readouterr().err
    assert not (tmp_path / "model").exists()


# --- case 4: pandas' index column ---------------------------------------------------------

@pytest.mark.parametrize("header", ["a,b,c", "0,1,2"])
def test_an_unnamed_index_column_is_refused(tmp_path, capsys, header):
    data = write_csv(tmp_path / "indexed.csv", X, header, index=True)
    assert fit(data, tmp_path / "model") == 2
    err = capsys.readouterr().err
    assert "row index written by pandas" in err and "--index-column drop|keep" in err
    assert not (tmp_path / "model").exists()


def test_index_column_drop_and_keep(tmp_path, capsys):
    data = write_csv(tmp_path / "indexed.csv", X, "a,b,c", index=True)
    assert fit(data, tmp_path / "dropped", "--index-column", "drop") == 0
    assert f"fitted on {N_ROWS} rows x 3 features" in capsys.readouterr().out
    assert list(ganad.load(tmp_path / "dropped", device="cpu").feature_names_in_) == ["a", "b", "c"]
    assert fit(data, tmp_path / "kept", "--index-column", "keep") == 0
    assert f"fitted on {N_ROWS} rows x 4 features" in capsys.readouterr().out


def test_scoring_drops_the_index_only_when_told(named_model, reference_scores, tmp_path, capsys):
    data = write_csv(tmp_path / "indexed.csv", X, "a,b,c", index=True)
    assert run(["score", named_model, data, "--out", tmp_path / "refused.csv", "--device", "cpu"]) == 2
    assert "row index written by pandas" in capsys.readouterr().err
    scores = score(named_model, data, tmp_path / "scores.csv", "--index-column", "drop")
    np.testing.assert_array_equal(scores, reference_scores)
