"""A check that the GAN phase learned the data's spread, not a single point.

Every GAN detector scores through what its generator learned: a latent search reproduces x
with G, an encoder inverts G, HistoryAD's D_TV separates the data from G's history. A GAN
phase that collapses leaves G drawing one point, and the detector still returns scores, with
nothing to tell the user. Issue 13 met one: HistoryAD's WGAN-GP (lambda = 10) on rows of one
feature drew samples with a standard deviation of 0.002 against the data's 1.0 (history
README, "The gradient penalty on one feature").

At the end of the GAN phase, ``SPREAD_SAMPLES`` latents from the prior go through the
generator (evaluation mode), and the *spread* compares the samples with the training rows
(scaled, as the networks see them): the mean Euclidean distance of the generated rows from their
coordinate-wise median, over the same for the training rows. It is about 1 for a generator that
matches the data and 0 for one that outputs a point; a ratio of variances would instead be ruled
by rare extreme values (a z-scored one-hot category seen in 0.1 % of KDDCUP99's rows has variance 1
from those rows alone). Below ``MIN_SPREAD`` fit warns (``GeneratorCollapseWarning``). A generator
that covers one mode of several keeps part of the spread and is not flagged: the check catches a
collapse, not every missed mode.

Checked: the detectors with a GAN phase from a prior (WGANCritic, WGANInversion, WGANEncoder,
AnoGAN, ADGAN, HistoryAD through ``GANDetector``; BiGAN, ALAD, RCGAN through ``ALICEDetector``).
GANomaly's generator is an autoencoder of x, not a map from a prior, and is not checked.

With the defaults, on the nine row cells of issue 13's defaults-quality table, two fits warn:
HistoryAD on normal_1d (spread 0.002) and AnoGAN on KDDCUP99 (0.026; 81 of its 121 features
without spread in the samples). Thirteen fits were measured with this statistic, among them
every fit under 0.23 with a first, variance-based version (lowest: ADGAN on Musk 0.115 and BiGAN on
KDDCUP99 0.113 from all the training rows, 0.114 and 0.131 from a random 1,024 of them, as now); the other
scanned fits had 0.23 or more with the first version, and RCGAN's nine fits and HistoryAD's other
three 0.39 or more with this one (``results/defaults-quality/cpu/generator_spread.txt``).
"""

import warnings

import torch

from .distributed import is_main_process

SPREAD_SAMPLES = 1024
MIN_SPREAD = 0.1
SPREAD_PHASE = 7  # the fit's seeded draw for this check, used by no other phase (``TorchDetector._seeded_generator``)


class GeneratorCollapseWarning(UserWarning):
    """A trained generator's samples spread far less than the training rows: the GAN phase collapsed."""


@torch.no_grad()
def generated_spread(generator, prior, X, *, rng, n_samples=SPREAD_SAMPLES):
    """The mean distance of ``n_samples`` generated rows from their median, over the same for the rows ``X``.

    ``X`` is the networks' input (a tensor, rows or images), of which a random ``n_samples`` rows at most
    are used (the cost stays that of one batch on a large set); 1.0 when they have no spread.
    """
    fake = generator(prior.sample(n_samples, generator=rng, device=X.device))
    data_spread = distance_from_median(X[torch.randperm(len(X), generator=rng, device=X.device)[:n_samples]])
    if data_spread == 0:
        return 1.0
    return float(distance_from_median(fake) / data_spread)


def distance_from_median(rows):
    """Mean Euclidean distance of the (flattened) ``rows`` from their coordinate-wise median, in float64."""
    rows = rows.flatten(1).double()
    return (rows - rows.median(dim=0).values).norm(dim=1).mean()


def warn_if_collapsed(name, generator, prior, X, *, rng):
    """Warn (``GeneratorCollapseWarning``) when ``generated_spread`` is below ``MIN_SPREAD``; returns the spread.

    Under data-parallel training every rank computes the spread (the same value: the ranks hold the same
    generator and seed ``rng`` alike) and only rank 0 warns, as only it writes files and shows progress."""
    spread = generated_spread(generator, prior, X, rng=rng)
    if spread < MIN_SPREAD and is_main_process():
        warnings.warn(f"{name}'s generator did not learn the data: its samples spread {spread:.3g} times as much as "
                      "the training rows (mean distance from their median). The GAN phase collapsed or trained too "
                      "briefly, and the scores rest on it", GeneratorCollapseWarning, stacklevel=2)
    return spread
