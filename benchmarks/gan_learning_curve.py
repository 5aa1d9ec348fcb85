"""Learning curve of a default WGAN on one cell's training rows (issue 13): MMD against generator steps.

Training data only: the cell's training rows (``defaults_quality.training_cell``) are split 80/20
(``defaults_validation.validation_split``); the detector, built with its defaults
(``defaults_quality.build``) except ``n_epochs``, trains its GAN once on the 80 % for about
``--steps`` generator steps, and every ``--every`` generator steps the squared MMD between
``--samples`` generated rows and the held-out 20 % is printed (biased estimate, Gaussian
kernels of bandwidth m and m/4, m the median pairwise distance of the held-out rows, in the
detector's scaled space). A curve that still falls at ``ganad.training.budget.MIN_UPDATES``
says the default budget leaves the GAN untrained on that cell.

``--auroc`` adds the detector's validation AUROC at every measurement (issue 14): the
generator's and critic's weights are kept at each measurement; after the fit each set is
loaded back, the score's second phase (``_fit_scorer``: ADGAN's starting latents, an
encoder) is redone on it from the freshly initialised networks a fit starts from (an encoder
is not carried over from one measurement to the next), and the held-out 20 % are scored
against the validation anomalies
of ``defaults_validation`` (on an image cell, as many training images of the other classes;
on rows, the held-out rows with their features permuted). ``--image-train`` sets how many
training images an image cell keeps (``defaults_quality.IMAGE_TRAIN``), e.g. adgan-t2's 3,000.
An image cell ``mnist:c`` has class c normal (adgan-t2's protocol); ``mnist:-c`` every class
but c (haloui-t1's and history-fig7's), class c's training images then being the validation
anomalies. ``--scorer-params`` redoes the second phase once per given set of the scoring
phase's parameters (e.g. the encoder's epochs) on the same GAN; each is a record of its own,
its ``params`` the run's with the set's added.

    PYTHONPATH=src python benchmarks/gan_learning_curve.py --cells ring thyroid --steps 10000
    PYTHONPATH=src:benchmarks python benchmarks/gan_learning_curve.py --method adgan --cells mnist:8 \
        --image-train 3000 --steps 3000 --every 500 --auroc \
        --params '{"gan": "wgan-gp", "conv_width": 32}'
    PYTHONPATH=src:benchmarks python benchmarks/gan_learning_curve.py --method wgan-encoder --cells mnist:-9 \
        --image-train 20000 --steps 3000 --every 3000 --auroc --params '{"conv_width": 32, "latent_dim": 100}' \
        --scorer-params '{"encoder_epochs": 5}' '{"encoder_epochs": 20}'
"""

import argparse
import copy
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

import defaults_quality
from defaults_quality import build, training_cell
from defaults_validation import validation_anomalies, validation_split
from ganad.metrics import auroc
from ganad.training import TRAINERS
from ganad.utils.scaling import apply_scaler


def mmd2(A, B, bandwidth):
    """Biased squared MMD of two samples with a Gaussian kernel."""
    def kernel(P, Q):
        return torch.exp(-torch.cdist(P, Q).pow(2) / (2 * bandwidth ** 2)).mean()
    return float(kernel(A, A) + kernel(B, B) - 2 * kernel(A, B))


def curve(method, cell, *, steps, every, n_samples, seed, params=None, data_dir=None, with_auroc=False,
          scorer_variants=({},)):
    """[(generator steps, MMD^2 at m, MMD^2 at m/4, seconds, scoring parameters, validation AUROC or None)]
    over one training run: one row per measurement and set of ``scorer_variants`` (with ``with_auroc``)."""
    X_train, image_shape = training_cell(cell, seed, data_dir)
    X_fit, X_held, X_permuted = validation_split(X_train, seed)
    probe = build(method, seed, image_shape, params)
    n_critic = probe.n_critic or TRAINERS[probe.gan].default_n_critic
    n_batches = math.ceil(len(X_fit) / probe.batch_size)
    detector = build(method, seed, image_shape, {**(params or {}), "n_epochs": math.ceil(steps * n_critic / n_batches)})
    latents = torch.Generator().manual_seed(seed)
    rows, start, counter, weights = [], time.perf_counter(), {"critic_steps": 0}, []

    def measure(progress, trainer):
        counter["critic_steps"] += 1
        if counter["critic_steps"] % (every * n_critic):
            return
        held = torch.as_tensor(apply_scaler(X_held, detector.scaler_), dtype=torch.float32).flatten(1)
        training = detector.generator_.training
        with torch.no_grad():  # in evaluation mode: batch normalisation's statistics stay the trainer's
            z = detector.prior_.sample(n_samples, generator=latents, device=torch.device("cpu"))
            generated = detector.generator_.eval()(z).flatten(1)
        detector.generator_.train(training)
        bandwidth = float(torch.pdist(held).median())
        rows.append((counter["critic_steps"] // n_critic, mmd2(generated, held, bandwidth),
                     mmd2(generated, held, bandwidth / 4), time.perf_counter() - start))
        print(f"{method} {cell} {json.dumps(params or {})} generator steps {rows[-1][0]:>6}  "
              f"MMD^2 (m, m/4) {rows[-1][1]:.5f} {rows[-1][2]:.5f}  ({rows[-1][3]:.0f} s)", flush=True)
        if with_auroc:
            weights.append({name: (getattr(detector, name), copy.deepcopy(getattr(detector, name).state_dict()))
                            for name in ("generator_", "critic_")})

    train_gan = detector._train_gan
    detector._train_gan = lambda X, on_step_end=None: train_gan(X, on_step_end=measure)
    detector.fit(X_fit)
    if not with_auroc:
        return [(*row, {}, None) for row in rows]
    (X_anomalous,) = validation_anomalies(cell, X_fit, X_held, X_permuted, seed, data_dir).values()
    own = detector.get_params()  # each variant overrides the run's parameters, not the previous variant's
    return [(*row, variant, validation_auroc(detector.set_params(**{**own, **variant}), state, X_fit, X_held,
                                             X_anomalous, cell))
            for row, state in zip(rows, weights) for variant in scorer_variants]


def validation_auroc(detector, state, X_fit, X_held, X_anomalous, cell):
    """The fitted ``detector`` with the networks' weights ``state`` (name: (module, weights); a network the
    fit discarded, as ADGAN's critic, is put back) and its other networks as a fit initialises them, its
    score's second phase redone on ``X_fit``: the AUROC of the held-out rows against ``X_anomalous``."""
    detector._build_networks()
    for name, (module, weights) in state.items():
        module.load_state_dict(weights)
        setattr(detector, name, module)
    with detector._fit_threads():
        detector._fit_scorer(detector._model_input(apply_scaler(X_fit, detector.scaler_)))
    labels = np.r_[np.zeros(len(X_held)), np.ones(len(X_anomalous))]
    value = auroc(labels, np.r_[detector.anomaly_score(X_held), detector.anomaly_score(X_anomalous)])
    print(f"{cell} validation AUROC {value:.3f}", flush=True)
    return value


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
    parser.add_argument("--auroc", action="store_true", help="also the validation AUROC at every measurement")
    parser.add_argument("--scorer-params", type=json.loads, nargs="+", default=[{}],
                        help="JSON overrides of the scoring phase, one validation AUROC per set (with --auroc)")
    parser.add_argument("--image-train", type=int, default=defaults_quality.IMAGE_TRAIN,
                        help="training images kept by an image cell")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    defaults_quality.IMAGE_TRAIN = args.image_train
    for cell in args.cells:
        rows = curve(args.method, cell, steps=args.steps, every=args.every, n_samples=args.samples,
                     seed=args.seed, params=args.params, data_dir=args.data_dir, with_auroc=args.auroc,
                     scorer_variants=args.scorer_params)
        for steps, mmd_m, mmd_quarter, seconds, variant, value in rows:
            print(json.dumps({"method": args.method, "cell": cell, "params": {**args.params, **variant},
                              "generator_steps": steps,
                              "mmd2_m": mmd_m, "mmd2_m4": mmd_quarter, "seconds": round(seconds, 1),
                              "validation_auroc": value}), flush=True)


if __name__ == "__main__":
    main()
