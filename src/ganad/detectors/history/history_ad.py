"""HistoryAD: a Total Variation critic trained against the generator's history.

Chatillon & Ballester, "History-based anomaly detector: an adversarial approach to anomaly
detection" (2020), https://arxiv.org/abs/1912.11843. Three steps (§3, Fig. 2):

1. train a WGAN-GP (§3.1, Eq. 2) for ``n_epochs`` epochs (5; "auto", the default, trains
   more on a small data set, see ``_time_scale``) with Adam, learning rate 5e-4
   decreasing (§4.2), saving the generator and critic ``saves_per_epoch`` = 50 times per
   epoch (``ganad.training.snapshots``);
2. P_G_hist (Eq. 3, 13): the saved generators between epochs alpha (``history_start``) and
   ``n_epochs`` weighted by ``exp(-beta t)`` (beta: ``history_decay``); ``case=2`` draws half
   of the latents from a wider prior (§4.4, ``hist.py``);
3. D_TV (Eq. 10), the critic's architecture, initialised by the ``exp(-beta t)``-weighted
   average of the saved critics' weights (Eq. 14) or randomly, trained with Adam to
   separate P_data (-1) from P_G_hist (+1) under the soft bound of Eq. 9, lambda = 10.

The anomaly score is ``D_TV(x)`` (about -1 normal, +1 anomalous; Fig. 1, 5), so
``score_samples(x) = -D_TV(x)``, within the range of D_TV on the training rows: D_TV is a
critic, and far from the data it extrapolates below every training value, which would rank
far rows as the most normal. Below that range the score follows Haloui et al.'s §5.1 rule
(``ganad.scoring.critic_range``): ``max D_TV(train) + (min D_TV(train) - D_TV(x))``, above
every training row. Chatillon & Ballester bound D_TV to [-1, 1] on the data and the history
only (Eq. 9), so they give no rule for rows outside both; this is ours. Paper settings for
MNIST (Fig. 5-7): ``n_epochs = 5``, alpha = 1 (``history_start``), beta = 3
(``history_decay``); for SVHN (Fig. 1): 10, 1, 5. Choices where the paper is silent (the
schedule of the learning-rate decay, P_Z', D_TV's epochs and learning rate, the networks)
are listed in this folder's README.md under "Fidelity".

Data-parallel (``ganad.training.distributed``): step 1 trains on every rank, each on its
shard of every batch; the snapshots are taken and kept on rank 0 only, which then runs
steps 2-3 alone with the global batch (``batch_size * world_size``) and broadcasts D_TV,
the snapshot times and weights and the loss history to the other ranks. With the fully
connected networks the result equals one process's with the global batch up to rounding.
"""

import copy
import os
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ...scoring import range_score, training_range
from ...training import distributed
from ...training.batches import n_minibatches
from ...training.budget import EPOCHS_CONSTRAINT, training_epochs
from ...training.collapse import SPREAD_PHASE, SPREAD_SAMPLES, check_samples, training_sample
from ...training.history import TrainingHistory
from ...training.snapshots import SnapshotSchedule, SnapshotStore
from ...utils.params import Hyperparameter, Renamed, declare, is_count, override
from ...utils.rng import seeded_init, torch_generator, torch_seed
from ..gan_base import GAN_HYPERPARAMETERS, GANDetector
from ..hyperparameters import epochs_doc
from .dtv import fit_tv_critic
from .hist import average_output, average_state, history_weights, sample_history, sample_latents

# D_TV's "auto" minimum: its validation AUROC rose to about 6,000 updates (issue 14, README "Diagnosis"):
# haloui-t1's digits-but-2 cell 0.552 / 0.745 / 0.802 / 0.787 at 250 / 2,000 / 6,000 / 16,000 updates;
# 2,000 -> 6,000 raised 7 of 9 row cells (Thyroid 0.890 -> 0.939), the other two at 0.50 both ways.
TV_MIN_UPDATES = 6000

HISTORY_HYPERPARAMETERS = {
    **override(
        GAN_HYPERPARAMETERS,
        n_epochs={"default": "auto",
                  "doc": epochs_doc("the paper's 5 (MNIST, Fig. 5-7)") + " With \"auto\", Eq. 13's time "
                         "(``history_start``, ``history_decay``, ``saves_per_epoch``) is measured in fifths of the "
                         "run, so that the history covers the same part of training as in the paper."},
        learning_rate={"default": 5e-4,
                       "doc": GAN_HYPERPARAMETERS["learning_rate"].doc + " HistoryAD's default is the paper's "
                              "(§4.2), decayed with ``learning_rate_decay``."},
        gp_weight={"default": 10.0, "constraints": [Interval(Real, 0, None, closed="left")], "type": "float",
                   "doc": "Gradient penalty weight lambda of the WGAN-GP phase (§3.1 follows Gulrajani et al.: "
                          "10). HistoryAD keeps 10 on every input, unlike the \"auto\" of Haloui et al.'s "
                          "detectors: on 2-D sets its validation AUROC is as good with 10 as with 0.1 (ring "
                          "0.819 / 0.824, loop 0.794 / 0.726; ``benchmarks/defaults_validation.py``)."},
        resume={"doc": "Must stay False: HistoryAD cannot resume from a checkpoint, as the snapshots of "
                       "P_G_hist taken before it are not in it (``fit`` raises a ValueError)."}),
    "learning_rate_decay": Hyperparameter(
        True, ["boolean"], "bool", "Decay the GAN's learning rate linearly to 0 over its training."),
    "saves_per_epoch": Hyperparameter(
        50, [Interval(Integral, 1, None, closed="left")], "int",
        "Snapshots of the generator and critic saved per epoch (of Eq. 13's time), from time ``history_start`` on."),
    "history_start": Hyperparameter(
        1.0, [Interval(Real, 0, None, closed="left")], "float",
        "alpha of Eq. 13, the first epoch of the history; at most ``n_epochs`` (5 with \"auto\")."),
    "history_decay": Hyperparameter(
        3.0, [Interval(Real, 0, None, closed="left")], "float",
        "beta of Eq. 13, the decay per epoch of the snapshots' weights ``exp(-beta t)``."),
    "case": Hyperparameter(
        1, [Interval(Integral, 1, 2, closed="both")], "{1, 2}",
        "2 draws half the latents from ``P_Z'`` = ``wide_prior_scale`` x ``P_Z`` (§4.4)."),
    "wide_prior_scale": Hyperparameter(
        2.0, [Interval(Real, 1, None, closed="left")], "float", "The scale of ``P_Z'`` (``case=2``), at least 1."),
    "tv_init": Hyperparameter(
        "average", [StrOptions({"average", "random"})], '{"average", "random"}',
        "D_TV's initialisation: the weighted average of the saved critics (Eq. 14), or random."),
    "tv_epochs": Hyperparameter(
        "auto", EPOCHS_CONSTRAINT, 'int or "auto"',
        "D_TV's epochs; 0 scores with the initialisation alone (the paper's \"no training\"); \"auto\": 1 epoch, "
        f"or more until D_TV makes {TV_MIN_UPDATES:,} updates."),
    "tv_learning_rate": Hyperparameter(
        5e-4, [Interval(Real, 0, None, closed="neither")], "float", "D_TV's Adam learning rate."),
    "bound_weight": Hyperparameter(
        10.0, [Interval(Real, 0, None, closed="left")], "float", "lambda of Eq. 9-10, the weight of the soft bound."),
    "snapshot_memory_mb": Hyperparameter(
        512.0, [Interval(Real, 0, None, closed="left")], "float",
        "Memory for snapshots, in MiB; the rest are saved as safetensors files in ``snapshot_dir``."),
    "snapshot_dir": Hyperparameter(
        None, [str, os.PathLike, None], "str, path-like or None",
        "The folder in which each fit makes its own temporary folder for the snapshot files (the system's "
        "temporary folder when None)."),
    "keep_snapshots": Hyperparameter(
        False, ["boolean"], "bool", "Keep the snapshots after fitting (deleted otherwise)."),
}


@declare(HISTORY_HYPERPARAMETERS, renamed={"alpha": Renamed(new="history_start", until="0.2"),
                                            "beta": Renamed(new="history_decay", until="0.2")})
class HistoryAD(GANDetector):
    """Scores samples by D_TV, a bounded critic separating the data from the GAN's training history.

    Chatillon & Ballester (2020). HistoryAD changes two of the GAN phase's defaults:
    ``n_epochs="auto"`` (5, more on a small data set) and ``learning_rate=5e-4`` (§4.2).

    Attributes
    ----------
    tv_critic_ : torch.nn.Module
        D_TV, with the critic's architecture (§4.1).
    snapshot_times_ : list of float
        The times t of the saved snapshots.
    snapshot_weights_ : list of float
        Their weights in P_G_hist.
    tv_range_ : tuple of float
        (min, max) of D_TV on the training rows.

    References
    ----------
    Chatillon & Ballester, "History-based anomaly detector: an adversarial approach to
    anomaly detection", 2020, https://arxiv.org/abs/1912.11843; WGAN-GP (§3.1, Eq. 2),
    P_G_hist (Eq. 3, 13), D_TV (Eq. 9-10, initialisation Eq. 14); the range rule below the
    training range is Haloui et al.'s §5.1.

    Examples
    --------
    >>> from ganad import HistoryAD
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = HistoryAD(n_epochs=1, hidden=(8, 8), latent_dim=2, saves_per_epoch=2,
    ...                      tv_epochs=1, random_state=0).fit(X)
    >>> detector.anomaly_score(X[:5]).shape
    (5,)
    """

    network_names = ("generator_", "critic_", "tv_critic_")
    network_sources = {"tv_critic_": "critic_"}  # D_TV has the critic's architecture (§4.1)
    fitted_values = ("snapshot_times_", "snapshot_weights_", "tv_range_")
    execution_parameters = GANDetector.execution_parameters | {"snapshot_memory_mb", "snapshot_dir", "keep_snapshots"}
    paper_epochs = 5
    paper_tv_epochs = 1  # our choice: the paper gives D_TV's schedule only as "trained"
    tv_min_updates = TV_MIN_UPDATES
    # D_TV scores against the generator's history (Eq. 13), not its last state: fit checks samples of P_G_hist
    # (_check_history), which covered ring, arc and four_dots where the last generator missed 0.40-0.80 of the rows
    checks_last_generator = False

    @classmethod
    def from_gan(cls, fitted, **params):
        """Not offered: D_TV is trained against the GAN's training history (Eq. 13), which a trained GAN
        does not carry (with ``n_epochs=0`` no snapshot could be taken). A HistoryAD serves as the source
        of another detector's ``from_gan``."""
        raise TypeError("HistoryAD cannot be built from_gan: D_TV needs the snapshots of its own GAN's training "
                        "(Eq. 13); fit HistoryAD on the rows, and pass it as the source of other detectors' from_gan")

    def _fit_model(self, X):
        if self.resume:
            raise ValueError("HistoryAD cannot resume from a checkpoint: the snapshots taken "
                             "before it are not in the checkpoint; refit from scratch")
        self.n_epochs_ = self._training_epochs(len(X))
        if self.history_start > self._horizon():
            raise ValueError(f"history_start={self.history_start} must not exceed n_epochs={self._horizon():g}: "
                             "P_G_hist (Eq. 13) uses the snapshots between them")
        self._build_networks()
        store = None  # data-parallel: the snapshots are rank 0's
        if distributed.is_main_process():
            store = SnapshotStore(memory_budget=int(self.snapshot_memory_mb * 2**20), folder=self.snapshot_dir)
        try:
            self.history_ = self._train_gan(X, on_step_end=self._step_hook(store))
            fitted = distributed.on_main_process(lambda: self._fit_history_critic(X, store))
            if not distributed.is_main_process():
                self.tv_critic_.load_state_dict(fitted["tv_critic_"])
                self.snapshot_times_, self.snapshot_weights_ = fitted["snapshot_times_"], fitted["snapshot_weights_"]
                self.history_ = TrainingHistory(fitted["history_"])
            self.tv_range_ = training_range(self._in_chunks(self.tv_critic_, X))
        finally:
            if self.keep_snapshots:
                self.snapshots_ = store
            elif store is not None:
                store.close()
                self._snapshot_generator = None

    def _fit_history_critic(self, X, store):
        """Steps 2-3 from the snapshots in ``store``: P_G_hist's weights and D_TV; returns them."""
        self.snapshot_times_ = list(store.times)
        weights = history_weights(store.times, start=self.history_start, decay=self.history_decay,
                                  n_epochs=self._horizon())
        self.snapshot_weights_ = weights.tolist()
        self._init_tv_critic(store, weights)
        self._fit_tv_critic(X, store, weights)
        self._check_history(X, store, weights)
        return {"tv_critic_": self.tv_critic_.state_dict(), "snapshot_times_": self.snapshot_times_,
                "snapshot_weights_": self.snapshot_weights_, "history_": self.history_.series}

    def _check_history(self, X, store, weights):
        """``ganad.training.collapse``'s checks on samples of P_G_hist, what D_TV was trained against."""
        rng = self._seeded_generator(SPREAD_PHASE)
        fake = self._draw_history(store, weights, SPREAD_SAMPLES, rng)
        self._generator_check = check_samples(f"{type(self).__name__}'s generator history (P_G_hist)", fake,
                                              training_sample(X, rng=rng), stacklevel=2)

    def _time_scale(self):
        """Eq. 13's time per training epoch: 1, or with ``n_epochs="auto"`` ``paper_epochs / n_epochs_``.

        With "auto", a small table trains for more epochs than the paper's 5, and Eq. 13's
        time (``history_start``, ``history_decay``, ``saves_per_epoch``) is measured in fifths of
        the run, so that the history covers the same part of training as in the paper.
        """
        return 1.0 if self.n_epochs != "auto" else self.paper_epochs / self.n_epochs_

    def _horizon(self):
        """The end of training in Eq. 13's time: ``n_epochs``, or 5 with "auto"."""
        return self.n_epochs_ * self._time_scale()

    def _step_hook(self, store):
        """Snapshots from time ``history_start`` on (earlier ones have zero weight) and the learning-rate decay."""
        save = None if store is None else SnapshotSchedule(
            store, {"generator": self.generator_, "critic": self.critic_},
            saves_per_epoch=self.saves_per_epoch, start=self.history_start)
        scale = self._time_scale()

        def hook(progress, trainer):
            if self.learning_rate_decay:
                _linear_decay(progress / self.n_epochs_, trainer.generator_optimizer, trainer.critic_optimizer)
            if save is not None:
                save(progress * scale, trainer)

        return hook

    def _init_tv_critic(self, store, weights):
        if self.tv_init == "average":
            self.tv_critic_.load_state_dict(average_state(store, "critic", weights))
        elif self.critic is not None:  # a copy of the user's critic: draw fresh weights
            with seeded_init(self.seed_ + len(self.network_names), self.device_):
                for module in self.tv_critic_.modules():
                    if hasattr(module, "reset_parameters"):
                        module.reset_parameters()

    def _fit_tv_critic(self, X, store, weights):
        """Train D_TV against fresh P_G_hist samples drawn through a working copy of the generator.

        Data-parallel this runs on rank 0 alone, with the global batch.
        """
        self._snapshot_generator = copy.deepcopy(self.generator_).eval()
        rng = self._seeded_generator(1)
        batch_size = distributed.global_batch_size(self.batch_size)
        fit_tv_critic(self.tv_critic_, X, lambda n: self._draw_history(store, weights, n, rng),
                      n_epochs=training_epochs(self.tv_epochs, paper_epochs=self.paper_tv_epochs,
                                               n_batches=n_minibatches(len(X), batch_size),
                                               min_updates=self.tv_min_updates),
                      batch_size=batch_size, learning_rate=self.tv_learning_rate,
                      bound_weight=self.bound_weight, rng=rng, history=self.history_, verbose=self.verbose)

    def _wide_scale(self):
        return self.wide_prior_scale if self.case == 2 else None

    def _draw_history(self, store, weights, n, rng):
        return sample_history(store, self._snapshot_generator, self.prior_, weights, n, rng=rng,
                              apply=self._in_chunks, wide_scale=self._wide_scale())

    def _anomaly_score(self, X):
        return range_score(self.tv_critic_(X), self.tv_range_)  # D_TV(x) = -tv_critic_(x) within the range

    def _why_not_explained(self):
        return "its score is the critic D_TV's output, a value of the whole row, not a residual per input feature"

    # Inspection of the history (Fig. 3, 4, 8); the first three need keep_snapshots=True.

    def sample_history(self, n, *, random_state=None):
        """``n`` samples of P_G_hist (Eq. 3, 13; case 2 when ``case=2``) as rows, in the scaled space."""
        _check_count(n)
        samples = self._draw_history(self._kept_snapshots(), self._weights(), n, self._generator_for(random_state))
        return samples.flatten(1).cpu().double().numpy()

    def sample_snapshot(self, index, n, *, random_state=None):
        """``n`` samples of the saved generator ``index`` (time ``snapshot_times_[index]``), as rows."""
        _check_count(n)
        store = self._kept_snapshots()
        self._snapshot_generator.load_state_dict(store.state(index, "generator"))
        z = sample_latents(self.prior_, n, rng=self._generator_for(random_state))
        return self._in_chunks(self._snapshot_generator, z).flatten(1).cpu().double().numpy()

    def averaged_critic_outputs(self, X):
        """Fig. 4 in D_TV's sign: the weighted mean of the saved critics' outputs, and the output of
        the critic with Eq. 14's averaged weights (D_TV's initialisation); two arrays."""
        store, weights = self._kept_snapshots(), self._weights()
        network = copy.deepcopy(self.critic_)
        mean_output = self._map_rows(
            lambda batch: average_output(store, "critic", network, weights, batch, apply=self._in_chunks), X)
        network.load_state_dict(average_state(store, "critic", weights))
        return -mean_output, -self._map_rows(network, X)

    def latent_interpolation(self, n_steps=10, *, n_candidates=256, random_state=None):
        """Fig. 8: D_TV along ``G((1 - t) z_1 + t z_2)``, ``t`` in [0, 1].

        ``z_1``, ``z_2`` are the two latents whose samples D_TV scores most normal among
        ``n_candidates`` prior draws. Returns ``(t, samples as rows, scores)``.
        """
        check_is_fitted(self)
        z = self.prior_.sample(n_candidates, generator=self._generator_for(random_state), device=self.device_)
        scores = self._in_chunks(lambda latent: self._anomaly_score(self.generator_(latent)), z)
        z_1, z_2 = z[scores.argsort()[:2]]
        t = np.linspace(0.0, 1.0, n_steps)
        steps = torch.as_tensor(t, dtype=z.dtype, device=self.device_)[:, None]  # (n_steps, 1)
        samples = self._in_chunks(self.generator_, (1 - steps) * z_1 + steps * z_2)
        path_scores = self._in_chunks(self._anomaly_score, samples)
        return t, samples.flatten(1).cpu().double().numpy(), path_scores.cpu().double().numpy()

    def _kept_snapshots(self):
        check_is_fitted(self)
        if getattr(self, "snapshots_", None) is None:
            raise ValueError("this model has no snapshots: they are deleted after a fit without keep_snapshots=True, "
                             "and never written to a model file (a loaded model has none); refit with "
                             "keep_snapshots=True (a data-parallel fit keeps them on rank 0 only)")
        return self.snapshots_

    def _generator_for(self, random_state):
        return torch_generator(torch_seed(random_state), self.device_)

    def _weights(self):
        return torch.tensor(self.snapshot_weights_, dtype=torch.float64)


def _check_count(n):
    """A number of samples: an integer of 1 or more."""
    if not is_count(n):
        raise ValueError(f"the number of samples must be an integer of 1 or more, got {n!r}")


def _linear_decay(fraction, *optimizers):
    """Set each learning rate to ``initial * (1 - fraction)`` (Gulrajani et al.'s linear decay to 0)."""
    for optimizer in optimizers:
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
            group["lr"] = group["initial_lr"] * max(0.0, 1.0 - fraction)
