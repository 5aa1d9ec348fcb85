"""``ganad export``: a saved model's anomaly score as one ONNX graph, for deployment.

    ganad export MODEL_DIR --out model.onnx [--opset N]

The graph (``ganad.onnx_export``) takes raw float32 rows ``X`` (n, n_features), in the
columns' fit order, and returns ``anomaly_score`` (float64, (n,)) as ``ganad score``
computes it: imputation, scaling, the network, critic range and support rule included.
It does not validate its input (infinities, NaN without imputation). Methods whose score is
a latent search, random draws or a scikit-learn model are refused, naming why. The file
never replaces the model's files and appears only once written whole. Needs
``pip install ganad[onnx]``.
"""

import argparse

from ..data.files import check_output
from ..utils.atomic import atomic_path
from .options import model_files


def add_export_parser(commands):
    """Register the ``export`` subcommand on the ``commands`` subparsers of ``ganad``."""
    parser = commands.add_parser("export", help="write a saved model's anomaly score as an ONNX graph",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", metavar="MODEL_DIR", help="a folder written by `ganad fit`")
    parser.add_argument("--out", required=True, metavar="MODEL.onnx", help="the ONNX file to write")
    parser.add_argument("--opset", type=int, default=None,
                        help="ONNX opset, at least 17 (default: ganad.onnx_export.OPSET, 18)")
    parser.set_defaults(command=export)


def export(args):
    from ..io import load_model
    from ..onnx_export import export_onnx, why_not_exportable

    check_output(args.out, model_files(args.model))
    detector = load_model(args.model, device="cpu")
    reason = why_not_exportable(detector)
    if reason is not None:
        raise ValueError(reason)
    with atomic_path(args.out, suffix=".onnx") as tmp:
        export_onnx(detector, tmp, **({} if args.opset is None else {"opset": args.opset}))
    print(f"wrote {type(detector).__name__}'s anomaly score on {detector.n_features_in_} features "
          f"from {args.model} to {args.out}")
    return 0
