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
"""

import math
from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

MIN_UPDATES = 2000
CRITIC_STEPS_PER_UPDATE = 5  # a GAN's budget: MIN_UPDATES generator steps of a WGAN's n_critic = 5
EPOCHS_CONSTRAINT = [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})]


def training_epochs(n_epochs, *, paper_epochs, n_rows, batch_size, updates_per_batch=1.0):
    """Epochs to train: ``n_epochs`` when an integer; for "auto" see the module docstring."""
    if n_epochs != "auto":
        return n_epochs
    updates_per_epoch = math.ceil(n_rows / batch_size) * updates_per_batch
    return max(paper_epochs, math.ceil(MIN_UPDATES / updates_per_epoch))
