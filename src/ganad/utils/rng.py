"""Local randomness: seeds come from ``random_state`` and never touch global RNGs."""

import contextlib

import numpy as np
import torch
from sklearn.utils import check_random_state


def torch_seed(random_state):
    """Draw a 63-bit torch seed from an sklearn-style ``random_state``."""
    return int(check_random_state(random_state).randint(0, 2**31 - 1))


def torch_generator(seed, device):
    """A ``torch.Generator`` on ``device`` seeded with ``seed``."""
    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    return generator


@contextlib.contextmanager
def forked_global_rng(seed, device=None):
    """torch's global CPU generator, and on CUDA ``device``'s, seeded with ``seed`` and restored on exit.

    For code that draws from torch's global generators (``torch.nn`` initialisers, dropout):
    forking keeps the user's RNG untouched (STYLE principle 7) while the draws are reproducible.
    Only the generators forked are seeded: ``torch.manual_seed`` would also reseed every GPU's,
    which the fork does not restore.
    """
    cuda = device is not None and torch.device(device).type == "cuda"
    with torch.random.fork_rng(devices=[device] if cuda else []):
        torch.default_generator.manual_seed(seed)
        if cuda:
            with torch.cuda.device(device):
                torch.cuda.manual_seed(seed)
        yield


@contextlib.contextmanager
def seeded_init(seed, device=None):
    """Build or reset networks under ``seed`` without changing the caller's global RNG state
    (torch's, as :func:`forked_global_rng`, on ``device`` for networks reset where they live; numpy's)."""
    with forked_global_rng(seed, device):
        np_state = np.random.get_state()
        try:
            yield
        finally:
            np.random.set_state(np_state)
