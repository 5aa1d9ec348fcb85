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


def test_the_spread_rule_weighs_the_mean_against_the_seed_spread_of_one_method(tmp_path, capsys):
    rows = []
    draws = [(0.70, 0.721, 0.60, 0.748), (0.80, 0.719, 0.90, 0.752), (0.75, 0.720, 0.80, 0.750)]
    for seed, (base, steady, noisy, level) in enumerate(draws):
        rows += [("a", "{}", 2000, seed, base, "permuted", 0.1), ("a", '{""d"": 1}', 2000, seed, steady, "permuted", 0.1),
                 ("a", '{""d"": 2}', 2000, seed, noisy, "permuted", 0.1),
                 ("a", '{""d"": 3}', 2000, seed, level, "permuted", 0.1)]
    path = _write(tmp_path / "rows.csv", rows)
    with path.open("a") as file:  # another method's rows are left out with --method
        file.write('other,a,"{}",2000,0,0.0,0,permuted,0.0\n')
    assert vr.main([str(path), "--rule", "spread", "--method", "m", "--baseline", "{}",
                    "--candidates", '{"d": 1}', '{"d": 2}', '{"d": 3}']) == 0
    steady, noisy, level = capsys.readouterr().out.splitlines()
    assert steady.endswith("mean 0.750 -> 0.720 (-0.030), seed spread 0.050 -> 0.001: fails")  # the mean fell
    assert noisy.endswith("mean 0.750 -> 0.767 (+0.017), seed spread 0.050 -> 0.153: fails")  # wider spread
    assert level.endswith("mean 0.750 -> 0.750 (+0.000), seed spread 0.050 -> 0.002: adopted")  # level, steadier
    rows_m = vr.read_rows([path], "m")
    assert not vr.judge_spread(rows_m, vr.parse_setting("{}"), vr.parse_setting("{}"))["adopted"]  # no cut
