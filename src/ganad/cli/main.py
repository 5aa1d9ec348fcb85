"""The ``ganad`` command line.

    ganad list
    ganad fit DATA --method NAME --out MODEL_DIR [--scaling ...] [--impute median|mean] [--param KEY=VALUE ...]
              [--report REPORT.html] [--nproc N]
    ganad score MODEL_DIR DATA --out SCORES.csv [--threshold T | --top-fraction Q | --labels]
                [--explain K] [--dask SCHEDULER | local:N]
    ganad rank MODEL_DIR DATA --out FIGURE.png [--n-shown N] [--image-shape C H W] [--maps]
    ganad report MODEL_DIR --out REPORT.html [--data DATA] [--top N]
    ganad export MODEL_DIR --out MODEL.onnx [--opset N]
    ganad demo [--out DIR] [--gan wgan-gp|wgan-clip|vanilla] ...
    ganad rcgan-toy [--out DIR] [--resolution N] [--solver NAME]
    ganad rcgan-maps [--out DIR] [--n-points N] [--epochs N] [--learning-rate LR] [--resolution N] [--seed S]
    ganad data fetch NAME [--data-dir DIR]
    ganad bench TABLE [--budget smoke|cpu|paper] ... | ganad bench --list

``fit --nproc N`` trains data-parallel in N local processes (``ganad.cli.launch``), as
``torchrun --nproc-per-node N -m ganad fit ...`` does on one or more machines: each
process takes ``batch_size`` rows of every batch, rank 0 prints and saves
(``ganad.training.distributed``).

``score --explain K`` and ``rank --maps`` show which input features made a row anomalous
(``detector.explain``, ``ganad.explanation``); they need a model whose score is a residual
and refuse any other with a one-line error naming why.

``main(argv) -> int`` runs one command and returns its exit status: 0 on success; 2 for
a usage error or bad input (a missing or malformed file, an unknown method or
parameter, data the model rejects, an output that would write over an input); 1 when
training diverged or on any other error (``internal error (TypeError): ...``); 3 when
``ganad bench`` ran no job; 130 on Ctrl-C; 141, and no message, when the reader of stdout
stopped reading (``ganad list | head -1``). Errors are one line on stderr,
``ganad: error: <message>`` (``ganad: interrupted`` for Ctrl-C), never a traceback.
Results go to stdout: this is the one layer of ganad that prints.

No command writes over its input: an ``--out`` (or ``fit``'s ``--param checkpoint_path=``) that
is an input file (by path, symlink or hard link), or for ``fit`` a folder holding the data file,
is refused before anything is read or written, as is an ``--out`` that is a symbolic link, a
device, a pipe or a socket, which the renamed output would replace. Score files, figures and
reports are written to a temporary file and renamed, so an error or Ctrl-C leaves the previous
file, if any, as it was.

The listing, ``--help`` and ``bench --list`` load neither torch nor scikit-learn: the
modules that need them are imported by the commands that use them.
"""

import argparse
import ast
import logging
import os
import sys
import time

import numpy as np

from ..catalog import METHODS, NOT_SAVABLE as NOT_SAVABLE_METHODS, PAPERS
from ..data import read_array
from ..data.fetch import DATASETS, fetch
from ..data.files import check_output, column_names
from ..errors import TrainingDivergedError
from ..utils.impute import IMPUTATIONS
from ..utils.params import current_names
from ..utils.scaling import SCALINGS
from . import demo
from .bench import add_bench_parser
from .export import add_export_parser
from .options import add_device_argument, add_reading_arguments, positive_int, reading_options, seed
from .rank import add_rank_parser
from .rcgan_toy import add_rcgan_maps_parser, add_rcgan_toy_parser
from .report import add_report_parser, check_report_output, write_report
from .score import add_score_parser

USAGE_ERROR = 2
TRAINING_FAILED = INTERNAL_ERROR = 1
INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a process killed by Ctrl-C
STDOUT_CLOSED = 141  # 128 + SIGPIPE: the reader of stdout stopped reading (`ganad list | head -1`)
# Detector parameters that have a flag of their own, so --param may not set them.
FLAG_PARAMETERS = {"scaling": "--scaling", "impute": "--impute", "random_state": "--seed", "device": "--device",
                   "verbose": "--verbose"}

NOT_SAVABLE = "Python & bench only"  # how `ganad list` and `ganad fit` name methods without model files


def main(argv=None):
    """Run the command in ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("ganad: interrupted", file=sys.stderr)
        return INTERRUPTED


def _run(argv):
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its usage message (or --help)
        return 0 if exit_.code is None else exit_.code
    args.argv = list(sys.argv[1:] if argv is None else argv)  # what `fit --nproc` runs in each process
    if getattr(args, "verbose", False):
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    try:
        return args.command(args)
    except BrokenPipeError:
        return _stdout_closed()
    except (ValueError, OSError) as error:
        return _fail(error, USAGE_ERROR)
    except TrainingDivergedError as error:
        return _fail(error, TRAINING_FAILED)
    except Exception as error:  # a bug, or a model file ganad did not write: still one line
        return _fail(f"internal error ({type(error).__name__}): {error}", INTERNAL_ERROR)


def run():
    """Console-script entry point: ``ganad ...``."""
    status = main()
    try:
        sys.stdout.flush()  # here, not at exit: a closed pipe is then the quiet STDOUT_CLOSED
    except BrokenPipeError:
        status = _stdout_closed()
    sys.exit(status)


def _stdout_closed():
    """The reader of stdout stopped (``| head``): no error line; stdout points at the null device, so that
    Python's flush at exit does not fail again (Python's documentation, "Note on SIGPIPE")."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return STDOUT_CLOSED


def build_parser():
    parser = argparse.ArgumentParser(prog="ganad", description="GAN anomaly detectors behind the scikit-learn API.")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help="the registered methods and their papers")
    listing.set_defaults(command=list_methods)
    _add_fit_parser(commands)
    add_score_parser(commands)
    add_rank_parser(commands)
    add_report_parser(commands)
    add_export_parser(commands)
    demo_parser = commands.add_parser("demo", help="train on the 7-Gaussian ring and draw the paper's figures",
                                      description=demo.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_arguments(demo_parser)
    add_device_argument(demo_parser)
    demo_parser.set_defaults(command=demo.run)
    add_rcgan_toy_parser(commands)
    add_rcgan_maps_parser(commands)
    _add_data_parser(commands)
    add_bench_parser(commands)
    return parser


def _add_data_parser(commands):
    parser = commands.add_parser("data", help="download the real data sets (checksum-verified)")
    actions = parser.add_subparsers(title="actions", required=True, metavar="ACTION")
    fetching = actions.add_parser("fetch", help="download a data set into the data folder")
    fetching.add_argument("name", choices=sorted(DATASETS), help="the data set")
    fetching.add_argument("--data-dir", help="destination (default: $GANAD_DATA, else the user cache folder)")
    fetching.add_argument("--base-url", help="a mirror laid out like the data folder")
    fetching.set_defaults(command=fetch_data)


def fetch_data(args):
    paths = fetch(args.name, data_dir=args.data_dir, base_url=args.base_url)
    for path in paths:
        print(path)
    return 0


def _add_fit_parser(commands):
    parser = commands.add_parser("fit", help="fit a detector on normal data and save it")
    parser.add_argument("data", help="training data: .csv (optional header line), .npy, .npz or .parquet")
    parser.add_argument("--method", required=True, metavar="NAME", help=f"one of: {', '.join(METHODS)}")
    parser.add_argument("--out", required=True, metavar="MODEL_DIR",
                        help="folder to save the model in: new, empty, or a model folder (replaced)")
    add_reading_arguments(parser)
    parser.add_argument("--scaling", choices=(*SCALINGS, "none"), default="standard",
                        help="feature scaling fitted on DATA and stored with the model (default: standard)")
    parser.add_argument("--impute", choices=IMPUTATIONS, default=None,
                        help="read missing (empty or null) cells as NaN and fill them with each feature's "
                             "median or mean over DATA, stored with the model and used by `ganad score` "
                             "(default: a missing cell is refused, its row and column named)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a detector parameter, e.g. n_epochs=5 or hidden=(64,64); VALUE is read as a "
                             "Python literal, else kept as a string; repeatable (a method's parameters, with "
                             "their types, defaults and meanings: help(ganad.get_detector(NAME)) in Python)")
    parser.add_argument("--seed", type=seed, default=None,
                        help="random_state, 0 to 2**32 - 1 (default: a random seed, printed; "
                             "passing it back refits the same model, bit for bit on CPU)")
    parser.add_argument("--calibration", metavar="NORMAL_ROWS",
                        help="normal rows held out from DATA, in DATA's format and columns: the saved model's "
                             "threshold (predict, `ganad score --labels`) is set from their scores instead of "
                             "DATA's, so that it flags about `contamination` of new normal rows "
                             "(Detector.calibrate)")
    add_device_argument(parser)
    parser.add_argument("--verbose", action="store_true",
                        help="show a training progress bar (on a terminal) and log INFO messages")
    parser.add_argument("--report", metavar="REPORT.html",
                        help="also write an HTML page on the saved model (see `ganad report`); the training "
                             "data are scored once more for its histogram and most anomalous rows")
    parser.add_argument("--nproc", type=positive_int, default=1, metavar="N",
                        help="train data-parallel in N local processes (gloo on CPU, NCCL on GPUs), each taking "
                             "batch_size rows of every batch, so a batch holds N x batch_size rows; rank 0 saves "
                             "(default: 1; `torchrun --nproc-per-node N -m ganad fit ...` does the same)")
    parser.set_defaults(command=fit)


def list_methods(args):
    """Print each method and its paper, marking those ``ganad fit`` cannot save."""
    width = max(map(len, METHODS))
    for name in METHODS:
        note = f"  [{NOT_SAVABLE}: `ganad fit` cannot save it]" if name in NOT_SAVABLE_METHODS else ""
        print(f"{name:<{width}}  {PAPERS[name]}{note}")
    return 0


def fit(args):
    """Check the method, parameters and destination, then read, fit and save; print the seed.

    With ``--nproc N`` (N > 1), run this command in N processes (``ganad.cli.launch``); in a
    process that ``torchrun`` or ``--nproc`` started (``WORLD_SIZE`` set), join their process
    group and fit data-parallel: rank 0's seed is used by all, rank 0 alone saves and prints.
    """
    world = os.environ.get("WORLD_SIZE")
    if world is None and args.nproc > 1:
        from .launch import launch

        return launch([sys.executable, "-m", "ganad", *args.argv], args.nproc)
    if world is not None and args.nproc not in (1, int(world)):
        raise ValueError(f"--nproc {args.nproc} asks for other processes than the {world} this one was started "
                         "with (WORLD_SIZE); drop --nproc under torchrun")
    from ..training import distributed

    joined = not distributed.initialized()  # a group of the caller's own is left as it is
    args.device = distributed.init_from_env(args.device)
    try:
        return _fit(args, distributed)
    finally:
        if joined:
            distributed.close()


def _fit(args, distributed):
    from ..io import check_model_destination
    from ..registry import get_detector

    cls = get_detector(args.method)
    if not cls.savable:
        raise ValueError(f"{args.method} cannot be saved as a model file (its fitted state needs pickle, "
                         f"which ganad refuses); {NOT_SAVABLE}: use it from Python or through `ganad bench`")
    seed = distributed.broadcast_object(_random_seed() if args.seed is None else args.seed)  # rank 0's
    detector = cls(**_detector_params(cls, args, seed))
    inputs = [args.data] + ([] if args.calibration is None else [args.calibration])
    check_output(args.out, inputs, folder=True)
    if detector.get_params().get("checkpoint_path") is not None:  # --param checkpoint_path=...: written too
        check_output(detector.checkpoint_path, inputs)
    check_model_destination(args.out)
    if args.report is not None:
        check_report_output(args.report, inputs, args.out)
    names = _unique_names(column_names(args.data, **reading_options(args, detector)), args.data)
    X = read_array(args.data, **reading_options(args, detector))
    X_calibration = None if args.calibration is None else \
        read_array(args.calibration, **reading_options(args, detector), columns=names)
    start = time.perf_counter()
    detector.fit(X)
    seconds = time.perf_counter() - start
    if X_calibration is not None:
        detector.calibrate(X_calibration)
    if names is not None:
        detector.feature_names_in_ = np.asarray(names, dtype=object)
    if not distributed.is_main_process():
        return 0  # rank 0 saves, prints and reports
    path = detector.save(args.out)
    named = " (named by the header)" if names is not None else ""
    ranks = f" x {distributed.world_size()} processes" if distributed.world_size() > 1 else ""
    print(f"{args.method}: fitted on {X.shape[0]} rows x {X.shape[1]} features{named} in {seconds:.2f} s "
          f"(seed {seed}, {detector.device_}{ranks}); saved to {path}")
    if X_calibration is not None:
        print(f"threshold set from the {len(X_calibration)} rows of {args.calibration}")
    if args.report is not None:
        write_report(args.report, detector, X, data_name=args.data, training_data=True)
        print(f"wrote the report to {args.report}")
    return 0


def _detector_params(cls, args, seed):
    """The keyword arguments of ``cls``: the flags plus every ``--param``, checked by name.

    A parameter's former name (the README's changelog) still works, with a warning on stderr.
    """
    from ..io import user_module_params

    params = parse_params(args.param)
    for old in sorted(set(params) & set(cls.renamed_parameters)):
        rename = cls.renamed_parameters[old]
        print(f"ganad: warning: --param {old} is deprecated and will be removed after ganad {rename.until}; "
              f"use --param {rename.new}", file=sys.stderr)
    try:
        params = current_names(cls, params, warn=False)
    except TypeError as error:  # a name and its former name
        raise ValueError(str(error)) from None
    flagged = sorted(set(params) & set(FLAG_PARAMETERS))
    if flagged:
        raise ValueError(f"set {flagged[0]} with {FLAG_PARAMETERS[flagged[0]]}, not --param")
    settable = set(cls.hyperparameters) - set(FLAG_PARAMETERS) - set(user_module_params(cls))
    unknown = sorted(set(params) - settable)
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} for {args.method}; it takes {sorted(settable)}")
    scaling = None if args.scaling == "none" else args.scaling
    return {**params, "scaling": scaling, "impute": args.impute, "random_state": seed,
            "device": args.device, "verbose": int(args.verbose)}


def _random_seed():
    """A fresh seed from the operating system's entropy, valid as ``random_state``."""
    return int(np.random.SeedSequence().entropy % 2**31)


def _unique_names(names, path):
    """``names`` (None allowed), refused when repeated: a model matches columns by name."""
    if names is not None and len(set(names)) < len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"{path}: the header repeats the column name(s) {repeated}; rename them, "
                         "or read the file without names (--header no)")
    return names


def parse_params(items):
    """``["n_epochs=5", "hidden=(64,64)"]`` -> ``{"n_epochs": 5, "hidden": (64, 64)}``.

    A value is a Python literal when ``ast.literal_eval`` reads it, else the raw string.
    """
    params = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ValueError(f"--param expects KEY=VALUE, got {item!r}")
        if key in params:
            raise ValueError(f"--param {key} is given twice")
        params[key] = _literal_or_string(raw.strip())
    return params


def _literal_or_string(raw):
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw


def _fail(error, status):
    """Print ``error`` as one line on stderr; return ``status``."""
    print("ganad: error: " + " ".join(str(error).split()), file=sys.stderr)
    return status
