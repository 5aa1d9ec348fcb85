"""RCGAN's Theorem 1 on a grid: the optimal generator density for a fixed encoder, and its toy (Fig. 2).

Yang, Bozchalooi & Darve, *Regularized cycle consistent generative adversarial network for
anomaly detection*, ECAI 2020, §4.1 (``shared/papers/rcgan_yang_2020.md``). With the optimal
discriminator (Eq. 5) the generator minimises Eq. 6,

    C(E, G) = 2 KL((t + p)/2 || s/3) + KL(q || s/3) - log(27/4),   s = q + t + p,

which on a discretisation is the convex problem of Eq. 16 (Appendix A.2)

    min_p  sum_i (t_i + p_i) log((t_i + p_i) / s_i) - q_i log s_i   s.t.  p_i >= 0, sum_i p_i = 1.

Theorem 1 (Eq. 7-8) solves it in closed form: ``p_i = max(0, beta q_i - t_i)`` with the unique
``beta`` in [1, 2] for which p sums to 1. As in the paper's toy, p(z) and e(z|x) are constant,
so the joint densities are the densities of x alone.

Here q, t, p are densities on a ``resolution x resolution`` grid of cell centres over
[-1, 1]^2, each normalised on the grid (``sum(density) * cell_area == 1``); a cell's mass is its
density times ``cell_area``. Eq. 7 holds for densities as for masses, with the same beta.

``closed_form_generator`` (numpy and scipy only) computes Eq. 7-8, beta by a 1-D root solve of
``sum(max(0, beta q - t)) * cell_area = 1``; ``solve_eq6`` minimises Eq. 16 with CVXPY, as the
paper did (an optional dependency: ``pip install ganad[cvxpy]``); ``theorem1_toy`` runs both on
Fig. 2's example. ``ganad rcgan-toy`` draws the figure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ...utils.optional import import_optional

EXTENT = (-1.0, 1.0, -1.0, 1.0)  # Fig. 2's window, [-1, 1]^2


def grid_points(resolution):
    """The ``(resolution**2, 2)`` cell centres of [-1, 1]^2 (row-major, y slowest) and the cell area."""
    if int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    resolution = int(resolution)
    width = 2.0 / resolution
    centres = -1.0 + width * (np.arange(resolution) + 0.5)
    x, y = np.meshgrid(centres, centres)  # (resolution, resolution) each; y varies along rows
    return np.column_stack([x.ravel(), y.ravel()]), width * width


def gaussian_on_grid(points, cell_area, mean, cov):
    """A Gaussian density with ``mean`` and ``cov`` at ``points``, normalised on the grid (truncated to it)."""
    diff = points - np.asarray(mean, dtype=float)  # (n, 2)
    density = np.exp(-0.5 * np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff))
    return density / (density.sum() * cell_area)


def toy_densities(resolution=64, *, data_std=(0.5, 0.1), data_angle=45.0, penalty_std=1.0):
    """Fig. 2's q and t as ``(resolution, resolution)`` density arrays (row i: y, column j: x), and the cell area.

    q, the normal data: a "narrow" Gaussian at the origin with standard deviations ``data_std``
    along its axes, the long one at ``data_angle`` degrees (the paper gives no parameters; a
    stretched Gaussian stands in for its data near a lower-dimensional manifold). t, the penalty:
    N(0, penalty_std^2 I), the paper's "Gaussian distribution with standard deviation 1 and mean
    0", roughly uniform on [-1, 1]^2 (its density at a corner is e^-1 of its peak). Both are
    truncated to the square and normalised on the grid.
    """
    points, cell_area = grid_points(resolution)
    angle = np.deg2rad(data_angle)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    data_cov = rotation @ np.diag(np.square(data_std)) @ rotation.T
    q = gaussian_on_grid(points, cell_area, (0.0, 0.0), data_cov)
    t = gaussian_on_grid(points, cell_area, (0.0, 0.0), penalty_std**2 * np.eye(2))
    shape = (int(resolution), int(resolution))
    return q.reshape(shape), t.reshape(shape), cell_area


def closed_form_generator(q, t, cell_area):
    """Theorem 1, Eq. 7-8: ``(p, beta)`` with ``p = max(0, beta q - t)`` and ``sum(p) * cell_area == 1``.

    ``q`` and ``t`` are densities on a grid (any shape), each summing to 1 times ``cell_area``.
    ``S(beta) = sum(max(0, beta q - t)) * cell_area`` is continuous and non-decreasing, with
    S(1) <= 1 <= S(2) (Appendix A.2), so beta is found by ``scipy.optimize.brentq`` on [1, 2];
    it is Eq. 8's fixed point ``beta = (1 + sum_S t) / sum_S q`` over the cells where
    ``beta q >= t``.
    """
    from scipy.optimize import brentq

    q, t = _check_densities(q, t, cell_area)

    def excess(beta):
        return np.maximum(0.0, beta * q - t).sum() * cell_area - 1.0

    beta = brentq(excess, 1.0, 2.0, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return np.maximum(0.0, beta * q - t), float(beta)


def solve_eq6(q, t, cell_area, *, solver="CLARABEL"):
    """Minimise Eq. 6 (as Eq. 16) over the generator density p with CVXPY; returns ``(p, beta_dual)``.

    The variables are the densities p (shape of ``q``), ``p >= 0`` and ``sum(p) = 1 / cell_area``;
    the objective is Eq. 16 divided by ``cell_area`` (constants dropped), written with
    ``rel_entr(t + p, s) - q log s``, convex (DCP). Solving for densities rather than masses
    keeps the variables of order 1; the optimum is the same. ``beta_dual`` is Eq. 20's
    ``1 / (exp(lambda) - 1)`` from the multiplier lambda of the sum constraint, a second
    route to beta. Raises ``RuntimeError`` when the solver does not report an optimum.
    """
    cp = import_optional("cvxpy", "cvxpy", "solving Eq. 6 of RCGAN's Theorem 1")
    q, t = _check_densities(q, t, cell_area)
    p = cp.Variable(q.size, nonneg=True)
    penalty_plus_generator = t.ravel() + p
    total = penalty_plus_generator + q.ravel()  # s = q + t + p
    objective = cp.sum(cp.rel_entr(penalty_plus_generator, total)) - q.ravel() @ cp.log(total)
    normalisation = cp.sum(p) == 1.0 / cell_area
    problem = cp.Problem(cp.Minimize(objective), [normalisation])
    problem.solve(solver=solver)
    if problem.status != cp.OPTIMAL:
        raise RuntimeError(f"CVXPY ({solver}) did not solve Eq. 6: status {problem.status}")
    lagrange = float(normalisation.dual_value)  # Eq. 19's lambda: log(s / (t + p)) where p > 0
    return np.maximum(p.value, 0.0).reshape(q.shape), 1.0 / np.expm1(lagrange)


@dataclass(frozen=True)
class Theorem1Toy:
    """Fig. 2's densities on the grid (``(resolution, resolution)``, row i: y) and the agreement of Eq. 6 and 7."""

    q: np.ndarray  # normal data density
    t: np.ndarray  # penalty density
    p_solved: np.ndarray  # CVXPY's minimiser of Eq. 6
    p_closed: np.ndarray  # Theorem 1, Eq. 7
    beta: float  # Eq. 8, by the root solve
    beta_dual: float  # Eq. 20, from CVXPY's multiplier
    cell_area: float
    solver: str
    solve_seconds: float

    @property
    def max_abs_difference(self):
        """Largest |p_solved - p_closed| over the grid, in density units."""
        return float(np.abs(self.p_solved - self.p_closed).max())


def theorem1_toy(resolution=64, *, solver="CLARABEL", **densities):
    """Fig. 2: solve Eq. 6 with CVXPY and Eq. 7-8 in closed form on ``toy_densities(resolution, **densities)``."""
    q, t, cell_area = toy_densities(resolution, **densities)
    p_closed, beta = closed_form_generator(q, t, cell_area)
    start = time.perf_counter()
    p_solved, beta_dual = solve_eq6(q, t, cell_area, solver=solver)
    return Theorem1Toy(q, t, p_solved, p_closed, beta, beta_dual, cell_area, solver, time.perf_counter() - start)


def _check_densities(q, t, cell_area):
    q, t = np.asarray(q, dtype=float), np.asarray(t, dtype=float)
    if q.shape != t.shape or q.size == 0:
        raise ValueError(f"q and t must be non-empty arrays of one shape, got {q.shape} and {t.shape}")
    if not cell_area > 0:
        raise ValueError(f"cell_area must be positive, got {cell_area!r}")
    for name, density in (("q", q), ("t", t)):
        if not np.all(np.isfinite(density)) or density.min() < 0:
            raise ValueError(f"{name} must be finite and non-negative")
        if abs(density.sum() * cell_area - 1.0) > 1e-9:
            raise ValueError(f"{name} must integrate to 1 on the grid (sum * cell_area), "
                             f"got {density.sum() * cell_area}")
    return q, t
