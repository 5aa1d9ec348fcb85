"""HistoryAD's bench specs: novelty cells name both data sets, and the 'noise' protocol runs noise levels."""

import numpy as np

from ganad.bench import expand, load_spec
from ganad.bench.runner import make_split
from ganad.bench.spec import BUDGETS, LOADERS, validate
from ganad.data._cache import Dataset


def test_novelty_cells_name_the_novel_set():
    jobs = expand(load_spec("history-fig5"), "paper")
    assert {job.cell for job in jobs} == {"mnist-vs-kmnist", "mnist-vs-fashion_mnist"}
    assert load_spec("history-t1").published_value("auprc", "history-ad", "svhn-vs-cifar10") == 0.941


def test_figure_only_specs_say_so():
    for name in ("history-fig5", "history-fig6", "history-fig9"):
        spec = load_spec(name)
        assert spec.published["figure_only"] and not spec.published["values"]


def test_noise_protocol_takes_its_levels_from_the_classes_axis(monkeypatch):
    rng = np.random.default_rng(0)
    data = Dataset(X=rng.uniform(-1, 1, size=(40, 4)).astype(np.float32), y=np.zeros(40, int), name="tiny-noise",
                   image_shape=None, classes=("a",))
    monkeypatch.setitem(LOADERS, "tiny-noise", (lambda data_dir: (data, data), "mnist"))
    raw = {"name": "n", "title": "t", "paper": "p", "reference": "r", "metrics": ["auprc"], "choices": "c",
           "protocol": {"name": "noise", "clip": [-1.0, 1.0]},
           "datasets": [{"name": "tiny-noise", "classes": [0.1, 2.0]}],
           "grid": {"methods": ["history-ad"], "seeds": [0]}, "budgets": {b: {} for b in BUDGETS},
           "published": {"source": "s", "figure_only": True}}
    jobs = expand(validate(raw), "smoke")
    assert [job.cell for job in jobs] == ["tiny-noise:0.1", "tiny-noise:2.0"]
    gaps = []
    for job in jobs:
        X_train, X_test, y_test, _ = make_split(job, None)
        assert len(X_train) == 40 and y_test.tolist() == [0] * 20 + [1] * 20
        assert np.abs(X_test).max() <= 1.0
        gaps.append(np.abs(X_test[20:]).mean() - np.abs(X_test[:20]).mean())
    assert gaps[0] < gaps[1]  # the stronger noise pushes more pixels to the clipping bounds
