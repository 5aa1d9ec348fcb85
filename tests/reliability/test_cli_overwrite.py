"""Issue 11, case 1: the command line never writes over its input and writes its outputs whole.

``ganad score MODEL data.csv --out data.csv`` used to delete data.csv (and with a ``.npy``
input truncated the memory-mapped file under the reader: a bus error). Every ``--out`` is now
checked against the inputs -- by path, symlink and hard link -- before anything is opened
for writing, and a score file or figure appears only once complete.
"""

import importlib
import os
import shutil

import numpy as np
import pytest

import ganad.io
from ganad.cli.main import main
from ganad.registry import DETECTORS

cli = importlib.import_module("ganad.cli.main")  # the module: ganad.cli.main is also the function's name

TINY = ["--param", "n_epochs=1", "--param", "batch_size=32", "--param", "hidden=(16,16)",
        "--seed", "0", "--device", "cpu"]
X = np.random.default_rng(0).normal(size=(40, 3))


def write_csv(path, rows, header="a,b,c"):
    lines = [header] + [",".join(repr(float(value)) for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(argv):
    """``main(argv)``; a KeyboardInterrupt escaping it is a test failure, not the end of the run."""
    try:
        return main([str(arg) for arg in argv])
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped main")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("overwrite")
    assert run(["fit", write_csv(folder / "train.csv", X), "--method", "wgan-critic",
                "--out", folder / "model", *TINY]) == 0
    return folder / "model"


def alias(kind, data, folder):
    """A path naming the file ``data``: itself, through ``..``, a symlink or a hard link."""
    if kind == "same path":
        return data
    if kind == "dotted path":
        (folder / "sub").mkdir()
        return folder / "sub" / ".." / data.name
    link = folder / f"link{data.suffix}"
    if kind == "symlink":
        link.symlink_to(data)
    else:
        os.link(data, link)
    return link


@pytest.mark.parametrize("kind", ["same path", "dotted path", "symlink", "hard link"])
@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_score_refuses_to_write_over_its_data(model, tmp_path, capsys, suffix, kind):
    data = tmp_path / f"data{suffix}"
    np.save(data, X) if suffix == ".npy" else write_csv(data, X)
    before = data.read_bytes()
    assert run(["score", model, data, "--out", alias(kind, data, tmp_path), "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ganad: error: ") and "is the input" in err and "never writes over its input" in err
    assert data.read_bytes() == before


@pytest.mark.parametrize("name", ["config.json", "model.safetensors"])
def test_score_refuses_to_write_over_the_model(model, tmp_path, capsys, name):
    copy = shutil.copytree(model, tmp_path / "model")
    before = (copy / name).read_bytes()
    assert run(["score", copy, write_csv(tmp_path / "d.csv", X), "--out", copy / name, "--device", "cpu"]) == 2
    assert "is the input" in capsys.readouterr().err
    assert (copy / name).read_bytes() == before


def test_fit_refuses_an_out_that_is_its_data(tmp_path, capsys):
    data = write_csv(tmp_path / "train.csv", X)
    before = data.read_bytes()
    assert run(["fit", data, "--method", "wgan-critic", "--out", data, *TINY]) == 2
    assert "is the input" in capsys.readouterr().err
    assert data.read_bytes() == before


def test_fit_refuses_a_model_folder_that_holds_its_data(model, tmp_path, capsys):
    """A model folder is replaced as a whole: the data file inside would go with it."""
    folder = shutil.copytree(model, tmp_path / "model")
    data = write_csv(folder / "train.csv", X)
    assert run(["fit", data, "--method", "wgan-critic", "--out", folder, *TINY]) == 2
    assert "holds the input" in capsys.readouterr().err
    assert data.is_file()


def test_an_output_that_is_a_link_or_a_special_file_is_refused_and_kept(model, tmp_path, capsys):
    """The rename that writes an output whole would replace a symlink or a FIFO with a plain file (as root, a
    device such as /dev/null too: a black-box probe's finding)."""
    data = write_csv(tmp_path / "d.csv", X)
    target = write_csv(tmp_path / "target.csv", X)
    link, fifo = tmp_path / "link.csv", tmp_path / "fifo.csv"
    link.symlink_to(target)
    os.mkfifo(fifo)
    assert run(["score", model, data, "--out", link, "--device", "cpu"]) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert run(["score", model, data, "--out", fifo, "--device", "cpu"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert link.is_symlink() and not fifo.is_file() and fifo.exists()


def test_fit_refuses_a_checkpoint_path_that_is_its_data(tmp_path, capsys):
    data = write_csv(tmp_path / "train.csv", X)
    before = data.read_bytes()
    assert run(["fit", data, "--method", "dcae", "--out", tmp_path / "model", *TINY,
                "--param", f"checkpoint_path={data}"]) == 2
    assert "is the input" in capsys.readouterr().err
    assert data.read_bytes() == before


def test_rank_refuses_to_write_over_its_data(model, tmp_path, capsys):
    data = write_csv(tmp_path / "images.csv", X)
    before = data.read_bytes()
    assert run(["rank", model, data, "--out", data, "--image-shape", 1, 1, 3, "--device", "cpu"]) == 2
    assert "is the input" in capsys.readouterr().err
    assert data.read_bytes() == before


def test_a_failed_score_keeps_the_previous_score_file(model, tmp_path, capsys):
    data = tmp_path / "late_error.csv"
    data.write_text("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,oops,3\n")
    out = tmp_path / "scores.csv"
    out.write_text("previous\n")
    assert run(["score", model, data, "--out", out, "--chunk-rows", 2, "--device", "cpu"]) == 2
    assert "oops" in capsys.readouterr().err
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late_error.csv", "scores.csv"]  # no temporary file


def test_a_file_of_no_rows_keeps_the_previous_score_file(model, tmp_path, capsys):
    """The row count was checked after the score file had been written: a header-only file replaced it."""
    data = tmp_path / "no_rows.csv"
    data.write_text("a,b,c\n")
    out = tmp_path / "scores.csv"
    out.write_text("previous\n")
    assert run(["score", model, data, "--out", out, "--device", "cpu"]) == 2
    assert "no data rows" in capsys.readouterr().err
    assert out.read_text() == "previous\n"


def test_ctrl_c_while_scoring_exits_130_and_keeps_the_previous_file(model, tmp_path, capsys, monkeypatch):
    def interrupted_on_the_second_chunk(*args, **kwargs):
        detector = load_model(*args, **kwargs)
        score, calls = detector.anomaly_score, []

        def anomaly_score(chunk):
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return score(chunk)
        detector.anomaly_score = anomaly_score
        return detector

    load_model = ganad.io.load_model
    monkeypatch.setattr(ganad.io, "load_model", interrupted_on_the_second_chunk)
    out = tmp_path / "scores.csv"
    out.write_text("previous\n")
    data = write_csv(tmp_path / "d.csv", X)
    assert run(["score", model, data, "--out", out, "--chunk-rows", 10, "--device", "cpu"]) == 130
    assert capsys.readouterr().err == "ganad: interrupted\n"
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "scores.csv"]


def test_ctrl_c_while_fitting_exits_130_and_writes_no_model(tmp_path, capsys, monkeypatch):
    def interrupt(self, X):
        raise KeyboardInterrupt

    monkeypatch.setattr(DETECTORS["wgan-critic"], "fit", interrupt)
    data = write_csv(tmp_path / "train.csv", X)
    assert run(["fit", data, "--method", "wgan-critic", "--out", tmp_path / "model", *TINY]) == 130
    assert capsys.readouterr().err == "ganad: interrupted\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.csv"]
