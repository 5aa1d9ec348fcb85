"""Data: synthetic benchmarks with labelled anomalies, and reading/writing the user's files."""

from ganad.data.files import (
    SUPPORTED_SUFFIXES,
    ScoreWriter,
    iter_array_chunks,
    read_array,
    write_scores_csv,
)
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
    "ScoreWriter",
    "write_scores_csv",
]
