"""Microseconds per sample of scoring, for each encoder-based detector in the registry.

The encoder-based detectors (BiGAN/EGBAD, ALAD, RCGAN, GANomaly) score a sample with one
forward pass, no latent search. For each of them that ``ganad.registry.DETECTORS`` holds,
the script fits the detector for one epoch on ``--fit-rows`` rows, then times, on the
same ``--rows`` rows:

* ``score``: the public ``anomaly_score(X)`` from a float64 numpy array (validation,
  scaling, chunks of ``score_batch_size``, float64 scores out);
* ``core``: the detector's own tensor program ``_anomaly_score`` on the rows already as
  one float32 tensor, in the same chunks, without validation;
* ``forward``, the baseline: a plain forward pass through the detector's encoder and
  generator, ``G(E(x))`` (``reconstruct``; GANomaly's encoder-decoder-encoder
  ``generator_``), in the same chunks.

Timed runs alternate (score, core, forward, then reversed) ``--repeats`` times; the table
shows the median microseconds per sample and ``score / forward``, ``core / forward``.
Data: standard normal rows with ``--features`` columns (default 121, KDDCUP's width), or
``--image`` for 28x28 single-channel images in [-1, 1] with the convolutional networks.

    PYTHONPATH=src python benchmarks/encoder_scoring.py [--rows 100000] [--csv out.csv]
"""

import argparse
import os
import statistics

import numpy as np
import torch

from _rows import add_run_options, git_sha, publish, run_device, timed
from ganad.registry import DETECTORS

ENCODER_METHODS = ("bigan", "alad", "rcgan", "ganomaly")
IMAGE_SHAPE = (1, 28, 28)


def make_rows(n, args, seed):
    rng = np.random.default_rng(seed)
    if args.image:
        return rng.uniform(-1, 1, size=(n, int(np.prod(IMAGE_SHAPE))))
    return rng.standard_normal((n, args.features))


def fit_quickly(name, X, args):
    cls = DETECTORS[name]
    wanted = {"n_epochs": 1, "random_state": args.seed, "device": args.device}
    if args.image:
        wanted.update(image_shape=IMAGE_SHAPE, conv_width=32)
    accepted = cls().get_params()
    return cls(**{k: v for k, v in wanted.items() if k in accepted}).fit(X)


def baseline_forward(detector):
    """G(E(x)) through the detector's own networks."""
    return getattr(detector, "reconstruct", None) or detector.generator_


def chunked(function, tensor, size):
    with torch.no_grad():
        for start in range(0, len(tensor), size):
            function(tensor[start:start + size])


def benchmark(name, args):
    """One row: median microseconds per sample of the three paths, and their ratios."""
    detector = fit_quickly(name, make_rows(args.fit_rows, args, args.seed), args)
    device, size = detector.device_, detector.score_batch_size
    X = make_rows(args.rows, args, args.seed + 1)
    tensor = torch.as_tensor(X, dtype=torch.float32, device=device)
    if args.image:
        tensor = tensor.view(-1, *IMAGE_SHAPE)
    forward = baseline_forward(detector)
    paths = {
        "score": lambda: detector.anomaly_score(X),
        "core": lambda: chunked(detector._anomaly_score, tensor, size),
        "forward": lambda: chunked(forward, tensor, size),
    }
    for path in paths.values():  # warm-up
        path()
    seconds = {path: [] for path in paths}
    load_start = os.getloadavg()[0]
    for repeat in range(args.repeats):
        for path in (list(paths) if repeat % 2 == 0 else list(reversed(paths))):
            seconds[path].append(timed(paths[path], device))
    us = {path: 1e6 * statistics.median(values) / args.rows for path, values in seconds.items()}
    return {
        "detector": name, "data": "image 1x28x28" if args.image else f"tabular {args.features}",
        "rows": args.rows, "score_us": us["score"], "core_us": us["core"], "forward_us": us["forward"],
        "score_over_forward": us["score"] / us["forward"], "core_over_forward": us["core"] / us["forward"],
        "device": str(device), "torch": torch.__version__, "threads": torch.get_num_threads(),
        "repeats": args.repeats, "seed": args.seed, "git_sha": git_sha(),
        "loadavg_1min_start": load_start, "loadavg_1min_end": os.getloadavg()[0],
    }


def render(rows):
    lines = [f"{'detector':<10} {'score us':>9} {'core us':>8} {'forward us':>10} {'score/fwd':>9} {'core/fwd':>8}"]
    for row in rows:
        lines.append(f"{row['detector']:<10} {row['score_us']:>9.2f} {row['core_us']:>8.2f} {row['forward_us']:>10.2f} "
                     f"{row['score_over_forward']:>9.2f} {row['core_over_forward']:>8.2f}")
    first = rows[0]
    lines.append(f"{first['data']}, {first['rows']} rows, device {first['device']}, torch {first['torch']}, "
                 f"{first['threads']} threads, git {first['git_sha'] or '?'}; median of {first['repeats']} runs; "
                 "1-min load average " + ", ".join(
                     f"{row['detector']} {row['loadavg_1min_start']:.2f}->{row['loadavg_1min_end']:.2f}"
                     for row in rows))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows scored per timed run (default 100000)")
    parser.add_argument("--fit-rows", type=int, default=2000, help="rows of the one-epoch fit (default 2000)")
    parser.add_argument("--features", type=int, default=121, help="columns of the tabular rows (default 121)")
    parser.add_argument("--image", action="store_true", help="28x28 images and convolutional networks instead")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per path (default 5)")
    add_run_options(parser, device="cpu")
    args = parser.parse_args(argv)
    args.device = str(run_device(args))
    names = [name for name in ENCODER_METHODS if name in DETECTORS]
    if not names:
        parser.error(f"none of {ENCODER_METHODS} is registered")
    publish([benchmark(name, args) for name in names], args.csv, render)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
