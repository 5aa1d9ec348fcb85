"""The adversarial training loop, written once for every GAN objective.

Subclasses supply the objective: ``critic_loss(real, fake) -> (loss, logs)`` and
``generator_loss(fake_scores)``, plus their optimiser class and paper defaults as
``optimizer`` and ``optimizer_defaults``. This class owns the steps, the batching and the
step ratio ``n_critic``; the epoch loop with its loss history, divergence checks, progress bars and
checkpoints is the one every training phase runs (``training.loop.run_epochs``).
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

import torch

from . import distributed
from .checkpoint import describe
from .loop import TrainingState, run_epochs
from .optim import adam


class AdversarialTrainer(TrainingState):
    """Trains ``generator`` against ``critic`` on samples of ``prior``.

    Parameters are handed in, never built here (STYLE principle 5): networks,
    optimisers, the latent prior and a seeded ``torch.Generator`` for all noise. As a
    :class:`~ganad.training.loop.TrainingState` its checkpoints hold ``generator``,
    ``critic``, ``generator_optimizer``, ``critic_optimizer``, ``rng``, ``epoch``,
    ``stopped``, the history and ``critic_steps``.
    """

    def __init__(self, generator, critic, prior, *, generator_optimizer, critic_optimizer,
                 n_critic, batch_size, rng, verbose=0):
        super().__init__({"generator": generator, "critic": critic},
                         {"generator_optimizer": generator_optimizer, "critic_optimizer": critic_optimizer}, rng)
        self.generator = generator
        self.critic = critic
        self.prior = prior
        self.generator_optimizer = generator_optimizer
        self.critic_optimizer = critic_optimizer
        self.n_critic = n_critic
        self.batch_size = batch_size
        self.verbose = verbose
        self.critic_steps = 0

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

        The loop is :func:`~ganad.training.loop.run_epochs`'s: with ``checkpoint_path``, a
        checkpoint every ``checkpoint_every`` epochs and after the last, once the epoch's
        losses and the networks' tensors are finite (else ``TrainingDivergedError`` and no
        checkpoint); ``resume=True`` continues from it when it exists, if its fingerprint
        equals this fit's (:meth:`fingerprint`; else ValueError, before any state is loaded)
        and its epoch is at most ``n_epochs`` (equal: nothing is trained and the checkpoint's
        model is returned). ``on_epoch_end`` is called as ``on_epoch_end(epoch, trainer)``
        after each epoch, ``on_step_end`` as ``on_step_end(progress, trainer)`` after each
        critic step (see the module docstring).
        """
        self.generator.train()
        self.critic.train()
        return run_epochs(self, lambda epoch: self._run_epoch(data, on_step_end), n_epochs, data=data,
                          desc="training", verbose=self.verbose, checkpoint_path=checkpoint_path,
                          checkpoint_every=checkpoint_every, resume=resume, on_epoch_end=on_epoch_end)

    def final_weights(self):
        """Load the weights to score with into the networks after :meth:`fit`: here the last ones, already there.

        A subclass that keeps others (averaged weights, the best epoch's) overrides this.
        """

    def training_options(self):
        """The objective's own settings, e.g. ``{"gp_weight": 10.0}``; subclasses with some override this."""
        return {}

    def fit_settings(self):
        """The trainer class, prior, device type, batch size, ``n_critic`` and :meth:`training_options`.

        With the data, the optimisers' hyperparameters, the networks' architectures and,
        data-parallel, the number of ranks, they make :meth:`fingerprint`: what a checkpoint
        must share with this fit to be resumed.
        """
        return {
            "trainer": type(self).__name__,
            "prior": describe(self.prior),
            "device": self.rng.device.type,
            "batch_size": self.batch_size,
            "n_critic": self.n_critic,
            **self.training_options(),
        }

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
        return {**super().state(), "critic_steps": self.critic_steps}

    def load_state(self, state):
        super().load_state(state)
        self.critic_steps = int(state["critic_steps"])


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
