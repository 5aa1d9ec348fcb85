"""Atomic training checkpoints that load without executing code.

A checkpoint holds the networks, the optimisers, the random generator state, the
epoch and the loss history. It is written to a temporary file in the same folder
and moved into place with ``os.replace``, so a crash never leaves a half-written
file. Loading uses ``torch.load(weights_only=True)``, PyTorch's restricted
unpickler that only rebuilds tensors and plain containers.
"""

import torch

from ..utils.atomic import atomic_path


def save_checkpoint(path, state):
    """Write ``state`` (a dict of tensors, numbers and state dicts) atomically."""
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def load_checkpoint(path):
    """Read a checkpoint written by :func:`save_checkpoint`."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ValueError(f"{path} is not a readable ganad checkpoint: {error}") from error
