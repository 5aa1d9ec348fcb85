"""The epoch loop, written once for every training phase (STYLE principle 5).

:func:`run_epochs` runs the adversarial trainer (``AdversarialTrainer.fit``), the WGAN
encoder phase (``fit_encoder``), HistoryAD's D_TV (``fit_tv_critic``) and the deep
baselines (``DeepBaseline``). Each supplies only its per-epoch work, a function
``epoch_step(epoch) -> logs`` (``{name: [0-d tensors]}`` for one epoch), and its state, a
:class:`TrainingState` (networks, optimisers, seeded ``torch.Generator``). The loop owns the
rest: epochs until ``n_epochs`` or ``stopped``, the divergence check of each epoch's losses
(``commit_epoch``), the progress display, atomic checkpoints every ``checkpoint_every``
epochs and after the last (never of a non-finite network), resuming a checkpoint with the
same fingerprint, and the data-parallel frame (``training.distributed``).
"""

import contextlib
import logging
from pathlib import Path

import torch

from . import distributed
from .checkpoint import check_fingerprint, fingerprint, load_checkpoint, save_checkpoint
from .history import TrainingDivergedError, TrainingHistory, commit_epoch
from .progress import EpochProgress

logger = logging.getLogger(__name__)


class TrainingState:
    """What a training phase checkpoints, by name: ``networks``, ``optimizers``, the seeded
    ``rng``, the epochs run (``epoch``), ``stopped`` (training ends once True) and the loss
    ``history`` (a new one when None).

    ``settings``: the phase's own settings (values with a ``str``), recorded in its
    fingerprint. ``attributes``: names of attributes of ``owner`` that training uses or
    changes besides the networks (Deep SVDD's ``center_`` and ``radius_``), numbers or
    tensors (restored on ``rng``'s device), checkpointed with them when they are set. ``share`` is
    this rank's part of the batch being trained on (``distributed.Share``), data-parallel only.
    """

    def __init__(self, networks, optimizers, rng, *, history=None, settings=None, owner=None, attributes=()):
        self.networks = dict(networks)
        self.optimizers = dict(optimizers)
        self.rng = rng
        self.history = TrainingHistory() if history is None else history
        self.settings = dict(settings or {})
        self.owner, self.attributes = owner, tuple(attributes)
        self.epoch = 0
        self.stopped = False
        self.share = None

    def fit_settings(self):
        """The settings a checkpoint must share with this fit, besides data, optimisers and networks."""
        return self.settings

    def fingerprint(self, data):
        """What a checkpoint must share with this fit on ``data`` to be resumed (``checkpoint.fingerprint``)."""
        return fingerprint(data, self.fit_settings(), self.networks, self.optimizers)

    def state(self):
        kept = {name: getattr(self.owner, name) for name in self.attributes if hasattr(self.owner, name)}
        return {
            **{name: network.state_dict() for name, network in self.networks.items()},
            **{name: optimizer.state_dict() for name, optimizer in self.optimizers.items()},
            "rng": self.rng.get_state(),
            "epoch": self.epoch,
            "stopped": self.stopped,
            **({"attributes": kept} if kept else {}),
            **self.history.to_tensors(),
        }

    def load_state(self, state):
        try:
            for name, network in self.networks.items():
                network.load_state_dict(state[name])
            for name, optimizer in self.optimizers.items():
                optimizer.load_state_dict(state[name])
        except (KeyError, RuntimeError) as error:
            raise ValueError(f"checkpoint does not match this model's networks: {error}") from error
        self.rng.set_state(state["rng"])
        self.epoch = int(state["epoch"])
        self.stopped = bool(state.get("stopped", False))
        self.history = TrainingHistory.from_tensors(state)
        for name, value in state.get("attributes", {}).items():
            if name in self.attributes:
                setattr(self.owner, name, value.to(self.rng.device) if torch.is_tensor(value) else value)


def run_epochs(run, epoch_step, n_epochs, *, data, desc="training", verbose=0, keys=None, checkpoint_path=None,
               checkpoint_every=1, resume=False, on_epoch_end=None, current_share=None, broadcast=(),
               data_parallel=True):
    """Train ``run`` (a :class:`TrainingState`) until ``n_epochs`` epochs in all have run; returns its history.

    Each epoch calls ``epoch_step(run.epoch)`` and commits the logs it returns into
    ``run.history``, which raises ``TrainingDivergedError`` on a non-finite loss; then
    ``on_epoch_end(epoch, run)`` with the epochs run so far. Training ends early once
    ``run.stopped`` is True (rank 0's decides). The progress display is titled ``desc`` and
    shows the series ``keys`` (default all) when ``verbose``.

    With ``checkpoint_path``, a checkpoint is written every ``checkpoint_every`` epochs and
    after the last, once the epoch's losses and the networks' tensors are finite (else
    ``TrainingDivergedError`` and no checkpoint). ``resume=True`` continues from it when it
    exists, if -- checked before any state is loaded, else ValueError -- its fingerprint
    equals this fit's (``run.fingerprint(data)``; a checkpoint without one is refused) and its
    epoch is at most ``n_epochs`` (equal: nothing is trained and its model is kept).

    Data-parallel, ``run``'s networks and the modules in ``broadcast`` (used, not trained)
    are broadcast from rank 0 and the optimisers average the gradients over the ranks,
    weighted by ``current_share()`` (default ``run.share``). ``data_parallel=False``: a
    phase that runs on one rank alone (D_TV), with no collective call.
    """
    path = None if checkpoint_path is None else Path(checkpoint_path)
    stamp = None if path is None else run.fingerprint(data)
    if resume and path is not None and path.exists():
        _resume(run, path, stamp, n_epochs)
    frame = contextlib.nullcontext()
    if data_parallel:
        frame = distributed.data_parallel(data, (*run.networks.values(), *broadcast), run.optimizers.values(),
                                          current_share or (lambda: run.share))
    progress = EpochProgress(n_epochs, desc=desc, verbose=verbose, initial=run.epoch, keys=keys)
    try:
        with frame:
            while run.epoch < n_epochs and not run.stopped:
                commit_epoch(run.history, epoch_step(run.epoch), epoch=run.epoch)
                run.epoch += 1
                if data_parallel:
                    run.stopped = distributed.broadcast_object(run.stopped)  # every rank stops together
                progress.update(run.history)
                last = run.epoch == n_epochs or run.stopped
                if path is not None and (run.epoch % checkpoint_every == 0 or last):
                    save(run, path, stamp)
                if on_epoch_end is not None:
                    on_epoch_end(run.epoch, run)
    finally:
        progress.close()
    return run.history


def save(run, path, stamp):
    """Checkpoint ``run``'s state and fingerprint ``stamp`` to ``path`` if every network tensor is finite.

    Every rank checks; rank 0 alone writes (the ranks' states are the same).
    """
    for side, network in run.networks.items():
        for name, tensor in network.state_dict().items():
            if tensor.is_floating_point() and not torch.isfinite(tensor).all():
                raise TrainingDivergedError(
                    f"{side} tensor {name!r} is not finite after epoch {run.epoch}; training stopped and "
                    "no checkpoint was written. Lower the learning rate or scale the data.")
    if distributed.is_main_process():
        save_checkpoint(path, {**run.state(), "fingerprint": stamp})


def _resume(run, path, stamp, n_epochs):
    """Load checkpoint ``path`` into ``run`` if it has fingerprint ``stamp`` and is at most at epoch ``n_epochs``."""
    state = load_checkpoint(path)
    check_fingerprint(path, state.get("fingerprint"), stamp)
    epoch = int(state["epoch"])
    if epoch > n_epochs:
        raise ValueError(f"checkpoint {path} is at epoch {epoch}, beyond n_epochs={n_epochs}: its model is "
                         f"trained further than asked; set n_epochs >= {epoch} to continue it, or delete it "
                         "or set resume=False")
    run.load_state(state)
    logger.info("resumed from %s at epoch %d", path, run.epoch)
