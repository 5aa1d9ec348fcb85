"""One trained GAN per split for the spec methods that differ only in how they score.

A spec method may name another with ``gan_from = "METHOD"`` (ADGAN Table 2: AnoGAN and
ADGAN with 1 and 8 seeds score with "the same architecture also used for training", §4.2).
When both have the same GAN-phase parameters, their GAN phases on one split and seed are
the same computation: the source job saves its fitted detector, and the other job's
detector is rebuilt on its generator and critic with ``GANDetector.from_gan`` (user-supplied
modules, ``n_epochs = 0``), so that only the scoring phase runs again. Scores are then the
same as with a GAN trained again (a test checks it); the row's ``gan_from`` names the
source and its ``fit_s`` leaves out the GAN training. Where the source's model is absent
(it failed, the budget leaves it out, or a resumed run finds its row already done), the job
trains its own GAN and saves it in the source's place, so that the next job reusing it does not
train it again.
"""

import hashlib
from pathlib import Path

import numpy as np

from ..detectors.gan_base import GAN_PHASE, REUSED_GAN, GANDetector
from ..io import CONFIG_FILE, load_model, params_from_json, save_model

ROWS_SUFFIX = ".train-sha256"  # beside a kept model: the SHA-256 of the rows its GAN was trained on


def gan_path(gan_dir, job, method):
    """Where the job's split-and-seed model of ``method`` is kept."""
    return Path(gan_dir) / f"{job.cell}_{method}_{job.seed}".replace(":", "-")


RUN_ONLY = ("device", "n_threads")  # how the GAN ran, not which GAN: a source loaded on the CPU serves "auto"


def keep_gan(detector, gan_dir, job, X_train):
    """Save a fitted detector for the jobs that reuse its GAN: a source under its own name, a
    job that found no source model (the source's row was already in the log) in the source's
    place, since its GAN phase is the source's computation. The training rows' digest is kept
    beside it (written last: a save cut short leaves no digest, and no reuse)."""
    path = gan_path(gan_dir, job, job.gan_from or job.method)
    digest = path.with_name(path.name + ROWS_SUFFIX)
    digest.unlink(missing_ok=True)
    save_model(detector, path)
    digest.write_text(rows_digest(X_train))


def reuse_gan(detector, gan_dir, job, X_train):
    """``detector`` rebuilt to score with the source's trained GAN (``from_gan``), its own parameters
    kept; None when there is no source model, or when the source was trained on other rows than
    ``X_train`` (another split, spec or budget written to the same folder)."""
    path = gan_path(gan_dir, job, job.gan_from)
    digest = path.with_name(path.name + ROWS_SUFFIX)
    if not isinstance(detector, GANDetector) or not (path / CONFIG_FILE).exists() or not digest.exists() \
            or digest.read_text() != rows_digest(X_train):
        return None
    source = load_model(path, device="cpu")
    mine, theirs = params_from_json(detector.get_params()), source.get_params()
    different = [name for name in GAN_PHASE if name not in RUN_ONLY and mine[name] != theirs[name]]
    if different:
        raise ValueError(f"{job.method} cannot reuse the GAN of {job.gan_from}: their GAN-phase "
                         f"parameters {different} differ")
    return type(detector).from_gan(source, **{name: value for name, value in detector.get_params().items()
                                              if name not in REUSED_GAN})


def rows_digest(X):
    """The SHA-256 of the rows ``X`` (their dtype, shape and values)."""
    X = np.ascontiguousarray(X)
    return hashlib.sha256(f"{X.dtype.str}{X.shape}".encode() + X.tobytes()).hexdigest()

