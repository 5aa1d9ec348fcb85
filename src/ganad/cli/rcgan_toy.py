"""RCGAN's 2-D figures (Yang et al. 2020): ``ganad rcgan-toy`` (Theorem 1, §4.1, Fig. 2) and
``ganad rcgan-maps`` (the discriminator maps, §5.1, Fig. 3)."""

import argparse
import json
from pathlib import Path

from ..utils.atomic import atomic_path
from .options import seed

TOY_DESCRIPTION = """\
ganad rcgan-toy [--out DIR] [--resolution N] [--solver NAME]

On a grid of N x N cells over [-1, 1]^2, q (a narrow Gaussian, the normal data) and t (N(0, I)
on the square, the penalty) as in Fig. 2; the generator density p minimising Eq. 6 is solved
with CVXPY, as the paper did, and compared with Theorem 1's closed form p = max(0, beta q - t)
(Eq. 7-8, beta by a 1-D root solve). Prints beta (and beta from CVXPY's multiplier, Eq. 20)
and the largest |p_CVXPY - p_closed| over the grid (densities); writes theorem1.png (q, t,
both p and their difference) and theorem1.json to DIR. No model is trained.
Needs CVXPY: pip install ganad[cvxpy]. ``ganad.detectors.alice.theorem1`` holds the math.
"""


def add_rcgan_toy_parser(commands):
    """Register the ``rcgan-toy`` subcommand on the ``commands`` subparsers of ``ganad``."""
    parser = commands.add_parser("rcgan-toy", help="solve RCGAN's Theorem 1 toy (Fig. 2) with CVXPY and draw it",
                                 description=TOY_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="ganad-rcgan-toy", metavar="DIR",
                        help="folder for theorem1.png and theorem1.json (default ./ganad-rcgan-toy)")
    parser.add_argument("--resolution", type=int, default=64, metavar="N",
                        help="grid cells per side (default 64: about 0.3 s to solve; 100: about 1 s)")
    parser.add_argument("--solver", default="CLARABEL", help="the CVXPY solver (default CLARABEL)")
    parser.set_defaults(command=rcgan_toy)


def rcgan_toy(args):
    from ..detectors.alice.theorem1 import EXTENT, theorem1_toy
    from ..plots.alice import plot_theorem1_toy

    if args.resolution < 2:
        raise ValueError(f"--resolution must be at least 2, got {args.resolution}")
    toy = theorem1_toy(args.resolution, solver=args.solver)
    out = Path(args.out)
    with atomic_path(out / "theorem1.png", suffix=".png") as tmp:  # the suffix names the image format
        plot_theorem1_toy(toy.q, toy.t, toy.p_solved, toy.p_closed, tmp, extent=EXTENT)
    with atomic_path(out / "theorem1.json") as tmp:
        tmp.write_text(json.dumps({
            "resolution": args.resolution, "cell_area": toy.cell_area, "solver": toy.solver,
            "solve_seconds": toy.solve_seconds, "beta": toy.beta, "beta_dual": toy.beta_dual,
            "max_abs_difference": toy.max_abs_difference, "support_fraction": float((toy.p_closed > 0).mean()),
        }, indent=2) + "\n")
    print(f"RCGAN Theorem 1 toy (Fig. 2), {args.resolution} x {args.resolution} grid on [-1, 1]^2")
    print(f"  beta = {toy.beta:.6f} (Eq. 8, root solve); {toy.beta_dual:.6f} (Eq. 20, CVXPY's multiplier)")
    print(f"  max |p_CVXPY - p_closed| = {toy.max_abs_difference:.2e} (densities; peak p "
          f"{toy.p_closed.max():.3f}); {toy.solver} solved Eq. 6 in {toy.solve_seconds:.2f} s")
    print(f"  p > 0 on {100 * (toy.p_closed > 0).mean():.1f} % of the cells")
    print(f"wrote theorem1.png and theorem1.json to {out}")
    return 0


MAPS_DESCRIPTION = """\
ganad rcgan-maps [--out DIR] [--n-points N] [--epochs N] [--learning-rate LR] [--resolution N] [--seed S]

Trains RCGAN (t(x) = N(0, I), the paper's) and ALAD on RCGAN's three 2-D sets, loop, arc and
four-dot (ganad.data.make_loop / make_arc / make_four_dots: radius or offset 1.5, noise 0.1),
with one set of small settings for both methods, as the paper does ("the same neural
structures and hyper-parameters"; it gives none): latent 2, 32-unit networks (E 32, G 32-32,
D 32 per branch, D_xx 32, ALAD's D_zz 32), dropout 0.2, last weights (ema_decay=0), batch 50,
Adam; by default 2000 points per set, 40 epochs, learning rate 1e-3; seed S (default 0) for
the data and every fit; one torch thread. Writes to DIR:
  fig3.png   Fig. 3: each set's points, then D_xz(x, E(x)) and D_xx(x, G(E(x))) of RCGAN and
             of ALAD over [-3, 3]^2 (colour: probability of "normal"), the points dotted over.
  fig3.json  the settings, the seed, seconds per fit and, per panel, the mean probability on
             the training points ("on_data"), on off-support points ("off_support": uniform in
             [-3, 3]^2 and further than 3 noise standard deviations from the set's noiseless
             support, ganad.data.make_<set>_anomaly_set) and the AUROC of 1 - probability
             between fresh normal points and those off-support points.
The defaults take about 40 s on one core.
"""

MAP_SETS = ("loop", "arc", "four_dots")
MAP_METHODS = {"rcgan": "RCGAN", "alad": "ALAD"}
MAP_SETTINGS = {"latent_dim": 2, "encoder_hidden": (32,), "generator_hidden": (32, 32), "discriminator_hidden": (32,),
                "discriminator_xx_hidden": (32,), "dropout": 0.2, "ema_decay": 0.0, "batch_size": 50,
                "device": "cpu", "n_threads": 1}
MAP_EXTRA = {"rcgan": {"penalty": "normal", "penalty_scale": 1.0}, "alad": {"discriminator_zz_hidden": (32,)}}
N_EVALUATION = 1000  # fresh normal points and off-support points per set for the panel numbers


def add_rcgan_maps_parser(commands):
    """Register the ``rcgan-maps`` subcommand on the ``commands`` subparsers of ``ganad``."""
    parser = commands.add_parser("rcgan-maps", help="train RCGAN and ALAD on loop, arc and four-dot and draw "
                                 "their discriminator maps (Fig. 3)",
                                 description=MAPS_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="ganad-rcgan-maps", metavar="DIR",
                        help="folder for fig3.png and fig3.json (default ./ganad-rcgan-maps)")
    parser.add_argument("--n-points", type=int, default=2000, metavar="N",
                        help="training points per set (default 2000)")
    parser.add_argument("--epochs", type=int, default=40, metavar="N", help="epochs per fit (default 40)")
    parser.add_argument("--learning-rate", type=float, default=1e-3, metavar="LR", help="Adam's (default 1e-3)")
    parser.add_argument("--resolution", type=int, default=100, metavar="N",
                        help="map pixels per side over [-3, 3]^2 (default 100)")
    parser.add_argument("--seed", type=seed, default=0, metavar="S", help="seeds the data and every fit (default 0)")
    parser.set_defaults(command=rcgan_maps)


def rcgan_maps(args):
    import time

    from ..data import make_anomaly_benchmark
    from ..plots.alice import plot_discriminator_maps
    from ..registry import DETECTORS

    for flag, value, least in (("--n-points", args.n_points, 2), ("--epochs", args.epochs, 1),
                               ("--resolution", args.resolution, 2)):
        if value < least:
            raise ValueError(f"{flag} must be at least {least}, got {value}")
    settings = {**MAP_SETTINGS, "n_epochs": args.epochs, "learning_rate": args.learning_rate,
                "random_state": args.seed}
    started = time.perf_counter()
    cases, panels = {}, {}
    for name in MAP_SETS:
        X, X_test, y_test = make_anomaly_benchmark(name, n_train=args.n_points, n_test_normal=N_EVALUATION,
                                                   n_test_anomalies=N_EVALUATION, random_state=args.seed)
        models, panels[name] = {}, {}
        for method, label in MAP_METHODS.items():
            tic = time.perf_counter()
            detector = DETECTORS[method](**settings, **MAP_EXTRA[method]).fit(X)
            functions = (detector.discriminator_xz, detector.discriminator_xx)
            panels[name][method] = {"fit_seconds": round(time.perf_counter() - tic, 2),
                                    **{key: _panel_numbers(f, X, X_test, y_test)
                                       for key, f in zip(("d_xz", "d_xx"), functions)}}
            models[label] = functions
        cases[name.replace("_", "-")] = (X, models)
    out = Path(args.out)
    with atomic_path(out / "fig3.png", suffix=".png") as tmp:  # the suffix names the image format
        plot_discriminator_maps(cases, tmp, resolution=args.resolution, show_data=True)
    total = time.perf_counter() - started
    with atomic_path(out / "fig3.json") as tmp:
        tmp.write_text(json.dumps({
            "figure": "Yang et al. 2020, Fig. 3", "sets": list(MAP_SETS), "n_points": args.n_points,
            "seed": args.seed, "resolution": args.resolution, "extent": [-3.0, 3.0, -3.0, 3.0],
            "settings": {**settings, **{method: MAP_EXTRA[method] for method in MAP_METHODS}},
            "evaluation": {"n_normal": N_EVALUATION, "n_off_support": N_EVALUATION, "n_std": 3.0},
            "panels": panels, "total_seconds": round(total, 2),
        }, indent=2) + "\n")
    _print_maps(panels, args, total, out)
    return 0


def _panel_numbers(probability, X, X_test, y_test):
    """Mean D on the training points and on the off-support points; AUROC of 1 - D (normal vs off-support)."""
    from ..metrics import auroc

    on_test = probability(X_test)
    return {"on_data": round(float(probability(X).mean()), 4),
            "off_support": round(float(on_test[y_test == 1].mean()), 4),
            "auroc": round(float(auroc(y_test, 1.0 - on_test)), 4)}


def _print_maps(panels, args, total, out):
    print(f"RCGAN Fig. 3: {args.n_points} points, {args.epochs} epochs, Adam {args.learning_rate:g}, seed {args.seed}")
    print(f"  {'set':<10}{'method':<8}{'panel':<7}{'on data':>9}{'off supp.':>11}{'AUROC':>8}{'fit s':>8}")
    for name, methods in panels.items():
        for method, numbers in methods.items():
            for panel in ("d_xz", "d_xx"):
                row = numbers[panel]
                print(f"  {name:<10}{MAP_METHODS[method]:<8}{'D_' + panel[2:]:<7}{row['on_data']:>9.3f}"
                      f"{row['off_support']:>11.3f}{row['auroc']:>8.3f}{numbers['fit_seconds']:>8.1f}")
    print(f"wrote fig3.png and fig3.json to {out} ({total:.1f} s)")
