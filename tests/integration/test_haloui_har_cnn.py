"""Haloui et al. §6's distance-plot CNN end to end on small files in the upstream UCI HAR layout:
the loader's scaled distance plots (Eq. 24) and the haloui-har-cnn spec's smoke budget."""

import numpy as np
import pytest

from ganad.bench import load_spec, run_spec
from ganad.bench.spec import LOADERS
from ganad.data.timeseries import HAR_SIGNALS
from tests.uci_har_files import write_har

TRAIN_ACTIVITIES = [1, 2, 3, 4, 5, 6] * 6  # upstream ids; 3 is WALKING_DOWNSTAIRS (class 2)
TEST_ACTIVITIES = [1, 2, 3, 4, 5, 6] * 2


@pytest.fixture(scope="module")
def har_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    signals = {split: write_har(root, split, activities, seed=seed)
               for split, activities, seed in (("train", TRAIN_ACTIVITIES, 0), ("test", TEST_ACTIVITIES, 1))}
    return root, signals


def test_loader_gives_scaled_nine_channel_distance_plots(har_folder):
    root, signals = har_folder
    train, test = LOADERS["uci_har_distance_plots"][0](root)
    series = {split: np.stack([signals[split][s] for s in HAR_SIGNALS], axis=1) for split in signals}  # (n, 9, 128)
    channel_range = (series["train"].max(axis=2) - series["train"].min(axis=2)).max(axis=0)  # train split only
    for dataset, split in ((train, "train"), (test, "test")):
        assert dataset.image_shape == (9, 128, 128) and dataset.X.dtype == np.float32
        assert dataset.X.shape == (len(series[split]), 9 * 128 * 128)
        by_hand = np.abs(series[split][:, :, :, None] - series[split][:, :, None, :])  # Eq. 24 per channel
        expected = 2 * by_hand / channel_range[:, None, None] - 1
        np.testing.assert_allclose(dataset.X.reshape(-1, 9, 128, 128), expected, atol=1e-5)
    images = train.X.reshape(-1, 9, 128, 128)
    np.testing.assert_allclose(images.max(axis=(0, 2, 3)), 1.0, atol=1e-6)  # each channel spans [-1, 1]
    assert (images[..., np.arange(128), np.arange(128)] == -1).all()  # R_ii = 0
    assert train.y.tolist() == [a - 1 for a in TRAIN_ACTIVITIES]


def test_smoke_budget_runs_with_walking_downstairs_abnormal(har_folder, tmp_path):
    root, _ = har_folder
    spec = load_spec("haloui-har-cnn")
    rows, paths = run_spec(spec, "smoke", tmp_path / "bench", data_dir=root)
    assert [row["status"] for row in rows] == ["ok"]
    row = rows[0]
    assert row["cell"] == "uci_har_distance_plots:2"
    assert row["n_train"] == TRAIN_ACTIVITIES.count(1) * 5  # every train window but walking downstairs
    assert row["n_test"] == len(TEST_ACTIVITIES) and row["n_test_anomalies"] == TEST_ACTIVITIES.count(3)
    assert 0 <= row["auprc"] <= 1 and paths["csv"].is_file()
