"""How much a latent-search detector's AUROC on one bench cell rests on the draw of its shared starts.

ADGAN draws its n_seed starting latents once, at ``fit`` (``latent_starts_``, the adgan README's
"Seeds are drawn once"), and every query's search starts from them; with n_seed = 1 a whole test
split is scored from one draw. This script takes a bench job (spec, budget, cell, method, seed)
whose GAN a ``ganad bench`` run kept (``OUT/gans``, ``ganad.bench.shared_gan``), redoes the job's
scoring phase on that GAN, and scores the job's test split once per draw: draw 0 is the job's own
start (the one ``fit`` draws from ``random_state``), draw k > 0 the prior's sample from
``torch.Generator().manual_seed(k)``. It reports the spread, it chooses nothing.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/start_draws.py adgan-t2 --budget cpu \\
        --cell mnist:5 --method adgan-1seed --gans OUT/gans --data-dir ../shared/data --draws 8
"""

import argparse
import json

import numpy as np
import torch

from ganad.bench.runner import build_detector, make_split
from ganad.bench.shared_gan import reuse_gan
from ganad.bench.spec import expand, load_spec
from ganad.metrics import auroc


def find_job(spec, budget, cell, method, seed):
    """The bench job of ``spec``'s ``budget`` with that cell, method and seed."""
    jobs = [job for job in expand(load_spec(spec), budget)
            if (job.cell, job.method, job.seed) == (cell, method, seed)]
    if len(jobs) != 1:
        raise SystemExit(f"{spec}/{budget} has no job {cell} {method} seed {seed}")
    return jobs[0]


def draw_aurocs(job, gan_dir, data_dir, draws):
    """[(draw, test AUROC)] of ``job``'s detector on the kept GAN, one per draw of ``latent_starts_``."""
    X_train, X_test, y_test, _ = make_split(job, data_dir)
    detector = reuse_gan(build_detector(job, X_train), gan_dir, job)
    if detector is None:
        raise SystemExit(f"no kept GAN of {job.gan_from} for {job.cell} seed {job.seed} in {gan_dir}")
    detector.fit(X_train)  # the scoring phase only: from_gan trains no GAN
    fitted = detector.latent_starts_
    results = []
    for draw in range(draws + 1):
        detector.latent_starts_ = fitted if draw == 0 else detector.prior_.sample(
            len(fitted), generator=torch.Generator().manual_seed(draw), device=fitted.device)
        results.append((draw, auroc(y_test, detector.anomaly_score(X_test))))
        print(json.dumps({"key": job.key, "draw": draw, "auroc": results[-1][1]}), flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("--budget", default="cpu")
    parser.add_argument("--cell", required=True)
    parser.add_argument("--method", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gans", required=True, help="the OUT/gans folder of a ganad bench run")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--draws", type=int, default=8, help="draws besides the job's own")
    args = parser.parse_args(argv)
    job = find_job(args.spec, args.budget, args.cell, args.method, args.seed)
    values = np.array([value for _, value in draw_aurocs(job, args.gans, args.data_dir, args.draws)])
    print(f"{job.key}: own draw {values[0]:.3f}; {len(values)} draws mean {values.mean():.3f}, "
          f"std {values.std(ddof=1):.3f}, min {values.min():.3f}, max {values.max():.3f}")


if __name__ == "__main__":
    main()
