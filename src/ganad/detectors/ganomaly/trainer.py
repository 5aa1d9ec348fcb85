"""GANomaly's adversarial training on the shared loop (``training.AdversarialTrainer``).

The loop -- epochs, minibatches, history, divergence check, checkpoints -- is the shared
one; GANomaly replaces the two steps, because its fakes are reconstructions G(x) of the
batch rather than samples of a prior. Per batch, as in the reference code's
``optimize_params``, one discriminator step and one generator step (``n_critic = 1``):

* discriminator: ``(BCE(D(x), 1) + BCE(D(G(x)), 0)) / 2``; when that loss falls below
  ``reinit_threshold`` (1e-5 in the reference code), D has won outright and its weights
  are drawn afresh (the code's ``reinit_d``; the Adam state is kept, as there);
* generator: Eq. 11, ``w_adv L_adv + w_con L_con + w_enc L_enc``, with L_adv matching D's
  features of x and G(x).

Adam, learning rate 2e-4, betas (0.5, 0.999) for both networks (reference ``options.py``).

Data-parallel (``training.distributed``), the re-initialisation is decided on the global
batch's loss, so every rank re-initialises D alike. On rows the result is one process's
with the global batch (up to rounding); the convolutional networks' batch norm normalises
each rank's own batch, so on images it is not.
"""

import torch

from ...training import distributed
from ...training.optim import adam
from ...training.trainer import AdversarialTrainer
from ...utils.rng import seeded_init
from .losses import adversarial_loss, contextual_loss, discriminator_loss, encoder_loss, generator_loss


class GANomalyTrainer(AdversarialTrainer):
    """Trains a ``GANomalyGenerator`` against a discriminator with a ``features`` method.

    ``initialize(module)`` draws fresh weights from the global generator; it is called
    under a seed drawn from ``rng`` whenever the discriminator is re-initialised.
    """

    default_n_critic = 1
    optimizer = staticmethod(adam)
    optimizer_defaults = {"lr": 2e-4, "betas": (0.5, 0.999)}

    def __init__(self, generator, critic, *, initialize, weights=(1.0, 50.0, 1.0), reinit_threshold=1e-5,
                 **kwargs):
        super().__init__(generator, critic, None, **kwargs)
        self.initialize = initialize
        self.w_adv, self.w_con, self.w_enc = weights
        self.reinit_threshold = reinit_threshold

    def training_options(self):
        return {"w_adv": self.w_adv, "w_con": self.w_con, "w_enc": self.w_enc,
                "reinit_threshold": self.reinit_threshold}

    def critic_step(self, real):
        with torch.no_grad():
            fake = self.generator(real).x_hat
        loss = discriminator_loss(self.critic(real), self.critic(fake))
        self.critic_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.critic_optimizer.step()
        collapsed = distributed.batch_mean(loss.detach(), self.share) < self.reinit_threshold  # the global batch's
        if collapsed:  # one host sync per step, as the reference code's ``err_d.item()``
            self.reinitialize_critic()
        return {"discriminator_loss": loss.detach(), "discriminator_reinitialised": collapsed.float()}

    def reinitialize_critic(self):
        seed = int(torch.randint(2**31 - 1, (), generator=self.rng, device=self.rng.device))
        with seeded_init(seed, self.rng.device):  # the critic is reset where it lives
            self.initialize(self.critic)

    def generator_step(self, real):
        x_hat, z, z_hat = self.generator(real)
        with torch.no_grad():
            real_features = self.critic.features(real)
        self.critic.requires_grad_(False)  # gradients reach G through D, D's own are not needed
        terms = {
            "adversarial_loss": adversarial_loss(real_features, self.critic.features(x_hat)),
            "contextual_loss": contextual_loss(real, x_hat),
            "encoder_loss": encoder_loss(z, z_hat),
        }
        self.critic.requires_grad_(True)
        loss = generator_loss(*terms.values(), w_adv=self.w_adv, w_con=self.w_con, w_enc=self.w_enc)
        self.generator_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.generator_optimizer.step()
        return {"generator_loss": loss.detach(), **{name: value.detach() for name, value in terms.items()}}
