"""WGAN with weight clipping (Arjovsky et al. 2017; Haloui et al. 2018, §3.3 and App. D).

Defaults of App. D: RMSprop with learning rate 5e-5 for both networks, clipping box
c = 0.01, n_critic = 5, batch 64. RMSprop's decay and epsilon are torch's (0.99, 1e-8), as in
Arjovsky et al.'s code; the paper's Keras snippet states only the learning rate.
"""

import torch

from .losses import wasserstein_estimate, wasserstein_generator_loss
from .penalties import clip_weights
from .trainer import AdversarialTrainer


class WGANClipTrainer(AdversarialTrainer):
    default_n_critic = 5
    optimizer = torch.optim.RMSprop
    optimizer_defaults = {"lr": 5e-5}

    def __init__(self, generator, critic, prior, *, clip_value=0.01, **kwargs):
        super().__init__(generator, critic, prior, **kwargs)
        self.clip_value = clip_value

    def training_options(self):
        return {"clip_value": self.clip_value}

    def critic_loss(self, real, fake):
        distance = wasserstein_estimate(self.critic(real), self.critic(fake))
        return -distance, {"critic_loss": -distance.detach(), "wasserstein_distance": distance.detach()}

    def critic_step(self, real):
        logs = super().critic_step(real)
        clip_weights(self.critic, self.clip_value)
        return logs

    def generator_loss(self, fake_scores):
        return wasserstein_generator_loss(fake_scores)
