"""RCGAN's Theorem 1 (Yang et al. 2020, Eq. 6-8, Fig. 2): the closed form, and CVXPY's solution of Eq. 6 against it."""

import importlib.util
import json
import sys

import numpy as np
import pytest

from ganad.cli.main import main
from ganad.detectors.alice.theorem1 import closed_form_generator, solve_eq6, theorem1_toy, toy_densities
from ganad.plots.alice import plot_theorem1_toy
from ganad.utils.optional import MissingDependencyError

needs_cvxpy = pytest.mark.skipif(importlib.util.find_spec("cvxpy") is None,
                                 reason="cvxpy is not installed (pip install ganad[cvxpy])")

# A hand-solved Eq. 7-8 on four cells of area 1: with S = {0, 1}, beta = (1 + 0.1 + 0.1) / (0.5 + 0.3)
# = 1.5; cell 2 stays out (1.5 * 0.2 = 0.3 < 0.4) and p = (0.75 - 0.1, 0.45 - 0.1, 0, 0) sums to 1.
HAND_Q = np.array([0.5, 0.3, 0.2, 0.0])
HAND_T = np.array([0.1, 0.1, 0.4, 0.4])
HAND_P, HAND_BETA = np.array([0.65, 0.35, 0.0, 0.0]), 1.5


def test_closed_form_matches_a_hand_solved_eq_7_and_8():
    p, beta = closed_form_generator(HAND_Q, HAND_T, 1.0)
    assert beta == pytest.approx(HAND_BETA, abs=1e-12)
    np.testing.assert_allclose(p, HAND_P, atol=1e-12)


@pytest.fixture(scope="module")
def toy():
    return toy_densities(48)


def test_closed_form_is_normalised_and_zero_where_beta_q_is_below_t(toy):
    q, t, cell_area = toy
    assert q.sum() * cell_area == pytest.approx(1.0) and t.sum() * cell_area == pytest.approx(1.0)
    p, beta = closed_form_generator(q, t, cell_area)
    assert 1.0 <= beta <= 2.0  # Theorem 1
    assert p.sum() * cell_area == pytest.approx(1.0, abs=1e-12)
    chopped = beta * q < t
    assert 0 < chopped.mean() < 1  # the toy's t cuts q's tails, as in Fig. 2
    assert np.all(p[chopped] == 0)
    np.testing.assert_allclose(p[~chopped], beta * q[~chopped] - t[~chopped], rtol=0, atol=1e-12)
    kept = ~chopped  # Eq. 8: beta is its own fixed point over S_beta
    assert beta == pytest.approx((1 + t[kept].sum() * cell_area) / (q[kept].sum() * cell_area), abs=1e-9)


def test_beta_is_1_for_disjoint_supports_and_2_when_q_equals_t():
    q = np.array([0.5, 0.5, 0.0, 0.0])
    assert closed_form_generator(q, q[::-1], 1.0)[1] == pytest.approx(1.0)  # qt = 0 everywhere
    p, beta = closed_form_generator(q, q, 1.0)  # 2q - t >= 0 everywhere
    assert beta == pytest.approx(2.0) and np.allclose(p, q)


def test_closed_form_refuses_unnormalised_densities():
    with pytest.raises(ValueError, match="integrate to 1"):
        closed_form_generator(2 * HAND_Q, HAND_T, 1.0)


@needs_cvxpy
def test_cvxpy_solution_of_eq_6_agrees_with_theorem_1_to_1e_4():
    """Max |p_CVXPY - p_closed| over the grid, in density units (peak p about 3.9)."""
    result = theorem1_toy(32)
    assert result.max_abs_difference < 1e-4
    assert result.beta_dual == pytest.approx(result.beta, abs=1e-4)  # Eq. 20 from the multiplier
    assert result.p_solved.sum() * result.cell_area == pytest.approx(1.0, abs=1e-6)


@needs_cvxpy
def test_cvxpy_solves_the_hand_example():
    p, beta_dual = solve_eq6(HAND_Q, HAND_T, 1.0)
    np.testing.assert_allclose(p, HAND_P, atol=1e-4)
    assert beta_dual == pytest.approx(HAND_BETA, abs=1e-4)


def test_solve_eq6_names_the_extra_without_cvxpy(monkeypatch):
    monkeypatch.setitem(sys.modules, "cvxpy", None)  # import fails as if not installed
    with pytest.raises(MissingDependencyError, match=r"needs cvxpy: pip install ganad\[cvxpy\]"):
        solve_eq6(HAND_Q, HAND_T, 1.0)


def test_fig_2_draws_without_cvxpy(toy, tmp_path):
    q, t, cell_area = toy
    p, _ = closed_form_generator(q, t, cell_area)
    path = plot_theorem1_toy(q, t, p, p, tmp_path / "fig2.png")
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match="one shape"):
        plot_theorem1_toy(q, t, p, p[:-1], tmp_path / "bad.png")


@needs_cvxpy
def test_rcgan_toy_command_writes_the_figure_and_the_agreement(tmp_path, capsys):
    assert main(["rcgan-toy", "--out", str(tmp_path), "--resolution", "24"]) == 0
    assert (tmp_path / "theorem1.png").read_bytes().startswith(b"\x89PNG")
    result = json.loads((tmp_path / "theorem1.json").read_text())
    assert result["resolution"] == 24 and result["max_abs_difference"] < 1e-4 and 1 <= result["beta"] <= 2
    assert "max |p_CVXPY - p_closed|" in capsys.readouterr().out


def test_rcgan_toy_refuses_a_one_cell_grid(tmp_path):
    assert main(["rcgan-toy", "--out", str(tmp_path), "--resolution", "1"]) == 2
