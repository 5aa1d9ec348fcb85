"""Batched search of the generator's latent space (Haloui et al. 2018, §5.2, Eq. 21-22).

Every test sample and every restart is optimised at once as one tensor program:
``z`` has shape (R, B, d) for R restarts of B samples. Because the loss is a sum of
per-sample terms and Adam acts per coordinate, the joint optimisation is exactly R*B
independent searches. The restarts start from the same R points for every sample, so
a sample's result does not depend on which other samples share its batch.
"""

import contextlib

import torch


@contextlib.contextmanager
def frozen(module):
    """Evaluation mode without parameter gradients, restored on exit."""
    was_training = module.training
    flags = [p.requires_grad for p in module.parameters()]
    module.eval()
    for param in module.parameters():
        param.requires_grad_(False)
    try:
        yield module
    finally:
        for param, flag in zip(module.parameters(), flags):
            param.requires_grad_(flag)
        module.train(was_training)


def latent_search(generator, x, starts, loss_fn, *, n_steps, learning_rate, betas=(0.9, 0.999)):
    """Minimise ``loss_fn(x, G(z), z)`` over z for every sample and restart.

    Parameters
    ----------
    generator : nn.Module mapping (N, d) latents to samples shaped like ``x[0]``.
    x : (B, ...) tensor of query samples.
    starts : (R, d) tensor of shared starting latents, or (R, B, d) per-sample ones.
    loss_fn : callable(x, x_hat, z) -> (N,) per-sample loss, N = R * B.

    Returns
    -------
    losses : (R, B) final per-sample losses, evaluated at the returned latents.
    z : (R, B, d) final latents.
    """
    n_restarts, batch = starts.shape[0], x.shape[0]
    z0 = starts.unsqueeze(1).expand(-1, batch, -1) if starts.ndim == 2 else starts
    z = z0.reshape(n_restarts * batch, -1).clone().requires_grad_(True)  # (R*B, d)
    targets = x.unsqueeze(0).expand(n_restarts, *x.shape).reshape(n_restarts * batch, *x.shape[1:])
    optimizer = torch.optim.Adam([z], lr=learning_rate, betas=betas)
    with frozen(generator), torch.enable_grad():
        for _ in range(n_steps):
            loss = loss_fn(targets, generator(z), z)
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()
            optimizer.step()
        with torch.no_grad():
            final = loss_fn(targets, generator(z), z)
    return final.view(n_restarts, batch), z.detach().view(n_restarts, batch, -1)
