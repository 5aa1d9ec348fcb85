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
def seeded_init(seed):
    """Build networks under ``seed`` without changing the caller's global RNG state.

    ``torch.nn`` initialisers draw from the global generator; forking it keeps the
    user's RNG untouched (STYLE principle 7) while making initialisation reproducible.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        np_state = np.random.get_state()
        try:
            yield
        finally:
            np.random.set_state(np_state)
