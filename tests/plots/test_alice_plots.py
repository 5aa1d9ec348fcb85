"""RCGAN's figures: discriminator maps (Fig. 3) and reconstructions (Fig. 1) draw and check their input."""

import numpy as np
import pytest

from ganad import ALAD, RCGAN
from ganad.data import make_arc, make_four_dots, make_loop
from ganad.plots import plot_discriminator_maps, plot_reconstructions



def assert_png(path):
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


TINY = {"n_epochs": 1, "latent_dim": 2, "encoder_hidden": (8,), "generator_hidden": (8,), "discriminator_hidden": (8,),
        "random_state": 0, "device": "cpu"}


@pytest.mark.long
def test_fig_3_draws_fitted_models_on_loop_arc_and_four_dots(tmp_path):
    cases = {}
    for name, make in (("loop", make_loop), ("arc", make_arc), ("four-dot", make_four_dots)):
        X = make(200, random_state=0)
        rcgan, alad = RCGAN(**TINY).fit(X), ALAD(**TINY).fit(X)
        cases[name] = (X, {"RCGAN": (rcgan.discriminator_xz, rcgan.discriminator_xx),
                           "ALAD": (alad.discriminator_xz, alad.discriminator_xx)})
    assert_png(plot_discriminator_maps(cases, tmp_path / "fig3.png", resolution=20))


def test_fig_3_evaluates_each_discriminator_once_on_the_window(tmp_path):
    seen = []

    def probability(grid):
        seen.append(grid)
        return np.full(len(grid), 0.5)

    data = np.zeros((5, 2))
    plot_discriminator_maps({"a": (data, {"m": (probability, probability)})}, tmp_path / "f.png", resolution=4)
    assert len(seen) == 2 and seen[0].shape == (16, 2)
    assert seen[0].min() > -3 and seen[0].max() < 3  # pixel centres inside the paper's [-3, 3]^2


def test_fig_3_refuses_cases_with_different_models(tmp_path):
    data, f = np.zeros((5, 2)), (lambda g: np.zeros(len(g)))
    with pytest.raises(ValueError, match="same"):
        plot_discriminator_maps({"a": (data, {"m": (f, f)}), "b": (data, {"n": (f, f)})}, tmp_path / "f.png")
    with pytest.raises(ValueError, match="returned 1 values"):
        plot_discriminator_maps({"a": (data, {"m": (lambda g: [0.0], f)})}, tmp_path / "f.png", resolution=3)


def test_fig_1_draws_grey_and_colour_rows(tmp_path):
    rng = np.random.default_rng(0)
    grey = rng.uniform(-1, 1, size=(5, 28 * 28))
    rows = [("inputs", grey), ("AE", grey * 0.5), ("RCGAN", grey[:, ::-1])]
    assert_png(plot_reconstructions(rows, tmp_path / "fig1.png", image_shape=(1, 28, 28)))
    colour = rng.uniform(-1, 1, size=(3, 3, 32, 32))
    assert_png(plot_reconstructions([("inputs", colour)], tmp_path / "rgb.png", image_shape=(3, 32, 32)))


def test_fig_1_checks_its_rows(tmp_path):
    images = np.zeros((4, 28 * 28))
    with pytest.raises(ValueError, match="same number"):
        plot_reconstructions([("a", images), ("b", images[:3])], tmp_path / "f.png", image_shape=(1, 28, 28))
    with pytest.raises(ValueError, match="image_shape"):
        plot_reconstructions([("a", images)], tmp_path / "f.png", image_shape=(1, 32, 32))


def test_fig_3_can_dot_the_data_over_the_maps(tmp_path):
    data, f = np.zeros((5, 2)), (lambda g: np.full(len(g), 0.5))
    assert_png(plot_discriminator_maps({"a": (data, {"m": (f, f)})}, tmp_path / "f.png", resolution=4, show_data=True))
