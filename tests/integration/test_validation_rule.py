"""``benchmarks/validation_rule.py``: the row checks' adoption rule over ``defaults_validation.py`` rows."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
import validation_rule as vr  # noqa: E402  (a script folder, not a package)

HEADER = "method,cell,params,min_updates,seed,validation_auroc,held_out_score,anomalies,top_recall\n"


def _write(path, rows):
    path.write_text(HEADER + "".join(f'm,{cell},"{params}",{mu},{seed},{auroc},0,{proxy},{recall}\n'
                                     for cell, params, mu, seed, auroc, proxy, recall in rows))
    return path


def test_a_candidate_is_adopted_only_by_the_mean_gain_the_largest_drop_and_the_top_recall(tmp_path, capsys):
    old = _write(tmp_path / "old.csv", [
        ("a", "{}", 2000, 0, 0.70, "permuted", 0.2), ("a", "{}", 2000, 1, 0.80, "permuted", 0.2),
        ("b", "{}", 2000, 0, 0.60, "permuted", 0.2), ("b", "{}", 2000, 1, 0.60, "permuted", 0.2),
        ("a", '{""k"": 1}', 2000, 0, 0.80, "permuted", 0.2), ("a", '{""k"": 1}', 2000, 1, 0.90, "permuted", 0.2),
        ("b", '{""k"": 1}', 2000, 0, 0.58, "permuted", 0.2), ("b", '{""k"": 1}', 2000, 1, 0.58, "permuted", 0.2),
        ("a", "{}", 500, 0, 0.95, "permuted", 0.0), ("b", "{}", 500, 0, 0.60, "permuted", 0.0)])
    rows = vr.read_rows([old])
    base = vr.pair_means(rows, vr.parse_setting("{}"))
    assert base[("m", "a", "permuted")] == (0.75, 0.2)
    verdict = vr.judge(base, vr.pair_means(rows, vr.parse_setting('{"k": 1}')))
    assert verdict["adopted"] and verdict["pairs"] == 2 and round(verdict["largest_drop"][0], 6) == -0.02
    recall_lost = vr.judge(base, vr.pair_means(rows, vr.parse_setting("{}@500")))
    assert not recall_lost["adopted"] and recall_lost["mean"][1] > recall_lost["mean"][0] + 0.01

    # A later file's row replaces the same (cell, setting, seed, proxy): b falls by 0.10 at seed 1, beyond 0.05.
    clean = _write(tmp_path / "clean.csv", [("b", '{""k"": 1}', 2000, 1, 0.40, "permuted", 0.2)])
    assert vr.main([str(old), str(clean), "--baseline", "{}", "--candidates", '{"k": 1}']) == 0
    assert capsys.readouterr().out.strip().endswith("largest rise +0.100 (a permuted): fails")
