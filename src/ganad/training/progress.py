"""Per-epoch progress of a training loop, shown only when ``verbose`` asks for it.

On a terminal it is a tqdm bar on stderr; otherwise (a log file, a CI job, a notebook's
captured stream) one line per epoch on stderr, ``<phase>: epoch 3/15, critic_loss=-0.41``,
so that a long fit without a terminal still shows that it runs and how fast.
"""

import sys
import time

from tqdm.auto import tqdm

from .distributed import is_main_process


class EpochProgress:
    """Reports epochs ``initial + 1 .. total`` of the phase ``desc`` (nothing when ``verbose`` is 0).

    ``keys`` names the loss series to show (default: every series of the history).
    """

    def __init__(self, total, *, desc, verbose, initial=0, keys=None):
        self.total, self.desc, self.epoch, self.keys = total, desc, initial, keys
        self.enabled = bool(verbose) and is_main_process()  # data-parallel: rank 0 reports
        self.bar = tqdm(total=total, initial=initial, desc=desc, unit="epoch",
                        disable=not (self.enabled and sys.stderr.isatty()))
        self.start = time.perf_counter()

    def update(self, history):
        """One more epoch done; ``history`` (a ``TrainingHistory``) gives the last loss values."""
        self.epoch += 1
        last = {name: values[-1] for name, values in history.series.items()
                if values and (self.keys is None or name in self.keys)}
        if not self.bar.disable:
            self.bar.update()
            self.bar.set_postfix({k: f"{v:.4g}" for k, v in last.items()})
        elif self.enabled:
            losses = ", ".join(f"{k}={v:.4g}" for k, v in last.items())
            print(f"{self.desc}: epoch {self.epoch}/{self.total} ({time.perf_counter() - self.start:.1f} s)"
                  f"{', ' + losses if losses else ''}", file=sys.stderr, flush=True)

    def close(self):
        self.bar.close()
