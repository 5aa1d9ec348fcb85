"""One epoch's minibatches, shared by every training loop."""

import torch


def minibatches(n_rows, batch_size, rng):
    """Index tensors of one shuffled pass over ``n_rows`` rows, in batches of ``batch_size``.

    A final batch of a single row is left out (it is seen in a later epoch): batch
    normalisation and covariance estimates need two samples.
    """
    order = torch.randperm(n_rows, generator=rng, device=rng.device)
    for start in range(0, n_rows, batch_size):
        index = order[start:start + batch_size]
        if len(index) < 2:
            return
        yield index


def n_minibatches(n_rows, batch_size):
    """How many batches :func:`minibatches` yields for ``n_rows`` rows."""
    return n_rows // batch_size + (n_rows % batch_size >= 2)
