"""Learning curve of a default WGAN on one cell's training rows (issue 13): MMD against generator steps.

Training data only: the cell's training rows (``defaults_quality.make_cell``) are split 80/20
(``defaults_validation.validation_split``); the detector, built with its defaults
(``defaults_quality.build``) except ``n_epochs``, trains its GAN once on the 80 % for about
``--steps`` generator steps, and every ``--every`` generator steps the squared MMD between
``--samples`` generated rows and the held-out 20 % is printed (biased estimate, Gaussian
kernels of bandwidth m and m/4, m the median pairwise distance of the held-out rows, in the
detector's scaled space). A curve that still falls at ``ganad.training.budget.MIN_UPDATES``
says the default budget leaves the GAN untrained on that cell.

    PYTHONPATH=src python benchmarks/gan_learning_curve.py --cells ring thyroid --steps 10000
"""

import argparse
import json
import math
import time
from pathlib import Path

import torch

from defaults_quality import build, make_cell
from defaults_validation import validation_split
from ganad.training import TRAINERS
from ganad.utils.scaling import apply_scaler


def mmd2(A, B, bandwidth):
    """Biased squared MMD of two samples with a Gaussian kernel."""
    def kernel(P, Q):
        return torch.exp(-torch.cdist(P, Q).pow(2) / (2 * bandwidth ** 2)).mean()
    return float(kernel(A, A) + kernel(B, B) - 2 * kernel(A, B))


def curve(method, cell, *, steps, every, n_samples, seed, params=None, data_dir=None):
    """[(generator steps, MMD^2 at m, MMD^2 at m/4, seconds)] over one training run."""
    X_train, _, _, image_shape = make_cell(cell, seed, data_dir)
    X_fit, X_held, _ = validation_split(X_train, seed)
    probe = build(method, seed, image_shape, params)
    n_critic = probe.n_critic or TRAINERS[probe.gan].default_n_critic
    n_batches = math.ceil(len(X_fit) / probe.batch_size)
    detector = build(method, seed, image_shape, {**(params or {}), "n_epochs": math.ceil(steps * n_critic / n_batches)})
    latents = torch.Generator().manual_seed(seed)
    rows, start, counter = [], time.perf_counter(), {"critic_steps": 0}

    def measure(progress, trainer):
        counter["critic_steps"] += 1
        if counter["critic_steps"] % (every * n_critic):
            return
        held = torch.as_tensor(apply_scaler(X_held, detector.scaler_), dtype=torch.float32).flatten(1)
        with torch.no_grad():
            z = detector.prior_.sample(n_samples, generator=latents, device=torch.device("cpu"))
            generated = detector.generator_(z).flatten(1)
        bandwidth = float(torch.pdist(held).median())
        rows.append((counter["critic_steps"] // n_critic, mmd2(generated, held, bandwidth),
                     mmd2(generated, held, bandwidth / 4), time.perf_counter() - start))
        print(f"{method} {cell} {json.dumps(params or {})} generator steps {rows[-1][0]:>6}  "
              f"MMD^2 (m, m/4) {rows[-1][1]:.5f} {rows[-1][2]:.5f}  ({rows[-1][3]:.0f} s)", flush=True)

    train_gan = detector._train_gan
    detector._train_gan = lambda X, on_step_end=None: train_gan(X, on_step_end=measure)
    detector.fit(X_fit)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="wgan-critic")
    parser.add_argument("--cells", nargs="+", default=["ring", "thyroid"])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--params", type=json.loads, default={}, help="JSON constructor overrides")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    for cell in args.cells:
        curve(args.method, cell, steps=args.steps, every=args.every, n_samples=args.samples, seed=args.seed,
              params=args.params, data_dir=args.data_dir)


if __name__ == "__main__":
    main()
