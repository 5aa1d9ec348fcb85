"""``ganad rank``: unlabelled ranking (Deecke et al. 2018, ADGAN §4.4).

    ganad rank MODEL_DIR DATA --out ranked.png [--n-shown 16] [--image-shape C H W] [--maps]

Scores every row of DATA with a saved model and draws the most and the least anomalous
samples as image grids, for a first look at a set without labels. Rows are flattened
images; their shape is the model's own (``image_shape`` at fit time) unless given. With
--maps each image has its residual map below it: each pixel's contribution to the score
(``detector.explain``, summed over channels), on one colour scale for the whole figure; a
model whose score is not a residual (wgan-critic, ...) is refused, saying why, before DATA
is read. DATA is read as ``ganad score`` reads it; the figure never replaces DATA or the
model's files and appears only once drawn whole.
"""

import argparse
from pathlib import Path

from ..data import read_array
from ..data.files import check_output, plain_array_scoring
from ..utils.atomic import atomic_path
from .options import (add_device_argument, add_reading_arguments, model_columns, model_files, positive_int,
                      reading_options)


def add_rank_parser(commands):
    """Register the ``rank`` subcommand on the ``commands`` subparsers of ``ganad``."""
    parser = commands.add_parser("rank", help="draw the most and least anomalous images of a data file",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", metavar="MODEL_DIR", help="a folder written by `ganad fit`")
    parser.add_argument("data", help="images to rank, one flattened image per row: .csv, .npy, .npz or .parquet")
    parser.add_argument("--out", required=True, metavar="FIGURE.png", help="the figure to write")
    parser.add_argument("--n-shown", type=int, default=16, metavar="N", help="images per grid (default 16)")
    parser.add_argument("--image-shape", type=positive_int, nargs=3, metavar=("C", "H", "W"),
                        help="shape of one image, for a model fitted on rows (default: the model's image_shape)")
    parser.add_argument("--maps", action="store_true",
                        help="draw each image's residual map (its pixels' contributions to the score) below it")
    add_reading_arguments(parser)
    add_device_argument(parser)
    parser.set_defaults(command=rank)


def rank(args):
    from ..io import load_model
    from ..plots import plot_ranked_samples

    check_output(args.out, [args.data, *model_files(args.model)])
    detector = load_model(args.model, device=args.device)
    image_shape = args.image_shape or detector.image_shape_
    if image_shape is None:
        raise ValueError(f"the model in {args.model} was fitted on tabular rows; pass --image-shape C H W")
    if detector.image_shape_ is not None and tuple(image_shape) != tuple(detector.image_shape_):
        raise ValueError(f"--image-shape {' '.join(map(str, image_shape))}: the model in {args.model} was fitted "
                         f"on images of shape {tuple(detector.image_shape_)}, and would be drawn scrambled")
    if args.maps:
        try:
            explain = detector.explain
        except AttributeError as error:  # its message says why the model has no explain()
            raise ValueError(f"--maps: {error}") from None
    options = reading_options(args, detector)
    X = read_array(args.data, columns=model_columns(detector, args.data, options), **options)
    with plain_array_scoring():
        scores = detector.anomaly_score(X)
        maps = explain(X) if args.maps else None
    with atomic_path(args.out, suffix=Path(args.out).suffix) as tmp:  # the suffix names the image format
        plot_ranked_samples(X, scores, tmp, image_shape=image_shape, n_shown=args.n_shown, maps=maps)
    drawn = " with residual maps" if args.maps else ""
    print(f"ranked {len(X)} rows of {args.data}; wrote {args.out}{drawn}")
    return 0
