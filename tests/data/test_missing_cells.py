"""Missing cells in data files (issue 17): refused by default, NaN with ``missing="nan"``.

An empty CSV cell or a Parquet null is refused with its row and column named unless the
reader is asked for ``missing="nan"`` (what ``ganad fit --impute`` and ``ganad score`` of an
imputing model pass); a cell holding text is refused either way.
"""

import numpy as np
import pytest

from ganad.data import column_names, iter_array_chunks, read_array

NAN = np.nan
GAPS = np.array([[1.0, 2.0, 3.0], [4.0, NAN, 6.0], [NAN, 8.0, NAN], [1.5, 2.5, 3.5]])


def _csv(path, text):
    path.write_text(text)
    return path


@pytest.fixture
def gaps_csv(tmp_path):
    return _csv(tmp_path / "gaps.csv", "a,b,c\n1,2,3\n4,,6\n,8, \n1.5,2.5,3.5\n")


def test_an_empty_cell_is_refused_by_default_with_its_row_and_column(gaps_csv):
    with pytest.raises(ValueError, match=r"missing \(empty\) cell in the row at line 3, column 2 \('b'\); "
                                         r"missing='nan' reads missing cells as NaN"):
        read_array(gaps_csv)


def test_missing_nan_reads_empty_cells_as_nan(gaps_csv):
    np.testing.assert_array_equal(read_array(gaps_csv, missing="nan"), GAPS)
    chunks = list(iter_array_chunks(gaps_csv, 2, missing="nan"))
    assert [len(chunk) for chunk in chunks] == [2, 2]
    np.testing.assert_array_equal(np.concatenate(chunks), GAPS)
    assert column_names(gaps_csv, missing="nan") == ("a", "b", "c")


def test_text_is_refused_even_with_missing_nan(tmp_path):
    path = _csv(tmp_path / "text.csv", "a,b\n1,\n2,n/a\n")
    with pytest.raises(ValueError, match=r"non-numeric cell 'n/a' in the row at line 3, column 2 \('b'\)"):
        read_array(path, missing="nan")


def test_an_unknown_missing_option_is_refused(gaps_csv):
    with pytest.raises(ValueError, match="missing must be one of refuse, nan"):
        read_array(gaps_csv, missing="drop")


def test_a_first_row_with_an_empty_first_cell_is_data_when_cells_may_be_missing(tmp_path):
    """``,5,7`` reads as pandas' unnamed index above labels only when no cell may be empty."""
    path = _csv(tmp_path / "first.csv", ",5,7\n1,2,3\n")
    np.testing.assert_array_equal(read_array(path, missing="nan"), [[NAN, 5.0, 7.0], [1.0, 2.0, 3.0]])


def test_parquet_nulls_are_refused_or_nan(tmp_path):
    pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow: pip install ganad[parquet]")
    import pyarrow.parquet as pq

    path = tmp_path / "gaps.parquet"
    pq.write_table(pa.table({"f": [1.5, None, 3.0], "i": pa.array([1, 2, None], pa.int64()),
                             "flag": [True, None, False]}), path)
    with pytest.raises(ValueError, match=r"missing \(null\) cell in row 2, column 1 \('f'\); missing='nan'"):
        read_array(path)
    np.testing.assert_array_equal(read_array(path, missing="nan"), [[1.5, 1.0, 1.0], [NAN, 2.0, NAN],
                                                                     [3.0, NAN, 0.0]])
