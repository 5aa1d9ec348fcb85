"""Post-hoc encoder training on a frozen generator (Haloui et al. 2018, §5.3, Eq. 23).

``min_alpha sum_i (G_theta(E_alpha(x_i)) - x_i)^2`` with the generator weights theta
fixed after GAN training. We minimise the per-element mean of the squared error,
which differs from Eq. 23's sum only by a constant factor. The paper does not give
the encoder's optimiser; we use Adam (1e-3, betas (0.9, 0.999)).
"""

import torch

from ..scoring.latent_search import frozen
from .history import TrainingHistory, commit_epoch


def reconstruction_error(x, x_hat):
    """Per-sample mean squared error over every feature: (B, ...) -> (B,)."""
    return (x - x_hat).pow(2).flatten(1).mean(dim=1)


def fit_encoder(encoder, generator, data, *, n_epochs, batch_size, learning_rate, rng, history=None):
    """Train ``encoder`` so that ``generator(encoder(x))`` reconstructs ``data``."""
    history = history if history is not None else TrainingHistory()
    optimizer = torch.optim.Adam(encoder.parameters(), lr=learning_rate)
    encoder.train()
    with frozen(generator):
        for epoch in range(n_epochs):
            losses = []
            order = torch.randperm(len(data), generator=rng, device=rng.device)
            for start in range(0, len(data), batch_size):
                index = order[start:start + batch_size]
                if len(index) < 2:
                    break  # BatchNorm needs two samples
                loss = reconstruction_error(data[index], generator(encoder(data[index]))).mean()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                losses.append(loss.detach())
            commit_epoch(history, {"encoder_loss": losses}, epoch=epoch)
    encoder.eval()
    return history
