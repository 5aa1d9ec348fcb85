import numpy as np
import pytest

from ganad.data import ScoreWriter, iter_array_chunks, read_array, write_scores_csv

DATA = np.array([[1.0, 2.5, -3.0], [4.0, 5.0, 6.25], [7.5, 8.0, 9.0],
                 [1e-3, -2e4, 0.0], [3.0, 2.0, 1.0]])


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _csv_text(rows, header=None):
    lines = [] if header is None else [header]
    lines += [",".join(repr(float(value)) for value in row) for row in rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("header", [None, "a,b,c", "x1,2,c", ",feature_1,feature_2"])
def test_csv_header_is_detected_and_skipped(tmp_path, header):
    path = _write(tmp_path / "data.csv", _csv_text(DATA, header))
    X = read_array(path)
    assert X.dtype == np.float64
    np.testing.assert_array_equal(X, DATA)


def test_first_numeric_row_is_data_not_header(tmp_path):
    path = _write(tmp_path / "data.csv", "10,20\n30,40\n")
    np.testing.assert_array_equal(read_array(path), [[10, 20], [30, 40]])


def test_a_first_row_of_the_models_numeric_names_is_a_header_only_above_other_numbers(tmp_path):
    """A model named 0, 1 (pandas' header) took a headerless first row 1,0 for its names reordered: that row
    was lost and the next rows' columns swapped (a probe of the file readers)."""
    integers = _write(tmp_path / "integers.csv", "1,0\n0,0\n5,0\n")
    for first in ("1,0", "0,1"):
        _write(integers, f"{first}\n0,0\n5,0\n")
        with pytest.raises(ValueError, match="cannot tell whether the first line"):
            read_array(integers, columns=["0", "1"])
    np.testing.assert_array_equal(read_array(integers, columns=["0", "1"], header="no"), [[0, 1], [0, 0], [5, 0]])
    floats = _write(tmp_path / "floats.csv", "1,0\n0.5,2.5\n")  # the types differ: a header, in another order
    np.testing.assert_array_equal(read_array(floats, columns=["0", "1"]), [[2.5, 0.5]])


def test_a_first_line_of_text_and_non_integer_numbers_is_refused_as_ambiguous(tmp_path):
    """A headerless file whose first row held a text cell (``1.5,NA,2``) lost that row as a header: every score
    after it belonged to the next row (a probe of the file readers)."""
    path = _write(tmp_path / "data.csv", "1.5,NA,2\n0.5,2.5,3\n")
    with pytest.raises(ValueError, match="cannot tell whether the first line"):
        read_array(path)
    np.testing.assert_array_equal(read_array(path, header="yes"), [[0.5, 2.5, 3]])
    with pytest.raises(ValueError, match="'NA'"):
        read_array(path, header="no")
    _write(path, "x1,2,c\n0.5,2.5,3\n")  # text and integers: a header, as before
    np.testing.assert_array_equal(read_array(path), [[0.5, 2.5, 3]])


def test_a_header_name_with_a_comment_sign_is_refused(tmp_path):
    """``sensor#1`` was read as ``sensor`` (the comment rule), so a file naming it ``sensor#2`` matched."""
    path = _write(tmp_path / "named.csv", "temp,pressure,sensor#1\n1.5,2.5,3.5\n")
    with pytest.raises(ValueError, match="holds '#'"):
        read_array(path)
    _write(path, "# a comment line, then the header\ntemp,pressure,sensor\n1.5,2.5,3.5  # a trailing comment\n")
    np.testing.assert_array_equal(read_array(path), [[1.5, 2.5, 3.5]])


def test_single_column_csv_and_1d_npy_become_columns(tmp_path):
    csv = _write(tmp_path / "one.csv", "score\n1\n2\n3\n")
    assert read_array(csv).shape == (3, 1)
    npy = tmp_path / "one.npy"
    np.save(npy, np.arange(4, dtype=np.int32))
    X = read_array(npy)
    assert X.shape == (4, 1) and X.dtype == np.float64


def test_npz_key_selection(tmp_path):
    single = tmp_path / "single.npz"
    np.savez(single, anything=DATA)
    np.testing.assert_array_equal(read_array(single), DATA)
    for key in ("X", "data"):
        several = tmp_path / f"several_{key}.npz"
        np.savez(several, **{key: DATA, "y": np.zeros(len(DATA))})
        np.testing.assert_array_equal(read_array(several), DATA)
    ambiguous = tmp_path / "ambiguous.npz"
    np.savez(ambiguous, first=DATA, second=DATA)
    with pytest.raises(ValueError, match="first.*second"):
        read_array(ambiguous)


def test_a_damaged_npz_is_a_value_error_naming_the_file(tmp_path):
    """A truncated archive, a flipped byte and a file that is no zip at all (a black-box probe found the first two
    reported as internal errors without the file's name)."""
    good = tmp_path / "good.npz"
    np.savez_compressed(good, X=np.random.default_rng(0).normal(size=(200, 4)))
    raw = good.read_bytes()
    damaged = {"truncated": raw[: len(raw) // 2], "not_a_zip": b"PK\x03\x04garbage",
               "flipped": raw[:120] + bytes([raw[120] ^ 0xFF]) + raw[121:]}
    for name, content in damaged.items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(content)
        with pytest.raises(ValueError, match=f"{name}.npz: cannot read"):
            read_array(path)


@pytest.mark.parametrize("chunk_rows", [1, 2, 5, 7])
@pytest.mark.parametrize("suffix", [".csv", ".npy", ".npz"])
def test_chunks_concatenate_to_the_whole_read(tmp_path, suffix, chunk_rows):
    path = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        _write(path, _csv_text(DATA, header="a,b,c"))
    elif suffix == ".npy":
        np.save(path, DATA)
    else:
        np.savez(path, X=DATA)
    chunks = list(iter_array_chunks(path, chunk_rows))
    assert all(1 <= len(chunk) <= chunk_rows for chunk in chunks)
    assert all(chunk.dtype == np.float64 and chunk.ndim == 2 for chunk in chunks)
    np.testing.assert_array_equal(np.concatenate(chunks), read_array(path))


def test_csv_streaming_yields_before_reaching_a_bad_row(tmp_path):
    path = _write(tmp_path / "late_error.csv", "1,2\n3,4\n5,oops\n")
    chunks = iter_array_chunks(path, 2)
    np.testing.assert_array_equal(next(chunks), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="line 3"):
        next(chunks)


def test_non_numeric_cell_names_file_and_row(tmp_path):
    path = _write(tmp_path / "bad.csv", "a,b\n1,2\n3,n/a\n")
    with pytest.raises(ValueError, match=r"bad\.csv.*'n/a'.*line 3"):
        read_array(path)


def test_a_digit_grouping_underscore_is_not_a_number(tmp_path):
    """Python's float takes 1_000, numpy's reader does not: numpy's message named the row within a chunk."""
    path = tmp_path / "grouped.csv"
    path.write_text("a,b\n1,2\n3,4\n1_000,5\n")
    with pytest.raises(ValueError, match=r"grouped\.csv.*'1_000'.*line 4"):
        read_array(path)


def test_ragged_csv_raises(tmp_path):
    path = _write(tmp_path / "ragged.csv", "1,2\n3,4,5\n")
    with pytest.raises(ValueError, match="line 2 has 3 columns, expected 2"):
        read_array(path)
    with pytest.raises(ValueError, match="columns"):
        list(iter_array_chunks(path, 1))


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(FileNotFoundError, match="nowhere.csv"):
        read_array(missing)
    with pytest.raises(FileNotFoundError, match="nowhere.csv"):
        iter_array_chunks(missing, 10)


def test_bad_inputs_raise_value_error(tmp_path):
    with pytest.raises(ValueError, match="unsupported"):
        read_array(_write(tmp_path / "data.txt", "1,2\n"))
    with pytest.raises(ValueError, match="no data rows"):
        read_array(_write(tmp_path / "header_only.csv", "a,b\n"))
    cube = tmp_path / "cube.npy"
    np.save(cube, np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        read_array(cube)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        iter_array_chunks(cube, 1)
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="objects.npy"):
        read_array(objects)
    with pytest.raises(ValueError, match="chunk_rows"):
        iter_array_chunks(cube, 0)


def test_score_writer_writes_header_once_and_round_trips(tmp_path):
    path = tmp_path / "scores.csv"
    scores = np.random.default_rng(0).standard_normal(7)
    labels = np.array([0, 1, 0, 0, 1, 1, 0])
    with ScoreWriter(path, with_labels=True) as writer:
        writer.write(scores[:3], labels[:3])
        writer.write(scores[3:], labels[3:].astype(float))
    lines = path.read_text().splitlines()
    assert lines[0] == "anomaly_score,label" and len(lines) == 8
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(table[:, 0], scores)
    np.testing.assert_array_equal(table[:, 1], labels)


def test_write_scores_csv_without_labels(tmp_path):
    path = tmp_path / "scores.csv"
    write_scores_csv(path, [0.5, 0.25])
    assert path.read_text() == "anomaly_score\n0.5\n0.25\n"


def test_score_writer_rejects_bad_input(tmp_path):
    with ScoreWriter(tmp_path / "s.csv", with_labels=True) as writer:
        with pytest.raises(ValueError, match="labels"):
            writer.write([0.1, 0.2])
        with pytest.raises(ValueError, match="shape"):
            writer.write([0.1, 0.2], [1])
        with pytest.raises(ValueError, match="integers"):
            writer.write([0.1, 0.2], [0.5, 1.0])
        with pytest.raises(ValueError, match="1-D"):
            writer.write([[0.1, 0.2]], [0])
    with pytest.raises(RuntimeError, match="with"):
        writer.write([0.1], [0])
