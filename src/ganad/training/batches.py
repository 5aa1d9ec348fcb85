"""One epoch's minibatches, shared by every training loop."""

import torch

GATHER_BYTES = 16 * 2**20  # rows copied into shuffled order at a time by :func:`shuffled_batches`


def minibatches(n_rows, batch_size, rng):
    """Index tensors of one shuffled pass over ``n_rows`` rows, in batches of ``batch_size``.

    A final batch of a single row is left out (the shuffle puts another row last in a later epoch;
    with one epoch that row is not trained on): batch normalisation and covariance estimates need
    two samples.
    """
    order = torch.randperm(n_rows, generator=rng, device=rng.device)
    for start in range(0, n_rows, batch_size):
        index = order[start:start + batch_size]
        if len(index) < 2:
            return
        yield index


def shuffled_batches(data, batch_size, rng):
    """The rows ``data[index]`` for each ``index`` of :func:`minibatches`: same draw, same batches.

    Rows are gathered into shuffled order a block at a time (about ``GATHER_BYTES``, a
    whole number of batches) and each batch is a view of its block, so a batch costs a
    slice instead of an indexing copy, and memory stays bounded for large data.
    """
    order = torch.randperm(len(data), generator=rng, device=rng.device)
    n_rows = _n_batched_rows(len(data), batch_size)
    row_bytes = max(1, data[:1].numel() * data.element_size())
    block = batch_size * max(1, GATHER_BYTES // (row_bytes * batch_size))
    for block_start in range(0, n_rows, block):
        rows = data[order[block_start:min(block_start + block, n_rows)]]  # (<= block, ...)
        for start in range(0, len(rows), batch_size):
            yield rows[start:start + batch_size]


def n_minibatches(n_rows, batch_size):
    """How many batches :func:`minibatches` yields for ``n_rows`` rows."""
    return n_rows // batch_size + (n_rows % batch_size >= 2)


def _n_batched_rows(n_rows, batch_size):
    """How many rows the batches of :func:`minibatches` hold together."""
    if batch_size < 2:
        return 0
    return n_rows - (n_rows % batch_size == 1)
