"""Data: synthetic benchmarks with labelled anomalies, and reading/writing the user's files."""

from ganad.data.files import SUPPORTED_SUFFIXES, column_names, iter_array_chunks, read_array
from ganad.data.scores import ScoreWriter, write_scores_csv
from ganad.data.synthetic import (
    SYNTHETIC_SETS,
    make_anomaly_benchmark,
    make_arc,
    make_arc_anomaly_set,
    make_four_dots,
    make_four_dots_anomaly_set,
    make_loop,
    make_loop_anomaly_set,
    make_normal_1d,
    make_normal_1d_anomaly_set,
    make_ring,
    make_ring_anomaly_set,
)

# Real benchmark sets. The downloader stays in its module: ganad.data.fetch.fetch(name, ...).
from ganad.data._cache import Dataset, data_dir
from ganad.data.image import (
    load_cifar10,
    load_digits_images,
    load_fashion_mnist,
    load_kmnist,
    load_mnist,
    load_svhn,
)
from ganad.data.tabular import load_kddcup99, load_odds, scale_on_train
from ganad.data.timeseries import distance_plot, load_uci_har, load_uci_har_distance_plots

__all__ = [
    "SYNTHETIC_SETS",
    "make_anomaly_benchmark",
    "make_ring",
    "make_ring_anomaly_set",
    "make_loop",
    "make_loop_anomaly_set",
    "make_arc",
    "make_arc_anomaly_set",
    "make_four_dots",
    "make_four_dots_anomaly_set",
    "make_normal_1d",
    "make_normal_1d_anomaly_set",
    "SUPPORTED_SUFFIXES",
    "read_array",
    "iter_array_chunks",
    "column_names",
    "ScoreWriter",
    "write_scores_csv",
    "Dataset",
    "data_dir",
    "load_mnist",
    "load_fashion_mnist",
    "load_kmnist",
    "load_cifar10",
    "load_svhn",
    "load_digits_images",
    "load_odds",
    "load_kddcup99",
    "scale_on_train",
    "load_uci_har",
    "load_uci_har_distance_plots",
    "distance_plot",
]
