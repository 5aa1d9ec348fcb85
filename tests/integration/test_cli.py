"""The ``ganad`` command line, driven through ``main(argv) -> int``."""

import json
import runpy
import sys

import numpy as np
import pytest

import ganad
from ganad.cli.ring_demo import modes_covered
from ganad.cli.main import main
from ganad.cli.score import top_fraction_labels
from ganad.data import read_array
from ganad.registry import DETECTORS, PAPERS

from ..conftest import QUICK_PARAMS

N_ROWS, N_FEATURES = 200, 3
TINY = ["--param", "n_epochs=1", "--param", "batch_size=32", "--param", "hidden=(16,16)",
        "--seed", "0", "--device", "cpu"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def write_csv(path, X, header=True):
    np.savetxt(path, X, delimiter=",", header=",".join(f"x{i}" for i in range(X.shape[1])) if header else "",
               comments="")
    return path


def read_scores(path):
    """(scores, labels or None) from a score CSV."""
    header = path.read_text().splitlines()[0].split(",")
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return table[:, 0], (table[:, 1].astype(int) if header == ["anomaly_score", "label"] else None)


def quick_flags(method):
    """``--param`` flags for the test suite's quick settings of ``method`` (conftest.QUICK_PARAMS)."""
    params = {key: value for key, value in QUICK_PARAMS[method].items() if key != "device"}
    return [flag for key, value in params.items() for flag in ("--param", f"{key}={value!r}")] + \
        ["--seed", "0", "--device", "cpu"]


def run_ok(argv):
    assert main([str(arg) for arg in argv]) == 0


@pytest.fixture(scope="module")
def train_csv(tmp_path_factory):
    X = np.random.default_rng(0).normal(size=(N_ROWS, N_FEATURES))
    return write_csv(tmp_path_factory.mktemp("data") / "train.csv", X)


@pytest.fixture(scope="module", params=[name for name, cls in DETECTORS.items() if cls.savable])
def fitted(request, train_csv, tmp_path_factory):
    """(method, model folder) fitted once per method through ``ganad fit``."""
    model = tmp_path_factory.mktemp("models") / request.param
    run_ok(["fit", train_csv, "--method", request.param, "--out", model, *quick_flags(request.param)])
    return request.param, model


def score(model, data, out, *extra):
    run_ok(["score", model, data, "--out", out, "--device", "cpu", *extra])
    return read_scores(out)


def test_fit_refuses_methods_that_cannot_be_saved(train_csv, tmp_path, capsys):
    assert main(["fit", str(train_csv), "--method", "iforest", "--out", str(tmp_path / "m")]) == 2
    assert "cannot be saved" in capsys.readouterr().err


def test_list_names_every_method_and_paper(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(DETECTORS)
    for (name, cls), line in zip(DETECTORS.items(), lines):
        assert line.startswith(name) and PAPERS[name] in line
        assert ("Python & bench only" in line) == (not cls.savable)


def test_fit_summary_names_method_shape_and_path(tmp_path, capsys):
    data = tmp_path / "train.npy"
    np.save(data, np.random.default_rng(1).normal(size=(50, 2)))
    run_ok(["fit", data, "--method", "wgan-critic", "--out", tmp_path / "model", *TINY])
    out = capsys.readouterr().out
    assert "wgan-critic" in out and "50 rows x 2 features" in out and str(tmp_path / "model") in out
    assert (tmp_path / "model" / "config.json").is_file()


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")  # the held-out rows as an array
def test_fit_calibration_sets_the_threshold_from_held_out_rows(train_csv, tmp_path, capsys):
    held_out = 2.0 * np.random.default_rng(2).normal(size=(40, N_FEATURES))
    calibration = tmp_path / "held_out.csv"
    np.savetxt(calibration, held_out[:, ::-1], delimiter=",", header="x2,x1,x0", comments="")  # matched by name
    flags = [*TINY, "--param", "contamination=0.1"]
    run_ok(["fit", train_csv, "--method", "wgan-critic", "--out", tmp_path / "plain", *flags])
    run_ok(["fit", train_csv, "--method", "wgan-critic", "--out", tmp_path / "calibrated", *flags,
            "--calibration", calibration])
    assert f"threshold set from the 40 rows of {calibration}" in capsys.readouterr().out
    expected = ganad.load(tmp_path / "plain", device="cpu").calibrate(held_out).offset_
    calibrated = ganad.load(tmp_path / "calibrated", device="cpu")
    assert calibrated.offset_ == pytest.approx(expected)
    assert calibrated.calibration_rows_ == 40
    assert np.mean(calibrated.predict(held_out) == -1) == pytest.approx(0.1, abs=1 / 40)


def test_scores_match_the_loaded_model(fitted, train_csv, tmp_path):
    _, model = fitted
    scores, labels = score(model, train_csv, tmp_path / "scores.csv")
    X = read_array(train_csv)
    assert labels is None
    assert scores.shape == (N_ROWS,) and np.isfinite(scores).all()
    np.testing.assert_array_equal(scores, ganad.load(model, device="cpu").anomaly_score(X))


def test_npy_input_gives_the_csv_scores(fitted, train_csv, tmp_path):
    _, model = fitted
    npy = tmp_path / "train.npy"
    np.save(npy, read_array(train_csv))
    from_csv, _ = score(model, train_csv, tmp_path / "csv.csv")
    from_npy, _ = score(model, npy, tmp_path / "npy.csv")
    np.testing.assert_array_equal(from_npy, from_csv)


def test_chunked_scoring_equals_unchunked(fitted, train_csv, tmp_path):
    _, model = fitted
    whole, _ = score(model, train_csv, tmp_path / "whole.csv")
    chunked, _ = score(model, train_csv, tmp_path / "chunked.csv", "--chunk-rows", 7)
    # float32 networks: the last bits of a result depend on the batch size (DAGMM's
    # energies near 0 differ by ~4e-7 absolute)
    np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-6)


def test_threshold_labels(fitted, train_csv, tmp_path):
    _, model = fitted
    plain, _ = score(model, train_csv, tmp_path / "plain.csv")
    threshold = float(np.median(plain))
    scores, labels = score(model, train_csv, tmp_path / "labelled.csv", "--threshold", threshold)
    np.testing.assert_array_equal(labels, (scores > threshold).astype(int))
    assert 0 < labels.sum() < N_ROWS


def test_top_fraction_labels_flag_the_exact_top_fraction(fitted, train_csv, tmp_path):
    _, model = fitted
    scores, labels = score(model, train_csv, tmp_path / "labelled.csv", "--top-fraction", 0.1,
                           "--chunk-rows", 7)
    assert labels.sum() == 20
    assert scores[labels == 1].min() >= scores[labels == 0].max()


def test_the_old_contamination_option_still_labels_the_top_fraction_and_warns(critic_model, train_csv, tmp_path,
                                                                               capsys):
    """``--contamination``, the old name of ``--top-fraction``, is kept until ganad 0.2."""
    new_scores, new_labels = score(critic_model, train_csv, tmp_path / "new.csv", "--top-fraction", 0.1)
    assert "deprecated" not in capsys.readouterr().err
    old_scores, old_labels = score(critic_model, train_csv, tmp_path / "old.csv", "--contamination", 0.1)
    assert "--contamination is deprecated" in capsys.readouterr().err
    np.testing.assert_array_equal(old_scores, new_scores)
    np.testing.assert_array_equal(old_labels, new_labels)


def test_labels_follow_the_models_predict(fitted, train_csv, tmp_path):
    _, model = fitted
    _, labels = score(model, train_csv, tmp_path / "labelled.csv", "--labels")
    predicted = ganad.load(model, device="cpu").predict(read_array(train_csv))
    np.testing.assert_array_equal(labels, (predicted == -1).astype(int))


@pytest.mark.parametrize("fraction, expected", [(0.1, 2), (0.15, 3), (0.25, 5), (1.0, 20)])
def test_top_fraction_count_rounds_half_up(fraction, expected):
    scores = np.arange(20, dtype=float)[::-1]
    labels = top_fraction_labels(scores, fraction)
    assert labels.sum() == expected and labels[:expected].all()


def test_top_fraction_rounds_a_decimal_half_up_where_the_float_product_falls_short():
    """0.145 * 100 is 14.499999999999998 in floats: 14 rows were flagged, not 15."""
    assert top_fraction_labels(np.arange(100.0), 0.145).sum() == 15
    assert top_fraction_labels(np.arange(25.0), 0.58).sum() == 15


def test_top_fraction_ties_go_to_the_earlier_row():
    np.testing.assert_array_equal(top_fraction_labels(np.array([1.0, 2.0, 2.0, 0.0]), 0.25), [0, 1, 0, 0])


@pytest.fixture(scope="module")
def critic_model(train_csv, tmp_path_factory):
    model = tmp_path_factory.mktemp("critic") / "model"
    run_ok(["fit", train_csv, "--method", "wgan-critic", "--out", model, *TINY])
    return model


def fit_argv(data, out, *extra):
    return ["fit", data, "--method", "wgan-critic", "--out", out, "--device", "cpu", *extra]


BAD_FIT = {
    "missing file": (lambda d, t: fit_argv(t / "nope.csv", t / "m"), "no such data file"),
    "unsupported suffix": (lambda d, t: fit_argv(t / "data.txt", t / "m"), "unsupported file type"),
    "unknown method": (lambda d, t: ["fit", d, "--method", "nope", "--out", t / "m"], "unknown method"),
    "param without =": (lambda d, t: fit_argv(d, t / "m", "--param", "n_epochs"), "KEY=VALUE"),
    "unknown param": (lambda d, t: fit_argv(d, t / "m", "--param", "n_epoch=1"), "unknown parameter"),
    "param with a flag": (lambda d, t: fit_argv(d, t / "m", "--param", "random_state=1"), "--seed"),
    "invalid param value": (lambda d, t: fit_argv(d, t / "m", "--param", "n_epochs=-1"), "n_epochs"),
    "NaN in data": (lambda d, t: fit_argv(write_csv(t / "nan.csv", np.full((5, 2), np.nan)), t / "m"), "NaN"),
    "calibration of other columns": (
        lambda d, t: fit_argv(d, t / "m", "--calibration", write_csv(t / "narrow.csv", np.zeros((5, 2)))), "x2"),
}


@pytest.mark.parametrize("case", list(BAD_FIT))
def test_bad_fit_input_is_a_usage_error(case, train_csv, tmp_path, capsys):
    (tmp_path / "data.txt").write_text("1,2\n")
    make_argv, message = BAD_FIT[case]
    assert main([str(arg) for arg in make_argv(train_csv, tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_wrong_feature_count_at_score_time(critic_model, tmp_path, capsys):
    data = write_csv(tmp_path / "wide.csv", np.zeros((10, N_FEATURES + 1)), header=False)  # matched by position
    out = tmp_path / "scores.csv"
    assert main(["score", str(critic_model), str(data), "--out", str(out), "--chunk-rows", "4"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: ") and f"expecting {N_FEATURES} features" in err
    assert not out.exists()


@pytest.mark.parametrize("argv, message", [
    (["score", "{tmp}/no-model", "{data}", "--out", "{tmp}/s.csv"], "not a ganad model folder"),
    (["score", "{model}", "{tmp}/missing.csv", "--out", "{tmp}/s.csv"], "no such data file"),
    (["score", "{model}", "{data}", "--out", "{tmp}/no-dir/s.csv"], "no such folder"),
])
def test_bad_score_input_is_a_usage_error(argv, message, critic_model, train_csv, tmp_path, capsys):
    argv = [arg.format(tmp=tmp_path, data=train_csv, model=critic_model) for arg in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: ") and message in err


@pytest.mark.parametrize("argv", [
    [],
    ["score", "m", "d.csv", "--out", "s.csv", "--threshold", "1", "--top-fraction", "0.1"],
    ["score", "m", "d.csv", "--out", "s.csv", "--top-fraction", "1.5"],
    ["score", "m", "d.csv", "--out", "s.csv", "--top-fraction", "0.1", "--contamination", "0.1"],
    ["fit", "d.csv", "--method", "wgan-critic", "--out", "m", "--device", "nonsense"],
])
def test_argparse_errors_return_2(argv, capsys):
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err


def test_module_entry_point_runs_main(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["ganad", "list"])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("ganad.cli", run_name="__main__")
    assert exit_.value.code == 0
    assert "wgan-encoder" in capsys.readouterr().out


def assert_png(path):
    assert path.is_file() and path.read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.long
@pytest.mark.parametrize("gan", ["wgan-gp", "wgan-clip"])
def test_wgan_demo_writes_figures_and_results(gan, tmp_path, capsys):
    run_ok(["demo", "--gan", gan, "--out", tmp_path, "--epochs", 1, "--n-train", 2000, "--n-test", 200,
            "--inversion-steps", 20, "--device", "cpu"])
    for name in ("samples", "critic_landscape", "critic_loss", "pr_roc", "score_boxplot"):
        assert_png(tmp_path / f"{name}.png")
    results = json.loads((tmp_path / "results.json").read_text())
    assert [row["detector"] for row in results["results"]] == ["wgan-critic", "wgan-inversion", "wgan-encoder"]
    assert all(0 <= row["auroc"] <= 1 and 0 <= row["auprc"] <= 1 for row in results["results"])
    out = capsys.readouterr().out
    assert "| detector | AUROC | AUPRC | score seconds |" in out
    assert results["gan"] == gan and ("lambda = 0.1" in out) == (gan == "wgan-gp")


@pytest.mark.parametrize("argv, message", [
    (["--gan", "vanilla", "--gp-weight", "7"], "--gan vanilla has no gradient penalty"),
    (["--gan", "wgan-clip", "--gp-weight", "1"], "--gan wgan-clip has no gradient penalty"),
    (["--gan", "vanilla", "--inversion-steps", "3"], "--gan vanilla does not run"),
    (["--gp-weight", "-5"], "--gp-weight: must be >= 0"),
    (["--gp-weight", "nan"], "--gp-weight: must be a finite number"),
    (["--inversion-steps", "-3"], "--inversion-steps: must be an integer >= 0"),
    (["--seed", "99999999999"], "--seed: must be an integer from 0 to 2**32 - 1"),
    (["--epochs", "0"], "--epochs: must be an integer >= 1"),
])
def test_demo_refuses_an_option_before_any_work(argv, message, tmp_path, capsys):
    """These were refused after the GAN's training (--inversion-steps -3), after the data (--gp-weight -5), or
    ignored (--gp-weight with --gan vanilla), and left an empty --out folder."""
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--device", "cpu", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_bench_refuses_no_jobs_and_negative_seeds(capsys):
    assert main(["bench", "adgan-t1", "--jobs", "0"]) == 2
    assert "--jobs: must be a non-zero integer" in capsys.readouterr().err
    assert main(["bench", "adgan-t1", "--seeds", "0", "-1"]) == 2
    assert "--seeds: must be an integer from 0 to 2**32 - 1" in capsys.readouterr().err


def test_modes_covered_needs_one_percent_within_0_15_of_a_centre():
    angles = 2 * np.pi * np.array([0, 1, 2]) / 7
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    points = np.concatenate([np.repeat(centres[:2], 50, axis=0),  # two modes, 50 points each
                             centres[2:] * 1.2,  # one point 0.2 off the third centre: not counted
                             np.zeros((99, 2))])  # ring centre: no mode
    assert modes_covered(points) == 2
    assert modes_covered(points[:100]) == 2 and modes_covered(np.zeros((10, 2))) == 0


def test_vanilla_demo_tracks_mode_coverage(tmp_path, capsys):
    run_ok(["demo", "--gan", "vanilla", "--out", tmp_path, "--epochs", 2, "--n-train", 2000, "--device", "cpu"])
    assert_png(tmp_path / "mode_collapse.png")
    assert_png(tmp_path / "discriminator_loss.png")
    coverage = json.loads((tmp_path / "results.json").read_text())["modes_covered_per_epoch"]
    assert len(coverage) == 2 and all(0 <= c <= 7 for c in coverage)
    out = capsys.readouterr().out
    assert "epoch   1:" in out and "epoch   2:" in out


def test_rank_draws_the_extremes_of_a_file(critic_model, train_csv, tmp_path, capsys):
    out = tmp_path / "ranked.png"
    run_ok(["rank", critic_model, train_csv, "--out", out, "--image-shape", 1, 1, N_FEATURES, "--n-shown", 4,
            "--device", "cpu"])
    assert_png(out)
    assert f"ranked {N_ROWS} rows" in capsys.readouterr().out


def test_rank_refuses_an_image_shape_that_is_not_positive(critic_model, train_csv, tmp_path, capsys):
    assert main(["rank", str(critic_model), str(train_csv), "--out", str(tmp_path / "r.png"), "--image-shape", "1",
                 "-8", "-8"]) == 2
    assert "--image-shape: must be an integer >= 1, got '-8'" in capsys.readouterr().err


def test_rank_needs_an_image_shape_for_a_tabular_model(critic_model, train_csv, tmp_path, capsys):
    assert main(["rank", str(critic_model), str(train_csv), "--out", str(tmp_path / "r.png"), "--device", "cpu"]) == 2
    assert "--image-shape" in capsys.readouterr().err


def test_rank_refuses_an_image_shape_other_than_the_models(tmp_path, capsys):
    """A model fitted on 1 x 8 x 8 images drew them scrambled under --image-shape 1 4 16 (the pixel count matched)."""
    images = np.random.default_rng(0).uniform(-1, 1, size=(20, 64))
    model = DETECTORS["dcae"](**QUICK_PARAMS["dcae"], image_shape=(1, 8, 8), random_state=0).fit(images)
    model.save(tmp_path / "model")
    np.save(tmp_path / "images.npy", images)
    argv = ["rank", tmp_path / "model", tmp_path / "images.npy", "--out", tmp_path / "r.png", "--device", "cpu"]
    assert main([str(a) for a in [*argv, "--image-shape", 1, 4, 16]]) == 2
    assert "fitted on images of shape (1, 8, 8)" in capsys.readouterr().err
    assert not (tmp_path / "r.png").exists()
    run_ok([*argv, "--image-shape", 1, 8, 8])
    assert_png(tmp_path / "r.png")


def test_a_refused_cell_in_a_later_chunk_is_placed_in_the_file(critic_model, tmp_path, capsys):
    """An infinite cell in data row 4, scored 2 rows at a time, was reported as "row 1" (within its chunk)."""
    X = np.random.default_rng(1).normal(size=(6, N_FEATURES))
    X[4, 0] = np.inf
    data = write_csv(tmp_path / "inf.csv", X)
    assert main(["score", str(critic_model), str(data), "--out", str(tmp_path / "s.csv"), "--chunk-rows", "2",
                 "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert "the chunk of data rows 4 to 5" in err and "the first in row 0, column 0" in err
