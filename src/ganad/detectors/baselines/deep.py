"""The training loop and networks the five deep baselines share (DCAE, VAE, Deep SVDD, DAGMM, DSEBM).

``DeepBaseline``: Adam over every network, an epoch = one shuffled pass, on the shared
epoch loop (``ganad.training.loop``): per-step losses in ``history_``, a divergence check
per epoch, a progress display, checkpoints and resume. Under an
initialised ``torch.distributed`` process group the loop is data-parallel
(``ganad.training.distributed``): each rank takes its shard of every batch, per-row noise
is drawn through ``_draw_rows`` and the gradients are averaged over the ranks before each
step. DCAE, VAE, DSEBM and Deep SVDD on rows then train as one process with batch
``batch_size * world_size`` does (up to rounding); DAGMM, whose mixture is estimated per
batch, and batch norm (the convolutional networks) use each rank's own batch.
"""


from numbers import Real

from sklearn.utils._param_validation import Interval

from ...base import TorchDetector
from ...base_detector import BASE_HYPERPARAMETERS
from ...nets import blocks
from ...nets.dcgan import DCGANConfig, DCGANGenerator
from ...training import distributed
from ...training.checkpoint import CHECKPOINT_HYPERPARAMETERS
from ...training.loop import TrainingState, run_epochs
from ...training.optim import adam
from ...utils.params import Hyperparameter, declare, pick
from ...utils.rng import seeded_init
from ..hyperparameters import SHARED_HYPERPARAMETERS, epochs_doc

# The deep baselines' shared parameters (DCAE's and VAE's defaults; the others override some)
BASELINE_HYPERPARAMETERS = {
    **pick(SHARED_HYPERPARAMETERS, "hidden", "latent_dim", "image_shape", "conv_width", "n_epochs", "batch_size",
           "learning_rate",
           hidden={"default": (64, 32),
                   "doc": "Encoder widths of the fully connected networks (rows); the decoder mirrors them."},
           latent_dim={"default": 8},
           conv_width={"default": 32},
           n_epochs={"doc": epochs_doc("50")},
           batch_size={"default": 64},
           learning_rate={"default": 1e-3}),
    "weight_decay": Hyperparameter(
        0.0, [Interval(Real, 0, None, closed="left")], "float", "Adam's weight decay (an L2 penalty on the weights)."),
    **CHECKPOINT_HYPERPARAMETERS,
    **BASE_HYPERPARAMETERS,
}


def mlp_encoder(n_features, hidden, n_out):
    """x (B, n_features) -> (B, n_out): Linear + ReLU, no activation on the output."""
    return blocks.linear_stack([n_features, *hidden, n_out])


def mlp_decoder(n_features, hidden, latent_dim):
    """z (B, latent_dim) -> x (B, n_features), the encoder's widths reversed."""
    return blocks.linear_stack([latent_dim, *reversed(tuple(hidden)), n_features])


def conv_encoder(image_shape, width, n_out):
    """x (B, C, H, W) -> (B, n_out): DCGAN's stride-2 convolutions with batch norm."""
    return blocks.conv_encoder(DCGANConfig(image_shape=image_shape, width=width, critic_batch_norm=True), n_out)


def conv_decoder(image_shape, width, latent_dim):
    """z (B, latent_dim) -> x (B, C, H, W) in [-1, 1]: the DCGAN generator."""
    return DCGANGenerator(DCGANConfig(image_shape=image_shape, latent_dim=latent_dim, width=width))


@declare(BASELINE_HYPERPARAMETERS)
class DeepBaseline(TorchDetector):
    """Shared fitting of the deep baselines; subclasses give networks, a loss and a score.

    Subclasses implement ``_make_networks()`` -> {fitted name: module} (in
    ``network_names`` order), ``_training_losses(batch, rng)`` -> {name: 0-d tensor}
    whose first entry is minimised, and ``_anomaly_score(batch)``. Optional hooks:
    ``_before_training(X)``, ``_after_epoch(X, epoch)`` and ``_fit_scorer(X)``. Random
    draws of one value per row of the batch in ``_training_losses`` go through
    ``_draw_rows`` (data-parallel, each rank keeps its part of the global batch's draw).
    The epochs run on the shared loop (``ganad.training.loop.run_epochs``): divergence
    check, progress display with ``verbose``, checkpoints and resume. A checkpoint holds the
    networks, the optimiser, the random generator, the history and the set attributes of
    ``fitted_values`` and ``fitted_tensors`` (Deep SVDD's centre and radius).
    """

    paper_epochs = 50
    # parameters that do not change training (n_epochs: where it ends; random_state: the checkpoint holds its draws)
    _not_fingerprinted = frozenset({"n_epochs", "checkpoint_path", "checkpoint_every", "resume", "verbose", "device",
                                    "random_state", "n_threads", "score_batch_size", "contamination", "support_rule"})

    def _build_networks(self):
        """Fresh networks on ``device_``, initialised from ``seed_`` (also used by ``load_model``)."""
        with seeded_init(self.seed_):
            networks = self._make_networks()
        for name in self.network_names:
            setattr(self, name, networks[name].to(self.device_).eval())

    def _networks(self):
        return [getattr(self, name) for name in self.network_names]

    def _fit_model(self, X):
        self._build_networks()
        parameters = [p for net in self._networks() for p in net.parameters()]
        optimizer = adam(parameters, lr=self.learning_rate, weight_decay=self.weight_decay)
        rng = self._seeded_generator()
        run = TrainingState({name.rstrip("_"): getattr(self, name) for name in self.network_names},
                            {"optimizer": optimizer}, rng, settings=self._fit_settings(), owner=self,
                            attributes=(*self.fitted_values, *self.fitted_tensors))
        self._before_training(X)
        self.n_epochs_ = self._training_epochs(len(X))
        try:
            self.history_ = run_epochs(
                run, lambda epoch: self._run_epoch(X, optimizer, rng, epoch), self.n_epochs_, data=X,
                verbose=self.verbose, checkpoint_path=self.checkpoint_path, checkpoint_every=self.checkpoint_every,
                resume=self.resume, current_share=lambda: getattr(self, "_batch_share", None))
        finally:
            vars(self).pop("_batch_share", None)
        for net in self._networks():
            net.eval()
        self._fit_scorer(X)

    def _fit_settings(self):
        """The detector and its training hyperparameters: what a checkpoint must share with this fit."""
        params = {name: value for name, value in self.get_params().items() if name not in self._not_fingerprinted}
        return {"detector": type(self).__name__, "device": self.device_.type, **params}

    def _run_epoch(self, X, optimizer, rng, epoch):
        """One shuffled pass over ``X``, then ``_after_epoch``; returns the epoch's logs."""
        for net in self._networks():
            net.train()
        logs = {}
        for self._batch_share, index in distributed.index_batches(len(X), self.batch_size, rng):
            losses = self._training_losses(X[index], rng)
            optimizer.zero_grad(set_to_none=True)
            next(iter(losses.values())).backward()
            optimizer.step()
            for name, value in losses.items():
                logs.setdefault(name, []).append(distributed.weigh(value.detach(), self._batch_share))
        self._batch_share = None
        logs = distributed.end_epoch(logs, *self._networks())
        self._after_epoch(X, epoch)  # before the checkpoint of this epoch, which keeps what it sets
        return logs

    def _draw_rows(self, draw, n):
        """``draw(n)``, ``n`` random rows for the batch being trained on (see ``training.distributed.draw_rows``)."""
        return distributed.draw_rows(draw, n, getattr(self, "_batch_share", None))

    def _before_training(self, X):
        """Called once before training and before resuming a checkpoint, networks built (Deep SVDD sets its centre)."""

    def _after_epoch(self, X, epoch):
        """Called after each epoch's steps, before its checkpoint (Deep SVDD's soft boundary updates its radius)."""

    def _fit_scorer(self, X):
        """Called after training, networks in eval mode (DAGMM fits its mixture here)."""
