"""Exponential moving averages of a module's weights, for scoring with averaged networks.

ALAD's and EGBAD's reference code (``alad/run.py``, ``bigan/run_kdd.py``) train with the
raw weights and score with ``tf.train.ExponentialMovingAverage`` copies of them:
after each optimiser step of a network, every trainable variable's average becomes
``decay * average + (1 - decay) * variable``. The averages start at the initial weights
and are not bias-corrected (no ``num_updates``). Only trainable variables are averaged:
batch-normalisation statistics are buffers, not parameters, and are used as they are.
"""

import contextlib

import torch


class WeightAverage:
    """Moving averages of ``module``'s parameters with a fixed ``decay`` in [0, 1)."""

    def __init__(self, module, decay):
        if not 0 <= decay < 1:
            raise ValueError(f"decay must be in [0, 1), got {decay!r}")
        self.module = module
        self.decay = decay
        self.averages = [p.detach().clone() for p in module.parameters()]

    @torch.no_grad()
    def update(self):
        """One averaging step, after an optimiser step of ``module``."""
        torch._foreach_lerp_(self.averages, list(self.module.parameters()), 1 - self.decay)  # one fused call

    @torch.no_grad()
    def copy_to_module(self):
        """Overwrite ``module``'s parameters with their averages."""
        for average, parameter in zip(self.averages, self.module.parameters()):
            parameter.copy_(average)

    @contextlib.contextmanager
    def applied(self):
        """``module`` with its averaged parameters inside the block, its own ones restored after."""
        with torch.no_grad():
            own = [p.detach().clone() for p in self.module.parameters()]
        self.copy_to_module()
        try:
            yield self.module
        finally:
            with torch.no_grad():
                for parameter, value in zip(self.module.parameters(), own):
                    parameter.copy_(value)

    def state(self):
        return list(self.averages)

    @torch.no_grad()
    def load_state(self, averages):
        if len(averages) != len(self.averages):
            raise ValueError(f"expected {len(self.averages)} averaged tensors, got {len(averages)}")
        for average, value in zip(self.averages, averages):
            average.copy_(value)
