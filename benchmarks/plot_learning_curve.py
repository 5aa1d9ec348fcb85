"""Draw the learning curves that ``gan_learning_curve.py`` printed: one figure, validation AUROC
(where measured) and MMD^2 against generator steps, one line per method, cell and parameters.

Reads the JSON records the curve script prints (one per line; other lines are skipped), so a
committed record file redraws its figure with one command:

    PYTHONPATH=src python benchmarks/plot_learning_curve.py \
        results/adgan-diagnosis/cpu/adgan_curve_mnist2.jsonl \
        --out results/adgan-diagnosis/cpu/adgan_curve_mnist2.png
"""

import argparse
import json
from itertools import groupby

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)


def read_records(paths):
    """The curve records (dicts with "generator_steps") of the files, in file order."""
    records = []
    for path in paths:
        with open(path) as file:
            for line in file:
                if line.startswith("{"):
                    record = json.loads(line)
                    if "generator_steps" in record:
                        records.append(record)
    return records


def run_label(record):
    """One line's name: method, cell and the constructor overrides."""
    params = ", ".join(f"{name}={value}" for name, value in sorted(record.get("params", {}).items()))
    return f"{record['method']} {record['cell']}" + (f" ({params})" if params else "")


def curve_runs(records):
    """[(label, the run's records in generator-step order)], one per method, cell and parameters."""
    return [(label, sorted(group, key=lambda r: r["generator_steps"]))
            for label, group in groupby(sorted(records, key=run_label), key=run_label)]


def plot_curves(records, out):
    """Save the figure of ``records`` to ``out``: AUROC panel (when any record has one) and MMD^2 panel."""
    runs = curve_runs(records)
    with_auroc = any(r.get("validation_auroc") is not None for r in records)
    panels = [("validation_auroc", "validation AUROC")] if with_auroc else []
    panels.append(("mmd2_m4", "MMD$^2$ (bandwidth m/4)"))
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    for axis, (field, title) in zip(axes[0], panels):
        for label, run in runs:
            points = [(r["generator_steps"], r[field]) for r in run if r.get(field) is not None]
            if points:
                axis.plot(*zip(*points), marker="o", label=label)
        axis.set_xlabel("generator steps")
        axis.set_title(title)
        axis.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=120)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="+", help="files of gan_learning_curve.py's printed records")
    parser.add_argument("--out", required=True, help="the figure's path (.png, .pdf, .svg)")
    args = parser.parse_args(argv)
    records = read_records(args.records)
    if not records:
        raise SystemExit(f"no learning-curve records in {args.records}")
    plot_curves(records, args.out)
    print(f"wrote {args.out} ({len(records)} measurements)")


if __name__ == "__main__":
    main()
