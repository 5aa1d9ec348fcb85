"""Every job of every bundled spec, under every budget, builds on small fake data files.

CI machines lack most of the real data sets (CIFAR-10, SVHN, KMNIST, UCI HAR), so a job that
cannot run would otherwise be found by a user. Here each job takes its split from fake files
in the upstream layout (``tests/fake_data.py``) and builds its detector as the runner does,
checked against the training rows the way ``fit`` checks before training
(``ganad.bench.runner.build_detector``); nothing is trained.
"""

import dataclasses
import json

import numpy as np
import pytest

from ganad.bench import expand, list_specs, load_spec
from ganad.bench.runner import build_detector, load_data, make_split
from ganad.bench.spec import BUDGETS, LOADERS
from ganad.registry import DETECTORS
from tests.fake_data import write_fake_data

# Spec methods whose detector is not in the registry (the runner reports "not implemented").
NOT_IMPLEMENTED = {
    "kde-alexnet": "adgan-t1: KDE on the features of an ImageNet-pretrained Alexnet",
    "ocsvm-alexnet": "adgan-t1: OC-SVM on the features of an ImageNet-pretrained Alexnet",
}

# (spec, method) that run fully connected networks on images because their paper does.
FULLY_CONNECTED_ON_IMAGES = {
    ("haloui-t1", "vae"): "the paper quotes the VAE of An & Cho (2015), a fully connected network on MNIST "
                          "(see the spec's choices)",
}

# One sample of each data set before flattening: (C, H, W) images, (C, T) series, else (features,).
REAL_SHAPES = {
    "mnist": (1, 28, 28), "fashion_mnist": (1, 28, 28), "kmnist": (1, 28, 28),
    "cifar10": (3, 32, 32), "svhn": (3, 32, 32),
    "uci_har_total_acc": (3, 128), "uci_har_distance_plots": (9, 128, 128),
    "kddcup99": (121,), "thyroid": (6,), "arrhythmia": (274,), "musk": (166,),
}


@pytest.fixture(scope="module")
def fake_data(tmp_path_factory):
    """A folder with a small fake of every data set of ``LOADERS``, as a string (``load_data``'s cache key)."""
    root = tmp_path_factory.mktemp("fake_data")
    write_fake_data(root)
    return str(root)


def test_fake_data_sets_have_the_real_shapes(fake_data):
    for name in LOADERS:
        for dataset in filter(None, load_data(name, fake_data)):
            assert (dataset.image_shape or dataset.X.shape[1:]) == REAL_SHAPES[name], name
            assert len(np.unique(dataset.y)) > 1, name


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("spec", list_specs())
def test_every_job_builds(fake_data, spec, budget):
    checked = set()
    failures = {}  # first line of the error -> keys of the jobs that raised it
    for job in expand(load_spec(spec), budget):
        try:
            build_job(job, fake_data, checked)
        except Exception as error:  # every kind of failure is reported, not only the first
            failures.setdefault(f"{type(error).__name__}: {str(error).splitlines()[0]}", []).append(job.key)
    assert not failures, "\n".join(f"{keys[0]} (and {len(keys) - 1} more jobs): {message}"
                                    for message, keys in failures.items())


@pytest.mark.parametrize("change, error", [
    ({"image_shape": [3, 32, 32]}, r"image_shape=\(3, 32, 32\) does not match X: rows have 784 features"),
    ({"conv_width": 10**5}, "beyond ganad's bound"),
    ({"n_epochs": -1}, "'n_epochs' parameter of DCAE"),
])
def test_build_detector_raises_what_fit_would_without_training(fake_data, change, error):
    job = next(job for job in expand(load_spec("adgan-t2"), "smoke") if job.method == "dcae")  # MNIST
    X_train = make_split(job, fake_data)[0]
    assert not hasattr(build_detector(job, X_train), "n_features_in_")  # the checks ran on a clone
    with pytest.raises(ValueError, match=error):
        build_detector(dataclasses.replace(job, init_args={**job.init_args, **change}), X_train)


def test_allowlisted_methods_still_run_fully_connected_on_images():
    for spec, method in FULLY_CONNECTED_ON_IMAGES:
        jobs = [job for budget in BUDGETS for job in expand(load_spec(spec), budget) if job.method == method]
        assert jobs and not any("image_shape" in job.init_args for job in jobs), (spec, method)


def build_job(job, data_dir, checked):
    """Build ``job`` on the files in ``data_dir`` without training; raise what would stop it from running.

    Its split must hold training rows and test rows of both labels; its detector must get the
    data set's image shape (:func:`check_image_shape_given`) and pass ``build_detector``'s
    checks, run once per detector, init_args and feature count in ``checked``: the seed and
    class of a job do not change them.
    """
    if job.detector not in DETECTORS:
        assert job.detector in NOT_IMPLEMENTED, f"{job.detector!r} is neither registered nor listed as not implemented"
        return
    X_train, _, y_test, _ = make_split(job, data_dir)
    assert len(X_train) and set(y_test.tolist()) == {0, 1}, \
        f"split with {len(X_train)} training rows and test labels {sorted(set(y_test.tolist()))}"
    check_image_shape_given(job, load_data(job.dataset, data_dir)[0])
    key = (job.detector, json.dumps(job.init_args, sort_keys=True), X_train.shape[1])
    if key not in checked:
        build_detector(job, X_train)
        checked.add(key)


def check_image_shape_given(job, dataset):
    """A detector that takes ``image_shape`` must get the (C, H, W) of an image data set.

    Without it a convolutional paper would silently run fully connected networks on flattened
    images; a (C, T) time series or a table has no image shape to give.
    """
    accepts = "image_shape" in DETECTORS[job.detector]().get_params()
    if not accepts or dataset.image_shape is None or len(dataset.image_shape) != 3 \
            or (job.spec, job.method) in FULLY_CONNECTED_ON_IMAGES:
        return
    given = job.init_args.get("image_shape")
    assert given is not None and tuple(given) == dataset.image_shape, \
        f"{job.method} on {job.dataset} gets image_shape={given}, the images are {dataset.image_shape}"
