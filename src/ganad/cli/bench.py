"""``ganad bench``: run a paper table's benchmark spec and write JSON, CSV and Markdown.

    ganad bench --list
    ganad bench TABLE [--budget smoke|cpu|paper] [--jobs N] [--out DIR] [--data-dir DIR]
                      [--seeds S ...] [--methods M ...] [--datasets D ...] [--figures]

A rerun with the same ``--out`` resumes: jobs with an ``ok`` row in ``results.jsonl`` are
skipped. Exit status 0 when no job failed (methods not implemented yet and missing data are
reported, not failures), 1 when some job failed, 3 when no job ran at all (every job's data
missing or method not implemented), with a one-line ``ganad: error:`` on stderr.
"""

import argparse
import sys

from .options import nonzero_int, seed

NOTHING_RAN = 3
BUDGET_HELP = "smoke: seconds, for CI; cpu: under an hour per table on 2 cores; paper: the papers' settings"


def add_bench_parser(commands):
    """Register the ``bench`` subcommand on the ``commands`` subparsers of ``ganad``."""
    parser = commands.add_parser("bench", help="reproduce a paper table (spec -> jobs -> CSV/Markdown)",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("table", nargs="?", help="a bundled spec name (see --list) or a spec .toml path")
    parser.add_argument("--list", action="store_true", help="list the bundled specs and exit")
    parser.add_argument("--budget", choices=("smoke", "cpu", "paper"), default="smoke", help=BUDGET_HELP)
    parser.add_argument("--jobs", type=nonzero_int, default=1, metavar="N",
                        help="parallel jobs (joblib n_jobs; default 1)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: bench_results/TABLE/BUDGET)")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder (default: $GANAD_DATA, else the user cache)")
    parser.add_argument("--seeds", type=seed, nargs="+", metavar="S", help="override the budget's seeds")
    parser.add_argument("--methods", nargs="+", metavar="M",
                        help="run only these methods of the budget (the table still shows every logged row)")
    parser.add_argument("--datasets", nargs="+", metavar="D",
                        help="run only these data sets of the budget (the table still shows every logged row)")
    parser.add_argument("--figures", action="store_true", help="also draw PR/ROC curves and score box plots per job")
    parser.add_argument("--verbose", action="store_true", help="log INFO messages")
    parser.set_defaults(command=bench)


def bench(args):
    from ..bench.spec import list_specs, load_spec

    if args.list:
        for name in list_specs():
            spec = load_spec(name)
            print(f"{name:<12}  {spec.reference} -- {spec.title}")
        return 0
    if not args.table:
        raise ValueError("bench: give a TABLE (see `ganad bench --list`)")
    from ..bench.runner import run_spec

    spec = load_spec(args.table)
    rows, paths = run_spec(spec, args.budget, args.out, jobs=args.jobs, data_dir=args.data_dir,
                           seeds=args.seeds, figures=args.figures, methods=args.methods,
                           datasets=args.datasets)
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    print(paths["markdown"].read_text(encoding="utf-8"))
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"{spec.name} ({args.budget}): {len(rows)} jobs: {summary}")
    print("wrote " + ", ".join(str(paths[k]) for k in ("jsonl", "json", "csv", "markdown")))
    if not counts.get("ok") and not counts.get("failed"):
        print(f"ganad: error: bench {spec.name}: no job ran ({summary}); the table gives each job's reason",
              file=sys.stderr)
        return NOTHING_RAN
    return 1 if counts.get("failed") else 0
