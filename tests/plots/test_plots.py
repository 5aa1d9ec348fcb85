"""ganad.plots: every function writes a PNG, checks its inputs, and draws what it claims."""

import importlib
import subprocess
import sys

import numpy as np
import pytest

from ganad import plots
from ganad.plots import plot_ranked_samples
from ganad.plots.ranking import extremes

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path):
    assert path.is_file()
    data = path.read_bytes()
    assert len(data) > len(PNG_SIGNATURE)
    assert data.startswith(PNG_SIGNATURE)


@pytest.fixture
def points():
    return np.random.default_rng(0).normal(size=(50, 2))


@pytest.fixture
def captured_figures(monkeypatch):
    """Figures handed to save_figure by ganad.plots.critic, still written to disk."""
    critic = importlib.import_module("ganad.plots.critic")
    save = critic.save_figure
    figures = []

    def capture(fig, path):
        figures.append(fig)
        return save(fig, path)

    monkeypatch.setattr(critic, "save_figure", capture)
    return figures


def norm_critic(x):
    return -np.linalg.norm(x, axis=1)


def test_data_vs_generated_writes_png_in_new_folder(tmp_path, points):
    path = plots.plot_data_vs_generated(points, points[:20] + 3.0, tmp_path / "a" / "b.png", title="t")
    assert path == tmp_path / "a" / "b.png"
    assert_png(path)


def test_generator_snapshots_writes_png(tmp_path, points):
    snapshots = [(f"epoch {i}", points * (i + 1)) for i in range(5)]  # 5 panels in a 4 x 2 grid
    assert_png(plots.plot_generator_snapshots(snapshots, tmp_path / "s.png", data=points))
    assert_png(plots.plot_generator_snapshots(snapshots[:1], tmp_path / "one.png"))


def test_critic_landscape_evaluates_float32_pixel_grid(tmp_path):
    calls = []

    def critic(x):
        calls.append(x)
        return norm_critic(x)

    extent = (-2.0, 1.0, 0.0, 3.0)
    path = plots.plot_critic_landscape(critic, tmp_path / "c.png", extent=extent, resolution=7)
    assert_png(path)
    (grid,) = calls
    assert grid.shape == (49, 2) and grid.dtype == np.float32
    assert grid[:, 0].min() > -2.0 and grid[:, 0].max() < 1.0
    assert grid[:, 1].min() > 0.0 and grid[:, 1].max() < 3.0
    assert len(np.unique(grid, axis=0)) == 49


def test_critic_landscape_accepts_column_output(tmp_path):
    path = plots.plot_critic_landscape(lambda x: norm_critic(x)[:, None], tmp_path / "c.png", resolution=5)
    assert_png(path)


def test_critic_landscape_clips_to_train_range(tmp_path, captured_figures, points):
    low, high = -1.0, -0.5
    plots.plot_critic_landscape(norm_critic, tmp_path / "c.png", data=points, train_range=(low, high),
                                resolution=20)
    (fig,) = captured_figures
    raw, clipped = [ax.images[0] for ax in fig.axes if ax.images]
    raw_values = np.asarray(raw.get_array())
    assert raw_values.min() < low and raw_values.max() > high  # the range really clips
    np.testing.assert_allclose(clipped.get_array(), np.clip(raw_values, low, high))
    assert clipped.get_clim() == (low, high)


def test_critic_landscape_without_range_has_one_panel(tmp_path, captured_figures):
    plots.plot_critic_landscape(norm_critic, tmp_path / "c.png", resolution=4)
    (fig,) = captured_figures
    assert sum(bool(ax.images) for ax in fig.axes) == 1


def test_loss_curves_writes_png(tmp_path):
    history = {"critic_loss": np.linspace(-5, 0, 40), "generator_loss": np.ones(8)}
    assert_png(plots.plot_loss_curves(history, tmp_path / "l.png"))
    assert_png(plots.plot_loss_curves(history, tmp_path / "s.png", keys=["generator_loss"], smooth=20))


def test_pr_roc_writes_png(tmp_path):
    y = np.r_[np.zeros(30), np.ones(10)]
    score = y + np.random.default_rng(0).normal(size=40)
    assert_png(plots.plot_pr_roc(y, score, tmp_path / "p.png", label="critic"))
    assert_png(plots.plot_pr_roc(y.astype(bool), score, tmp_path / "q.png"))


def test_score_boxplot_writes_png(tmp_path):
    groups = {"normal": np.zeros(10), "anomalous": np.arange(5.0)}
    assert_png(plots.plot_score_boxplot(groups, tmp_path / "b.png", ylabel="MSE"))


def test_score_histogram_marks_the_threshold_and_counts_infinite_scores(tmp_path, monkeypatch):
    assert_png(plots.plot_score_histogram([np.inf, np.inf], tmp_path / "inf.png"))
    scores_module = importlib.import_module("ganad.plots.scores")
    figures = []
    monkeypatch.setattr(scores_module, "save_figure", lambda fig, path: figures.append(fig) or path)
    plots.plot_score_histogram(np.r_[np.arange(10.0), np.inf], tmp_path / "h.png", threshold=7.5)
    (ax,) = figures[0].axes
    assert ax.get_title() == "11 rows (1 infinite scores not drawn)"
    assert ax.get_legend().get_texts()[0].get_text() == "threshold 7.5: 3 of 11 rows above"
    with pytest.raises(ValueError, match="NaN"):
        plots.plot_score_histogram([0.0, np.nan], tmp_path / "x.png")


def test_image_grid_writes_png(tmp_path):
    rng = np.random.default_rng(0)
    assert_png(plots.plot_image_grid(rng.uniform(size=(10, 3 * 4 * 5)), tmp_path / "c.png", image_shape=(3, 4, 5)))
    assert_png(plots.plot_image_grid(np.zeros((3, 16)), tmp_path / "g.png", image_shape=(1, 4, 4), title="t"))
    with pytest.raises(ValueError, match="does not match"):
        plots.plot_image_grid(np.zeros((3, 15)), tmp_path / "x.png", image_shape=(1, 4, 4))
    with pytest.raises(ValueError, match="n_columns"):
        plots.plot_image_grid(np.zeros((3, 16)), tmp_path / "x.png", image_shape=(1, 4, 4), n_columns=0)


def test_generator_snapshots_name_the_data(tmp_path, points, monkeypatch):
    samples = importlib.import_module("ganad.plots.samples")
    figures = []
    monkeypatch.setattr(samples, "save_figure", lambda fig, path: figures.append(fig) or path)
    samples.plot_generator_snapshots([("g", points)], tmp_path / "s.png", data=points, data_label="given data")
    assert [text.get_text() for text in figures[0].legends[0].get_texts()] == ["generated", "given data"]


@pytest.mark.parametrize("bad", [np.zeros(10), np.zeros((10, 3)), np.zeros((0, 2)), np.zeros((2, 5, 2))])
def test_points_must_have_two_columns(tmp_path, points, bad):
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.plot_data_vs_generated(bad, points, tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.plot_data_vs_generated(points, bad, tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.plot_generator_snapshots([("e", bad)], tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.plot_generator_snapshots([("e", points)], tmp_path / "x.png", data=bad)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.plot_critic_landscape(norm_critic, tmp_path / "x.png", data=bad, resolution=4)


def test_snapshots_must_not_be_empty(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_generator_snapshots([], tmp_path / "x.png")


@pytest.mark.parametrize("kwargs", [
    {"train_range": (1.0, 0.0)},
    {"train_range": (0.0, np.nan)},
    {"train_range": (0.0,)},
    {"extent": (1.0, -1.0, -1.0, 1.0)},
    {"extent": (-1.0, 1.0, -1.0)},
    {"resolution": 1},
    {"resolution": 4.5},
])
def test_critic_landscape_rejects_bad_arguments(tmp_path, kwargs):
    kwargs.setdefault("resolution", 4)
    with pytest.raises(ValueError):
        plots.plot_critic_landscape(norm_critic, tmp_path / "x.png", **kwargs)


def test_critic_landscape_rejects_wrong_output_size(tmp_path):
    with pytest.raises(ValueError, match="returned 32 values for 16 points"):
        plots.plot_critic_landscape(lambda x: np.zeros((len(x), 2)), tmp_path / "x.png", resolution=4)


@pytest.mark.parametrize("kwargs, match", [
    ({"keys": ["missing"]}, "not in history"),
    ({"keys": []}, "no series"),
    ({"smooth": 0}, "smooth"),
    ({"smooth": 2.5}, "smooth"),
])
def test_loss_curves_rejects_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.plot_loss_curves({"loss": np.ones(5)}, tmp_path / "x.png", **kwargs)


def test_loss_curves_rejects_non_1d_series(tmp_path):
    with pytest.raises(ValueError, match="1-D"):
        plots.plot_loss_curves({"loss": np.ones((5, 2))}, tmp_path / "x.png")


@pytest.mark.parametrize("y, score, match", [
    ([0, 1, 1], [0.1, 0.2], "differ in length"),
    ([0, 0, 0], [0.1, 0.2, 0.3], "both"),
    ([0, 1, 2], [0.1, 0.2, 0.3], "only 0"),
    ([0, 1, 1], [0.1, np.inf, 0.3], "finite"),
    ([[0, 1]], [[0.1, 0.2]], "1-D"),
])
def test_pr_roc_rejects_bad_inputs(tmp_path, y, score, match):
    with pytest.raises(ValueError, match=match):
        plots.plot_pr_roc(y, score, tmp_path / "x.png")


@pytest.mark.parametrize("groups, match", [
    ({}, "at least one"),
    ({"a": np.ones((3, 2))}, "1-D"),
    ({"a": []}, "non-empty"),
    ({"a": [1.0, np.nan]}, "finite"),
])
def test_score_boxplot_rejects_bad_groups(tmp_path, groups, match):
    with pytest.raises(ValueError, match=match):
        plots.plot_score_boxplot(groups, tmp_path / "x.png")


@pytest.mark.long
def test_import_does_not_load_matplotlib():
    code = "import sys, ganad.plots; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_matplotlib_raises_import_error_with_hint(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plots.plot_score_boxplot({"a": [1.0]}, tmp_path / "x.png")


def test_extremes_orders_the_highest_and_lowest_scores():
    most, least = extremes(np.array([0.5, 3.0, -1.0, 2.0, 0.0]), 2)
    np.testing.assert_array_equal(most, [1, 3])
    np.testing.assert_array_equal(least, [2, 4])
    with pytest.raises(ValueError, match="n_shown"):
        extremes(np.zeros(3), 0)
    most, least = extremes(np.array([0.0, 0.0, 0.0, 5.0]), 2)  # ties keep row order at both ends
    np.testing.assert_array_equal(most, [3, 0])
    np.testing.assert_array_equal(least, [0, 1])


def test_ranked_samples_draws_both_grids(tmp_path):
    X = np.random.default_rng(0).uniform(-1, 1, size=(30, 3 * 4 * 4))
    path = plot_ranked_samples(X, X.sum(axis=1), tmp_path / "ranked.png", image_shape=(3, 4, 4), n_shown=5)
    assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="image_shape"):
        plot_ranked_samples(X, X.sum(axis=1), tmp_path / "bad.png", image_shape=(1, 4, 4))
    with pytest.raises(ValueError, match="one row per score"):
        plot_ranked_samples(X, X.sum(axis=1)[:-1], tmp_path / "bad.png", image_shape=(3, 4, 4))


def test_ranked_samples_draw_on_the_finite_range_of_the_rows_shown(tmp_path, monkeypatch):
    """One NaN pixel (a file read with --impute) made the range NaN, and every image was drawn blank; constant
    images divided by a zero width (a probe of the figures)."""
    drawn = []
    monkeypatch.setattr("ganad.plots.ranking.save_figure", lambda fig, path: drawn.append(fig) or path)
    X = np.random.default_rng(0).uniform(-1, 1, size=(30, 3 * 4 * 4))
    X[5, 3] = np.nan
    for rows in (X, np.full_like(X, 0.25)):
        plot_ranked_samples(rows, np.arange(30.0), tmp_path / "ranked.png", image_shape=(3, 4, 4), n_shown=8)
    (shown, constant) = ([image for ax in fig.get_axes() for image in ax.images] for fig in drawn)
    colours = np.stack([np.asarray(image.get_array()) for image in shown if image.get_array().ndim == 3])
    assert np.isfinite(colours[np.isfinite(colours)]).all() and np.mean(np.isfinite(colours)) > 0.99
    assert np.nanmax(colours) == 1.0 and np.nanmin(colours) == 0.0  # drawn over the shown rows' finite range
    assert all(np.isfinite(np.asarray(image.get_array())).all() for image in constant)


def test_ranked_samples_draw_a_map_under_each_image(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr("ganad.plots.ranking.save_figure", lambda fig, path: drawn.append(fig) or path)
    X = np.random.default_rng(0).uniform(-1, 1, size=(30, 3 * 4 * 4))
    plot_ranked_samples(X, X.sum(axis=1), tmp_path / "plain.png", image_shape=(3, 4, 4), n_shown=5)
    plot_ranked_samples(X, X.sum(axis=1), tmp_path / "maps.png", image_shape=(3, 4, 4), n_shown=5, maps=X ** 2)
    plain, maps = ([ax.images[0] for ax in fig.get_axes() if ax.images] for fig in drawn)
    assert len(drawn[0].get_axes()) == 2 * 9  # two 3 x 3 grids for 5 samples
    assert len(drawn[1].get_axes()) == 2 * 2 * 9 + 2  # each grid row doubled, and a colour bar per grid
    assert len(plain) == 2 * 5 and len(maps) == 2 * 2 * 5  # an image and its map per sample
    map_images = [image for image in maps if image.get_cmap().name == "magma"]
    assert len(map_images) == 2 * 5 and all(image.get_array().shape == (4, 4) for image in map_images)
    (low, high), = {image.get_clim() for image in map_images}  # one scale for every map, from 0
    assert low == 0.0 and high == max(image.get_array().max() for image in map_images)
    with pytest.raises(ValueError, match="maps must have the shape of X"):
        plot_ranked_samples(X, X.sum(axis=1), tmp_path / "bad.png", image_shape=(3, 4, 4), maps=X[:, :3])
