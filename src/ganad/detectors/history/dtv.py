"""Training D_TV against the generator's history (Chatillon & Ballester 2020, §3.3 and §4.4).

D_TV minimises Eq. 10 with Adam on minibatches of P_data and of P_G_hist. An epoch is one
pass over the data; each epoch draws a fresh set of P_G_hist samples as large as the
data, so every snapshot's generator is loaded once per epoch (not once per minibatch).
"""

from ...training.batches import minibatches
from ...training.loop import TrainingState, run_epochs
from ...training.optim import adam
from .losses import tv_loss

TV_BETAS = (0.5, 0.9)  # Adam betas of the WGAN-GP phase: "D_TV is also optimized using Adam" (§4.4)


def fit_tv_critic(network, data, draw_history, *, n_epochs, batch_size, learning_rate, bound_weight, rng,
                  history, verbose=0):
    """Train ``network`` so that ``D_TV = -network`` minimises Eq. 10; logs into ``history``.

    ``network`` follows the WGAN critic's sign (high on real data, ``ganad.training.losses``),
    so that Eq. 14's average of the saved critics initialises it as is; D_TV is its negation.
    ``draw_history(n)`` returns ``n`` samples of P_G_hist. The loop is ``training.loop``'s,
    on one process: data-parallel, this phase runs on rank 0 alone, with the global batch.
    """
    optimizer = adam(network.parameters(), lr=learning_rate, betas=TV_BETAS)
    run = TrainingState({"tv_critic": network}, {"tv_optimizer": optimizer}, rng, history=history)

    def epoch_step(epoch):
        fake = draw_history(len(data))  # (N, ...) in i.i.d. order, independent of the data order
        logs = {}
        for index in minibatches(len(data), batch_size, rng):
            loss, values = tv_loss(-network(data[index]), -network(fake[index]), bound_weight=bound_weight)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            for name, value in values.items():
                logs.setdefault(name, []).append(value)
        return logs

    network.train()
    run_epochs(run, epoch_step, n_epochs, data=data, desc="D_TV", verbose=verbose, keys=("tv_loss",),
               data_parallel=False)
    network.eval()
    return run.history
