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
"""

import math
from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

MIN_UPDATES = 2000
EPOCHS_CONSTRAINT = [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})]


def training_epochs(n_epochs, *, paper_epochs, n_rows, batch_size, updates_per_batch=1.0):
    """Epochs to train: ``n_epochs`` when an integer; for "auto" see the module docstring."""
    if n_epochs != "auto":
        return n_epochs
    updates_per_epoch = math.ceil(n_rows / batch_size) * updates_per_batch
    return max(paper_epochs, math.ceil(MIN_UPDATES / updates_per_epoch))
