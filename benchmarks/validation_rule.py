"""The validation rule of the row checks (issue 13), applied to the rows of ``defaults_validation.py``.

A candidate setting is adopted when, over every (cell, proxy) pair present for both it and the
baseline, each pair the mean over its seeds, the mean validation AUROC rises by at least 0.01, no
pair falls by more than 0.05, and the mean top recall falls by at most 0.02 (the wgan and history
READMEs' checks, e.g. "WGANCritic's width on rows"). The CSV files are read in order and a row
replaces an earlier one of the same method, cell, setting, seed and proxy, so rows rerun on clean
splits can be laid over the rows they correct::

    PYTHONPATH=src:benchmarks python benchmarks/validation_rule.py \\
        results/haloui-diagnosis/cpu/critic_gp_wide_rows.csv results/haloui-diagnosis/cpu/critic_width_rows.csv \\
        results/haloui-diagnosis/cpu/critic_gp_wide_rows_seed1_clean.csv \\
        results/haloui-diagnosis/cpu/critic_row_checks_seed1_clean.csv \\
        --baseline '{"gp_weight": 1.0}' --candidates '{"hidden": [32, 32]}' '{"hidden": [64, 64]}'

A setting is ``PARAMS`` or ``PARAMS@MIN_UPDATES`` (the rows' ``params`` and ``min_updates``
columns; ``@2000`` when left out). ``--fill-from-baseline`` takes the baseline's value for a pair
the candidate did not run (a setting that changes nothing there). ``--method`` keeps one method's
rows of a file holding several.

``--rule spread`` is the weight-average checks' rule (the alice README, "The averages' window at
RCGAN's rate"): the mean over every (cell, proxy) pair and the seed spread, the mean over cells of
the permuted rows' sample standard deviation over seeds; a candidate is adopted when it keeps the
mean within 0.005 and cuts the spread by a quarter, or raises the mean by 0.01 and widens the
spread by at most a tenth.
"""

import argparse
import csv
import json
import statistics

GAIN, MAX_DROP, MAX_RECALL_DROP = 0.01, 0.05, 0.02
LEVEL, SPREAD_CUT, SPREAD_WIDENING = 0.005, 0.75, 1.1


def read_rows(paths, method=None):
    """``{(method, cell, params, min_updates, seed, anomalies): (auroc, top_recall)}``, later files winning;
    only ``method``'s rows when given."""
    rows = {}
    for path in paths:
        with open(path, newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                if method is not None and row["method"] != method:
                    continue
                params = json.dumps(json.loads(row["params"]), sort_keys=True)
                key = (row["method"], row["cell"], params, row["min_updates"], row["seed"], row["anomalies"])
                rows[key] = (float(row["validation_auroc"]), float(row["top_recall"]))
    return rows


def parse_setting(text):
    """``PARAMS[@MIN_UPDATES]`` as the rows' ``(params, min_updates)``."""
    params, _, min_updates = text.partition("@")
    return json.dumps(json.loads(params), sort_keys=True), min_updates or "2000"


def pair_means(rows, setting):
    """``{(method, cell, proxy): (mean AUROC, mean top recall)}`` over the seeds of ``setting``."""
    values = {}
    for (method, cell, params, min_updates, _, anomalies), value in rows.items():
        if (params, min_updates) == setting:
            values.setdefault((method, cell, anomalies), []).append(value)
    return {pair: (statistics.mean(v[0] for v in found), statistics.mean(v[1] for v in found))
            for pair, found in values.items()}


def judge(baseline, candidate, *, fill_from_baseline=False):
    """The rule's verdict and its numbers for ``candidate`` against ``baseline`` (both from :func:`pair_means`)."""
    if fill_from_baseline:
        candidate = {pair: candidate.get(pair, value) for pair, value in baseline.items()}
    pairs = sorted(set(baseline) & set(candidate))
    if not pairs:
        raise ValueError("the baseline and the candidate share no (cell, proxy) pair")
    changes = sorted((candidate[p][0] - baseline[p][0], p) for p in pairs)
    mean_before = statistics.mean(baseline[p][0] for p in pairs)
    mean_after = statistics.mean(candidate[p][0] for p in pairs)
    recall_before = statistics.mean(baseline[p][1] for p in pairs)
    recall_after = statistics.mean(candidate[p][1] for p in pairs)
    adopted = (mean_after - mean_before >= GAIN - 1e-12 and changes[0][0] >= -MAX_DROP
               and recall_after - recall_before >= -MAX_RECALL_DROP)
    return {"pairs": len(pairs), "mean": (mean_before, mean_after), "top_recall": (recall_before, recall_after),
            "largest_drop": changes[0], "largest_rise": changes[-1], "adopted": adopted}


def seed_spread(rows, setting, proxy="permuted"):
    """The mean over cells of the sample standard deviation over seeds of ``setting``'s ``proxy`` AUROCs."""
    values = {}
    for (method, cell, params, min_updates, _, anomalies), (auroc, _) in rows.items():
        if (params, min_updates) == setting and anomalies == proxy:
            values.setdefault((method, cell), []).append(auroc)
    return statistics.mean(statistics.stdev(found) for found in values.values())


def judge_spread(rows, baseline, candidate):
    """The weight-average checks' verdict for the setting ``candidate`` against ``baseline``."""
    means = [statistics.mean(v[0] for v in pair_means(rows, setting).values()) for setting in (baseline, candidate)]
    spreads = [seed_spread(rows, setting) for setting in (baseline, candidate)]
    gain, ratio = means[1] - means[0], spreads[1] / spreads[0]
    adopted = (abs(gain) <= LEVEL and ratio <= SPREAD_CUT) or (gain >= GAIN - 1e-12 and ratio <= SPREAD_WIDENING)
    return {"mean": tuple(means), "spread": tuple(spreads), "adopted": adopted}


def describe_spread(name, verdict):
    (before, after), (s_before, s_after) = verdict["mean"], verdict["spread"]
    return (f"{name}: mean {before:.3f} -> {after:.3f} ({after - before:+.3f}), seed spread {s_before:.3f} -> "
            f"{s_after:.3f}: {'adopted' if verdict['adopted'] else 'fails'}")


def describe(name, verdict):
    (before, after), (r_before, r_after) = verdict["mean"], verdict["top_recall"]
    drop, rise = verdict["largest_drop"], verdict["largest_rise"]
    return (f"{name}: {verdict['pairs']} pairs, mean {before:.3f} -> {after:.3f} ({after - before:+.3f}), top recall "
            f"{r_before:.3f} -> {r_after:.3f}, largest drop {drop[0]:+.3f} ({drop[1][1]} {drop[1][2]}), largest rise "
            f"{rise[0]:+.3f} ({rise[1][1]} {rise[1][2]}): {'adopted' if verdict['adopted'] else 'fails'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+", help="defaults_validation.py CSV files, later rows replacing earlier ones")
    parser.add_argument("--baseline", required=True, help="PARAMS[@MIN_UPDATES]")
    parser.add_argument("--candidates", nargs="+", required=True, help="PARAMS[@MIN_UPDATES] ...")
    parser.add_argument("--fill-from-baseline", action="store_true",
                        help="a pair the candidate did not run takes the baseline's value")
    parser.add_argument("--method", help="only this method's rows")
    parser.add_argument("--rule", choices=("pairs", "spread"), default="pairs",
                        help="pairs: the row checks' rule; spread: the weight-average checks' rule")
    args = parser.parse_args(argv)
    rows = read_rows(args.csv, args.method)
    if args.rule == "spread":
        for text in args.candidates:
            print(describe_spread(text, judge_spread(rows, parse_setting(args.baseline), parse_setting(text))))
        return 0
    baseline = pair_means(rows, parse_setting(args.baseline))
    for text in args.candidates:
        verdict = judge(baseline, pair_means(rows, parse_setting(text)), fill_from_baseline=args.fill_from_baseline)
        print(describe(text, verdict))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
