"""``ganad rcgan-toy``: RCGAN's Theorem 1 on its 2-D toy (Yang et al. 2020, §4.1, Fig. 2).

    ganad rcgan-toy [--out DIR] [--resolution N] [--solver NAME]

On a grid of N x N cells over [-1, 1]^2, q (a narrow Gaussian, the normal data) and t (N(0, I)
on the square, the penalty) as in Fig. 2; the generator density p minimising Eq. 6 is solved
with CVXPY, as the paper did, and compared with Theorem 1's closed form p = max(0, beta q - t)
(Eq. 7-8, beta by a 1-D root solve). Prints beta (and beta from CVXPY's multiplier, Eq. 20)
and the largest |p_CVXPY - p_closed| over the grid (densities); writes theorem1.png (q, t,
both p and their difference) and theorem1.json to DIR. No model is trained.
Needs CVXPY: pip install ganad[cvxpy]. ``ganad.detectors.alice.theorem1`` holds the math.
"""

import argparse
import json
from pathlib import Path

from ..utils.atomic import atomic_path


def _add_rcgan_toy_parser(commands):
    """Register the ``rcgan-toy`` subcommand on the ``commands`` subparsers of ``ganad``."""
    parser = commands.add_parser("rcgan-toy", help="solve RCGAN's Theorem 1 toy (Fig. 2) with CVXPY and draw it",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
