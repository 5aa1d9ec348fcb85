"""WGAN with gradient penalty (Gulrajani et al. 2017; Haloui et al. 2018, §3.4, Algorithm 2).

Defaults of Algorithm 2: Adam with alpha = 1e-4, beta1 = 0.5, beta2 = 0.9,
lambda = 10, m = 64, n_critic = 5. The critic minimises
``f(G(z)) - f(x) + lambda * GP``; the paper's Algorithm 2 prints the first two terms
with the opposite sign, a typo against Gulrajani et al.'s Algorithm 1, which we follow.
"""

from .losses import wasserstein_estimate, wasserstein_generator_loss
from .optim import adam
from .penalties import gradient_penalty, interpolation_weights
from .trainer import AdversarialTrainer


class WGANGPTrainer(AdversarialTrainer):
    default_n_critic = 5
    optimizer = staticmethod(adam)
    optimizer_defaults = {"lr": 1e-4, "betas": (0.5, 0.9)}

    def __init__(self, generator, critic, prior, *, gp_weight=10.0, **kwargs):
        super().__init__(generator, critic, prior, **kwargs)
        self.gp_weight = gp_weight

    def training_options(self):
        return {"gp_weight": self.gp_weight}

    def critic_loss(self, real, fake):
        distance = wasserstein_estimate(self.critic(real), self.critic(fake))
        eps = self.draw_rows(lambda n: interpolation_weights(n, real, self.rng), len(real))
        penalty = gradient_penalty(self.critic, real, fake, weight=self.gp_weight, generator=self.rng, eps=eps)
        loss = penalty - distance
        return loss, {"critic_loss": loss.detach(), "wasserstein_distance": distance.detach(),
                      "gradient_penalty": penalty.detach()}

    def generator_loss(self, fake_scores):
        return wasserstein_generator_loss(fake_scores)
