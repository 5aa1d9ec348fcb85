"""Checks that the GAN phase learned the data: its spread, not a single point, and all of its modes.

Every GAN detector scores through what its generator learned: a latent search reproduces x
with G, an encoder inverts G, HistoryAD's D_TV separates the data from G's history. A GAN
phase that collapses leaves G drawing one point, and the detector still returns scores, with
nothing to tell the user. Issue 13 met one: HistoryAD's WGAN-GP (lambda = 10) on rows of one
feature drew samples with a standard deviation of 0.002 against the data's 1.0 (history
README, "The gradient penalty on one feature").

At the end of the GAN phase, ``SPREAD_SAMPLES`` latents from the prior go through the
generator (evaluation mode), and the *spread* compares the samples with a random ``SPREAD_SAMPLES``
of the training rows (scaled, as the networks see them): the mean Euclidean distance of the
generated rows from their coordinate-wise median, over the same for the training rows. It is about
1 for a generator that matches the data and 0 for one that outputs a point; a ratio of variances
would instead be ruled by rare extreme values (a z-scored one-hot category seen in 0.1 % of
KDDCUP99's rows has variance 1 from those rows alone). Below ``MIN_SPREAD`` fit warns
(``GeneratorCollapseWarning``).

A generator that covers one mode of several keeps part of the spread and passes that test. The
*missed share* compares the same two draws by place, not by size: the training rows are cut into
``COVER_BINS`` k-means bins, each generated row falls in its nearest bin, and the share is the
training rows' mass in bins the generator draws at under ``UNDERDRAWN`` of their share (the
"number of statistically different bins" of Richardson & Weiss, "On GANs and GMMs", NeurIPS 2018,
read as a mass). Above ``MAX_MISSED_SHARE`` fit warns (``GeneratorCoverageWarning``, a kind of
``GeneratorCollapseWarning``): the rows of a missed region may score as anomalies. HistoryAD's D_TV scores
against the generator's history (Eq. 13), not its last state, so its checks read samples of P_G_hist
(``check_samples``) instead of the last generator, which on ring, arc, four_dots and normal_1d missed 0.40-0.84
of the rows where the history missed none on the first four.

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

The bins and the threshold were chosen on training data only (benchmarks README, "``generator_coverage.py``";
rows in ``results/defaults-quality/cpu/missed_share.csv``): each GAN detector with its defaults on 80 % of the
nine row cells' training rows, beside its validation AUROCs on the other 20 %. With five bins the highest fit that
validated within 0.1 of IForest is at 0.21 (BiGAN on Musk), BiGAN on four_dots at 0.26 (a cell whose permuted
proxy is uninformative), while the fits that validate badly miss 0.27-0.71 (AnoGAN and ADGAN on Musk 0.71 and
0.49, AnoGAN on four_dots 0.35, BiGAN on KDDCUP99 and arc 0.28 and 0.27) and rcgan-t1's AnoGAN, which drops
KDDCUP's S0 rows, 0.28-0.30 under every setting of its source, also at a spread of 0.87
(``results/adgan-diagnosis/cpu/anogan_rcgan_t1_missed.jsonl``); with ten bins, fits that validated as well as
IForest reached 0.36.
Two barely trained (one-epoch) DCGAN generators of MNIST digits miss 0.49 and 0.80, six trained ones 0
(``results/adgan-diagnosis/cpu/missed_share_saved_gans.csv``).
"""

import warnings

import numpy as np
import torch
from sklearn.cluster import KMeans

from .distributed import is_main_process

SPREAD_SAMPLES = 1024
MIN_SPREAD = 0.1
SPREAD_PHASE = 7  # the fit's seeded draw for this check, used by no other phase (``TorchDetector._seeded_generator``)
COVER_BINS = 5
BINNINGS = 3
UNDERDRAWN = 0.2  # a bin is missed when the generator draws it at under a fifth of the training rows' share
MAX_MISSED_SHARE = 0.25


class GeneratorCollapseWarning(UserWarning):
    """A trained generator's samples spread far less than the training rows: the GAN phase collapsed."""


class GeneratorCoverageWarning(GeneratorCollapseWarning):
    """A trained generator hardly draws a region that holds a large share of the training rows: a missed mode."""


@torch.no_grad()
def generated_sample(generator, prior, X, *, rng, n_samples=SPREAD_SAMPLES):
    """``(generated rows, a random n_samples of the rows X)``: the draws both checks compare.

    ``X`` is the networks' input (a tensor, rows or images), of which a random ``n_samples`` rows at most
    are used (the cost stays that of one batch on a large set).
    """
    fake = generator(prior.sample(n_samples, generator=rng, device=X.device)).detach()
    return fake, training_sample(X, rng=rng, n_samples=n_samples)


def training_sample(X, *, rng, n_samples=SPREAD_SAMPLES):
    """A random ``n_samples`` of the rows ``X`` (all of them when fewer)."""
    return X[torch.randperm(len(X), generator=rng, device=X.device)[:n_samples]]


def spread_ratio(fake, real):
    """The mean distance of the generated rows ``fake`` from their median, over the same for the training rows
    ``real``: ``distance_from_median(fake) / distance_from_median(real)``, 1.0 when ``real`` has no spread."""
    data_spread = distance_from_median(real)
    if data_spread == 0:
        return 1.0
    return float(distance_from_median(fake) / data_spread)


def distance_from_median(rows):
    """Mean Euclidean distance of the (flattened) ``rows`` from their coordinate-wise median, in float64."""
    rows = rows.flatten(1).double()
    return (rows - rows.median(dim=0).values).norm(dim=1).mean()


def missed_share(fake, real, *, n_bins=COVER_BINS, n_binnings=BINNINGS):
    """The share of the rows ``real`` that lie in bins ``fake`` draws at under ``UNDERDRAWN`` of their share.

    The bins are ``n_bins`` k-means clusters of ``real`` (fewer when it has fewer distinct rows; scikit-learn,
    fixed seeds), and each generated row falls in its nearest centre: the "number of statistically different
    bins" of Richardson & Weiss (2018), read as the mass of the data the generator leaves out. The share is the
    least over ``n_binnings`` clusterings from different seeds: a mode the generator misses is missed in every
    binning, while rows without cluster structure (fewer rows than features) bin differently each time. 0 for a
    generator that draws every bin at least a fifth as often as the data, about the share of a mode it never draws.
    """
    real, fake = (rows.detach().flatten(1).cpu().double().numpy() for rows in (real, fake))
    n_bins = min(n_bins, len(np.unique(real, axis=0)))
    if n_bins < 2:
        return 0.0
    shares = []
    for seed in range(n_binnings):
        bins = KMeans(n_clusters=n_bins, n_init=3, random_state=seed).fit(real)
        real_share = np.bincount(bins.labels_, minlength=n_bins) / len(real)
        fake_share = np.bincount(bins.predict(fake), minlength=n_bins) / len(fake)
        shares.append(real_share[fake_share < UNDERDRAWN * real_share].sum())
    return float(min(shares))


def warn_if_collapsed(name, generator, prior, X, *, rng):
    """Check the trained generator against the rows ``X`` it was trained on (``check_samples``); returns
    ``(spread, missed)``."""
    fake, real = generated_sample(generator, prior, X, rng=rng)
    return check_samples(f"{name}'s generator", fake, real, stacklevel=2)


def sample_checks(fake, real):
    """``(spread_ratio, missed_share)`` of the samples ``fake`` against the training rows ``real``: the two values
    ``check_samples`` warns on, without its warnings."""
    return spread_ratio(fake, real), missed_share(fake, real)


def check_samples(subject, fake, real, *, stacklevel=1):
    """Compare the samples ``fake`` of ``subject`` with the training rows ``real``; returns ``(spread, missed)``.

    Warns ``GeneratorCollapseWarning`` when ``spread_ratio`` is below ``MIN_SPREAD``, else
    ``GeneratorCoverageWarning`` when ``missed_share`` is above ``MAX_MISSED_SHARE``. Under data-parallel
    training every rank computes both (the same values: the ranks hold the same generator and seed their
    draws alike) and only rank 0 warns, as only it writes files and shows progress. ``stacklevel`` is the
    warning's, counted from the caller."""
    spread, missed = sample_checks(fake, real)
    if not is_main_process():
        return spread, missed
    if spread < MIN_SPREAD:
        warnings.warn(f"{subject} did not learn the data: its samples spread {spread:.3g} times as much as the "
                      "training rows (mean distance from their median). The GAN phase collapsed or trained too "
                      "briefly, and the scores rest on it", GeneratorCollapseWarning, stacklevel=stacklevel + 1)
    elif missed > MAX_MISSED_SHARE:
        warnings.warn(f"{subject} missed part of the data: {missed:.0%} of the training rows lie in regions it "
                      f"hardly draws (k-means bins of the rows that get under {UNDERDRAWN:.0%} of their share of "
                      "its samples). Rows like those may score as anomalies; another seed or a longer GAN phase may "
                      "cover them", GeneratorCoverageWarning, stacklevel=stacklevel + 1)
    return spread, missed
