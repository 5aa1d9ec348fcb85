"""Extra named columns of the score files (``ScoreWriter(columns=...)``) and the top-K
feature columns that ``ganad score --explain K`` writes with them."""

import csv

import numpy as np
import pytest

from ganad.data import ScoreWriter
from ganad.data.scores import named_top_contributions, top_contribution_columns, top_contributions

COLUMNS = {"feature": str, "share": float, "count": int}
VALUES = {"feature": np.array(["a,b", 'say "hi"', "plain"]), "share": [0.1, 1 / 3, -2.5], "count": [1, 2, 3.0]}


def test_top_contributions_are_largest_first_ties_to_the_lower_index():
    contributions = np.array([[0.1, 0.5, 0.2, 0.5],
                              [3.0, 0.0, 0.0, 1.0]])
    features, values = top_contributions(contributions, 3)
    np.testing.assert_array_equal(features, [[1, 3, 2], [0, 3, 1]])
    np.testing.assert_array_equal(values, [[0.5, 0.5, 0.2], [3.0, 1.0, 0.0]])
    assert top_contributions(contributions, 0)[0].shape == (2, 0)
    with pytest.raises(ValueError, match="k must be from 0"):
        top_contributions(contributions, 5)


def test_named_top_contributions_match_their_declared_columns():
    features, values = top_contributions(np.array([[0.1, 0.5, 0.2]]), 2)
    columns = named_top_contributions(features, values, ["u", "v", "w"])
    assert list(columns) == list(top_contribution_columns(2)) == \
        ["top1_feature", "top1_contribution", "top2_feature", "top2_contribution"]
    assert columns["top1_feature"].tolist() == ["v"] and columns["top2_feature"].tolist() == ["w"]
    assert columns["top2_contribution"].tolist() == [0.2]


def test_csv_extra_columns_follow_the_labels_and_quote_text(tmp_path):
    path = tmp_path / "s.csv"
    with ScoreWriter(path, with_labels=True, columns=COLUMNS) as writer:
        writer.write([1.0, 2.0], [0, 1], {name: values[:2] for name, values in VALUES.items()})
        writer.write([3.0], [1], {name: values[2:] for name, values in VALUES.items()})
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["anomaly_score", "label", "feature", "share", "count"],
                    ["1.0", "0", "a,b", "0.1", "1"],
                    ["2.0", "1", 'say "hi"', repr(1 / 3), "2"],
                    ["3.0", "1", "plain", "-2.5", "3"]]


def test_parquet_extra_columns_have_their_types(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "s.parquet"
    with ScoreWriter(path, columns=COLUMNS) as writer:
        writer.write([1.0, 2.0, 3.0], None, VALUES)
    table = pq.read_table(path)
    assert table.schema == pa.schema([("anomaly_score", pa.float64()), ("feature", pa.string()),
                                      ("share", pa.float64()), ("count", pa.int64())])
    assert table.column("feature").to_pylist() == VALUES["feature"].tolist()
    assert table.column("count").to_pylist() == [1, 2, 3]


def test_score_writer_checks_the_extra_columns(tmp_path):
    with pytest.raises(ValueError, match="non-empty name"):
        ScoreWriter(tmp_path / "s.csv", columns={"label": int})
    with pytest.raises(ValueError, match="not float, int or str"):
        ScoreWriter(tmp_path / "s.csv", columns={"when": "datetime64[s]"})
    with ScoreWriter(tmp_path / "s.csv", columns=COLUMNS) as writer:
        with pytest.raises(ValueError, match="exactly the writer's extra columns"):
            writer.write([1.0, 2.0, 3.0])
        with pytest.raises(ValueError, match=r"share have shape \(2,\)"):
            writer.write([1.0, 2.0, 3.0], None, {**VALUES, "share": [0.1, 0.2]})
        with pytest.raises(ValueError, match="count must be integers"):
            writer.write([1.0, 2.0, 3.0], None, {**VALUES, "count": [0.5, 1.0, 2.0]})
