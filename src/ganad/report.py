"""A model report: one self-contained HTML page to judge a fitted detector (issue 17).

    html = build_report(detector, X=None, *, data_name=None, training_data=False, top=10)

The page holds the model's summary (method, paper, parameters, features, scaling,
imputation, ``offset_`` and the threshold), its training losses, samples drawn from its
generator (an image grid, or for 2-D data a scatter over the given rows), the histogram of
the given rows' anomaly scores with the threshold, and the ``top`` most anomalous rows
with, where the detector has ``explain``, their largest contributing features (named by
``feature_names_in_``). Figures are PNGs embedded as base64 ``data:`` URIs and the style is
inline: the page loads nothing and runs no script. Every string that can come from a user
(feature names, parameter values, the data's name) is escaped.

What a saved model does not hold is said on the page, not guessed:

* it keeps every optimisation step's losses (``history_``) but not where its epochs ended,
  so the curves are drawn per step;
* it keeps ``offset_`` but not the training scores that set it, so the histogram is that of
  the rows given (the training data under ``ganad fit --report``, any file under
  ``ganad report --data``), named as such, and absent without rows.
"""

import base64
import html
import tempfile
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._version import __version__
from .catalog import PAPERS, method_name
from .data.files import plain_array_scoring
from .data.scores import top_contributions
from .utils.params import is_count

N_IMAGES = 64  # generated images in the grid
N_POINTS = 1000  # generated points in the 2-D scatter
MAX_LISTED_FEATURES = 50  # features listed in the summary
N_TOP_FEATURES = 3  # contributing features named per anomalous row
GENERATOR_SEED = 0  # the latent draw of the generated samples, fixed so a report redraws the same

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .note { color: #555; font-size: 0.92em; }
code { background: #f4f4f4; padding: 0 0.2em; }
"""


def build_report(detector, X=None, *, data_name=None, training_data=False, top=10):
    """The HTML page (a str) describing the fitted ``detector`` and, when given, its scores of ``X``.

    ``X`` (array-like, rows as for ``anomaly_score``) adds the score histogram, the ``top``
    most anomalous rows and, for 2-D data, the overlay of generated points; ``data_name``
    (e.g. the file's path) names the rows on the page and ``training_data`` says they are
    the rows the model was fitted on. Without ``X`` the page says what it cannot show.
    """
    check_is_fitted(detector)
    if hasattr(detector, "_check_threshold_parameters"):
        detector._check_threshold_parameters("a report")  # it states offset_ as predict's threshold
    if not is_count(top):
        raise ValueError(f"top must be an integer >= 1, got {top!r}")
    method = method_name(detector)
    rows = None if X is None else _rows_name(X, data_name, training_data)
    scores = None
    if X is not None:
        with plain_array_scoring():
            scores = np.asarray(detector.anomaly_score(X), dtype=np.float64)
    with tempfile.TemporaryDirectory(prefix="ganad-report-") as folder:
        figures = _Figures(Path(folder))
        sections = [
            _summary(detector, method),
            _losses(detector, figures),
            _generated(detector, method, X, rows, "training data" if training_data else "given data", figures),
            _score_section(detector, scores, rows, figures),
            _top_rows(detector, X, scores, rows, top),
        ]
    title = f"ganad report: {method}"
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{_e(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="note">Written by ganad {_e(__version__)}. Anomaly scores: higher is more anomalous '
        "(<code>anomaly_score = -score_samples</code>).</p>",
        *sections, "</body>", "</html>", ""])


class _Figures:
    """Draws figures into a temporary folder and returns each as an ``<figure>`` with a data URI."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def embed(self, draw, alt, caption):
        """``draw(path)`` writes a PNG; returns its ``<figure>`` element (alt and caption escaped)."""
        self.count += 1
        path = self.folder / f"figure{self.count}.png"
        draw(path)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return (f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{_e(caption)}</figcaption></figure>")


def _threshold_rows(detector):
    """The rows ``offset_`` was set from: the training rows, or those of ``calibrate``."""
    rows = getattr(detector, "calibration_rows_", None)
    return "the training rows" if rows is None else f"the {rows} held-out normal rows given to calibrate"


def _threshold_rule(detector, params):
    """Where ``offset_`` comes from: a quantile of some rows' scores, or the detector's own rule."""
    contamination = params.get("contamination")
    if getattr(detector, "_offset_is_quantile", lambda: True)():
        return f"a fraction contamination = {contamination} of {_threshold_rows(detector)}"
    return f"contamination = {contamination!r}: {type(detector).__name__}'s own rule, not a quantile of scores"


def _summary(detector, method):
    threshold = -detector.offset_
    params = detector.get_params()
    rows = [
        ("method", _e(method)),
        ("paper", _e(PAPERS.get(method, "unknown"))),
        ("class", _e(type(detector).__name__)),
        ("features", _e(f"{detector.n_features_in_}")),
        ("image shape (C, H, W)", _e("none (tabular rows)" if detector.image_shape_ is None
                                    else str(tuple(detector.image_shape_)))),
        ("scaling", _e(_or_none(params.get("scaling")) + ("" if detector.scaler_ is None else
                                                          " (shift and scale fitted per feature)"))),
        ("imputation", _e("none: missing values are refused" if getattr(detector, "imputer_", None) is None
                          else f"{params.get('impute')} of each feature, fitted on the training rows")),
        ("support rule", _e("on: rows far outside the training range score above every training row"
                            if getattr(detector, "support_", None) is not None else "off")),
        ("offset_", _number(detector.offset_)),
        ("threshold", _e(f"{_fmt(threshold)}: predict flags a row as an anomaly where anomaly_score > "
                         f"-offset_ = {_fmt(threshold)} ({_threshold_rule(detector, params)})")),
        ("torch seed (seed_, drawn from random_state)", _e(str(getattr(detector, "seed_", "unknown")))),
    ]
    parameters = [(_e(name), _e(repr(value))) for name, value in sorted(params.items())]
    return "\n".join(["<h2>Model</h2>", _table(None, rows),
                      "<h3>Parameters</h3>", _table(("parameter", "value"), parameters),
                      "<h3>Features</h3>", _features(detector)])


def _features(detector):
    names = getattr(detector, "feature_names_in_", None)
    n = detector.n_features_in_
    shown = min(n, MAX_LISTED_FEATURES)
    header, columns = ["#", "name"], []
    scaler = detector.scaler_
    imputer = getattr(detector, "imputer_", None)
    if scaler is not None:
        header += ["scaler shift", "scaler scale"]
    if imputer is not None:
        header += ["fill value"]
    for j in range(shown):
        row = [_e(str(j)), _e(_feature_name(names, j))]
        if scaler is not None:
            row += [_number(scaler["shift"][j]), _number(scaler["scale"][j])]
        if imputer is not None:
            row += [_number(imputer[j])]
        columns.append(row)
    named = "named by the training file's columns" if names is not None else \
        "unnamed: called x0, x1, ... by their 0-based position"
    more = f"; the first {shown} are listed" if shown < n else ""
    return f'<p class="note">{_e(f"{n} features, {named}{more}.")}</p>\n' + _table(header, columns)


def _losses(detector, figures):
    history = getattr(detector, "history_", None)
    series = [name for name in (history.keys() if history is not None else ()) if len(history[name])]
    if not series:
        return "<h2>Training losses</h2>\n" + _note("Unavailable: this model holds no training history.")
    longest = max(len(history[name]) for name in series)
    window = max(1, longest // 100)

    def draw(path):
        from .plots import plot_loss_curves

        plot_loss_curves(history, path, keys=series, smooth=window if window > 1 else None)

    smoothing = f", with a moving average over {window} steps" if window > 1 else ""
    figure = figures.embed(draw, "training losses per step", f"Each loss term per optimisation step{smoothing}. "
                           "The model keeps every step's losses but not where its epochs ended, so the x-axis "
                           "counts steps, not epochs; terms logged less often (e.g. the generator's) are "
                           "shorter.")
    rows = []
    for name in series:
        values = history[name]
        tenth = max(1, len(values) // 10)
        rows.append([_e(name), _e(str(len(values))), _number(values[:tenth].mean()), _number(values[-tenth:].mean())])
    return "\n".join(["<h2>Training losses</h2>", figure,
                      _table(("term", "steps", "mean of the first tenth", "mean of the last tenth"), rows)])


def _generated(detector, method, X, rows, label, figures):
    head = "<h2>Generated samples</h2>"
    if getattr(detector, "generator_", None) is None or getattr(detector, "prior_", None) is None:
        return head + "\n" + _note(f"None: {method} has no GAN generator (generator_ fed by a latent "
                                   "prior_) to draw samples from.")
    image_shape = detector.image_shape_
    if image_shape is None and detector.n_features_in_ != 2:
        return head + "\n" + _note(f"Not drawn: the data are neither images nor 2-D "
                                   f"({detector.n_features_in_} features).")
    samples = generate(detector, N_IMAGES if image_shape is not None else N_POINTS)
    units = " in the data's units (the fitted scaling undone)" if detector.scaler_ is not None else ""
    if image_shape is not None:
        from .plots import plot_image_grid

        return head + "\n" + figures.embed(
            lambda path: plot_image_grid(samples, path, image_shape=tuple(image_shape)), "generated images",
            f"{len(samples)} images G(z) from one seeded draw of the latent prior{units}.")
    from .plots import plot_generator_snapshots

    data = None if X is None else np.asarray(X, dtype=np.float64)
    over = "" if data is None else f", over {rows} in grey"
    caption = f"{len(samples)} points G(z) from one seeded draw of the latent prior{units}{over}."
    if data is None:
        caption += " Give data (--data) to draw them over it."
    return head + "\n" + figures.embed(
        lambda path: plot_generator_snapshots([("generated samples", samples)], path, data=data,
                                              data_label=label),
        "generated points", caption)


def generate(detector, n, seed=GENERATOR_SEED):
    """``n`` samples of ``detector.generator_`` from the latent prior, seeded: ``(n, n_features)``
    float64 rows in the data's units (the fitted scaling undone)."""
    import torch

    from .utils.rng import torch_generator

    with torch.no_grad():
        z = detector.prior_.sample(n, generator=torch_generator(seed, detector.device_), device=detector.device_)
        samples = detector.generator_(z).reshape(n, -1).cpu().double().numpy()  # (n, C*H*W) or (n, d)
    scaler = detector.scaler_
    return samples if scaler is None else samples * scaler["scale"] + scaler["shift"]


def _score_section(detector, scores, rows, figures):
    head = "<h2>Anomaly scores</h2>"
    if scores is None:
        return head + "\n" + _note("Unavailable: the model keeps offset_ but not the training scores that set it. "
                                   "Give data (--data) to see its scores against the threshold.")
    threshold = -detector.offset_
    n_above = int((scores > threshold).sum())

    def draw(path):
        from .plots import plot_score_histogram

        plot_score_histogram(scores, path, threshold=threshold)

    caption = (f"Anomaly scores of {rows}; dashed: the threshold -offset_ = {_fmt(threshold)}, "
               f"above which {n_above} of {len(scores)} rows ({100 * n_above / len(scores):.1f}%) are anomalies.")
    return head + "\n" + figures.embed(draw, "histogram of anomaly scores", caption)


def _top_rows(detector, X, scores, rows, top):
    head = "<h2>Most anomalous rows</h2>"
    if scores is None:
        return head + "\n" + _note("Unavailable: give data (--data) to rank its rows.")
    order = np.argsort(-scores, kind="stable")[:top]  # highest first; ties keep row order
    threshold = -detector.offset_
    names = getattr(detector, "feature_names_in_", None)
    k = min(N_TOP_FEATURES, detector.n_features_in_)
    try:
        explain = detector.explain
    except AttributeError as error:  # its message says why the detector does not explain
        explain, why = None, str(error)
    header = ["rank", "row", "anomaly score", "anomaly (above threshold)"]
    if explain is not None:
        with plain_array_scoring():
            features, values = top_contributions(explain(_take(X, order)), k)
        header.append(f"top {k} contributing features (contribution)")
    table = []
    for rank, row in enumerate(order):
        cells = [_e(str(rank + 1)), _e(str(row)), _number(scores[row]), _e("yes" if scores[row] > threshold else "no")]
        if explain is not None:
            cells.append(", ".join(f"{_e(_feature_name(names, j))} ({_number(v)})"
                                   for j, v in zip(features[rank], values[rank])))
        table.append(cells)
    note = f"The {len(order)} highest anomaly scores of {rows}; rows are numbered from 0 in the data's order."
    if explain is None:
        note += f" No feature contributions: {why.rstrip('.')}."
    else:
        note += " Contributions are in score units (detector.explain), largest first."
    return "\n".join([head, _note(note), _table(header, table)])


def _take(X, rows):
    """The rows ``rows`` of ``X`` (an array or a DataFrame, which keeps its column names)."""
    return X.iloc[rows] if hasattr(X, "iloc") else np.asarray(X)[rows]


def _rows_name(X, data_name, training_data):
    n = len(X)
    named = f" {data_name}" if data_name is not None else ""
    if training_data:
        return f"the training data{named} ({n} rows, scored again after fitting)"
    return f"the given data{named} ({n} rows)"


def _feature_name(names, j):
    return f"x{j}" if names is None else str(names[j])


def _or_none(value):
    return "none" if value is None else str(value)


def _fmt(value):
    return f"{float(value):.6g}"


def _number(value):
    return _e(_fmt(value))


def _note(text):
    return f'<p class="note">{_e(text)}</p>'


def _table(columns, rows):
    """An HTML table of already escaped cells under the headings ``columns``; without ``columns``
    (None) the first cell of each row is its heading."""
    lines = ["<table>"]
    if columns is not None:
        lines.append("<tr>" + "".join(f"<th>{_e(name)}</th>" for name in columns) + "</tr>")
    for cells in rows:
        first, *rest = cells
        first = f"<th>{first}</th>" if columns is None else f"<td>{first}</td>"
        lines.append("<tr>" + first + "".join(f"<td>{cell}</td>" for cell in rest) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _e(text):
    return html.escape(str(text), quote=True)
