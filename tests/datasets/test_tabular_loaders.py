"""Tabular loaders: the shared ODDS and KDDCUP99 files, a hand-checked KDD encoding on a tiny
file in the upstream format, and scaling fitted on the training part."""

import gzip
import importlib.util

import numpy as np
import pytest
import scipy.io

from ganad.data import load_kddcup99, load_odds, scale_on_train
from ganad.data.tabular import KDD_COLUMNS, KDD_SYMBOLIC
from tests.fake_data import kdd_row


@pytest.mark.parametrize("name, n, d, n_outliers", [
    ("thyroid", 3772, 6, 93), ("arrhythmia", 452, 274, 66), ("musk", 3062, 166, 97),
])
def test_shared_odds_sets(shared_data, name, n, d, n_outliers):
    ds = load_odds(name, data_dir=shared_data)
    assert ds.X.shape == (n, d) and ds.X.dtype == np.float64
    assert ds.y.shape == (n,) and ds.y.sum() == n_outliers and set(np.unique(ds.y)) == {0, 1}
    assert ds.image_shape is None and ds.classes == ("inlier", "outlier")


def test_odds_by_path(shared_data):
    assert load_odds(shared_data / "odds" / "thyroid.mat").X.shape == (3772, 6)


@pytest.fixture(scope="module")
def kdd(shared_data):
    return load_kddcup99(data_dir=shared_data)  # 494k rows, a few seconds: loaded once


@pytest.mark.long
def test_shared_kddcup99(kdd):
    assert kdd.X.shape == (494021, 121)
    assert kdd.y.sum() == 97278  # 'normal.' rows are the anomaly class (DAGMM / ALAD / RCGAN)
    counts = dict(zip(*np.unique(kdd.meta["attack"], return_counts=True)))
    assert counts["smurf"] == 280790 and counts["neptune"] == 107201 and len(counts) == 23
    assert len(kdd.meta["feature_names"]) == 121
    np.testing.assert_array_equal(kdd.X[:, 34:].sum(axis=1), len(KDD_SYMBOLIC))  # one-hot blocks
    assert kdd.meta["feature_names"][34:37] == ["protocol_type=icmp", "protocol_type=tcp",
                                                "protocol_type=udp"]


def test_kdd_columns_match_the_names_file(shared_data):
    lines = (shared_data / "kddcup99" / "kddcup.names").read_text().splitlines()[1:]
    features = [line.split(":") for line in lines if ":" in line]
    assert tuple(name for name, _ in features) == KDD_COLUMNS
    assert tuple(name for name, kind in features if "symbolic" in kind) == KDD_SYMBOLIC


def test_kdd_encoding_by_hand(tmp_path):
    rows = [kdd_row("tcp", "http", "SF", 0, 1, "normal", duration=2),
            kdd_row("icmp", "ecr_i", "SF", 0, 0, "smurf"),
            kdd_row("udp", "private", "REJ", 1, 0, "neptune")]
    (tmp_path / "kddcup99").mkdir()
    (tmp_path / "kddcup99" / "kddcup.data_10_percent.gz").write_bytes(
        gzip.compress(("\n".join(rows) + "\n").encode()))
    ds = load_kddcup99(data_dir=tmp_path)
    names = ds.meta["feature_names"]
    # 34 continuous + protocol 3 + service 3 + flag 2 + land 2 + logged_in 2 + 1 + 1
    assert ds.X.shape == (3, 48) and names[:2] == ["duration", "src_bytes"]
    assert names[34:] == ["protocol_type=icmp", "protocol_type=tcp", "protocol_type=udp",
                          "service=ecr_i", "service=http", "service=private", "flag=REJ",
                          "flag=SF", "land=0", "land=1", "logged_in=0", "logged_in=1",
                          "is_host_login=0", "is_guest_login=0"]
    np.testing.assert_array_equal(ds.X[0, 34:], [0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(ds.X[2, 34:], [0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1])
    assert ds.X[0, 0] == 2 and ds.X[1, 1] == 181
    assert ds.y.tolist() == [1, 0, 0]
    assert ds.meta["attack"].tolist() == ["normal", "smurf", "neptune"]


def test_odds_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"thyroid\.mat.*ganad data fetch thyroid"):
        load_odds("thyroid", data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"satellite\.mat.*odds\.cs\.stonybrook\.edu"):
        load_odds("satellite", data_dir=tmp_path)
    scipy.io.savemat(tmp_path / "bad.mat", {"X": np.zeros((3, 2)), "labels": np.zeros((3, 1))})
    with pytest.raises(ValueError, match="'X' and 'y'"):
        load_odds(tmp_path / "bad.mat")
    scipy.io.savemat(tmp_path / "half.mat", {"X": np.zeros((3, 2)), "y": np.array([[0.5], [0], [1.7]])})
    with pytest.raises(ValueError, match=r"in \{0, 1\}"):  # truncated to 0, 0, 1 before
        load_odds(tmp_path / "half.mat")
    scipy.io.savemat(tmp_path / "nan.mat", {"X": np.array([[0.0, np.nan], [1, 2]]), "y": np.array([[0], [1]])})
    with pytest.raises(ValueError, match="NaN or infinite"):
        load_odds(tmp_path / "nan.mat")
    scipy.io.savemat(tmp_path / "square.mat", {"X": np.zeros((4, 2)), "y": np.array([[0, 1], [0, 0]])})
    with pytest.raises(ValueError, match=r"square\.mat.*y as a vector of labels, got shape \(2, 2\)"):
        load_odds(tmp_path / "square.mat")  # flattened to 4 labels before
    scipy.io.savemat(tmp_path / "row.mat", {"X": np.zeros((2, 2)), "y": np.array([[0, 1]])})
    assert load_odds(tmp_path / "row.mat").y.tolist() == [0, 1]
    (tmp_path / "garbage.mat").write_bytes(b"\x00" * 10 + b"not a mat file" * 20)
    with pytest.raises(ValueError, match="garbage.mat: cannot read"):
        load_odds(tmp_path / "garbage.mat")


@pytest.mark.skipif(importlib.util.find_spec("h5py") is not None, reason="h5py is installed")
def test_matlab_73_file_needs_h5py(tmp_path):
    header = b"MATLAB 7.3 MAT-file".ljust(116) + bytes(8) + b"\x00\x02IM"  # v7.3 (HDF5) header
    (tmp_path / "http.mat").write_bytes(header + bytes(512))
    with pytest.raises(ImportError, match="pip install h5py"):
        load_odds(tmp_path / "http.mat")


def test_kdd_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="ganad data fetch kddcup99"):
        load_kddcup99(data_dir=tmp_path)


@pytest.mark.parametrize(("content", "message"), [
    (gzip.compress(b""), "holds no connection records"),
    (gzip.compress(b"\n\n"), "holds no connection records"),
    (b"not gzip at all", "cannot decompress as gzip"),
    (gzip.compress(b"0,tcp\xff\n"), "not the ASCII connection records"),
    (gzip.compress((kdd_row("tcp", "http", "SF", 0, 1, "normal") + "\n0,tcp,http\n").encode()),
     "record 2 has 3 comma-separated fields, a KDD Cup 1999 record has 42"),
    (gzip.compress(kdd_row("tcp", "http", "SF", 0, 1, "normal").replace("0,tcp", "x,tcp", 1).encode()),
     "a numeric field is not a number"),
], ids=["empty", "blank lines", "not gzip", "not ascii", "short record", "not a number"])
def test_kdd_damaged_file_is_named(tmp_path, content, message):
    folder = tmp_path / "kddcup99"
    folder.mkdir()
    (folder / "kddcup.data_10_percent.gz").write_bytes(content)
    with pytest.raises(ValueError, match=message) as error:
        load_kddcup99(data_dir=tmp_path)
    assert "kddcup.data_10_percent.gz" in str(error.value)


def test_kdd_single_record(tmp_path):
    (tmp_path / "kddcup99").mkdir()
    (tmp_path / "kddcup99" / "kddcup.data_10_percent.gz").write_bytes(
        gzip.compress(kdd_row("tcp", "http", "SF", 0, 1, "smurf").encode()))
    ds = load_kddcup99(data_dir=tmp_path)
    assert ds.X.shape == (1, 34 + 7) and ds.y.tolist() == [0]


def test_scaling_is_fitted_on_train():
    train = np.array([[0.0, 10.0], [2.0, 10.0], [4.0, 10.0]])
    test = np.array([[6.0, 11.0]])
    scaled_train, scaled_test = scale_on_train(train, test, kind="minmax")
    np.testing.assert_allclose(scaled_train[:, 0], [-1, 0, 1])
    np.testing.assert_allclose(scaled_test, [[2.0, 1.0]])  # constant column: centred, not divided
    unit_train, unit_test = scale_on_train(train, test, kind="minmax01")
    np.testing.assert_allclose(unit_train, [[0.0, 0.0], [0.5, 0.0], [1.0, 0.0]])  # sklearn's MinMaxScaler
    np.testing.assert_allclose(unit_test, [[1.5, 1.0]])
    (standard,) = scale_on_train(train, kind="standard")
    np.testing.assert_allclose(standard[:, 0].mean(), 0, atol=1e-12)
    np.testing.assert_allclose(standard[:, 0].std(), 1)
    with pytest.raises(ValueError, match="kind"):
        scale_on_train(train, kind="robust")
