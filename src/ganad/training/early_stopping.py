"""Early stopping on a validation loss, with ALAD's rule.

ALAD's reference code (``alad/run.py``: ``FREQ_EV = 1``, ``PATIENCE = 10``) evaluates a
validation loss after every epoch; the first value, and every value strictly lower than
the best so far, is a new best; training stops once more than ``patience`` epochs have
passed without one (with patience 10: eleven epochs in a row). The networks' states at
the best epoch are kept so the caller can go back to them (see
``ganad.detectors.alice.README.md`` for why we do and the reference code does not).
"""

import copy
import math


class EarlyStopping:
    """Tracks the best validation loss, the states that reached it, and whether to stop."""

    def __init__(self, patience):
        if patience < 0:
            raise ValueError(f"patience must be >= 0, got {patience!r}")
        self.patience = patience
        self.best_loss = math.inf
        self.best_epoch = None
        self.best_states = None
        self.epochs_without_improvement = 0

    def update(self, loss, epoch, states):
        """Record the validation ``loss`` of ``epoch`` (``states``: the networks' state dicts now).

        Returns True when training should stop.
        """
        if self.best_epoch is None or loss < self.best_loss:
            self.best_loss, self.best_epoch = float(loss), epoch
            self.best_states = copy.deepcopy(states)
            self.epochs_without_improvement = 0
        else:
            self.epochs_without_improvement += 1
        return self.epochs_without_improvement > self.patience

    def state(self):
        return {"best_loss": self.best_loss, "best_epoch": self.best_epoch, "best_states": self.best_states,
                "epochs_without_improvement": self.epochs_without_improvement}

    def load_state(self, state):
        self.best_loss = float(state["best_loss"])
        self.best_epoch = state["best_epoch"]
        self.best_states = state["best_states"]
        self.epochs_without_improvement = int(state["epochs_without_improvement"])
