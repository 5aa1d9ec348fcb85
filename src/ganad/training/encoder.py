"""Post-hoc encoder training on a frozen generator (Haloui et al. 2018, §5.3, Eq. 23).

``min_alpha sum_i (G_theta(E_alpha(x_i)) - x_i)^2`` with the generator weights theta
fixed after GAN training. We minimise the per-element mean of the squared error,
which differs from Eq. 23's sum only by a constant factor. The paper does not give
the encoder's optimiser; we use Adam (1e-3, betas (0.9, 0.999)). Data-parallel under a
``torch.distributed`` process group, as every training loop (``training.distributed``).
"""

from ..nets.freeze import frozen
from ..scoring.reconstruction import reconstruction_error
from . import distributed
from .loop import TrainingState, run_epochs
from .optim import adam


def fit_encoder(encoder, generator, data, *, n_epochs, batch_size, learning_rate, rng, history=None, verbose=0):
    """Train ``encoder`` so that ``generator(encoder(x))`` reconstructs ``data``; logs into ``history``."""
    optimizer = adam(encoder.parameters(), lr=learning_rate)
    run = TrainingState({"encoder": encoder}, {"encoder_optimizer": optimizer}, rng, history=history)

    def epoch_step(epoch):
        losses = []
        for run.share, index in distributed.index_batches(len(data), batch_size, rng):
            loss = reconstruction_error(data[index], generator(encoder(data[index]))).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(distributed.weigh(loss.detach(), run.share))
        run.share = None
        return distributed.end_epoch({"encoder_loss": losses}, encoder)

    encoder.train()
    with frozen(generator):
        run_epochs(run, epoch_step, n_epochs, data=data, desc="encoder", verbose=verbose, keys=("encoder_loss",),
                   broadcast=(generator,))
    encoder.eval()
    return run.history
