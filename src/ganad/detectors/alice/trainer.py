"""Joint (x, z) adversarial training on the shared loop, for BiGAN/EGBAD, ALAD and RCGAN.

The loop -- epochs, minibatches, history, divergence check, checkpoints -- is
``training.AdversarialTrainer``'s. The two steps are replaced because both sides need
the real batch: per batch, one step of every discriminator and then one joint step of
the encoder and generator, as in the reference code (ALAD ``alad/run.py``). The
"generator" handed to the loop is ``{"generator": G, "encoder": E}`` and the "critic"
``{"xz": D_xz, "xx": D_xx, "zz": D_zz}`` (the last two optional), both ``nn.ModuleDict``,
so one Adam optimiser per side and the checkpoints cover every network. Adam over the
union of parameters equals the reference code's one optimiser per network: each loss
term reaches only its own network's parameters and Adam acts per parameter.

Dropout in the discriminators draws from torch's global generator; each epoch runs on a
forked copy of it seeded from the trainer's ``rng``, so a fit is reproducible, resumes
exactly from a checkpoint and leaves the caller's generator untouched. Data-parallel
(``training.distributed``), the seed is offset by the rank, so the ranks' masks are
independent (and not one process's: the one part of the objective that differs from a
single process with the global batch, besides D_xz's batch norm on rows).

Weight averaging (``ema_decay`` > 0): after each step of a side, the moving averages of
its weights are updated (``training.ema.WeightAverage``, TensorFlow's
``ExponentialMovingAverage`` as ALAD and EGBAD use it). Early stopping (``validation``
given): after every epoch, ``validation()`` -- a loss on held-out normal data, computed
with the averaged weights and the networks in eval mode, as ALAD's ``rec_error_valid``
-- goes to ``training.early_stopping.EarlyStopping`` and is logged as
``validation_loss``; training stops after more than ``patience`` epochs without a new
best. :meth:`JointTrainer.final_weights` then loads the weights to score with: those of
the best epoch with early stopping, else the averages, else the last ones. The averages
and the early-stopping state are part of the checkpoints.
"""

import contextlib

import torch

from ...training import distributed
from ...training.checkpoint import describe
from ...training.early_stopping import EarlyStopping
from ...training.ema import WARMUP, WeightAverage
from ...training.losses import discriminator_loss, generator_loss
from ...training.optim import adam
from ...utils.rng import forked_global_rng
from ...nets.freeze import eval_mode
from ...training.trainer import AdversarialTrainer
from .losses import joint_discriminator_loss, joint_generator_loss


class JointTrainer(AdversarialTrainer):
    """Trains E and G against D_xz (and D_xx, D_zz when present) on samples of ``prior``.

    ``penalty``, when given, is a callable ``penalty(x, rng)`` drawing a batch shaped like
    ``x`` from RCGAN's penalty distribution t(x) (Eq. 4). ``ema_decay`` (0: no averaging),
    ``validation`` (a callable returning a 0-d loss tensor, or None) and ``patience``: see
    the module docstring.
    """

    default_n_critic = 1
    optimizer = staticmethod(adam)
    optimizer_defaults = {"lr": 1e-5, "betas": (0.5, 0.999)}  # ALAD's tabular settings

    def __init__(self, pair, discriminators, prior, *, penalty=None, ema_decay=0.0, validation=None, patience=10,
                 **kwargs):
        super().__init__(pair, discriminators, prior, **kwargs)
        self.penalty = penalty
        self.ema_decay = ema_decay
        self.averages = None if ema_decay == 0 else {
            "generator": WeightAverage(pair, ema_decay), "critic": WeightAverage(discriminators, ema_decay)}
        self.validation = validation
        self.early_stopping = None if validation is None else EarlyStopping(patience)

    def training_options(self):
        averaging = self.ema_decay if self.averages is None else f"{self.ema_decay} ({WARMUP} warm-up)"
        return {"penalty": describe(self.penalty), "ema_decay": averaging,
                "patience": None if self.early_stopping is None else self.early_stopping.patience}

    def _forward(self, x):
        """The encoder's and generator's outputs the objectives compare, for one real batch."""
        encoder, generator = self.generator["encoder"], self.generator["generator"]
        z = self.sample_latents(len(x), x.device)
        views = {"z": z, "z_hat": encoder(x), "x_fake": generator(z)}
        if "xx" in self.critic:
            views["x_rec"] = generator(views["z_hat"])  # G(E(x))
        if "zz" in self.critic:
            views["z_rec"] = encoder(views["x_fake"])  # E(G(z))
        if self.penalty is not None:
            views["t"] = self.draw_rows(lambda n: self.penalty(x.new_empty((n, *x.shape[1:])), self.rng), len(x))
            views["z_t"] = encoder(views["t"])
        return views

    def _xz_logits(self, x, views):
        """D_xz on (x, E(x)), (G(z), z) and, with the penalty, (t, E(t))."""
        d_xz = self.critic["xz"]
        penalty = d_xz(views["t"], views["z_t"]) if self.penalty is not None else None
        return d_xz(x, views["z_hat"]), d_xz(views["x_fake"], views["z"]), penalty

    def critic_step(self, real):
        with torch.no_grad():
            views = self._forward(real)
        terms = {"discriminator_xz_loss": joint_discriminator_loss(*self._xz_logits(real, views))}
        if "xx" in self.critic:
            d_xx = self.critic["xx"]
            terms["discriminator_xx_loss"] = discriminator_loss(d_xx(real, real), d_xx(real, views["x_rec"]))
        if "zz" in self.critic:
            d_zz, z = self.critic["zz"], views["z"]
            terms["discriminator_zz_loss"] = discriminator_loss(d_zz(z, z), d_zz(z, views["z_rec"]))
        return self._step(self.critic_optimizer, "discriminator_loss", terms, self._average("critic"))

    def generator_step(self, real):
        views = self._forward(real)
        terms = {"generator_xz_loss": joint_generator_loss(*self._xz_logits(real, views))}
        if "xx" in self.critic:
            terms["cycle_x_loss"] = generator_loss(self.critic["xx"](real, views["x_rec"]), saturating=False)
        if "zz" in self.critic:
            terms["cycle_z_loss"] = generator_loss(self.critic["zz"](views["z"], views["z_rec"]), saturating=False)
        return self._step(self.generator_optimizer, "generator_loss", terms, self._average("generator"))

    @staticmethod
    def _step(optimizer, total_name, terms, average=None):
        """One optimiser step on the sum of ``terms``, then one of ``average``; returns the detached logs."""
        total = sum(terms.values())
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        optimizer.step()
        if average is not None:
            average.update()
        return {total_name: total.detach(), **{name: value.detach() for name, value in terms.items()}}

    def _average(self, side):
        return None if self.averages is None else self.averages[side]

    def _run_epoch(self, *args, **kwargs):
        seed = int(torch.randint(2**62, (1,), generator=self.rng, device=self.rng.device))
        with forked_global_rng(seed + distributed.rank(), self.rng.device):
            logs = super()._run_epoch(*args, **kwargs)
        if self.early_stopping is not None:
            logs["validation_loss"] = [self._validate()]
        return logs

    def _validate(self):
        """The validation loss of this epoch, scored with the averaged weights; may set ``stopped``."""
        with self._averaged(), eval_mode(self.generator, self.critic), torch.no_grad():
            loss = self.validation().detach()
            states = {"generator": self.generator.state_dict(), "critic": self.critic.state_dict()}
            self.stopped = self.early_stopping.update(loss.item(), self.epoch, states)  # copies the states
        return loss

    @contextlib.contextmanager
    def _averaged(self):
        """Both sides with their averaged weights inside the block (as they are without averaging)."""
        with contextlib.ExitStack() as stack:
            for average in (self.averages or {}).values():
                stack.enter_context(average.applied())
            yield

    def final_weights(self):
        """Load the weights to score with into the networks (see the module docstring)."""
        best = None if self.early_stopping is None else self.early_stopping.best_states
        if best is not None:
            self.generator.load_state_dict(best["generator"])
            self.critic.load_state_dict(best["critic"])
        elif self.averages is not None:
            for average in self.averages.values():
                average.copy_to_module()

    def state(self):
        state = super().state()
        if self.averages is not None:
            state["averages"] = {side: average.state() for side, average in self.averages.items()}
        if self.early_stopping is not None:
            state["early_stopping"] = self.early_stopping.state()
        return state

    def load_state(self, state):
        super().load_state(state)
        try:
            if self.averages is not None:
                for side, average in self.averages.items():
                    average.load_state(state["averages"][side])
            if self.early_stopping is not None:
                self.early_stopping.load_state(state["early_stopping"])
        except KeyError as error:
            raise ValueError(f"checkpoint lacks {error}: it was written with other averaging or "
                             "early-stopping settings") from error
