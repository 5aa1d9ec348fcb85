"""``benchmarks/plot_learning_curve.py``: the learning-curve figure from the curve script's printed records."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import plot_learning_curve as plc  # noqa: E402  (a script folder, not a package)


def _record(steps, auroc, params):
    return {"method": "adgan", "cell": "mnist:2", "params": params, "generator_steps": steps,
            "mmd2_m": 0.01, "mmd2_m4": 0.004 / steps, "seconds": 1.0, "validation_auroc": auroc}


def test_the_figure_has_one_line_per_run_in_step_order(tmp_path):
    log = tmp_path / "curve.log"
    lines = ["adgan mnist:2 {} generator steps 500 ...", json.dumps(_record(1000, 0.8, {})),
             json.dumps(_record(500, 0.6, {})), json.dumps(_record(500, 0.7, {"conv_width": 32}))]
    log.write_text("\n".join(lines) + "\n")
    records = plc.read_records([log])
    assert [r["generator_steps"] for r in records] == [1000, 500, 500]  # the printed progress line is skipped
    runs = plc.curve_runs(records)
    assert [(label, [r["generator_steps"] for r in run]) for label, run in runs] == [
        ("adgan mnist:2", [500, 1000]), ("adgan mnist:2 (conv_width=32)", [500])]
    out = tmp_path / "curve.png"
    plc.main([str(log), "--out", str(out)])
    assert out.stat().st_size > 0


def test_a_file_without_records_is_refused(tmp_path):
    log = tmp_path / "empty.log"
    log.write_text("nothing measured\n")
    with pytest.raises(SystemExit, match="no learning-curve records"):
        plc.main([str(log), "--out", str(tmp_path / "x.png")])
