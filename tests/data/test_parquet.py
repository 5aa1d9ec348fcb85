"""Parquet in and out (issue 17): the formats pipelines hand over.

Reading goes through the same ``read_array`` / ``iter_array_chunks`` / ``column_names`` as a
CSV, with the same refusals worded the same way; scores go to Parquet when the path ends in
``.parquet``. Without pyarrow every Parquet path says ``pip install ganad[parquet]``.
"""

import sys

import numpy as np
import pytest

from ganad.data import ScoreWriter, column_names, iter_array_chunks, read_array, write_scores_csv
from ganad.utils.optional import MissingDependencyError

DATA = np.array([[1.0, 2.5, -3.0], [4.0, 5.0, 6.25], [7.5, 8.0, 9.0], [1e-3, -2e4, 0.0], [3.0, 2.0, 1.0]])


@pytest.fixture(scope="module")
def pa():
    return pytest.importorskip("pyarrow", reason="Parquet needs pyarrow: pip install ganad[parquet]")


@pytest.fixture(scope="module")
def pq(pa):
    import pyarrow.parquet

    return pyarrow.parquet


def _write(pq, pa, path, columns, row_group_size=None):
    """A Parquet file of ``columns`` ({name: values or a pyarrow array}), as given."""
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
    return path


def _abc(pq, pa, path, rows=DATA, row_group_size=None):
    return _write(pq, pa, path, {name: rows[:, i] for i, name in enumerate("abc")}, row_group_size)


def test_reads_numeric_columns_and_their_names(pq, pa, tmp_path):
    path = _write(pq, pa, tmp_path / "mixed.parquet", {
        "f32": pa.array(DATA[:, 0], pa.float32()), "u8": pa.array([1, 2, 3, 4, 5], pa.uint8()),
        "flag": [True, False, True, False, True]})
    X = read_array(path)
    assert X.dtype == np.float64 and X.shape == (5, 3)
    np.testing.assert_array_equal(X, np.column_stack([DATA[:, 0].astype(np.float32), [1, 2, 3, 4, 5],
                                                      [1, 0, 1, 0, 1]]))
    assert column_names(path) == ("f32", "u8", "flag")


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 7])
def test_chunks_stream_row_groups_and_concatenate_to_the_whole_read(pq, pa, tmp_path, chunk_rows):
    path = _abc(pq, pa, tmp_path / "data.parquet", row_group_size=2)
    chunks = list(iter_array_chunks(path, chunk_rows))
    assert all(1 <= len(chunk) <= chunk_rows for chunk in chunks)
    np.testing.assert_array_equal(np.concatenate(chunks), read_array(path))
    np.testing.assert_array_equal(read_array(path), DATA)


def test_chunks_never_read_the_whole_file(pq, pa, tmp_path, monkeypatch):
    """The chunked path reads batches of ``chunk_rows`` rows: never ``read()`` nor one big batch."""
    path = _abc(pq, pa, tmp_path / "data.parquet", rows=np.tile(DATA, (40, 1)), row_group_size=50)
    batch_sizes = []
    original = pq.ParquetFile.iter_batches

    def spy(self, batch_size=65536, **kwargs):
        batch_sizes.append(batch_size)
        return original(self, batch_size=batch_size, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    monkeypatch.setattr(pq.ParquetFile, "read", lambda *a, **k: pytest.fail("read the whole file"))
    assert max(map(len, iter_array_chunks(path, 16))) == 16
    assert batch_sizes == [16]


def test_columns_are_matched_by_name(pq, pa, tmp_path):
    path = _write(pq, pa, tmp_path / "shuffled.parquet", {"c": DATA[:, 2], "a": DATA[:, 0], "b": DATA[:, 1]})
    np.testing.assert_array_equal(read_array(path, columns=["a", "b", "c"]), DATA)
    np.testing.assert_array_equal(np.concatenate(list(iter_array_chunks(path, 2, columns=("a", "b", "c")))), DATA)
    with pytest.raises(ValueError, match=r"missing \['d'\]; not expected \['c'\]"):
        iter_array_chunks(path, 2, columns=["a", "b", "d"])  # refused at the call, before a row is read


def test_a_pandas_index_is_not_a_feature(pq, pa, tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(DATA, columns=list("abc"))
    path = tmp_path / "filtered.parquet"
    frame.iloc[[4, 0, 2]].to_parquet(path)  # a shuffled index is stored as a column
    assert "__index_level_0__" in pq.ParquetFile(path).schema_arrow.names
    assert column_names(path) == ("a", "b", "c")
    np.testing.assert_array_equal(read_array(path), DATA[[4, 0, 2]])


@pytest.mark.parametrize("values, message", [
    ([1.0, None, 3.0], r"missing \(null\) cell in row 2, column 2 \('x'\)"),
    (["1", "b", "3"], r"non-numeric cell '1' in row 1, column 2 \('x'\); the column is of type string"),
    ([None, "b", "3"], r"missing \(null\) cell in row 1, column 2 \('x'\); the column is of type string"),
])
def test_text_and_missing_cells_name_file_row_and_column(pq, pa, tmp_path, values, message):
    path = _write(pq, pa, tmp_path / "bad.parquet", {"a": [1.0, 2.0, 3.0], "x": values})
    with pytest.raises(ValueError, match=r"bad\.parquet: " + message):
        read_array(path)


def test_a_late_null_fails_on_its_chunk_with_its_row(pq, pa, tmp_path):
    path = _write(pq, pa, tmp_path / "late.parquet", {"a": [1.0, 2.0, 3.0, None]})
    chunks = iter_array_chunks(path, 2)
    np.testing.assert_array_equal(next(chunks), [[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"missing \(null\) cell in row 4, column 1 \('a'\)"):
        next(chunks)


def test_csv_and_parquet_word_a_bad_cell_alike(pq, pa, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("a,x\n1,2\n3,\n")
    with pytest.raises(ValueError, match=r"missing \(empty\) cell in the row at line 3, column 2 \('x'\)"):
        read_array(csv)
    csv.write_text("a,x\n1,2\n3,n/a\n")
    with pytest.raises(ValueError, match=r"non-numeric cell 'n/a' in the row at line 3, column 2 \('x'\)"):
        read_array(csv)


def test_not_a_parquet_file_and_no_rows_are_refused(pq, pa, tmp_path):
    junk = tmp_path / "junk.parquet"
    junk.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"junk\.parquet: cannot read as a Parquet file"):
        read_array(junk)
    empty = _write(pq, pa, tmp_path / "empty.parquet", {"a": pa.array([], pa.float64())})
    with pytest.raises(ValueError, match="no data rows"):
        read_array(empty)
    assert list(iter_array_chunks(empty, 4)) == []


def test_a_damaged_page_is_named(pq, pa, tmp_path):
    """A probe found a data page damaged under a whole footer failing with pyarrow's words only, naming no file."""
    path = _write(pq, pa, tmp_path / "whole.parquet", {"a": pa.array(np.arange(300.0)), "b": pa.array(np.arange(300))},
                  row_group_size=100)
    damaged = bytearray(path.read_bytes())
    for i in range(200, 600):
        damaged[i] ^= 0xFF
    (tmp_path / "damaged.parquet").write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"damaged\.parquet: cannot read as a Parquet file"):
        read_array(tmp_path / "damaged.parquet")


@pytest.mark.parametrize("labels", [None, np.array([0, 1, 0])])
def test_scores_round_trip_through_parquet(pq, pa, tmp_path, labels):
    scores = np.array([0.1, 1 / 3, -2e300])
    path = tmp_path / "scores.parquet"
    write_scores_csv(path, scores, labels)
    table = pq.read_table(path)
    assert table.column_names == (["anomaly_score"] if labels is None else ["anomaly_score", "label"])
    np.testing.assert_array_equal(table.column("anomaly_score").to_numpy(), scores)
    assert table.schema.field("anomaly_score").type == pa.float64()
    if labels is not None:
        assert table.schema.field("label").type == pa.int64()
        np.testing.assert_array_equal(table.column("label").to_numpy(), labels)


def test_score_writer_streams_row_groups_and_leaves_nothing_on_error(pq, pa, tmp_path):
    path = tmp_path / "scores.parquet"
    with ScoreWriter(path, with_labels=True) as writer:
        writer.write([1.0, 2.0], [0, 1])
        writer.write([3.0], [1.0])
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    np.testing.assert_array_equal(read_array(path), [[1, 0], [2, 1], [3, 1]])
    with pytest.raises(RuntimeError, match="stop"):
        with ScoreWriter(path) as writer:
            writer.write([9.0])
            raise RuntimeError("stop")
    np.testing.assert_array_equal(read_array(path), [[1, 0], [2, 1], [3, 1]])  # the previous file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.parquet"]


@pytest.fixture
def no_pyarrow(monkeypatch):
    """Import as if pyarrow were not installed (``None`` in ``sys.modules`` makes import fail)."""
    for name in [name for name in sys.modules if name == "pyarrow" or name.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)


def test_without_pyarrow_parquet_says_how_to_install_it(no_pyarrow, tmp_path):
    data = tmp_path / "data.parquet"
    data.write_bytes(b"PAR1")
    for call in (lambda: read_array(data), lambda: iter_array_chunks(data, 2), lambda: column_names(data),
                 lambda: ScoreWriter(tmp_path / "scores.parquet")):
        with pytest.raises(MissingDependencyError, match=r"needs pyarrow: pip install ganad\[parquet\]$") as error:
            call()
        assert isinstance(error.value, ImportError) and isinstance(error.value, ValueError)
        assert "\n" not in str(error.value)
    assert not (tmp_path / "scores.parquet").exists()
    np.testing.assert_array_equal(_read_csv_anyway(tmp_path), [[1.0]])  # CSV does not need pyarrow


def test_without_pyarrow_the_command_line_fails_in_one_line(no_pyarrow, tmp_path, capsys):
    from ganad.cli.main import main

    data = tmp_path / "data.parquet"
    data.write_bytes(b"PAR1")
    assert main(["fit", str(data), "--method", "wgan-critic", "--out", str(tmp_path / "model")]) == 2
    assert capsys.readouterr().err == ("ganad: error: reading .parquet files needs pyarrow: "
                                       "pip install ganad[parquet]\n")
    assert not (tmp_path / "model").exists()


def _read_csv_anyway(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("1\n")
    return read_array(path)
