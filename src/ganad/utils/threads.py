"""Torch's intra-op threads for one fit or scoring call: chosen from the model, restored after.

On matrices as small as most tabular GANs use, a second intra-op thread buys nothing on an
idle machine and costs 10 to 100-fold when another process holds a core (the OpenMP
workers wait on each other). So ganad runs small fully connected networks on one thread
and convolutional or large networks on every thread torch would use, and puts the
process-wide setting back when the call returns.

Precedence: the detector's ``n_threads`` parameter; else the ``GANAD_NUM_THREADS``
environment variable; else, when ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` is set, torch's
own setting, untouched (the user already chose); else the rule above.
"""

import contextlib
import os

import torch

ENV_VARIABLE = "GANAD_NUM_THREADS"
USER_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
LARGE_NETWORK = 10**6  # network values from which a fully connected model uses every thread
MAX_THREADS = 1024  # beyond any one machine's cores; OpenMP allocates per thread (10**9 aborted the process)


def choose_threads(n_threads, *, convolutional, n_values):
    """Intra-op threads for a model, or None to leave torch's setting as it is (see the module docstring)."""
    if n_threads is not None:
        return n_threads
    if os.environ.get(ENV_VARIABLE):
        return _env_threads()
    if any(os.environ.get(name) for name in USER_VARIABLES):
        return None
    return None if convolutional or n_values >= LARGE_NETWORK else 1


def _env_threads():
    value = os.environ[ENV_VARIABLE]
    if not value.isdigit() or not 1 <= int(value) <= MAX_THREADS:
        raise ValueError(f"{ENV_VARIABLE}={value!r} must be an integer from 1 to {MAX_THREADS}")
    return int(value)


@contextlib.contextmanager
def torch_threads(n_threads):
    """Run the block with ``n_threads`` intra-op threads (None: unchanged), then restore the caller's."""
    if n_threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
