"""Training length: ``n_epochs="auto"`` trains a small table as long as a large one needs.

The papers give epochs for their data sets: 30 epochs of 100,000 ring points are 9,375
generator steps, but 30 epochs of a 300-row table are 30. An epoch count alone leaves
small data untrained (issue 13: HistoryAD fitted a medical table in 0.14 s). So the
default ``n_epochs="auto"`` means: the paper's epochs (``paper_epochs``), raised until
training makes at least ``MIN_UPDATES`` updates of the model being fitted (generator
steps for a GAN, whose critic takes ``n_critic`` steps per generator step). An integer
``n_epochs`` is always taken as it is, so a benchmark spec that sets the paper's count
trains exactly that.

``MIN_UPDATES = 2000``: the ring demo's budget, 1,878 generator steps, chosen by the MMD
between generated and held-out normal points (``ganad.cli.demo``, ``ganad.cli.ring_demo``), rounded up.

A GAN detector's budget counts critic steps, ``CRITIC_STEPS_PER_UPDATE * MIN_UPDATES`` =
10,000: 2,000 generator steps for the WGANs (n_critic = 5), as before, and 10,000 for the
original GAN (n_critic = 1, AnoGAN), at up to twice the cost (each of its steps updates the
generator too: 10,000 + 10,000 network updates against 10,000 + 2,000). Chosen on training data only
(issue 13, ``benchmarks/gan_learning_curve.py``: MMD between generated rows and held-out
training rows; ``benchmarks/defaults_validation.py``): AnoGAN's GAN at 2,000 generator steps
was still far from the data (MMD^2 at a quarter of the median distance 0.065 on the ring, 0.096
on Thyroid) and levelled off from about 5,000 steps (0.026-0.036 and 0.005-0.008 up to 10,000).

A detector whose own validation curve still rises after 2,000 updates sets a larger minimum
(the class attribute ``min_updates``), on rows only: ``LONG_MIN_UPDATES`` = 10,000 for VAE,
Deep SVDD and GANomaly, twice that for DSEBM and RCGAN (whose D_xx, which its Eq. 11 reads,
learns over them: Thyroid validation AUROC 0.670 / 0.854 / 0.916 / 0.921 at 3,000 / 10,500 /
19,500 / 30,000 steps, ``ganad.detectors.alice`` README, "Training length"). Validation AUROC at 2,000 / 5,000 / 10,000 / 20,000
updates (``benchmarks/defaults_validation.py --min-updates N``, training rows only, seed 0):
DSEBM ring 0.619 / 0.678 / 0.786 / 0.828, loop 0.637 / 0.673 / 0.792 / 0.829, arc 0.611 /
0.621 / 0.777 / 0.815, Thyroid 0.871 / 0.928 / 0.955 / 0.967; VAE Thyroid 0.897 / 0.949 /
0.961 / 0.967, Arrhythmia 0.774 / 0.796 / 0.787 / 0.791; Deep SVDD Thyroid 0.643 / 0.804 /
0.860 / 0.868, flat on the other cells; GANomaly (2,000 / 10,000 / 20,000) Thyroid 0.723 / 0.819
/ 0.872, Arrhythmia 0.613 / 0.659 / 0.568, Musk 0.529 / 0.998 / 1.000, KDDCUP99 0.970 / 0.974 /
0.973, ring 0.822 / 0.834 / 0.836, loop 0.814 / 0.830 / 0.833, arc 0.799 / 0.811 / 0.810 (10,000:
the best mean, and Arrhythmia fell after it). DCAE and DAGMM keep 2,000: longer training lowered
DCAE's (ring 0.808 / 0.840 / 0.726 / 0.792, Thyroid 0.958 / 0.965 / 0.923 / 0.908, Arrhythmia 0.747 / 0.701 / 0.672 / 0.657) and did not raise DAGMM's
(ring 0.815 / 0.802, Thyroid 0.404 / 0.452, Arrhythmia 0.699 / 0.686 at 2,000 / 5,000).
WGANCritic and HistoryAD keep 2,000 generator steps: 500 and 8,000 each failed a validation rule over four
tables and ten digits as rows, Arrhythmia rising with fewer steps while a larger table or the digits fell
(``ganad.detectors.wgan`` README, "WGANCritic's training length"; ``ganad.detectors.history`` README; both
confirmed on rows rerun inside the seed-0 training part, 2026-12-08).
Images keep 2,000: a convolutional step costs about a hundred times a step on rows. The image
validations so far (BiGAN at 6,000, ``ganad.detectors.alice`` README, "Training length") were mixed: higher on
the three Fashion-MNIST cells, lower on the three MNIST cells.
"""

import math
from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

MIN_UPDATES = 2000
LONG_MIN_UPDATES = 10_000  # the detectors whose validation curve still rose after MIN_UPDATES (rows)
CRITIC_STEPS_PER_UPDATE = 5  # a GAN's budget: MIN_UPDATES generator steps of a WGAN's n_critic = 5
EPOCHS_CONSTRAINT = [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})]


def training_epochs(n_epochs, *, paper_epochs, n_batches, updates_per_batch=1.0, min_updates=None):
    """Epochs to train: ``n_epochs`` when an integer; for "auto" see the module docstring
    (``min_updates`` None: ``MIN_UPDATES``). ``n_batches``: the batches an epoch runs, as the training
    loop counts them (``ganad.training.batches.n_minibatches``, which leaves out a last batch of one
    row; ``ceil(n_rows / batch_size)`` counted it, and 65 rows in batches of 64 trained half the
    updates)."""
    if n_epochs != "auto":
        return n_epochs
    updates_per_epoch = max(n_batches, 1) * updates_per_batch
    return max(paper_epochs, math.ceil((min_updates or MIN_UPDATES) / updates_per_epoch))
