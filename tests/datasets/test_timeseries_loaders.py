"""UCI HAR loader on small files written in the upstream layout, and the distance plot of
Haloui et al. Eq. 24 against a hand computation."""

import numpy as np
import pytest

from ganad.data import distance_plot, load_uci_har, load_uci_har_distance_plots
from ganad.data.timeseries import TOTAL_ACC
from tests.uci_har_files import write_har


def test_all_nine_channels(tmp_path):
    signals = write_har(tmp_path, "train", [1, 5, 6, 3])
    ds = load_uci_har("train", data_dir=tmp_path)
    assert ds.X.shape == (4, 9 * 128) and ds.X.dtype == np.float32
    assert ds.image_shape == (9, 128)
    series = ds.X.reshape(-1, *ds.image_shape)
    np.testing.assert_allclose(series[:, 4], signals["body_gyro_y"], rtol=1e-6)
    assert ds.y.tolist() == [0, 4, 5, 2]
    assert [ds.classes[k] for k in ds.y] == ["WALKING", "STANDING", "LAYING", "WALKING_DOWNSTAIRS"]


def test_total_acceleration_channels(tmp_path):
    signals = write_har(tmp_path, "test", [2, 2])
    ds = load_uci_har("test", data_dir=tmp_path, signals=TOTAL_ACC)
    assert ds.X.shape == (2, 3 * 128) and ds.meta["signals"] == TOTAL_ACC
    np.testing.assert_allclose(ds.X[:, :128], signals["total_acc_x"], rtol=1e-6)
    np.testing.assert_allclose(ds.X[:, 256:], signals["total_acc_z"], rtol=1e-6)


def test_inconsistent_or_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"y_train\.txt.*UCI%20HAR%20Dataset\.zip"):
        load_uci_har("train", data_dir=tmp_path)
    write_har(tmp_path, "train", [1, 2, 3])
    (tmp_path / "uci_har" / "UCI HAR Dataset" / "train" / "y_train.txt").write_text("1\n2\n")
    with pytest.raises(ValueError, match=r"expected \(2, 128\)"):
        load_uci_har("train", data_dir=tmp_path)
    with pytest.raises(ValueError, match="signals"):
        load_uci_har("train", data_dir=tmp_path, signals=("acc_x",))


@pytest.mark.parametrize(("file", "edit", "message"), [
    ("Inertial Signals/body_acc_x_train.txt", lambda text: text.split(maxsplit=1)[1], "not a table of float32"),
    ("Inertial Signals/body_acc_x_train.txt", lambda text: text.replace("e+000", "xyz", 1), "not a table"),
    ("Inertial Signals/total_acc_z_train.txt", lambda text: text.replace("e+000", "e+999", 1), "NaN or infinite"),
    ("Inertial Signals/total_acc_z_train.txt", lambda text: "nan " + text.split(maxsplit=1)[1],
     "NaN or infinite values \\(row 1\\)"),
    ("y_train.txt", lambda text: text.replace("2", "1.5"), "not a table of int64"),
    ("y_train.txt", lambda text: text.replace("2", "WALKING"), "not a table of int64"),
], ids=["ragged", "not a number", "infinite", "nan", "fractional label", "label name"])
def test_a_damaged_file_is_named(tmp_path, file, edit, message):
    """A probe found numpy's errors naming no file, and NaN or infinite values loading silently (one NaN spread
    a channel's distance plots to 10, one infinity made them constant)."""
    write_har(tmp_path, "train", [1, 2, 3])
    path = tmp_path / "uci_har" / "UCI HAR Dataset" / "train" / file
    path.write_text(edit(path.read_text()))
    with pytest.raises(ValueError, match=message) as error:
        load_uci_har("train", data_dir=tmp_path)
    assert path.name in str(error.value)


def test_distance_plot_by_hand():
    series = np.array([[[0.0, 1.0, 3.0], [2.0, -2.0, 2.0]]], dtype=np.float32)  # (1, 2, 3)
    plot = distance_plot(series)
    assert plot.shape == (1, 2, 3, 3) and plot.dtype == np.float32
    np.testing.assert_array_equal(plot[0, 0], [[0, 1, 3], [1, 0, 2], [3, 2, 0]])
    np.testing.assert_array_equal(plot[0, 1], [[0, 4, 0], [4, 0, 4], [0, 4, 0]])


def test_distance_plot_of_many_windows_is_symmetric():
    plot = distance_plot(np.random.default_rng(0).normal(size=(5, 9, 16)))
    assert plot.shape == (5, 9, 16, 16)
    np.testing.assert_array_equal(plot, plot.transpose(0, 1, 3, 2))
    assert not plot[..., np.arange(16), np.arange(16)].any()
    with pytest.raises(ValueError, match="shape"):
        distance_plot(np.zeros((9, 16)))


@pytest.mark.parametrize("batch_size", [-1, 0, 2.5, None, True])
def test_distance_plots_refuse_a_batch_size_that_is_not_a_positive_integer(tmp_path, batch_size):
    """batch_size=-1 ran no batch and returned np.empty's memory as the plots."""
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        load_uci_har_distance_plots(tmp_path, batch_size=batch_size)
