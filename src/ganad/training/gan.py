"""The original GAN (Goodfellow et al. 2014; Haloui et al. 2018, Eq. 1 and Algorithm 1).

Algorithm 1 takes k = 1 discriminator step per generator step (``n_critic=1``). The
paper does not name an optimiser for its vanilla GAN; we use the DCGAN setting
(Adam, 2e-4, betas (0.5, 0.999)). ``saturating=True`` is Eq. 1 as written.
"""

from .losses import discriminator_loss, generator_loss
from .optim import adam
from .trainer import AdversarialTrainer


class GANTrainer(AdversarialTrainer):
    default_n_critic = 1
    optimizer = staticmethod(adam)
    optimizer_defaults = {"lr": 2e-4, "betas": (0.5, 0.999)}

    def __init__(self, generator, critic, prior, *, saturating=True, **kwargs):
        super().__init__(generator, critic, prior, **kwargs)
        self.saturating = saturating

    def training_options(self):
        return {"saturating": self.saturating}

    def critic_loss(self, real, fake):
        loss = discriminator_loss(self.critic(real), self.critic(fake))
        return loss, {"discriminator_loss": loss.detach()}

    def generator_loss(self, fake_scores):
        return generator_loss(fake_scores, saturating=self.saturating)
