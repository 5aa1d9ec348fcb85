"""``ganad score``: the anomaly score of every row of a data file, streamed into CSV or Parquet.

    ganad score MODEL_DIR DATA --out SCORES.csv [--threshold T | --top-fraction Q | --labels]
                [--explain K] [--chunk-rows N] [--dask SCHEDULER_ADDRESS | --dask local:N]
"""

import argparse
import contextlib
import math
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..data import ScoreWriter, iter_array_chunks
from ..data.files import check_output, plain_array_scoring
from ..data.scores import named_top_contributions, top_contribution_columns, top_contributions
from .options import (DeprecatedOption, add_device_argument, add_reading_arguments, check_rows, finite_float,
                      fraction, model_columns, model_files, reading_options)

SCORE_LABELS_HELP = """\
Labels (a `label` column, 1 = anomaly) are written only when asked for:
  --threshold T      label 1 where anomaly_score > T; streamed chunk by chunk.
  --top-fraction Q   label 1 for the Q * rows highest scores of THIS file, rounded half up (ties go
                     to the earlier row). A top fraction cannot be known from a stream,
                     so every score (one float64 per row) is held in memory before
                     writing; the data itself is still read chunk by chunk. Its old
                     name --contamination still works, with a warning, until ganad 0.2.
  --labels           the model's own rule, as its predict(): label 1 where
                     anomaly_score > -offset_, the threshold set at fit time from the
                     training data (the `contamination` parameter).

Explanations (--explain K) add the columns top1_feature, top1_contribution, ...,
topK_feature, topK_contribution: each row's K features with the largest contributions
to its anomaly score (detector.explain), largest first, named as in the training file
(CSV header, Parquet columns) or x0, x1, ... by 0-based position when it had no names.
Offered by the models whose score is a residual (wgan-encoder, wgan-inversion, dcae,
vae, bigan, anogan, adgan with its default score_type, dsebm with
its default score_type=reconstruction); any other is refused, saying why, before DATA is read.
Each chunk is explained as it is scored (a latent search runs for each); with
--top-fraction the K top features and contributions of every row are held in memory
too.

Scoring on Dask (--dask, needs `pip install ganad[dask]`): the file is read here, chunk
by chunk as without it, and each chunk is scored on a cluster's workers (a few chunks in
flight at a time), each worker loading MODEL_DIR once: the folder must be readable at
the same path on every worker. --dask tcp://HOST:8786 uses a running scheduler;
--dask local:N starts N local worker processes of one thread each for this command.
The scores equal those written without --dask bit for bit where one process scores on
one torch thread too (fully connected models under 10^6 values; for others set
GANAD_NUM_THREADS=1). Not with --explain.
"""


def add_score_parser(commands):
    parser = commands.add_parser("score", help="write the anomaly score of every row of a data file",
                                 epilog=SCORE_LABELS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", metavar="MODEL_DIR", help="a folder written by `ganad fit`")
    parser.add_argument("data", help="data to score: .csv, .npy, .npz or .parquet with the training features; "
                                     "named columns (a CSV header, Parquet) are matched by name to the training file's")
    parser.add_argument("--out", required=True, metavar="SCORES.csv",
                        help="CSV (Parquet when it ends in .parquet) with an anomaly_score column (higher = more "
                             "anomalous), one row per data row")
    add_reading_arguments(parser)
    labels = parser.add_mutually_exclusive_group()
    labels.add_argument("--threshold", type=finite_float, metavar="T", help="label 1 where anomaly_score > T")
    labels.add_argument("--top-fraction", type=fraction, metavar="Q",
                        help="label 1 for the top Q fraction of this file's scores")
    labels.add_argument("--contamination", type=fraction, metavar="Q", dest="top_fraction",
                        action=DeprecatedOption, replacement="--top-fraction", until="0.2",
                        help="deprecated: the old name of --top-fraction, kept until ganad 0.2 (not the "
                             "detector's contamination parameter)")
    labels.add_argument("--labels", action="store_true", help="label with the model's own threshold (predict)")
    parser.add_argument("--explain", type=int, metavar="K",
                        help="add each row's K features with the largest contributions to its score "
                             "(1 <= K <= number of features; models whose score is a residual)")
    parser.add_argument("--chunk-rows", type=int, default=100_000, help="rows read and scored at a time")
    parser.add_argument("--dask", metavar="SCHEDULER_ADDRESS",
                        help="score the chunks on a Dask cluster: a scheduler's address, or local:N for N local "
                             "worker processes (ganad.dask)")
    add_device_argument(parser)
    parser.set_defaults(command=score)


def score(args):
    """Score every row of the data file into ``--out``, written whole or not at all."""
    from ..io import load_model

    out = Path(args.out)
    check_output(out, [args.data, *model_files(args.model)])
    detector = load_model(args.model, device=args.device)
    if args.explain is not None:
        _check_explain(detector, args.explain)
        if args.dask is not None:
            raise ValueError("--explain is not offered with --dask: explain on one machine, without --dask")
    options = reading_options(args, detector)
    chunks = iter_array_chunks(args.data, args.chunk_rows, columns=model_columns(detector, args.data, options),
                               **options)
    with plain_array_scoring(), _cluster(args.dask) as client:
        n_rows = _write_scores(detector, _scored_chunks(detector, chunks, args, client), out, args)
    labelled = " and labels" if args.threshold is not None or args.top_fraction is not None or args.labels else ""
    explained = f" with each row's top {args.explain} features" if args.explain is not None else ""
    print(f"scored {n_rows} rows of {args.data}; wrote anomaly scores{labelled}{explained} to {out}")
    return 0


def _check_explain(detector, k):
    """Refuse ``--explain K`` for a model without ``explain`` (saying why) or K outside 1..n_features."""
    try:
        detector.explain  # noqa: B018 (the attribute's AttributeError says why it is not offered)
    except AttributeError as error:
        raise ValueError(f"--explain: {error}") from None
    if not 1 <= k <= detector.n_features_in_:
        raise ValueError(f"--explain K must be from 1 to {detector.n_features_in_} (the model's number of "
                         f"features), got {k}")


def _cluster(address):
    """A Dask client for ``--dask`` (closed on exit), else None."""
    if address is None:
        return contextlib.nullcontext()
    from ..dask import connect

    return connect(address)


def _scored_chunks(detector, chunks, args, client):
    """``(scores, top features (n, k), their contributions (n, k))`` of every chunk, in order."""
    k = args.explain or 0
    if client is not None:
        from ..dask import score_chunks

        for scores in score_chunks(client, args.model, chunks, device=args.device):
            yield scores, *top_contributions(np.empty((len(scores), 0)), 0)
        return
    start = 0
    for chunk in chunks:
        try:
            contributions = detector.explain(chunk) if k else np.empty((len(chunk), 0))
            scores = detector.anomaly_score(chunk)
        except ValueError as error:
            if start == 0:
                raise
            raise ValueError(f"{args.data}: the chunk of data rows {start} to {start + len(chunk) - 1} (counted from "
                             f"0; --chunk-rows {args.chunk_rows}), whose rows the message counts from 0: {error}") from None
        yield scores, *top_contributions(contributions, k)
        start += len(chunk)


def _write_scores(detector, parts, out, args):
    """Write the scored chunks ``parts`` (:func:`_scored_chunks`) to the file; returns the number of rows."""
    k = args.explain or 0
    names = getattr(detector, "feature_names_in_", None)
    names = [f"x{j}" for j in range(detector.n_features_in_)] if names is None else names
    columns = top_contribution_columns(k)

    if args.top_fraction is not None:
        parts = list(parts)
        check_rows(sum(len(part[0]) for part in parts), args.data)
        scores, features, values = (np.concatenate(arrays) for arrays in zip(*parts))
        with ScoreWriter(out, with_labels=True, columns=columns) as writer:
            writer.write(scores, top_fraction_labels(scores, args.top_fraction),
                         named_top_contributions(features, values, names))
        return len(scores)
    threshold = -detector.offset_ if args.labels else args.threshold
    n_rows = 0
    with ScoreWriter(out, with_labels=threshold is not None, columns=columns) as writer:
        for scores, features, values in parts:
            writer.write(scores, None if threshold is None else (scores > threshold).astype(np.int64),
                         named_top_contributions(features, values, names))
            n_rows += len(scores)
        check_rows(n_rows, args.data)  # inside: a file of no rows leaves the previous output as it was
    return n_rows


def top_fraction_labels(scores, fraction):
    """1 for the ``fraction * n`` highest scores, rounded half up (in decimal: 0.145 of 100 rows is 15, where the
    float product 14.499999999999998 gave 14), ties to the earlier row; else 0."""
    n_flagged = math.floor(Fraction(repr(fraction)) * len(scores) + Fraction(1, 2))
    labels = np.zeros(len(scores), dtype=np.int64)
    labels[np.argsort(-scores, kind="stable")[:n_flagged]] = 1
    return labels
