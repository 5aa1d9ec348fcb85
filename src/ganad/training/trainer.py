"""The adversarial training loop, written once for every GAN objective.

Subclasses supply the objective: ``critic_loss(real, fake) -> (loss, logs)`` and
``generator_loss(fake_scores)``, plus their optimiser class and paper defaults as
``optimizer`` and ``optimizer_defaults``. This class owns the steps, epochs, batching, the step ratio
``n_critic``, the loss history, divergence checks, progress bars and checkpoints.
An epoch is one full pass over the data in critic batches; the generator takes one
step after every ``n_critic`` critic steps (counted across epochs, so tiny data sets
still train the generator). Two optional hooks: ``on_epoch_end(epoch, trainer)`` after
each epoch and ``on_step_end(progress, trainer)`` after each critic step (and the
generator step that follows it), ``progress`` being the training time in epochs
(``epoch + batches done / batches per epoch``), e.g. to save snapshots within an epoch.
Training ends early once ``stopped`` is True (set by a subclass during an epoch, e.g. for
early stopping; saved in checkpoints). Subclasses with settings of their own (a penalty
weight, loss weights) return them from ``training_options`` so checkpoints record them.

Under an initialised ``torch.distributed`` process group the loop is data-parallel
(``training.distributed``): each rank trains on its own shard of every batch (``share``,
this rank's part of the global batch of ``batch_size * world_size`` rows), draws its
per-row noise through :meth:`draw_rows`, and the optimisers average the gradients over
the ranks before each step; only rank 0 writes checkpoints. Subclasses draw per-row noise
with :meth:`draw_rows` (or :meth:`sample_latents`) and need nothing else.
"""

import logging

import torch

from . import distributed
from .checkpoint import (architecture_digest, check_fingerprint, data_digest, describe, load_checkpoint,
                         optimizer_settings, save_checkpoint)
from .history import TrainingDivergedError, TrainingHistory, commit_epoch
from .optim import adam
from .progress import EpochProgress

logger = logging.getLogger(__name__)


class AdversarialTrainer:
    """Trains ``generator`` against ``critic`` on samples of ``prior``.

    Parameters are handed in, never built here (STYLE principle 5): networks,
    optimisers, the latent prior and a seeded ``torch.Generator`` for all noise.
    """

    def __init__(self, generator, critic, prior, *, generator_optimizer, critic_optimizer,
                 n_critic, batch_size, rng, verbose=0):
        self.generator = generator
        self.critic = critic
        self.prior = prior
        self.generator_optimizer = generator_optimizer
        self.critic_optimizer = critic_optimizer
        self.n_critic = n_critic
        self.batch_size = batch_size
        self.rng = rng
        self.verbose = verbose
        self.history = TrainingHistory()
        self.epoch = 0
        self.critic_steps = 0
        self.stopped = False
        self.share = None  # this rank's part of the batch being trained on (``distributed.Share``), data-parallel only

    default_n_critic = 1
    optimizer = staticmethod(adam)
    optimizer_defaults = {}

    @classmethod
    def make_optimizers(cls, generator, critic, learning_rate=None):
        """The paper's optimiser for both networks; ``learning_rate`` overrides its default."""
        options = dict(cls.optimizer_defaults)
        if learning_rate is not None:
            options["lr"] = learning_rate
        return cls.optimizer(generator.parameters(), **options), cls.optimizer(critic.parameters(), **options)

    def draw_rows(self, draw, n):
        """``draw(n)``: ``n`` random rows for this batch; data-parallel, this rank's part of the global draw."""
        return distributed.draw_rows(draw, n, self.share)

    def sample_latents(self, n, device=None):
        """``n`` draws of the prior from ``rng``, on ``device`` (default ``rng``'s), through :meth:`draw_rows`."""
        device = self.rng.device if device is None else device
        return self.draw_rows(lambda rows: self.prior.sample(rows, generator=self.rng, device=device), n)

    def sample_fake(self, n):
        return self.generator(self.sample_latents(n))

    def critic_loss(self, real, fake):
        raise NotImplementedError

    def generator_loss(self, fake_scores):
        raise NotImplementedError

    def critic_step(self, real):
        with torch.no_grad():
            fake = self.sample_fake(len(real))
        loss, logs = self.critic_loss(real, fake)
        _backward(loss, self.critic_optimizer)
        self.critic_optimizer.step()
        return logs

    def generator_step(self, real):
        """One generator update; ``real`` is the critic's last batch (its size sets the fakes')."""
        loss = self.generator_loss(self.critic(self.sample_fake(len(real))))
        _backward(loss, self.generator_optimizer)
        self.generator_optimizer.step()
        return {"generator_loss": loss.detach()}

    def fit(self, data, n_epochs, *, checkpoint_path=None, checkpoint_every=1, resume=False,
            on_epoch_end=None, on_step_end=None):
        """Train until ``n_epochs`` epochs in total have run; returns the history.

        With ``checkpoint_path``, a checkpoint is written every ``checkpoint_every`` epochs
        and after the last, once the epoch's losses and the networks' tensors are finite
        (else ``TrainingDivergedError`` and no checkpoint). ``resume=True`` continues from
        it when it exists, if -- checked before any state is loaded, else ValueError -- its
        fingerprint equals this fit's (:meth:`fingerprint`; a checkpoint without one is
        refused) and its epoch is at most ``n_epochs`` (equal: nothing is trained and the
        checkpoint's model is returned). ``on_epoch_end`` is called as
        ``on_epoch_end(epoch, trainer)`` after each epoch, ``on_step_end`` as
        ``on_step_end(progress, trainer)`` after each critic step (see the module docstring).
        """
        fingerprint = None if checkpoint_path is None else self.fingerprint(data)
        if resume and checkpoint_path is not None and checkpoint_path.exists():
            self._resume(checkpoint_path, fingerprint, n_epochs)
        parallel = distributed.data_parallel(data, (self.generator, self.critic),
                                             (self.generator_optimizer, self.critic_optimizer), lambda: self.share)
        with parallel:
            self.generator.train()
            self.critic.train()
            progress = EpochProgress(n_epochs, desc="training", verbose=self.verbose, initial=self.epoch)
            while self.epoch < n_epochs and not self.stopped:
                commit_epoch(self.history, self._run_epoch(data, on_step_end), epoch=self.epoch)
                self.epoch += 1
                self.stopped = distributed.broadcast_object(self.stopped)  # every rank stops together
                progress.update(self.history)
                last = self.epoch == n_epochs or self.stopped
                if checkpoint_path is not None and (self.epoch % checkpoint_every == 0 or last):
                    self._save(checkpoint_path, fingerprint)
                if on_epoch_end is not None:
                    on_epoch_end(self.epoch, self)
        progress.close()
        return self.history

    def training_options(self):
        """The objective's own settings, e.g. ``{"gp_weight": 10.0}``; subclasses with some override this."""
        return {}

    def fingerprint(self, data):
        """What a checkpoint must share with this fit on ``data`` to be resumed, as strings.

        The data's dtype, shape and sha256; the trainer class, prior, device type, batch
        size and ``n_critic``; :meth:`training_options`; each optimiser's class and
        hyperparameters; each network's architecture; data-parallel, the number of ranks.
        Equal inputs give equal fingerprints.
        """
        settings = {
            "data": data_digest(data),
            "trainer": type(self).__name__,
            "prior": describe(self.prior),
            "device": self.rng.device.type,
            "batch_size": self.batch_size,
            "n_critic": self.n_critic,
            **self.training_options(),
            **optimizer_settings("generator_optimizer", self.generator_optimizer),
            **optimizer_settings("critic_optimizer", self.critic_optimizer),
            "generator_architecture": architecture_digest(self.generator),
            "critic_architecture": architecture_digest(self.critic),
        }
        if distributed.world_size() > 1:  # absent in one process, so its checkpoints keep their fingerprint
            settings["world_size"] = distributed.world_size()
        return {key: str(value) for key, value in settings.items()}

    def _resume(self, path, fingerprint, n_epochs):
        """Load checkpoint ``path`` if it has this ``fingerprint`` and is at most at epoch ``n_epochs``."""
        state = load_checkpoint(path)
        check_fingerprint(path, state.get("fingerprint"), fingerprint)
        epoch = int(state["epoch"])
        if epoch > n_epochs:
            raise ValueError(f"checkpoint {path} is at epoch {epoch}, beyond n_epochs={n_epochs}: its model is "
                             f"trained further than asked; set n_epochs >= {epoch} to continue it, or delete it "
                             "or set resume=False")
        self.load_state(state)
        logger.info("resumed from %s at epoch %d", path, self.epoch)

    def _save(self, path, fingerprint):
        """Checkpoint this state and ``fingerprint`` to ``path`` if every network tensor is finite.

        Every rank checks; rank 0 alone writes (the ranks' states are the same).
        """
        for side in ("generator", "critic"):
            for name, tensor in getattr(self, side).state_dict().items():
                if tensor.is_floating_point() and not torch.isfinite(tensor).all():
                    raise TrainingDivergedError(
                        f"{side} tensor {name!r} is not finite after epoch {self.epoch}; training stopped and "
                        "no checkpoint was written. Lower the learning rate or scale the data.")
        if distributed.is_main_process():
            save_checkpoint(path, {**self.state(), "fingerprint": fingerprint})

    def _run_epoch(self, data, on_step_end=None):
        logs = {}
        n_batches = distributed.n_batches(len(data), self.batch_size)
        for batch, (self.share, real) in enumerate(distributed.batches(data, self.batch_size, self.rng), start=1):
            _log(logs, self.critic_step(real), self.share)
            self.critic_steps += 1
            if self.critic_steps % self.n_critic == 0:
                _log(logs, self.generator_step(real), self.share)
            if on_step_end is not None:
                on_step_end(self.epoch + batch / n_batches, self)
        self.share = None
        return distributed.end_epoch(logs, self.generator, self.critic)

    def state(self):
        return {
            "generator": self.generator.state_dict(),
            "critic": self.critic.state_dict(),
            "generator_optimizer": self.generator_optimizer.state_dict(),
            "critic_optimizer": self.critic_optimizer.state_dict(),
            "rng": self.rng.get_state(),
            "epoch": self.epoch,
            "critic_steps": self.critic_steps,
            "stopped": self.stopped,
            **self.history.to_tensors(),
        }

    def load_state(self, state):
        try:
            self.generator.load_state_dict(state["generator"])
            self.critic.load_state_dict(state["critic"])
            self.generator_optimizer.load_state_dict(state["generator_optimizer"])
            self.critic_optimizer.load_state_dict(state["critic_optimizer"])
        except (KeyError, RuntimeError) as error:
            raise ValueError(f"checkpoint does not match this model's networks: {error}") from error
        self.rng.set_state(state["rng"])
        self.epoch = int(state["epoch"])
        self.critic_steps = int(state["critic_steps"])
        self.stopped = bool(state.get("stopped", False))
        self.history = TrainingHistory.from_tensors(state)


def _backward(loss, optimizer):
    """Gradients of ``loss`` for the parameters ``optimizer`` updates, and for no other tensor.

    Replaces their previous gradients, as ``optimizer.zero_grad()`` then
    ``loss.backward()`` would, with the same values; the other side's parameter
    gradients (the critic's in a generator step) and the gradient penalty's input
    gradient are not computed, as the step would discard them.
    """
    params = [p for group in optimizer.param_groups for p in group["params"] if p.requires_grad]
    for param in params:
        param.grad = None
    loss.backward(inputs=params or None)


def _log(logs, values, share=None):
    for name, value in values.items():
        logs.setdefault(name, []).append(distributed.weigh(value, share))
