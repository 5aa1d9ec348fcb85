"""Do the validation proxies flag the defaults-quality violations? (issues 13 and 15, diagnosis only.)

Reads the validation AUROCs written by ``defaults_validation.py --csv`` (training rows only: the
held-out normals against feature-``permuted`` or ``dilated`` rows, one fit) and the test AUROCs of
``defaults_quality.py`` (``results.jsonl``), and applies issue 13's acceptance rule to each: a
(detector, cell) *fails* when its AUROC is below ``AUROC_FLOOR`` or below IForest's on the same cell
minus ``IFOREST_MARGIN``. A proxy is left out on a cell where IForest's own proxy AUROC is below the
floor (``informative``): its anomalies are not anomalous there. Per proxy it prints, over the (detector, cell) pairs both files hold, how
many test failures the validation rule also flags (hits), how many it misses, and how many it flags
on cells that pass on test (false alarms), the same for a pair flagged by either proxy, then one line
per test failure with both proxies' values, and each proxy's false alarms.
Nothing is chosen from the test values: the script only measures whether a proxy, fixed in advance,
could have seen the failures from training data.

    PYTHONPATH=benchmarks python benchmarks/proxy_agreement.py \\
        results/defaults-quality/cpu/validation_proxies.csv results/defaults-quality/cpu/results.jsonl
"""

import argparse
import csv

from defaults_quality import AUROC_FLOOR, IFOREST_MARGIN, auroc_table, cell_violations
from ganad.bench.results import read_jsonl

BASELINE = "iforest"


def read_validation(path):
    """``{proxy: {(method, cell): AUROC}}`` from a ``defaults_validation.py`` CSV of default settings."""
    values = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["params"] == "{}":
                values.setdefault(row["anomalies"], {})[row["method"], row["cell"]] = float(row["validation_auroc"])
    return values


def read_test(path):
    """``{(method, cell): AUROC}`` of a defaults-quality JSONL as its table shows it (the last row of a key)."""
    return auroc_table(list({row["key"]: row for row in read_jsonl(path)}.values()))


def failures(values):
    """The (method, cell) pairs failing issue 13's per-cell rule (``defaults_quality.cell_violations``)."""
    return {(method, cell) for method, cell, _ in cell_violations(values)}


def informative(values, cell):
    """Whether a proxy says anything on ``cell``: IForest's own proxy AUROC there reaches the floor (a feature
    permutation of a one-feature row, or of four dots at the corners of a rectangle, is the same distribution)."""
    return values.get((BASELINE, cell), 0.0) >= AUROC_FLOOR


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("validation_csv", nargs="+")
    parser.add_argument("test_jsonl")
    args = parser.parse_args(argv)
    validation = {}
    for path in args.validation_csv:
        for proxy, values in read_validation(path).items():
            validation.setdefault(proxy, {}).update(values)
    test = read_test(args.test_jsonl)
    test_failures = failures(test)
    print("| proxy | pairs | test failures | hits | misses | false alarms |\n|---|---:|---:|---:|---:|---:|")
    proxies = sorted(validation)
    pairs = {proxy: {pair for pair in set(validation[proxy]) & set(test) if informative(validation[proxy], pair[1])}
             for proxy in proxies}
    flagged = {proxy: failures(validation[proxy]) & pairs[proxy] for proxy in proxies}
    rows = {proxy: (pairs[proxy], flagged[proxy]) for proxy in proxies}
    rows["either"] = (set.union(*pairs.values()), set.union(*flagged.values()))
    for proxy, (common, flags) in rows.items():
        failing = test_failures & common
        print(f"| {proxy} | {len(common)} | {len(failing)} | {len(failing & flags)} | "
              f"{len(failing - flags)} | {len(flags - failing)} |")
    print("\n| detector | cell | test | " + " | ".join(proxies) + " |\n|---|---|---:|" + "---:|" * len(proxies))
    for method, cell in sorted(test_failures):
        if all((method, cell) in validation[proxy] for proxy in proxies):
            marks = [f"{validation[p][method, cell]:.3f}" + (" *" if (method, cell) in flagged[p] else
                     "" if (method, cell) in pairs[p] else " (n/i)") for p in proxies]
            print(f"| {method} | {cell} | {test[method, cell]:.3f} | " + " | ".join(marks) + " |")
    for proxy in proxies:
        alarms = sorted(flagged[proxy] - test_failures)
        print(f"\n{proxy} false alarms (test passes): " + ", ".join(
            f"{method} {cell} ({validation[proxy][method, cell]:.3f}; test {test[method, cell]:.3f})"
            for method, cell in alarms))
    print("\n`*`: flagged by the proxy's own application of the rule (its AUROC below "
          f"{AUROC_FLOOR} or below IForest's proxy AUROC minus {IFOREST_MARGIN}); `(n/i)`: the proxy is not "
          "informative on the cell (IForest's own proxy AUROC below the floor), which is left out of its counts.")


if __name__ == "__main__":
    main()
