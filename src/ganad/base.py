"""``TorchDetector``: the base class of every detector backed by torch networks.

``TorchDetector`` derives from ``ganad.base_detector.BaseDetector`` (the scikit-learn
contract on numpy rows, the score convention and the parameters every detector takes) and
adds what torch networks need: ``device_``, torch threads, seeded torch generators,
``network_names``, no-grad tensor scoring in chunks, and saving and restoring the networks;
its ``_fit_model(X)`` and ``_anomaly_score(X)`` take a float32 tensor on ``device_``, already
scaled and shaped (a batch -> a (B,) tensor). ``BaseGANDetector``, the single base class
before, is a deprecated alias of ``TorchDetector`` until ganad 0.2.

Data-parallel training. Under an initialised ``torch.distributed`` process group (``torchrun``,
``ganad fit --nproc N``) every rank calls ``fit`` on the whole training set; rank 0's
``seed_`` is used by all, each rank trains on its own shard of every batch (``batch_size``
rows per rank), the ranks end with identical fitted state, and ``save`` writes on rank 0
only (``ganad.training.distributed``).
"""

import functools
import math
import warnings

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from .base_detector import BaseDetector
from .training import distributed
from .training.budget import training_epochs
from .utils.device import resolve_device
from .utils.rng import torch_generator
from .utils.threads import choose_threads, torch_threads
from .utils.validation import to_tensor
from .fitted_state import check_network_size

# what ``fit`` sets beside the networks, ``fitted_tensors`` and ``fitted_values`` (and the
# optional ``feature_names_in_``): what a model file restores (``_restore_fitted``)
RESTORED_ATTRIBUTES = ("n_features_in_", "image_shape_", "seed_", "offset_", "calibration_rows_", "imputer_",
                       "scaler_", "support_", "device_")


# Rows per block of the CPU's float32 matrix kernels: on an AVX-512 machine a batch whose length
# is not a multiple of 16 computes its last rows with another kernel, whose rounding differs
# (1e-7 relative), so that a row's score would depend on how many rows it was scored with.
ROW_BLOCK = 16


def in_row_blocks(function, X):
    """``function(X)`` for a batch of rows (numpy or tensor), computed on ``X`` padded to a multiple of
    ``ROW_BLOCK`` rows with copies of its first row; the padding's results (rows of an array or
    tensor, or of each member of a tuple) are dropped. Each row's result is then the same whatever
    batch it is scored in (scikit-learn's subset invariance): to the bit for most networks, and within
    float32 rounding (1e-7 to 2e-6 relative, measured for BiGAN, ALAD, RCGAN and ADGAN on rows) where a CPU
    kernel's blocking still depends on the number of blocks."""
    n_rows = len(X)
    n_padding = -n_rows % ROW_BLOCK
    if n_padding == 0:
        return function(X)
    if isinstance(X, torch.Tensor):
        padded = torch.cat([X, X[:1].expand(n_padding, *X.shape[1:])])
    else:
        padded = np.concatenate([X, np.repeat(X[:1], n_padding, axis=0)])
    out = function(padded)
    return tuple(part[:n_rows] for part in out) if isinstance(out, tuple) else out[:n_rows]


class TorchDetector(BaseDetector):
    """Base class: a :class:`~ganad.base_detector.BaseDetector` backed by torch networks.

    Takes :class:`~ganad.base_detector.BaseDetector`'s parameters. The model runs on
    ``device_`` with torch's intra-op threads chosen per fit and scoring call (``n_threads``,
    ``ganad.utils.threads``) and draws from local generators seeded from ``seed_``. Subclasses
    name their fitted modules in ``network_names``, build them in ``_build_networks()`` (on
    ``device_``, initialised from ``seed_``; also used by ``ganad.load``), and implement
    ``_fit_model(X)`` and ``_anomaly_score(X)`` on float32 tensors on ``device_`` (images shaped
    (B, C, H, W)), scored chunk by chunk without gradients. ``save`` writes the networks,
    ``fitted_tensors``, ``fitted_values`` and ``history_`` (safetensors + JSON); ``ganad.load``
    restores them.

    Attributes
    ----------
    device_ : torch.device
        The device the networks are on.
    """

    savable = True  # False where the fitted state cannot be written as tensors + JSON
    network_names = ()  # fitted torch modules, written by ganad.model_folder.save_model
    fitted_tensors = ()  # tensor fitted attributes beyond the networks
    paper_epochs = None  # the paper's epochs: the floor of n_epochs="auto" (ganad.training.budget)
    min_updates = None  # n_epochs="auto"'s minimum updates on rows; None: budget.MIN_UPDATES

    def _set_run_state(self, n_features):
        """``image_shape_``, ``seed_`` and ``device_``: what the networks are built from."""
        super()._set_run_state(n_features)
        self.device_ = resolve_device(self.device)

    def _fit_threads(self):
        """Torch threads for fitting, chosen from the networks' size, which is checked first
        (``check_network_size``: built on torch's meta device, nothing allocated)."""
        n_values = sum(math.prod(shape) for shape in check_network_size(self).values())
        return torch_threads(self._threads(n_values))

    def _scoring_threads(self):
        return torch_threads(self._threads())

    def _threads(self, n_values=None):
        """Torch threads for this model's fit or scoring (``ganad.utils.threads``)."""
        if n_values is None:
            n_values = sum(p.numel() for name in self.network_names for p in getattr(self, name).parameters())
        return choose_threads(self.n_threads, convolutional=self.image_shape_ is not None, n_values=n_values)

    def _training_epochs(self, n_rows, n_epochs=None, paper_epochs=None):
        """Epochs to train on ``n_rows`` rows for ``n_epochs`` (default the parameter), "auto" resolved."""
        return training_epochs(self.n_epochs if n_epochs is None else n_epochs,
                               paper_epochs=self.paper_epochs if paper_epochs is None else paper_epochs,
                               n_batches=distributed.n_batches(n_rows, self.batch_size),
                               updates_per_batch=self._updates_per_batch(),
                               min_updates=self.min_updates if self.image_shape_ is None else None)

    def _updates_per_batch(self):
        """Updates of the fitted model per minibatch (a GAN's generator: 1 / n_critic)."""
        return 1.0

    def _model_input(self, X):
        """Scaled rows as a float32 tensor on ``device_``, images shaped (B, C, H, W)."""
        return to_tensor(X, self.device_, self.image_shape_)

    def _model_output(self, values):
        return values.cpu().double().numpy()

    @torch.no_grad()
    def _score_chunk(self, X):
        return in_row_blocks(super()._score_chunk, X)

    @torch.no_grad()
    def _explain_chunk(self, X):
        return in_row_blocks(super()._explain_chunk, X)

    def _in_chunks(self, function, X):
        """``function`` over the rows of tensor ``X`` in chunks of ``score_batch_size``, no gradients.

        The results fill one preallocated tensor (see ``_method_scores``).
        """
        blocked = functools.partial(in_row_blocks, function)
        with torch.no_grad():
            first = blocked(X[:self.score_batch_size])
            out = first.new_empty((len(X), *first.shape[1:]))
            out[:len(first)] = first
            for start in range(len(first), len(X), self.score_batch_size):
                out[start:start + self.score_batch_size] = blocked(X[start:start + self.score_batch_size])
            return out

    def _map_rows(self, network, X):
        """Validate, scale and shape ``X`` like the scoring path, then apply ``network`` (numpy out)."""
        check_is_fitted(self)
        self._validate_params()
        X = self._scoring_input(X)
        with self._scoring_threads():
            values = self._in_chunks(network, self._model_input(X))
        return self._model_output(values)

    def reconstruction(self, X):
        """The detector's reconstruction of each row of ``X`` (``reconstruct``: G(E(x)), D(E(x)),
        G(z*) of a latent search), as flat rows in the scaled space the networks see.

        For the detectors that reconstruct their input; others raise ``AttributeError``.
        """
        if not hasattr(self, "reconstruct"):
            raise AttributeError(f"{type(self).__name__} does not reconstruct its input")
        return self._map_rows(lambda x: self.reconstruct(x).flatten(1), X)

    def _seeded_generator(self, phase=0):
        """A fresh ``torch.Generator`` on ``device_`` for one phase of fitting or scoring."""
        return torch_generator(self.seed_ + phase, self.device_)

    def _restore_fitted(self, values):
        """Set the fitted attributes read from a model file (``ganad.io.load_model``), networks aside.

        ``values`` maps each attribute ``fit`` sets beside the networks and ``fitted_tensors``
        (``RESTORED_ATTRIBUTES``, ``feature_names_in_`` optional) and this detector's
        ``fitted_values`` to its value; ``_restore_networks`` follows.
        """
        unknown = set(values) - set(RESTORED_ATTRIBUTES) - {"feature_names_in_", *self.fitted_values}
        missing = set(RESTORED_ATTRIBUTES) - set(values)
        if unknown or missing:
            raise ValueError(f"{type(self).__name__}: no fitted attribute(s) {sorted(unknown)}, "
                             f"missing {sorted(missing)}")
        for name, value in values.items():
            setattr(self, name, value)
        self._hold_threshold_parameters()  # the file's parameters are those offset_ was saved under

    def _fitted_tensor_shapes(self):
        """``{name: shape}`` of the ``fitted_tensors`` that the parameters and fitted values imply (None: any
        positive size); a model file's are checked against them before its tensors are loaded (``ganad.io``)."""
        return {}

    def _restore_networks(self, tensors, history):
        """Build the networks and load a model file's tensors: ``{network name + state_dict key: tensor}``
        and the ``fitted_tensors`` by name, already checked against the networks' shapes."""
        self._build_networks()
        for name in self.network_names:
            state = {k[len(name):]: v for k, v in tensors.items() if k.startswith(name) and "." in k}
            getattr(self, name).load_state_dict(state)
        for name in self.fitted_tensors:
            setattr(self, name, tensors[name].to(self.device_))
        self.history_ = history


def __getattr__(name):
    """``BaseGANDetector``, the one base class before the split, kept for one release (PEP 562)."""
    if name == "BaseGANDetector":
        warnings.warn("ganad.base.BaseGANDetector is deprecated and will be removed after ganad 0.2: derive from "
                      "ganad.base.TorchDetector (a detector backed by torch networks; BaseGANDetector is that "
                      "class until then) or ganad.base_detector.BaseDetector (the scikit-learn contract on numpy rows)",
                      FutureWarning, stacklevel=2)
        return TorchDetector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
