"""Per-step loss history kept on a fitted detector as ``history_``."""

import numpy as np
import torch

from ..errors import TrainingDivergedError


class TrainingHistory:
    """Loss terms of every optimisation step, by name.

    Critic terms are logged at every critic step and generator terms at every
    generator step, so series may have different lengths; epoch boundaries are not kept.
    """

    def __init__(self, series=None):
        self.series = {name: list(values) for name, values in (series or {}).items()}

    def extend(self, name, values):
        self.series.setdefault(name, []).extend(values)

    def __getitem__(self, name):
        return np.asarray(self.series[name], dtype=np.float64)

    def __contains__(self, name):
        return name in self.series

    def keys(self):
        return self.series.keys()

    def to_tensors(self, prefix="history."):
        """Flat float64 tensors, for safetensors files and checkpoints."""
        return {prefix + k: torch.tensor(v, dtype=torch.float64) for k, v in self.series.items()}

    @classmethod
    def from_tensors(cls, tensors, prefix="history."):
        return cls({k[len(prefix):]: v.tolist() for k, v in tensors.items() if k.startswith(prefix)})


def commit_epoch(history, logs, *, epoch):
    """Move one epoch of logged 0-d tensors into ``history``; stop on a non-finite loss.

    Logs stay on the device during the epoch (no per-step host sync); they are
    stacked and checked here, before any checkpoint of the epoch is written.
    """
    for name, values in logs.items():
        if not values:
            continue
        stacked = torch.stack(values).cpu().double()
        bad = (~torch.isfinite(stacked)).nonzero()
        if len(bad):
            step = int(bad[0, 0])
            raise TrainingDivergedError(
                f"{name} became {stacked[step].item()} at epoch {epoch + 1}, step {step + 1} of the "
                "epoch; training stopped and no model was kept. Lower the learning rate, scale the "
                "data, or use the gradient-penalty WGAN."
            )
        history.extend(name, stacked.tolist())
