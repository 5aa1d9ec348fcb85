"""Learning curve of a default WGAN on one cell's training rows (issue 13): MMD against generator steps.

Training data only: the cell's training rows (``defaults_quality.make_cell``) are split 80/20
(``defaults_validation.validation_split``); the detector's GAN is trained on the 80 % in stages
of ``--stage-steps`` generator steps (each stage continues from the previous networks, with a
fresh Adam state), and after each stage the squared MMD between ``--samples`` generated rows
and the held-out 20 % (Gaussian kernels of bandwidth m and m/4, m the median pairwise distance
of the held-out rows, in the detector's scaled space) is printed. A curve that still falls at the budget's end
says the budget (``ganad.training.budget.MIN_UPDATES``) leaves the GAN untrained.

    PYTHONPATH=src python benchmarks/gan_learning_curve.py --cells ring thyroid --stages 8
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from defaults_quality import build, make_cell
from defaults_validation import validation_split
from ganad.utils.scaling import apply_scaler


def mmd2(A, B, bandwidth):
    """Biased squared MMD of two samples with a Gaussian kernel."""
    def kernel(P, Q):
        return torch.exp(-torch.cdist(P, Q).pow(2) / (2 * bandwidth ** 2)).mean()
    return float(kernel(A, A) + kernel(B, B) - 2 * kernel(A, B))


def curve(method, cell, stages, stage_steps, n_samples, seed, params, data_dir=None):
    X_train, _, _, image_shape = make_cell(cell, seed, data_dir)
    X_fit, X_held, _ = validation_split(X_train, seed)
    n_batches = int(np.ceil(len(X_fit) / 64))
    detector = build(method, seed, image_shape, params)
    n_critic = 5
    epochs = max(1, round(stage_steps * n_critic / n_batches))
    rows, networks, steps = [], {}, 0
    for stage in range(stages):
        start = time.perf_counter()
        detector = build(method, seed + stage, image_shape, {**params, **networks, "n_epochs": epochs}).fit(X_fit)
        steps += epochs * n_batches // n_critic
        networks = {"generator": detector.generator_, "critic": detector.critic_}
        held = torch.as_tensor(apply_scaler(X_held.astype(np.float32), detector.scaler_), dtype=torch.float32)
        with torch.no_grad():
            generated = detector.generator_(detector.prior_.sample(n_samples, generator=torch.Generator().manual_seed(seed),
                                                                    device=torch.device("cpu")))
        bandwidth = float(torch.pdist(held.flatten(1)).median())
        values = [mmd2(generated.flatten(1), held.flatten(1), bandwidth / divisor) for divisor in (1, 4)]
        rows.append((steps, *values, time.perf_counter() - start))
        print(f"{method} {cell} steps {steps:>6} MMD^2 (bandwidth m, m/4) {values[0]:.5f} {values[1]:.5f}"
              f" ({rows[-1][-1]:.0f} s)", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="wgan-critic")
    parser.add_argument("--cells", nargs="+", default=["ring", "thyroid"])
    parser.add_argument("--stages", type=int, default=8)
    parser.add_argument("--stage-steps", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    for cell in args.cells:
        curve(args.method, cell, args.stages, args.stage_steps, args.samples, args.seed, {}, args.data_dir)


if __name__ == "__main__":
    main()
