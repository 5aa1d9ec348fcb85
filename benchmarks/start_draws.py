"""How much a latent-search detector's AUROC on one bench cell rests on the draw of its shared starts.

ADGAN draws its n_seed starting latents once, at ``fit`` (``latent_starts_``, the adgan README's
"Seeds are drawn once"), and every query's search starts from them; with n_seed = 1 a whole test
split is scored from one draw. This script takes a bench job (spec, budget, cell, method, seed)
whose GAN a ``ganad bench`` run kept (``OUT/gans``, ``ganad.bench.shared_gan``), redoes the job's
scoring phase on that GAN, and scores the job's test split once per draw: draw 0 is the job's own
start (the one ``fit`` draws from ``random_state``), draw k > 0 the prior's sample from
``torch.Generator().manual_seed(k)``. It reports the spread, it chooses nothing.

``--starts per-query`` draws every query its own n_seed starts instead (Algorithm 1's per-query
draws), all queries scored in one call so that each draw k gives each row its own start.
``--split validation`` scores training images only, so that the two kinds of starts can be compared
without a test image: the class's training images the job's GAN did not see (MNIST's train split
holds more of a class than the job's ``max_train``) against as many training images of the other
classes (``--n-validation`` each, drawn with the job's seed). ``--split fit`` scores ``--n-validation`` of
the rows the job's GAN was fitted on and reports their mean score per draw instead of an AUROC: what a
label-free choice among draws made at ``fit`` could see.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/start_draws.py adgan-t2 --budget cpu \\
        --cell mnist:5 --method adgan-1seed --gans OUT/gans --data-dir ../shared/data --draws 7 \\
        --split validation --starts shared per-query

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/start_draws.py adgan-t2 --budget cpu \\
        --cell mnist:5 --method adgan-1seed --gans OUT/gans --data-dir ../shared/data --draws 8
"""

import argparse
import json

import numpy as np
import torch

from ganad.base import ROW_BLOCK
from ganad.bench.runner import build_detector, load_data, make_split
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


def validation_rows(job, X_train, data_dir, n_rows):
    """``(X, y)``: ``n_rows`` of the class's training images outside ``X_train`` (0) and of the other classes (1)."""
    train, _ = load_data(job.dataset, data_dir)
    seen = {row.tobytes() for row in X_train}
    in_class = train.X[train.y == job.cls]
    unseen = in_class[[row.tobytes() not in seen for row in in_class]]
    others = train.X[train.y != job.cls]
    rng = np.random.default_rng(job.seed)
    normal = unseen[rng.choice(len(unseen), min(n_rows, len(unseen)), replace=False)]
    anomalous = others[rng.choice(len(others), len(normal), replace=False)]
    return np.concatenate([normal, anomalous]), np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]


def starts_of(detector, fitted, kind, draw, n_queries):
    """The starts of ``draw``: (R, d) shared by every query, or (R, n_queries, d) per query; draw 0 shared is
    ``fitted``, the starts ``fit`` drew."""
    if kind == "shared" and draw == 0:
        return fitted
    shape = (len(fitted),) if kind == "shared" else (len(fitted), n_queries + ROW_BLOCK)  # scoring pads the rows
    draws = detector.prior_.sample(int(np.prod(shape)), generator=torch.Generator().manual_seed(draw),
                                   device=fitted.device)
    return draws.view(*shape, -1)


def draw_aurocs(job, gan_dir, data_dir, draws, *, split="test", kinds=("shared",), n_validation=500):
    """[(kind, draw, AUROC)] of ``job``'s detector on the kept GAN, one per kind of starts and draw (the mean
    score instead of the AUROC for ``split="fit"``)."""
    X_train, X_test, y_test, _ = make_split(job, data_dir)
    if split == "validation":
        X_test, y_test = validation_rows(job, X_train, data_dir, n_validation)
    elif split == "fit":  # no labels: the mean score of training rows
        rows = np.random.default_rng(job.seed).choice(len(X_train), min(n_validation, len(X_train)), replace=False)
        X_test, y_test = X_train[np.sort(rows)], None
    detector = reuse_gan(build_detector(job, X_train), gan_dir, job, X_train)
    if detector is None:
        raise SystemExit(f"no kept GAN of {job.gan_from} for {job.cell} seed {job.seed} in {gan_dir} trained on this "
                         "split (a model kept before its rows' digest was, needs its GAN trained again)")
    detector.fit(X_train)  # the scoring phase only: from_gan trains no GAN
    fitted = detector.latent_starts_
    detector.set_params(score_batch_size=len(X_test))  # one call: per-query starts line up with the rows
    results = []
    for kind in kinds:
        for draw in range(draws + 1):
            detector.latent_starts_ = starts_of(detector, fitted, kind, draw, len(X_test))
            scores = detector.anomaly_score(X_test)
            mean_score = float(scores.mean())
            value = auroc(y_test, scores) if y_test is not None else None
            results.append((kind, draw, mean_score if value is None else value))
            print(json.dumps({"key": job.key, "split": split, "starts": kind, "draw": draw, "auroc": value,
                              "mean_score": mean_score, "n_rows": len(X_test)}), flush=True)
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
    parser.add_argument("--split", choices=("test", "validation", "fit"), default="test")
    parser.add_argument("--starts", nargs="+", choices=("shared", "per-query"), default=["shared"])
    parser.add_argument("--n-validation", type=int, default=500, help="validation images of each label")
    args = parser.parse_args(argv)
    job = find_job(args.spec, args.budget, args.cell, args.method, args.seed)
    results = draw_aurocs(job, args.gans, args.data_dir, args.draws, split=args.split, kinds=args.starts,
                          n_validation=args.n_validation)
    for kind in args.starts:
        values = np.array([value for each, _, value in results if each == kind])
        what = "mean score" if args.split == "fit" else "AUROC"
        print(f"{job.key} ({args.split} {what}, {kind} starts): draw 0 {values[0]:.3f}; {len(values)} draws mean "
              f"{values.mean():.3f}, std {values.std(ddof=1):.3f}, min {values.min():.3f}, max {values.max():.3f}")


if __name__ == "__main__":
    main()
