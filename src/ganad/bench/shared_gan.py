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

from pathlib import Path

from ..detectors.gan_base import GAN_PHASE, REUSED_GAN, GANDetector
from ..io import CONFIG_FILE, load_model, params_from_json, save_model


def gan_path(gan_dir, job, method):
    """Where the job's split-and-seed model of ``method`` is kept."""
    return Path(gan_dir) / f"{job.cell}_{method}_{job.seed}".replace(":", "-")


def keep_gan(detector, gan_dir, job):
    """Save a fitted detector for the jobs that reuse its GAN: a source under its own name, a
    job that found no source model (the source's row was already in the log) in the source's
    place, since its GAN phase is the source's computation."""
    save_model(detector, gan_path(gan_dir, job, job.gan_from or job.method))


def reuse_gan(detector, gan_dir, job):
    """``detector`` rebuilt to score with the source's trained GAN (``from_gan``), its own parameters
    kept; None when there is no source model."""
    path = gan_path(gan_dir, job, job.gan_from)
    if not isinstance(detector, GANDetector) or not (path / CONFIG_FILE).exists():
        return None
    source = load_model(path, device="cpu")
    mine, theirs = params_from_json(detector.get_params()), source.get_params()
    different = [name for name in GAN_PHASE if mine[name] != theirs[name]]
    if different:
        raise ValueError(f"{job.method} cannot reuse the GAN of {job.gan_from}: their GAN-phase "
                         f"parameters {different} differ")
    return type(detector).from_gan(source, **{name: value for name, value in detector.get_params().items()
                                              if name not in REUSED_GAN})
