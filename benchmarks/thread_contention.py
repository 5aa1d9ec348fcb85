"""Training speed with a competing CPU-bound process, as a fraction of the idle speed.

Fits the ring WGANCritic (WGAN-GP, 2-128-128 networks, batch 64, n_critic 5) for a fixed
number of generator steps under two thread settings: ganad's policy (``n_threads=None``:
one intra-op thread for this small model, ``ganad.utils.threads``) and torch's default
(``n_threads=`` the count torch starts with, 2 on a 2-core machine). Each is timed on the
idle machine and again while a second process spins on one core, alternating the settings
within each phase; the table reports generator steps per second and the ratio
busy / idle per setting, all measured in one run.

    PYTHONPATH=src python benchmarks/thread_contention.py [--steps 200] [--repeats 3]
"""

import argparse
import multiprocessing
import os
import statistics

import torch

from _rows import add_run_options, git_sha, publish, run_device, timed
from ganad import WGANCritic
from ganad.data import make_ring

BATCH_SIZE = 64
N_CRITIC = 5


def spin(stop):
    """A CPU-bound competitor: busy until ``stop`` is set."""
    while not stop.is_set():
        sum(range(10_000))


def fit_seconds(n_threads, n_steps, device, seed):
    """Seconds to fit the ring critic for ``n_steps`` generator steps with ``n_threads`` (None: ganad's policy)."""
    X = make_ring(N_CRITIC * BATCH_SIZE * n_steps, random_state=seed)
    detector = WGANCritic(n_epochs=1, gp_weight=0.1, n_threads=n_threads, random_state=seed, device=device,
                          contamination=0.1)
    return timed(lambda: detector.fit(X), device)


def measure(settings, n_steps, repeats, device, seed):
    """Median seconds per setting, alternating the settings ``repeats`` times."""
    seconds = {name: [] for name in settings}
    for _ in range(repeats):
        for name, n_threads in settings.items():
            seconds[name].append(fit_seconds(n_threads, n_steps, device, seed))
    return {name: statistics.median(values) for name, values in seconds.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200, help="generator steps per timed fit (default 200)")
    parser.add_argument("--repeats", type=int, default=3)
    add_run_options(parser)
    args = parser.parse_args()
    device = run_device(args)
    settings = {"ganad policy (n_threads=None)": None, f"torch default ({torch.get_num_threads()} threads)":
                torch.get_num_threads()}
    fit_seconds(None, 20, device, args.seed)  # warm-up
    idle = measure(settings, args.steps, args.repeats, device, args.seed)
    stop = multiprocessing.Event()
    competitor = multiprocessing.Process(target=spin, args=(stop,), daemon=True)
    competitor.start()
    try:
        busy = measure(settings, args.steps, args.repeats, device, args.seed)
    finally:
        stop.set()
        competitor.join()
    rows = [{"setting": name, "idle_steps_per_s": args.steps / idle[name], "busy_steps_per_s": args.steps / busy[name],
             "busy_over_idle": idle[name] / busy[name], "generator_steps": args.steps, "repeats": args.repeats,
             "load_1min": os.getloadavg()[0], "torch": torch.__version__, "device": str(device), "seed": args.seed,
             "git": git_sha()} for name in settings]
    publish(rows, args.csv, render)


def render(rows):
    lines = ["| setting | idle steps/s | with a busy process | busy / idle |", "|---|---:|---:|---:|"]
    lines += [f"| {r['setting']} | {r['idle_steps_per_s']:.1f} | {r['busy_steps_per_s']:.1f} | "
              f"{r['busy_over_idle']:.2f} |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
