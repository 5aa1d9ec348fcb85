"""Atomic training checkpoints that load without executing code.

A checkpoint holds the networks, the optimisers, the random generator state, the
epoch and the loss history. It is written to a temporary file in the same folder
and moved into place with ``os.replace``, so a crash never leaves a half-written
file. Loading uses ``torch.load(weights_only=True)``, PyTorch's restricted
unpickler that only rebuilds tensors and plain containers.
"""

import os
import tempfile
from pathlib import Path

import torch


def save_checkpoint(path, state):
    """Write ``state`` (a dict of tensors, numbers and state dicts) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(state, handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_checkpoint(path):
    """Read a checkpoint written by :func:`save_checkpoint`."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ValueError(f"{path} is not a readable ganad checkpoint: {error}") from error
