"""Rows per second of scoring on a local Dask cluster against one process, in the same run.

A WGANEncoder (default networks, 128-128 MLPs, latent 2) is fitted for one epoch on
``--fit-rows`` standard normal rows of ``--features`` columns and saved to a temporary
folder. ``--rows`` rows are drawn on a LocalCluster of ``--workers`` processes of one
thread each (``dask.array.random``, blocks of ``--chunk-rows``) and kept there
(``persist``), as partitions read by the workers would be. Then, alternating ``--repeats``
times (dask, one, then reversed):

* ``dask``: ``ganad.dask.score(folder, X).compute()``, each worker scoring its blocks with
  its own copy of the model (loaded before the timed runs, in a warm-up that is timed
  apart as ``dask_cold``, model loads included);
* ``one``: ``load_model(folder).anomaly_score(X)`` in this process on the same rows
  (gathered here once, untimed), on one torch thread as the detectors' policy picks for
  this model.

The table shows median rows/s, ``ratio = dask / one`` and whether the scores are equal
bit for bit. On 2 cores, 2 workers can at best double one process; a busy machine, or
chunks so small that scheduling dominates, bring the ratio to parity or below.

    PYTHONPATH=src python benchmarks/dask_scoring.py [--rows 1000000] [--workers 2] [--csv out.csv]
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from _rows import git_sha, publish


def fitted_model(folder, args):
    import ganad

    X = np.random.default_rng(args.seed).standard_normal((args.fit_rows, args.features))
    return ganad.WGANEncoder(n_epochs=1, encoder_epochs=1, random_state=args.seed, device="cpu").fit(X).save(folder)


def benchmark(args, folder):
    import dask.array as da
    import torch

    import ganad
    import ganad.dask

    X_cluster = da.random.default_rng(args.seed + 1).standard_normal(
        (args.rows, args.features), chunks=(args.chunk_rows, -1)).persist()
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
        "rows": args.rows, "features": args.features, "chunk_rows": args.chunk_rows, "workers": args.workers,
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


def render(rows):
    row = rows[0]
    return "\n".join([
        f"{'mode':<10} {'rows/s':>12}",
        f"{'dask':<10} {row['dask_rows_per_s']:>12,.0f}",
        f"{'one':<10} {row['one_rows_per_s']:>12,.0f}",
        f"{'dask cold':<10} {row['dask_cold_rows_per_s']:>12,.0f}",
        f"ratio dask / one = {row['ratio']:.2f}; scores equal bit for bit: {row['equal']}",
        f"{row['rows']} rows x {row['features']} features, blocks of {row['chunk_rows']}, {row['workers']} workers "
        f"x 1 thread, {row['cpus']} CPUs, torch {row['torch']}, git {row['git_sha'] or '?'}; median of "
        f"{row['repeats']} runs (dask {row['dask_s']} s, one {row['one_s']} s); 1-min load average "
        f"{row['loadavg_1min_start']:.2f}->{row['loadavg_1min_end']:.2f}"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows scored per timed run (default 10^6)")
    parser.add_argument("--features", type=int, default=20, help="columns of the rows (default 20)")
    parser.add_argument("--fit-rows", type=int, default=2000, help="rows of the one-epoch fit (default 2000)")
    parser.add_argument("--chunk-rows", type=int, default=4096 * 25,
                        help="rows per Dask block (default 102400, 25 score batches)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per mode (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", default=None, help="write the row to this CSV file")
    args = parser.parse_args(argv)

    import torch
    from distributed import Client, LocalCluster

    torch.set_num_threads(1)  # what the detectors' policy picks for this model; fixed for both modes
    with tempfile.TemporaryDirectory() as tmp, \
            LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster, Client(cluster):
        folder = fitted_model(os.path.join(tmp, "model"), args)
        publish([benchmark(args, str(folder))], args.csv, render)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
