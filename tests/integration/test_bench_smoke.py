"""``ganad bench haloui-t1 --budget smoke`` end to end on the shared MNIST copy."""

import os
import time
from pathlib import Path

import pytest

from ganad.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def shared_data():
    root = Path(os.environ.get("GANAD_SHARED_DATA") or REPO.parent / "shared" / "data")
    return root if (root / "mnist").is_dir() else None


@pytest.mark.long
@pytest.mark.skipif(shared_data() is None, reason="shared MNIST not found (set GANAD_SHARED_DATA or <repo>/../shared/data)")
def test_bench_haloui_t1_smoke(tmp_path, capsys):
    out = tmp_path / "bench"
    argv = ["bench", "haloui-t1", "--budget", "smoke", "--out", str(out), "--data-dir", str(shared_data())]
    start = time.perf_counter()
    assert main(argv) == 0
    assert time.perf_counter() - start < 60
    printed = capsys.readouterr().out
    assert "| mnist:0 | wgan-encoder | auprc |" in printed and "0.970" in printed  # the published column
    assert "| mnist:0 | vae | auprc |" in printed and "0.517" in printed  # the VAE baseline, published beside it
    for name in ("results.jsonl", "results.json", "results.csv", "table.md"):
        assert (out / name).is_file()
    n_rows = len((out / "results.jsonl").read_text().splitlines())
    assert main(argv) == 0  # resume: finished jobs are skipped
    assert len((out / "results.jsonl").read_text().splitlines()) == n_rows  # every job was ok: none re-run


def test_bench_list(capsys):
    assert main(["bench", "--list"]) == 0
    assert "haloui-t1" in capsys.readouterr().out
