"""Issue 17: ``ganad score --explain K`` and ``ganad rank --maps``, driven through ``main(argv)``.

``--explain K`` adds each row's K features with the largest contributions to its score
(``detector.explain``), named by the training file's header; ``--maps`` draws the residual
map under each ranked image. Models whose score is not a residual are refused, saying why,
before the data is read.
"""

import csv
import struct

import numpy as np
import pytest

from ganad.cli.main import main
from ganad.io import load_model

from ..conftest import QUICK_PARAMS

HEADER = ("alpha", "beta", "gamma", "delta")
N_ROWS = 120
FAR = 2  # the feature pushed far away in the test rows: "gamma"


def quick_flags(method):
    params = {key: value for key, value in QUICK_PARAMS[method].items() if key != "device"}
    return [flag for key, value in params.items() for flag in ("--param", f"{key}={value!r}")] + \
        ["--seed", "0", "--device", "cpu"]


def run(argv):
    return main([str(arg) for arg in argv])


def write_csv(path, X, header=HEADER):
    lines = [",".join(header)] if header else []
    path.write_text("\n".join(lines + [",".join(repr(float(v)) for v in row) for row in X]) + "\n")
    return path


def read_table(path):
    """(header, rows as lists of strings) of a score CSV."""
    with open(path, newline="") as handle:
        header, *rows = csv.reader(handle)
    return header, rows


def explain_columns(k):
    return [name for r in range(1, k + 1) for name in (f"top{r}_feature", f"top{r}_contribution")]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """(train.csv, test.csv, test rows): the test rows' last 5 have gamma pushed to 40."""
    folder = tmp_path_factory.mktemp("explain")
    rng = np.random.default_rng(0)
    test = rng.normal(size=(30, len(HEADER)))
    test[-5:, FAR] = 40.0
    return (write_csv(folder / "train.csv", rng.normal(size=(N_ROWS, len(HEADER)))),
            write_csv(folder / "test.csv", test), test)


@pytest.fixture(scope="module")
def models(data, tmp_path_factory):
    """Model folders of a wgan-encoder (explains) and a wgan-critic (does not) fitted on train.csv."""
    folder = tmp_path_factory.mktemp("models")
    for method in ("wgan-encoder", "wgan-critic"):
        assert run(["fit", data[0], "--method", method, "--out", folder / method, *quick_flags(method)]) == 0
    return {method: folder / method for method in ("wgan-encoder", "wgan-critic")}


def numbers(rows, columns):
    return np.array([[float(row[j]) for j in columns] for row in rows])


def score(model, data, out, *extra):
    assert run(["score", model, data, "--out", out, "--device", "cpu", *extra]) == 0
    return read_table(out)


def test_explain_adds_the_top_features_named_by_the_header(models, data, tmp_path, capsys):
    header, rows = score(models["wgan-encoder"], data[1], tmp_path / "s.csv", "--explain", 2)
    assert header == ["anomaly_score", *explain_columns(2)]
    assert "with each row's top 2 features" in capsys.readouterr().out
    assert len(rows) == len(data[2])
    for row in rows:
        assert row[1] in HEADER and row[3] in HEADER and row[1] != row[3]
        assert float(row[2]) >= float(row[4])
    assert [row[1] for row in rows[-5:]] == ["gamma"] * 5  # the far feature is named first
    # the values are the model's own: the scores of a plain run, the largest terms of explain(X)
    # (float32 networks: another batch gives other roundings, so the test scores the same file whole)
    plain, _ = score(models["wgan-encoder"], data[1], tmp_path / "plain.csv")
    assert [row[0] for row in rows] == [row[0] for row in read_table(tmp_path / "plain.csv")[1]]
    contributions = load_model(models["wgan-encoder"], device="cpu").explain(data[2])
    np.testing.assert_array_equal([float(row[2]) for row in rows], contributions.max(axis=1))
    assert [HEADER.index(row[1]) for row in rows] == list(contributions.argmax(axis=1))


def test_explain_streams_chunks_with_threshold_and_top_fraction(models, data, tmp_path):
    _, whole = score(models["wgan-encoder"], data[1], tmp_path / "whole.csv", "--explain", 3)
    header, chunked = score(models["wgan-encoder"], data[1], tmp_path / "chunked.csv", "--explain", 3,
                            "--chunk-rows", 7, "--threshold", 1.0)
    assert header == ["anomaly_score", "label", *explain_columns(3)]
    assert [row[2::2] for row in chunked] == [row[1::2] for row in whole]  # the same features, and the
    np.testing.assert_allclose(numbers(chunked, [0, 3, 5, 7]), numbers(whole, [0, 2, 4, 6]), rtol=1e-5)  # values
    assert [int(row[1]) for row in chunked] == [int(float(row[0]) > 1.0) for row in whole]
    header, top = score(models["wgan-encoder"], data[1], tmp_path / "top.csv", "--explain", 1,
                        "--chunk-rows", 7, "--top-fraction", 5 / 30)
    assert header == ["anomaly_score", "label", *explain_columns(1)]
    assert [row[0] for row in top] == [row[0] for row in whole]
    assert [row[1] for row in top] == ["0"] * 25 + ["1"] * 5 and all(row[2] == "gamma" for row in top[-5:])
    header, labelled = score(models["wgan-encoder"], data[1], tmp_path / "labels.csv", "--explain", 4, "--labels")
    assert header == ["anomaly_score", "label", *explain_columns(4)]
    assert all(sorted(row[2::2]) == sorted(HEADER) for row in labelled)  # K = n_features names each once


def test_explain_to_parquet(models, data, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "s.parquet"
    assert run(["score", models["wgan-encoder"], data[1], "--out", out, "--device", "cpu", "--explain", 2,
                "--chunk-rows", 10]) == 0
    table = pq.read_table(out)
    assert table.column_names == ["anomaly_score", *explain_columns(2)]
    assert str(table.schema.field("top1_feature").type) == "string"
    assert str(table.schema.field("top1_contribution").type) == "double"
    _, rows = score(models["wgan-encoder"], data[1], tmp_path / "s.csv", "--explain", 2)
    assert table.column("top1_feature").to_pylist() == [row[1] for row in rows]
    np.testing.assert_array_equal(table.column("top2_contribution").to_numpy(), [float(row[4]) for row in rows])


def test_a_file_without_names_names_features_by_position(data, tmp_path):
    train = write_csv(tmp_path / "train.csv", np.loadtxt(data[0], delimiter=",", skiprows=1), header=None)
    model = tmp_path / "model"
    assert run(["fit", train, "--method", "wgan-encoder", "--out", model, *quick_flags("wgan-encoder")]) == 0
    test = write_csv(tmp_path / "test.csv", data[2], header=None)
    _, rows = score(model, test, tmp_path / "s.csv", "--explain", 1)
    assert {row[1] for row in rows} <= {"x0", "x1", "x2", "x3"} and rows[-1][1] == f"x{FAR}"


def test_explain_is_refused_for_a_model_without_explain_before_reading(models, tmp_path, capsys):
    out = tmp_path / "s.csv"
    missing = tmp_path / "never-read.csv"  # not there: the refusal comes first
    assert run(["score", models["wgan-critic"], missing, "--out", out, "--device", "cpu", "--explain", 1]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: --explain: WGANCritic has no explain(): its score is the critic's output")
    assert err.count("\n") == 1 and not out.exists()


@pytest.mark.parametrize("k", [0, -1, 5])
def test_explain_k_must_be_from_1_to_the_number_of_features(models, data, tmp_path, capsys, k):
    out = tmp_path / "s.csv"
    assert run(["score", models["wgan-encoder"], data[1], "--out", out, "--device", "cpu", "--explain", k]) == 2
    assert f"--explain K must be from 1 to 4 (the model's number of features), got {k}" in capsys.readouterr().err
    assert not out.exists()


def png_size(path):
    """(width, height) in pixels, from the PNG's IHDR chunk."""
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_rank_maps_draws_a_residual_map_under_each_image(models, data, tmp_path, capsys):
    argv = ["rank", models["wgan-encoder"], data[1], "--image-shape", 1, 2, 2, "--n-shown", 4, "--device", "cpu"]
    assert run([*argv, "--out", tmp_path / "plain.png"]) == 0
    assert run([*argv, "--out", tmp_path / "maps.png", "--maps"]) == 0
    assert "with residual maps" in capsys.readouterr().out
    (width, height), (map_width, map_height) = png_size(tmp_path / "plain.png"), png_size(tmp_path / "maps.png")
    assert map_height > 1.7 * height and map_width > width  # a second row per image, and the colour bars


def test_rank_maps_is_refused_for_a_model_without_explain(models, tmp_path, capsys):
    out = tmp_path / "r.png"
    assert run(["rank", models["wgan-critic"], tmp_path / "never-read.csv", "--out", out, "--image-shape", 1, 2, 2,
                "--maps", "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: --maps: WGANCritic has no explain(): ") and err.count("\n") == 1
    assert not out.exists()


def test_help_texts_document_explain_and_maps(capsys):
    assert run(["score", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--explain K" in text and "top1_feature, top1_contribution" in text
    assert run(["rank", "--help"]) == 0
    assert "--maps" in capsys.readouterr().out
