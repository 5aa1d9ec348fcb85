"""Data-parallel training on ``torch.distributed``: each rank trains on its own shard of every batch.

Every training loop of ganad runs data-parallel when a default process group is
initialised (``torch.distributed.init_process_group``, as ``torchrun`` or ``ganad fit
--nproc N`` do): the adversarial loop (``AdversarialTrainer``: WGAN-clip, WGAN-GP with its
double backward, the vanilla GAN, the ALICE family, GANomaly, HistoryAD's GAN phase), the
WGAN encoder phase and the deep baselines' loop. In one process nothing here does anything
and every number is what it was. Every rank calls ``fit`` on the whole training set:

* **Shards.** Every rank has the same seed (rank 0's ``seed_`` is broadcast) and so draws
  the same permutation of the rows. A global batch is ``batch_size * world_size``
  consecutive rows of it; rank r takes the r-th of ``world_size`` near-equal parts
  (``torch.tensor_split``), its own shard. The union of the ranks' batches, in rank order,
  is the batch one process with batch ``batch_size * world_size`` takes. A last global
  batch too small to give every rank 2 rows is left out (seen in a later epoch).
* **Random draws.** Each draw made per row of a batch (latents, the gradient penalty's
  eps, RCGAN's t(x), the VAE's and DSEBM's noise, DAGMM's dropout) goes through
  :func:`draw_rows`: every rank draws the global batch's rows from the shared generator and
  keeps its own part, so the generators stay in step and the draws are one process's.
* **Gradients.** Before each optimiser step the gradients are summed over the ranks, each
  weighted by its share of the global batch (:func:`average_gradients`, a step pre-hook):
  the gradient of a per-row mean over the global batch. Every rank takes the same step. The
  networks are broadcast from rank 0 when training starts and their buffers (batch
  norm's running statistics) after every epoch, as DDP's ``broadcast_buffers`` does, so
  every rank ends with identical parameters and buffers.
* **Logs.** The losses in ``history_`` are the global batch's (share-weighted sums over
  the ranks, one all-reduce per epoch), so the divergence check stops every rank alike.
* **Rank 0 writes.** Checkpoints, HistoryAD's snapshots (and its D_TV phase, run on rank
  0 with the global batch and broadcast) and ``save`` are rank 0's (:func:`is_main_process`);
  so are the progress display and ``fit``'s quality warnings (a collapsed generator, far rows
  scored as inliers), which every rank computes alike. Resuming reads the checkpoint on every
  rank: its path must be readable by all of them (one machine or a shared file system).

**Equal to one process, or not.** The result equals one process's with batch
``batch_size * world_size`` up to float rounding (``tests/training/test_distributed.py``,
2 ranks after 10 to 15 steps: parameters within 6e-8, losses within 1.5e-6) when every
loss is a mean over rows that do not interact and the networks have no batch norm:
WGAN-GP, WGAN-clip and the vanilla GAN on rows (the WGANCritic, WGANInversion, AnoGAN and
ADGAN GAN phase), HistoryAD on rows, the ALICE objectives without dropout or batch norm,
GANomaly, DCAE, VAE, DSEBM and Deep SVDD on rows. It does not where rows of a batch
interact or randomness is per process:

* batch normalisation in training mode normalises by each rank's own batch (D_xz's x
  branch in the ALICE family on rows, the WGAN encoder's output layer, the networks for
  images), as DDP without ``SyncBatchNorm`` does;
* dropout in the ALICE discriminators draws from torch's global generator, seeded per
  epoch and per rank: independent masks, not one process's;
* DAGMM fits its mixture to each rank's batch (its loss is not a mean over rows).

The trainers do not use ``DistributedDataParallel``: a GAN step differentiates one
network through another whose gradients it must not reduce, the gradient penalty
differentiates twice, and each optimiser updates one side only, where DDP expects one
backward of all its parameters per forward. Reducing the gradients an optimiser is about
to apply works with all of them.
"""

import contextlib
import functools
import hashlib
import os
import warnings
from typing import NamedTuple

import torch
import torch.distributed as dist

from .batches import minibatches, n_minibatches, shuffled_batches


class Share(NamedTuple):
    """This rank's rows ``start:stop`` of a global batch of ``total`` rows."""

    start: int
    stop: int
    total: int

    @property
    def weight(self):
        return (self.stop - self.start) / self.total


def world_size():
    """Processes of the default process group; 1 without one."""
    return dist.get_world_size() if _initialized() else 1


def rank():
    """This process's rank in the default process group; 0 without one."""
    return dist.get_rank() if _initialized() else 0


def is_main_process():
    """True on rank 0, and in a process without a process group: the one that writes files."""
    return rank() == 0


def global_batch_size(batch_size):
    """Rows of a global batch when each rank takes ``batch_size``."""
    return batch_size * world_size()


def index_batches(n_rows, batch_size, rng):
    """``(share, index)`` for each of this rank's batches of one epoch; ``(None, index)`` of
    :func:`~ganad.training.batches.minibatches` in one process (see the module docstring)."""
    world, this = world_size(), rank()
    if world == 1:
        for index in minibatches(n_rows, batch_size, rng):
            yield None, index
        return
    order = torch.randperm(n_rows, generator=rng, device=rng.device)  # the same on every rank
    for start in range(0, n_rows, batch_size * world):
        batch = order[start:start + batch_size * world]  # (<= batch_size * world,)
        if len(batch) < 2 * world:
            return
        sizes = [len(part) for part in torch.tensor_split(batch, world)]
        offset = sum(sizes[:this])
        yield Share(offset, offset + sizes[this], len(batch)), batch[offset:offset + sizes[this]]


def batches(data, batch_size, rng):
    """``(share, rows)`` of :func:`index_batches`: in one process, those of ``shuffled_batches``."""
    if world_size() == 1:
        for rows in shuffled_batches(data, batch_size, rng):
            yield None, rows
        return
    for share, index in index_batches(len(data), batch_size, rng):
        yield share, data[index]


def n_batches(n_rows, batch_size):
    """How many batches :func:`index_batches` yields per epoch."""
    world = world_size()
    if world == 1:
        return n_minibatches(n_rows, batch_size)
    return n_rows // (batch_size * world) + (n_rows % (batch_size * world) >= 2 * world)


def draw_rows(draw, n, share):
    """``draw(n)``, a tensor of ``n`` random rows; in a data-parallel batch, ``draw(share.total)``
    cut to this rank's rows, so every rank consumes the generator alike and the ranks' rows
    together are one process's draw."""
    if share is None:
        return draw(n)
    if n != share.stop - share.start:
        raise ValueError(f"draw of {n} rows in a batch share of {share.stop - share.start}")
    return draw(share.total)[share.start:share.stop]


def average_gradients(optimizer, current_share):
    """Before each ``optimizer.step()``, replace the gradients by their share-weighted sum over
    the ranks; ``current_share()`` gives the batch's :class:`Share` (None: equal weights).

    Returns the hook's handle (``.remove()`` it after training), None in one process. Every
    rank must hold gradients for the same parameters, as the same code on the same shapes does.
    """
    if world_size() == 1:
        return None

    def hook(optimizer, args, kwargs):
        share = current_share()
        weight = 1.0 / world_size() if share is None else share.weight
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        _all_reduce_sum(grads, weight)

    return optimizer.register_step_pre_hook(hook)


def weigh(value, share):
    """A batch-mean log ``value`` times this rank's share, to be summed over the ranks by :func:`reduce_logs`."""
    return value if share is None else value * share.weight


def reduce_logs(logs):
    """``{name: [0-d tensors]}`` weighed by :func:`weigh`, summed over the ranks (one process: as is)."""
    if world_size() == 1:
        return logs
    reduced = {}
    for name in sorted(logs):  # the same names, in the same order, on every rank
        stacked = torch.stack(logs[name])
        dist.all_reduce(stacked)
        reduced[name] = list(stacked.unbind())
    return {name: reduced[name] for name in logs}  # in the loop's order, as in one process


def batch_mean(value, share):
    """The global batch's mean of the per-rank batch mean ``value`` (a 0-d tensor); one process: ``value``."""
    if share is None:
        return value
    total = value * share.weight
    dist.all_reduce(total)
    return total


def begin_training(data, *modules):
    """Check that every rank trains on the same rows, at least 2 per rank; broadcast ``modules`` from rank 0.

    The rows are compared by shape and by a SHA-256 of their bytes: ranks given equal-sized shards,
    or the same rows in another order, would train on gradients of different rows under one shared
    permutation and keep rank 0's scaler and threshold."""
    if world_size() == 1:
        return
    if len(data) < 2 * world_size():
        raise ValueError(f"{len(data)} training rows for {world_size()} ranks: data-parallel training needs at "
                         f"least 2 rows per rank ({2 * world_size()}); with fewer no batch runs and the networks "
                         "would stay untrained")
    fingerprints = [None] * world_size()
    dist.all_gather_object(fingerprints, _fingerprint(data))
    if len(set(fingerprints)) > 1:
        raise ValueError(f"the ranks train on different data (shapes {[shape for shape, _ in fingerprints]}, or the "
                         "same shape with other rows or another order): every rank must fit on the whole, same "
                         "training set (each takes its own shard of every batch)")
    for module in modules:
        for tensor in [*module.parameters(), *module.buffers()]:
            with torch.no_grad():
                dist.broadcast(tensor, src=0)


def _fingerprint(data):
    """``(shape, SHA-256 of the bytes)`` of the training tensor ``data``."""
    values = data.detach().cpu().contiguous().numpy()
    return tuple(values.shape), hashlib.sha256(values.tobytes()).hexdigest()


@contextlib.contextmanager
def data_parallel(data, modules, optimizers, current_share):
    """A training loop's data-parallel frame: :func:`begin_training` on ``data`` and ``modules``,
    then :func:`average_gradients` on each of ``optimizers`` until the block ends."""
    begin_training(data, *modules)
    hooks = [average_gradients(optimizer, current_share) for optimizer in optimizers]
    try:
        yield
    finally:
        for hook in hooks:
            if hook is not None:
                hook.remove()


def end_epoch(logs, *modules):
    """At an epoch's end: :func:`broadcast_buffers` of ``modules``, then ``logs`` through :func:`reduce_logs`."""
    broadcast_buffers(*modules)
    return reduce_logs(logs)


def broadcast_buffers(*modules):
    """Rank 0's buffers (batch norm's running statistics) on every rank, as DDP's ``broadcast_buffers``."""
    if world_size() == 1:
        return
    for module in modules:
        for buffer in module.buffers():
            dist.broadcast(buffer, src=0)


def broadcast_object(value):
    """Rank 0's ``value`` (a picklable object) on every rank; one process: ``value``."""
    if world_size() == 1:
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def on_main_process(function):
    """``function()`` run on rank 0 only, its result broadcast to every rank.

    An exception on rank 0 is raised there and, as the same type with its message (else a
    ``RuntimeError``), on every other rank, so that no rank waits for a result that will not come.
    """
    if world_size() == 1:
        return function()
    outcome = None
    if is_main_process():
        try:
            outcome = (None, function())
        except Exception as error:
            failure = error
            outcome = (type(error), str(error))
    kind, value = broadcast_object(outcome)
    if kind is None:
        return value
    if is_main_process():
        raise failure
    try:
        error = kind(f"rank 0 failed: {value}")
    except Exception:
        error = RuntimeError(f"rank 0 failed ({kind.__name__}): {value}")
    raise error


def init_from_env(device="auto"):
    """Join the process group described by ``torchrun``'s environment (``WORLD_SIZE`` > 1).

    Returns the device this rank trains on: ``device``, except "auto" with CUDA and "cuda",
    which become the local rank's GPU; "cuda:k" (one GPU for every rank) is refused. The backend
    is NCCL on CUDA, gloo on CPU. Without such an environment, or when a group exists already,
    nothing is joined and ``device`` is returned.
    """
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or initialized():
        return device
    requested = None if device == "auto" else torch.device(device)
    if requested is not None and requested.type == "cuda" and requested.index is not None:
        raise ValueError(f"device={str(device)!r} puts every rank on one GPU: data-parallel training takes each "
                         "rank's GPU from LOCAL_RANK; pass device='cuda' or 'auto'")
    cuda = torch.cuda.is_available() if requested is None else requested.type == "cuda"
    if cuda:
        device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
        torch.cuda.set_device(torch.device(device))
    dist.init_process_group("nccl" if cuda else "gloo")
    return device


def close():
    """Leave the default process group, if any."""
    if initialized():
        dist.destroy_process_group()


def initialized():
    """True when a default process group is initialised (this process trains data-parallel)."""
    return dist.is_available() and dist.is_initialized()


def _initialized():
    if initialized():
        return True
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        _warn_uninitialised()
    return False


@functools.cache
def _warn_uninitialised():
    warnings.warn("WORLD_SIZE is set but no torch.distributed process group is initialised: each process "
                  "trains alone on all the data; call torch.distributed.init_process_group() first "
                  "(ganad.training.distributed.init_from_env does)", RuntimeWarning, stacklevel=4)


def _all_reduce_sum(tensors, weight):
    """Each of ``tensors`` times ``weight``, summed over the ranks in place; one all-reduce per dtype."""
    by_kind = {}
    for tensor in tensors:
        by_kind.setdefault((tensor.dtype, tensor.device), []).append(tensor)
    for kind in sorted(by_kind, key=str):
        group = by_kind[kind]
        flat = torch.cat([tensor.reshape(-1) for tensor in group]) * weight
        dist.all_reduce(flat)
        for tensor, part in zip(group, flat.split([tensor.numel() for tensor in group])):
            tensor.copy_(part.view_as(tensor))
