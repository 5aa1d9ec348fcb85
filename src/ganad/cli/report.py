"""``ganad report``: one self-contained HTML page to judge a saved model.

    ganad report MODEL_DIR --out report.html [--data DATA] [--top N]

The page (``ganad.report``) shows the model's summary (method, paper, parameters,
features, scaling, imputation, offset_ and the threshold), its training losses per
optimisation step, samples from its generator (images, or 2-D points drawn over DATA),
and with DATA the histogram of DATA's anomaly scores against the threshold and its N most
anomalous rows with, where the model has ``explain``, their top contributing features.
Figures are embedded PNGs: the page loads nothing and runs no script, so it can be mailed
or archived as one file. DATA is read as ``ganad score`` reads it. The page never replaces
DATA or the model's files and appears only once written whole. ``ganad fit ... --report
PAGE`` writes the same page for the new model, with the training data as DATA.
"""

import argparse
from pathlib import Path

from ..data import read_array
from ..data.files import check_output
from ..utils.atomic import atomic_path
from .options import (add_device_argument, add_reading_arguments, model_columns, model_files, positive_int,
                      reading_options)

DEFAULT_TOP = 10


def add_report_parser(commands):
    """Register the ``report`` subcommand on the ``commands`` subparsers of ``ganad``."""
    parser = commands.add_parser("report", help="write an HTML page describing a saved model",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", metavar="MODEL_DIR", help="a folder written by `ganad fit`")
    parser.add_argument("--out", required=True, metavar="REPORT.html", help="the page to write")
    parser.add_argument("--data", help="rows to score and rank on the page: .csv, .npy, .npz or .parquet "
                                       "with the training features")
    parser.add_argument("--top", type=positive_int, default=DEFAULT_TOP, metavar="N",
                        help=f"most anomalous rows of DATA listed (default {DEFAULT_TOP})")
    add_reading_arguments(parser)
    add_device_argument(parser)
    parser.set_defaults(command=report)


def report(args):
    from ..io import load_model

    inputs = [] if args.data is None else [args.data]
    check_output(args.out, [*inputs, *model_files(args.model)])
    detector = load_model(args.model, device=args.device)
    X = None
    if args.data is not None:
        options = reading_options(args, detector)
        X = read_array(args.data, columns=model_columns(detector, args.data, options), **options)
    write_report(args.out, detector, X, data_name=args.data, top=args.top)
    scored = "" if X is None else f" with the scores of {len(X)} rows of {args.data}"
    print(f"wrote the report on {args.model}{scored} to {args.out}")
    return 0


def check_report_output(page, inputs, model_dir):
    """Refuse, before anything is read, a ``fit --report`` page that is an input or lies in the model folder."""
    check_output(page, inputs)
    if Path(page).resolve().is_relative_to(Path(model_dir).resolve()):
        raise ValueError(f"--report {page} lies in the model folder {model_dir}, which is written as a whole: "
                         "choose a path outside it")


def write_report(path, detector, X=None, *, data_name=None, training_data=False, top=DEFAULT_TOP):
    """Build the page and write it to ``path`` whole (a temporary file, then a rename)."""
    from ..report import build_report

    page = build_report(detector, X, data_name=None if data_name is None else str(data_name),
                        training_data=training_data, top=top)
    with atomic_path(path, suffix=".html") as tmp:
        tmp.write_text(page, encoding="utf-8")


