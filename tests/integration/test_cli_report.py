"""Issue 17: ``ganad report`` and ``ganad fit --report`` write one self-contained HTML page.

The page parses with html.parser (every element closed), embeds each figure as a PNG data
URI, loads nothing and runs no script, names the method and the threshold, lists the most
anomalous rows of --data in order, and escapes the feature names it shows. A page is never
written over an input. Where a Chromium executable is on PATH the page is also rendered
headless and its screenshot checked to be non-blank.
"""

import base64
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from ganad.cli.main import main
from ganad.io import load_model
from ganad.registry import get_detector
from ganad.report import build_report

from ..conftest import QUICK_PARAMS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HOSTILE = "a<script>alert(1)</script>"  # a feature name that must appear escaped
HEADER = (HOSTILE, "b")
VOID_ELEMENTS = {"meta", "img", "br", "hr", "link", "input"}
TOP = 4


class PageParser(HTMLParser):
    """Collects the tags, the <img> sources and the table cells; records unbalanced closing tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.errors, self.tags, self.images, self.rows = [], [], [], [], []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))
        elif tag == "tr":
            self.rows.append([])
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self.open and self.open[-1] in ("td", "th") and self.rows:
            self.rows[-1].append(data)


def parse(page):
    parser = PageParser()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.open == [], (parser.errors, parser.open)
    assert parser.tags[:2] == ["html", "head"]
    return parser


def png_images(parser):
    """The decoded bytes of every <img>, each checked to be a PNG data URI."""
    images = []
    for attrs in parser.images:
        prefix, _, data = attrs["src"].partition(",")
        assert prefix == "data:image/png;base64"
        images.append(base64.b64decode(data, validate=True))
        assert images[-1].startswith(PNG_SIGNATURE)
    return images


def write_csv(path, X):
    lines = [",".join(HEADER)] + [",".join(repr(float(v)) for v in row) for row in X]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(argv):
    return main([str(arg) for arg in argv])


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """(folder, train.csv, test.csv, the model folder): a tiny 2-D wgan-encoder fitted with --report."""
    folder = tmp_path_factory.mktemp("report")
    rng = np.random.default_rng(0)
    test = rng.normal(size=(40, 2))
    test[-3:] += 8.0  # three rows far from the training cloud
    train, test = write_csv(folder / "train.csv", rng.normal(size=(120, 2))), write_csv(folder / "test.csv", test)
    params = [flag for key, value in QUICK_PARAMS["wgan-encoder"].items() if key != "device"
              for flag in ("--param", f"{key}={value!r}")]
    assert run(["fit", train, "--method", "wgan-encoder", "--out", folder / "model", *params, "--seed", "0",
                "--device", "cpu", "--report", folder / "fit.html"]) == 0
    assert run(["report", folder / "model", "--out", folder / "report.html", "--data", test, "--top", TOP,
                "--device", "cpu"]) == 0
    assert run(["report", folder / "model", "--out", folder / "bare.html", "--device", "cpu"]) == 0
    return folder, train, test, folder / "model"


def test_page_parses_and_embeds_one_png_per_figure(fitted):
    folder = fitted[0]
    for name, n_figures in (("report.html", 3), ("fit.html", 3), ("bare.html", 2)):
        page = (folder / name).read_text(encoding="utf-8")
        parser = parse(page)
        assert len(png_images(parser)) == parser.tags.count("figure") == n_figures, name
        # self-contained: no script, no stylesheet or frame to load, no address outside the page
        assert not {"script", "link", "iframe", "object", "embed"} & set(parser.tags)
        assert "http://" not in page and "https://" not in page and "url(" not in page


def test_page_names_the_method_paper_and_threshold(fitted):
    page = (fitted[0] / "report.html").read_text(encoding="utf-8")
    model = load_model(fitted[3], device="cpu")
    text = " ".join(parse(page).text)
    assert "wgan-encoder" in text and "Haloui et al. 2018" in text
    assert f"{-model.offset_:.6g}" in text and f"{model.offset_:.6g}" in text
    assert "the given data" in text and "Give data (--data)" not in text
    assert "of the training rows)" in text  # offset_ from fit, not calibrate


def test_page_names_the_rows_calibrate_set_the_threshold_from(fitted, tmp_path):
    folder = load_model(fitted[3], device="cpu").calibrate(np.random.default_rng(3).normal(size=(30, 2))).save(
        tmp_path / "calibrated")
    assert run(["report", folder, "--out", tmp_path / "page.html", "--device", "cpu"]) == 0
    text = " ".join(parse((tmp_path / "page.html").read_text(encoding="utf-8")).text)
    assert "of the 30 held-out normal rows given to calibrate)" in text


def test_page_lists_the_top_rows_in_order_with_their_features(fitted):
    folder, _, test, model_dir = fitted
    model = load_model(model_dir, device="cpu")
    X = np.loadtxt(test, delimiter=",", skiprows=1)
    scores = model.anomaly_score(X)
    expected = np.argsort(-scores, kind="stable")[:TOP]
    rows = parse((folder / "report.html").read_text(encoding="utf-8")).rows
    ranked = [row for row in rows if row and row[0].isdigit() and len(row) == 5]  # rank, row, score, flag, features
    assert [int(row[1]) for row in ranked] == list(expected)
    assert [float(row[2]) for row in ranked] == pytest.approx(scores[expected], rel=1e-5)
    assert set(expected[:3]) == {37, 38, 39}  # the three far rows lead
    assert all(row[3] == "yes" for row in ranked[:3])
    assert all(HOSTILE in row[4] and "b (" in row[4] for row in ranked)  # both features, by name


def test_feature_names_are_escaped(fitted):
    for name in ("report.html", "fit.html", "bare.html"):
        page = (fitted[0] / name).read_text(encoding="utf-8")
        assert "<script" not in page
        assert "a&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert HOSTILE in " ".join(parse(page).text)  # the name itself, shown as text


def test_fit_report_shows_the_training_scores(fitted):
    text = " ".join(parse((fitted[0] / "fit.html").read_text(encoding="utf-8")).text)
    assert "the training data" in text and "scored again after fitting" in text


def test_report_without_data_says_what_it_cannot_show(fitted):
    text = " ".join(parse((fitted[0] / "bare.html").read_text(encoding="utf-8")).text)
    assert "not the training scores" in text and "give data (--data) to rank its rows" in text
    assert "counts steps, not epochs" in text


def test_a_page_never_replaces_an_input(fitted, capsys):
    folder, train, test, model_dir = fitted
    before = test.read_bytes(), (model_dir / "config.json").read_bytes()
    assert run(["report", model_dir, "--out", test, "--data", test]) == 2
    assert run(["report", model_dir, "--out", model_dir / "config.json"]) == 2
    assert run(["fit", train, "--method", "wgan-critic", "--out", folder / "other", "--report", train]) == 2
    assert run(["fit", train, "--method", "wgan-critic", "--out", model_dir, "--report", model_dir / "r.html"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 4 and all(line.startswith("ganad: error: ") for line in errors)
    assert "never writes over its input" in errors[0] and "model folder" in errors[3]
    assert (test.read_bytes(), (model_dir / "config.json").read_bytes()) == before
    assert not (folder / "other").exists() and not (model_dir / "r.html").exists()


def test_top_must_be_positive(fitted, capsys):
    assert run(["report", fitted[3], "--out", fitted[0] / "x.html", "--top", "0"]) == 2
    assert "--top" in capsys.readouterr().err


@pytest.mark.long
def test_image_model_draws_a_grid_of_generated_images():
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 28 * 28))
    model = get_detector("wgan-encoder")(image_shape=(1, 28, 28), latent_dim=8, conv_width=4, batch_size=4,
                                         n_epochs=1, encoder_epochs=1, random_state=0, device="cpu").fit(images)
    parser = parse(build_report(model))
    assert len(png_images(parser)) == 2  # losses and the grid of generated images
    assert any(attrs["alt"] == "generated images" for attrs in parser.images)


def test_detector_without_generator_or_names():
    X = np.random.default_rng(0).normal(size=(60, 3))
    model = get_detector("dcae")(**QUICK_PARAMS["dcae"], random_state=0).fit(X)
    parser = parse(build_report(model, X, top=2))
    text = " ".join(parser.text)
    assert "dcae has no GAN generator" in text and "x0" in text
    assert len(png_images(parser)) == 2  # losses and the score histogram
    with pytest.raises(ValueError, match="top"):
        build_report(model, X, top=0)
    with pytest.raises(NotFittedError):
        build_report(get_detector("dcae")())


CHROMIUM = next((name for name in ("chromium", "chromium-browser") if shutil.which(name)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium or chromium-browser executable on PATH")
def test_page_renders_in_headless_chromium(fitted, tmp_path):
    from PIL import Image

    shot = tmp_path / "shot.png"
    subprocess.run([shutil.which(CHROMIUM), "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1200,1600", (fitted[0] / "report.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.read_bytes().startswith(PNG_SIGNATURE)
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is None or len(colours) > 16  # text and figures, not a blank page


def test_a_critics_range_threshold_is_not_called_a_fraction():
    """WGANCritic's default offset_ is §5.1's range rule: the page read "a fraction contamination = range"."""
    X = np.random.default_rng(0).normal(size=(60, 3))
    model = get_detector("wgan-critic")(**QUICK_PARAMS["wgan-critic"], random_state=0).fit(X)
    text = " ".join(parse(build_report(model)).text)
    assert "contamination = 'range': WGANCritic's own rule, not a quantile of scores" in text
    assert "a fraction contamination" not in text
