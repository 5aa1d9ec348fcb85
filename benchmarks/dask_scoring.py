"""Scoring on a local Dask cluster against one process, in the same run: two cases.

``--case rows`` (default): rows per second of a WGANEncoder (default networks, 128-128 MLPs,
latent 2), fitted for one epoch on ``--fit-rows`` standard normal rows of ``--features``
columns, on ``--rows`` rows (default 10^6) in blocks of ``--chunk-rows`` (default 102400).

``--case adgan``: milliseconds per image of ADGAN's per-image search (Algorithm 1: n_seed = 8
starts, k = 5 Adam steps on the latent and a copy of every generator parameter per (image,
seed) pair), a DCGAN-style ADGAN for 1x28x28 images (``--conv-width`` 16, ``--latent-dim`` 64:
smaller than the paper's 64 and 256, so that a run takes about a minute) fitted for one epoch
on ``--fit-rows`` (default 64) uniform images in [-1, 1], on ``--rows`` (default 256) such
images in blocks of ``--chunk-rows`` (default 16, also the model's ``score_batch_size``, so
that the blocks are whole score batches and the 2 workers share 16 tasks).

Either model is saved to a temporary folder. The rows are drawn on a LocalCluster of
``--workers`` processes of one thread each (``dask.array.random``) and kept there
(``persist``), as partitions read by the workers would be. Then, alternating ``--repeats``
times (dask, one, then reversed):

* ``dask``: ``ganad.dask.score(folder, X).compute()``, each worker scoring its blocks with
  its own copy of the model (loaded before the timed runs, in a warm-up that is timed
  apart as ``dask_cold``, model loads included);
* ``one``: ``load_model(folder).anomaly_score(X)`` in this process on the same rows
  (gathered here once, untimed), on one torch thread (the detectors' policy picks one for the
  encoder; ADGAN's convolutions would take every core, which the workers share here).

The table shows the median rate (rows/s, or ms per image for ``adgan``), ``ratio = dask /
one`` in throughput (so > 1 means the cluster is faster) and whether the scores are equal bit
for bit. On 2 cores, 2 workers can at best double one process; a busy machine, or chunks so
small that scheduling dominates, bring the ratio to parity or below.

Dask's nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536``
(``distributed.nanny.pre-spawn-environ``), which also stops glibc from raising its mmap
threshold: every tensor above 128 KiB is then mapped and unmapped afresh, page faults
included. ``--no-malloc-trim`` starts the workers without it (the config value set to None).

    PYTHONPATH=src python benchmarks/dask_scoring.py [--case rows|adgan] [--rows N] [--workers 2] [--csv out.csv]
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from _rows import git_sha, publish

CASE_DEFAULTS = {  # --case -> defaults of --rows, --chunk-rows, --fit-rows
    "rows": {"rows": 1_000_000, "chunk_rows": 4096 * 25, "fit_rows": 2000},
    "adgan": {"rows": 256, "chunk_rows": 16, "fit_rows": 64},
}
IMAGE_SHAPE = (1, 28, 28)


def fitted_model(folder, args):
    import ganad

    rng = np.random.default_rng(args.seed)
    if args.case == "adgan":
        X = rng.uniform(-1.0, 1.0, (args.fit_rows, int(np.prod(IMAGE_SHAPE))))
        detector = ganad.ADGAN(image_shape=IMAGE_SHAPE, conv_width=args.conv_width, latent_dim=args.latent_dim,
                               n_epochs=1, score_batch_size=args.chunk_rows, random_state=args.seed, device="cpu")
        return detector.fit(X).save(folder)
    X = rng.standard_normal((args.fit_rows, args.features))
    return ganad.WGANEncoder(n_epochs=1, encoder_epochs=1, random_state=args.seed, device="cpu").fit(X).save(folder)


def cluster_rows(args):
    """The rows to score, drawn on the cluster in blocks of ``--chunk-rows`` and kept there."""
    import dask.array as da

    rng = da.random.default_rng(args.seed + 1)
    if args.case == "adgan":
        return rng.uniform(-1.0, 1.0, (args.rows, int(np.prod(IMAGE_SHAPE))), chunks=(args.chunk_rows, -1)).persist()
    return rng.standard_normal((args.rows, args.features), chunks=(args.chunk_rows, -1)).persist()


def benchmark(args, folder):
    import torch

    import ganad
    import ganad.dask

    X_cluster = cluster_rows(args)
    X = X_cluster.compute()
    detector = ganad.load(folder, device="cpu")

    def on_dask():
        return ganad.dask.score(folder, X_cluster, device="cpu").compute()

    def in_one_process():
        return detector.anomaly_score(X)

    load_start = os.getloadavg()[0]
    cold, dask_scores = _timed(on_dask)
    one_scores = in_one_process()  # warm-up
    seconds = {"dask": [], "one": []}
    for repeat in range(args.repeats):
        for mode in (["dask", "one"] if repeat % 2 == 0 else ["one", "dask"]):
            seconds[mode].append(_timed(on_dask if mode == "dask" else in_one_process)[0])
    rates = {mode: args.rows / statistics.median(values) for mode, values in seconds.items()}
    return {
        "case": args.case, "model": model_name(args), "rows": args.rows, "features": X.shape[1],
        "chunk_rows": args.chunk_rows, "workers": args.workers, "malloc_trim": not args.no_malloc_trim,
        "dask_rows_per_s": rates["dask"], "one_rows_per_s": rates["one"], "ratio": rates["dask"] / rates["one"],
        "dask_cold_rows_per_s": args.rows / cold, "equal": bool(np.array_equal(dask_scores, one_scores)),
        "dask_s": ";".join(f"{s:.3f}" for s in seconds["dask"]), "one_s": ";".join(f"{s:.3f}" for s in seconds["one"]),
        "torch": torch.__version__, "threads_one": torch.get_num_threads(), "repeats": args.repeats,
        "seed": args.seed, "git_sha": git_sha(), "cpus": os.cpu_count(),
        "loadavg_1min_start": load_start, "loadavg_1min_end": os.getloadavg()[0],
    }


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def model_name(args):
    if args.case == "adgan":
        return (f"ADGAN {'x'.join(map(str, IMAGE_SHAPE))} conv_width {args.conv_width} latent {args.latent_dim} "
                "n_seeds 8 search_steps 5 adapt all")
    return "WGANEncoder 128-128 latent 2"


def render(rows):
    row = rows[0]
    per_image = row["case"] == "adgan"
    unit, rate = ("ms/image", lambda r: 1e3 / r) if per_image else ("rows/s", lambda r: r)
    style = ">12.2f" if per_image else ">12,.0f"
    trim = "" if row["malloc_trim"] else ", workers without MALLOC_TRIM_THRESHOLD_"
    return "\n".join([
        f"{'mode':<10} {unit:>12}",
        *(f"{mode:<10} {rate(row[key]):{style}}" for mode, key in
          [("dask", "dask_rows_per_s"), ("one", "one_rows_per_s"), ("dask cold", "dask_cold_rows_per_s")]),
        f"ratio dask / one (throughput) = {row['ratio']:.2f}; scores equal bit for bit: {row['equal']}",
        f"{row['model']}; {row['rows']} rows x {row['features']} features, blocks of {row['chunk_rows']}, "
        f"{row['workers']} workers x 1 thread{trim}, {row['cpus']} CPUs, torch {row['torch']}, "
        f"git {row['git_sha'] or '?'}; median of {row['repeats']} runs (dask {row['dask_s']} s, one {row['one_s']} s); "
        f"1-min load average {row['loadavg_1min_start']:.2f}->{row['loadavg_1min_end']:.2f}"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=sorted(CASE_DEFAULTS), default="rows",
                        help="rows: a WGANEncoder on 10^6 rows (default); adgan: ADGAN's per-image search")
    parser.add_argument("--rows", type=int, default=None,
                        help="rows (images) scored per timed run (default: rows 10^6, adgan 256)")
    parser.add_argument("--features", type=int, default=20, help="columns of the rows, case rows (default 20)")
    parser.add_argument("--fit-rows", type=int, default=None,
                        help="rows of the one-epoch fit (default: rows 2000, adgan 64)")
    parser.add_argument("--chunk-rows", type=int, default=None,
                        help="rows per Dask block (default: rows 102400, 25 score batches; adgan 16)")
    parser.add_argument("--conv-width", type=int, default=16, help="ADGAN's conv_width (default 16; paper 64)")
    parser.add_argument("--latent-dim", type=int, default=64, help="ADGAN's latent_dim (default 64; paper 256)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per mode (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-malloc-trim", action="store_true",
                        help="start the workers without the nanny's MALLOC_TRIM_THRESHOLD_=65536")
    parser.add_argument("--csv", default=None, help="write the row to this CSV file")
    args = parser.parse_args(argv)
    for name, default in CASE_DEFAULTS[args.case].items():
        if getattr(args, name) is None:
            setattr(args, name, default)

    import dask
    import torch
    from distributed import Client, LocalCluster

    torch.set_num_threads(1)  # fixed for both modes (see the module docstring)
    trim = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None} if args.no_malloc_trim else {}
    with dask.config.set(trim), tempfile.TemporaryDirectory() as tmp, \
            LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster, Client(cluster):
        folder = fitted_model(os.path.join(tmp, "model"), args)
        publish([benchmark(args, str(folder))], args.csv, render)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
