"""Shared fixtures: the ring data and one quickly trained WGAN reused by every test."""

import json

import numpy as np
import pytest
import torch

from ganad import WGANCritic, WGANEncoder, WGANInversion
from ganad.data import make_ring, make_ring_anomaly_set

# A quick budget that trains the ring GAN in a few seconds on 2 CPU cores. lambda = 0.1
# and a 1e-3 learning rate follow Gulrajani et al.'s toy-data code; the paper's
# Algorithm 2 defaults (lambda 10, 1e-4) need far more steps on this data.
QUICK_RING = {"n_epochs": 10, "gp_weight": 0.1, "learning_rate": 1e-3, "random_state": 0, "device": "cpu"}

# The smallest settings that exercise every code path of a detector, by registry name.
TINY = {"n_epochs": 1, "batch_size": 32, "hidden": (16, 16), "device": "cpu"}
QUICK_PARAMS = {
    "wgan-critic": TINY,
    "wgan-inversion": {**TINY, "inversion_steps": 5, "n_seeds": 2},
    "wgan-encoder": {**TINY, "encoder_epochs": 1},
    "kde": {"n_folds": 2},
    "ocsvm": {},
    "iforest": {"n_estimators": 10},
    "gmm": {"n_mixture_components": 2},
    **{name: {"n_epochs": 1, "batch_size": 32, "hidden": (16, 8), "latent_dim": 2, "device": "cpu"}
       for name in ("dcae", "vae", "deep-svdd", "dagmm", "dsebm")},
    "ganomaly": {"n_epochs": 1, "batch_size": 32, "hidden": (16, 8), "latent_dim": 2, "device": "cpu"},
}
ALICE_TINY = {"n_epochs": 1, "batch_size": 32, "latent_dim": 2, "encoder_hidden": (8,), "generator_hidden": (8,),
              "discriminator_hidden": (8,), "learning_rate": 1e-3, "device": "cpu"}
QUICK_PARAMS.update({"bigan": ALICE_TINY, "alad": ALICE_TINY, "rcgan": ALICE_TINY})
QUICK_PARAMS["history-ad"] = {**TINY, "saves_per_epoch": 4, "history_start": 0.5, "tv_epochs": 1}
QUICK_PARAMS["anogan"] = {**TINY, "latent_dim": 2, "search_steps": 3}
QUICK_PARAMS["adgan"] = {**TINY, "latent_dim": 2, "n_seeds": 2, "search_steps": 2}
GAN_METHODS = ("wgan-critic", "wgan-inversion", "wgan-encoder")


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """The suite's networks are tiny: one intra-op thread is as fast, and it does not stall
    (OpenMP workers waiting on each other) when another process holds one of 2 cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def ring():
    """(X_train, X_test, y_test) with y = 1 for points off the ring's level set."""
    X_test, y_test = make_ring_anomaly_set(500, 500, random_state=1)
    return make_ring(10_000, random_state=0), X_test, y_test


@pytest.fixture(scope="session")
def ring_detectors(ring):
    """The three detectors of Haloui et al. sharing one GAN trained on the ring."""
    X_train = ring[0]
    encoder = WGANEncoder(**QUICK_RING).fit(X_train)
    return {
        "wgan-encoder": encoder,
        "wgan-critic": WGANCritic.from_gan(encoder, random_state=0, device="cpu").fit(X_train),
        "wgan-inversion": WGANInversion.from_gan(encoder, random_state=0, device="cpu", inversion_steps=100,
                                                 inversion_learning_rate=0.1).fit(X_train[:500]),
    }


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    return rng.normal(size=(120, 3)).astype(np.float64)


@pytest.fixture(scope="session")
def cloud():
    """(X_train, X_test, y_test): a 4-D Gaussian cloud, test anomalies a blob 6 sigma away."""
    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(400, 4))
    X_test = np.vstack([rng.normal(size=(100, 4)), rng.normal(loc=6.0, scale=0.5, size=(100, 4))])
    return X_train, X_test, np.r_[np.zeros(100), np.ones(100)]


def reseal(model_dir):
    """Rewrite a model folder's manifest after a test edited its files, as a careful forger would,
    so that the checks behind the hash are reached."""
    from ganad.model_folder import MANIFEST_FILE, manifest

    (model_dir / MANIFEST_FILE).write_text(json.dumps(manifest(model_dir)))
