"""Atomic training checkpoints that load without executing code, and their fingerprints.

A checkpoint holds the networks, the optimisers, the random generator state, the
epoch, the loss history and a fingerprint of what made it. It is written to a
temporary file in the same folder and moved into place with ``os.replace``, so a
crash never leaves a half-written file. Loading uses ``torch.load(weights_only=True)``,
PyTorch's restricted unpickler that only rebuilds tensors and plain containers.

A fingerprint is a flat dict of strings (:func:`fingerprint`); a checkpoint is resumed
only by a fit with an equal one (:func:`check_fingerprint`).
"""

import hashlib
import os
from numbers import Integral

import torch
from sklearn.utils._param_validation import Interval

from ..utils.atomic import atomic_path
from ..utils.params import Hyperparameter
from . import distributed

SHOWN_DIFFERENCES = 3  # settings named in a refusal; the rest are counted

# The checkpoint hyperparameters of every detector that trains (``training.loop.run_epochs``)
CHECKPOINT_HYPERPARAMETERS = {
    "checkpoint_path": Hyperparameter(
        None, [str, os.PathLike, None], "str, path-like or None",
        "File of a training checkpoint, written every ``checkpoint_every`` epochs and after the last; None "
        "writes none."),
    "checkpoint_every": Hyperparameter(
        1, [Interval(Integral, 1, None, closed="left")], "int", "Epochs between checkpoints."),
    "resume": Hyperparameter(
        False, ["boolean"], "bool",
        "Continue from ``checkpoint_path`` when it holds a checkpoint of the same fit (same data, settings and "
        "networks, at most ``n_epochs`` epochs in); another checkpoint is refused with a ValueError saying "
        "what differs."),
}


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


def fingerprint(data, settings, networks, optimizers):
    """What a checkpoint must share with a fit on ``data`` to be resumed, as strings.

    The data's dtype, shape and sha256 (:func:`data_digest`); the phase's ``settings``; each
    optimiser's class and hyperparameters; each network's architecture (``"<name>_architecture"``);
    data-parallel, the number of ranks. ``networks`` and ``optimizers`` map names to them.
    Equal inputs give equal fingerprints.
    """
    fields = {"data": data_digest(data), **settings}
    for name, optimizer in optimizers.items():
        fields.update(optimizer_settings(name, optimizer))
    fields.update({f"{name}_architecture": architecture_digest(network) for name, network in networks.items()})
    if distributed.world_size() > 1:  # absent in one process, so its checkpoints keep their fingerprint
        fields["world_size"] = distributed.world_size()
    return {key: str(value) for key, value in fields.items()}


def data_digest(data):
    """``"<dtype> <shape> sha256:<16 hex digits>"`` of tensor ``data``'s contiguous CPU bytes."""
    raw = data.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy()
    dtype = str(data.dtype).removeprefix("torch.")
    return f"{dtype} {tuple(data.shape)} sha256:{hashlib.sha256(raw).hexdigest()[:16]}"


def architecture_digest(module):
    """``"sha256:<16 hex digits> (<n> tensors)"`` of ``module``'s repr and state-dict names, shapes and dtypes."""
    entries = [(name, tuple(tensor.shape), str(tensor.dtype)) for name, tensor in module.state_dict().items()]
    digest = hashlib.sha256(repr((repr(module), entries)).encode()).hexdigest()[:16]
    return f"sha256:{digest} ({len(entries)} tensors)"


def optimizer_settings(name, optimizer):
    """``{name: class name, "name.lr": ..., ...}``: each parameter group's hyperparameters, not its parameters."""
    groups = optimizer.param_groups
    settings = {name: type(optimizer).__name__}
    for index, group in enumerate(groups):
        prefix = name if len(groups) == 1 else f"{name}[{index}]"
        settings.update({f"{prefix}.{key}": value for key, value in group.items() if key != "params"})
    return settings


def describe(obj):
    """``"Class(attribute=value, ...)"`` from ``obj``'s attributes; ``"None"`` for None."""
    if obj is None:
        return "None"
    return f"{type(obj).__name__}({', '.join(f'{key}={value!r}' for key, value in vars(obj).items())})"


def check_fingerprint(path, saved, current):
    """Raise ValueError naming the differences unless ``saved``, checkpoint ``path``'s, equals ``current``."""
    if saved is None:
        raise ValueError(f"checkpoint {path} records no fingerprint of the data and settings it was made with "
                         "(an older ganad wrote it), so resuming it cannot be checked; delete it or set resume=False")
    keys = [*current, *(key for key in saved if key not in current)]
    differing = [key for key in keys if saved.get(key) != current.get(key)]
    if differing:
        shown, hidden = differing[:SHOWN_DIFFERENCES], len(differing) - SHOWN_DIFFERENCES
        more = f" (and {hidden} more differing settings)" if hidden > 0 else ""
        raise ValueError(f"checkpoint {path} was made with {_settings(saved, shown)}, this fit asks "
                         f"{_settings(current, shown)}{more}; delete it or set resume=False")


def _settings(stamp, keys):
    return ", ".join(f"{key}={stamp.get(key, 'unset')}" for key in keys)
