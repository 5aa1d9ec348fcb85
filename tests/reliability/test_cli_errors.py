"""Issue 11, cases 5, 6, 8, 9: errors come early, in one line, with a meaningful exit status.

5. ``fit --out`` that cannot receive a model failed only after the whole training.
6. Anything but ValueError/OSError (a hand-edited model config) ended in a traceback.
8. ``ganad list`` offered methods that ``ganad fit`` then refused.
9. ``ganad bench`` exited 0 when no job could run.
"""

import importlib
import json
import shutil

import numpy as np
import pytest

import ganad.io
from ganad.cli.main import main
from ganad.registry import DETECTORS

cli = importlib.import_module("ganad.cli.main")  # the module: ganad.cli.main is also the function's name
TINY = ["--param", "n_epochs=1", "--param", "batch_size=32", "--param", "hidden=(16,16)",
        "--seed", "0", "--device", "cpu"]


def run(argv):
    return main([str(arg) for arg in argv])


def one_error_line(err):
    """The single ``ganad: error:`` line of ``err``, asserting there is nothing else."""
    assert err.startswith("ganad: error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.fixture
def train_csv(tmp_path):
    data = tmp_path / "train.csv"
    np.savetxt(data, np.random.default_rng(0).normal(size=(40, 3)), delimiter=",")
    return data


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("errors")
    data = folder / "train.csv"
    np.savetxt(data, np.random.default_rng(0).normal(size=(40, 3)), delimiter=",")
    assert run(["fit", data, "--method", "wgan-critic", "--out", folder / "model", *TINY]) == 0
    return folder / "model"


@pytest.fixture
def no_training(monkeypatch):
    """Make wgan-critic's ``fit`` a test failure: the checks must come before training."""
    def fit(self, X):
        pytest.fail("the data was trained on before --out was checked")
    monkeypatch.setattr(DETECTORS["wgan-critic"], "fit", fit)


# --- case 5: --out is checked before reading and training --------------------------------

def unusable_out(kind, tmp_path):
    """An ``--out`` that cannot receive a model, and the file it holds that must survive."""
    out = tmp_path / "out"
    if kind == "file":
        keep = out
    elif kind == "busy folder":
        out.mkdir()
        keep = out / "notes.txt"
    else:
        return tmp_path / "missing" / "model", None
    keep.write_text("keep me\n")
    return out, keep


@pytest.mark.parametrize("kind, message", [
    ("file", "exists and is not a folder"),
    ("busy folder", "holds other files, not a ganad model"),
    ("missing parent", "no such folder"),
])
def test_fit_checks_out_before_training(train_csv, tmp_path, capsys, no_training, kind, message):
    out, keep = unusable_out(kind, tmp_path)
    assert run(["fit", train_csv, "--method", "wgan-critic", "--out", out, *TINY]) == 2
    assert message in one_error_line(capsys.readouterr().err)
    assert keep is None or keep.read_text() == "keep me\n"


def test_fit_refuses_an_unsavable_method_before_reading_data(tmp_path, capsys):
    argv = ["fit", tmp_path / "missing.csv", "--method", "iforest", "--out", tmp_path / "model"]
    assert run(argv) == 2
    err = one_error_line(capsys.readouterr().err)
    assert "cannot be saved" in err and "Python & bench only" in err and "no such data file" not in err


# --- case 6: one line, never a traceback --------------------------------------------------

@pytest.mark.parametrize("error", [RuntimeError("boom"), TypeError("boom"), KeyError("boom"),
                                   AttributeError("boom"), RecursionError("boom")], ids=lambda e: type(e).__name__)
def test_unexpected_errors_are_one_line_and_exit_1(model, tmp_path, capsys, monkeypatch, error):
    def load_model(*args, **kwargs):
        raise error
    monkeypatch.setattr(ganad.io, "load_model", load_model)
    data = tmp_path / "d.csv"
    np.savetxt(data, np.zeros((3, 3)), delimiter=",")
    assert run(["score", model, data, "--out", tmp_path / "s.csv", "--device", "cpu"]) == 1
    err = one_error_line(capsys.readouterr().err)
    assert err.startswith(f"ganad: error: internal error ({type(error).__name__}): ") and "boom" in err


def test_a_multi_line_message_is_printed_on_one_line(tmp_path, capsys, monkeypatch):
    def read_array(*args, **kwargs):
        raise ValueError("first line\nsecond line")
    monkeypatch.setattr(cli, "read_array", read_array)
    data = tmp_path / "d.csv"
    data.write_text("1,2\n")
    assert run(["fit", data, "--method", "wgan-critic", "--out", tmp_path / "m", *TINY]) == 2
    assert one_error_line(capsys.readouterr().err) == "ganad: error: first line second line\n"


@pytest.mark.parametrize("edit", ["delete seed", "params a list", "fitted null", "deep nesting", "not json"])
def test_a_hand_edited_model_config_is_one_error_line(model, tmp_path, capsys, edit):
    copy = shutil.copytree(model, tmp_path / "model")
    config_file = copy / "config.json"
    config = json.loads(config_file.read_text())
    if edit == "delete seed":
        del config["seed"]
    elif edit == "params a list":
        config["params"] = []
    elif edit == "fitted null":
        config["fitted"] = None
    text = {"deep nesting": "[" * 100_000 + "]" * 100_000, "not json": "{"}.get(edit, json.dumps(config))
    config_file.write_text(text)
    data = tmp_path / "d.csv"
    np.savetxt(data, np.zeros((3, 3)), delimiter=",")
    assert run(["score", copy, data, "--out", tmp_path / "s.csv", "--device", "cpu"]) in (1, 2)
    one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "s.csv").exists()


# --- case 8: `ganad list` says what `ganad fit` cannot save -------------------------------

def test_list_marks_the_methods_fit_cannot_save(capsys):
    assert run(["list"]) == 0
    lines = dict(line.split(maxsplit=1) for line in capsys.readouterr().out.splitlines())
    assert set(lines) == set(DETECTORS)
    for name, cls in DETECTORS.items():
        assert ("Python & bench only" in lines[name]) == (not cls.savable)
    assert not all(cls.savable for cls in DETECTORS.values())  # the marker is exercised


# --- case 9: a benchmark that ran nothing fails ------------------------------------------

def test_bench_with_every_job_missing_its_data_exits_3(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    argv = ["bench", "haloui-har", "--budget", "smoke", "--out", tmp_path / "out", "--data-dir", tmp_path / "empty"]
    assert run(argv) == 3
    captured = capsys.readouterr()
    err = one_error_line(captured.err)
    assert "no job ran" in err and "1 data missing" in err
    assert "data missing" in captured.out.lower()  # the table is still printed
