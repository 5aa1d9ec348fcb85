"""Checks on a detector's fitted state: network sizes before allocation, finiteness after fitting.

A detector's fitted state is its networks (``network_names``), its fitted tensors
(``fitted_tensors``), its JSON values (``fitted_values``), ``imputer_``, ``scaler_`` and ``offset_``;
a detector without torch networks (``ganad.base_detector.BaseDetector``, not ``TorchDetector``)
has no networks and no fitted tensors.
``fit``, ``save_model`` and ``load_model`` all check it here, so that no path keeps, writes
or reads a model with a NaN or an infinity in it, and no path allocates networks beyond
``MAX_NETWORK_PARAMETERS``.
"""

import math

import numpy as np
import torch

from .training.history import TrainingDivergedError

# 1e9 float32 parameters are 4 GB of weights and about 16 GB while training with Adam:
# past that a typo in a width (or a hand-edited config.json) would exhaust the machine.
MAX_NETWORK_PARAMETERS = 10**9
SIZE_PARAMETER_WORDS = ("hidden", "width", "latent_dim")


def network_shapes(detector):
    """``{tensor name: shape}`` of the networks ``detector._build_networks()`` makes, allocating nothing.

    The networks are built on torch's ``meta`` device (shapes without storage), then the
    detector's attributes are restored as they were (a fitted detector keeps its trained
    networks); ``n_features_in_``, ``image_shape_`` and ``seed_`` must be set.
    """
    return {name: tuple(value.shape) for name, value in _meta_state(detector).items()}


def network_dtypes(detector):
    """``{tensor name: torch dtype}`` of the networks ``detector._build_networks()`` makes, allocating nothing
    (as ``network_shapes``)."""
    return {name: value.dtype for name, value in _meta_state(detector).items()}


def _meta_state(detector):
    """The networks' tensors by name, built on torch's ``meta`` device; the detector's attributes restored."""
    if not _network_names(detector):
        return {}
    state = dict(vars(detector))
    detector.device_ = torch.device("meta")
    try:
        with torch.device("meta"):
            detector._build_networks()
        return {f"{name}{key}": value
                for name in detector.network_names for key, value in getattr(detector, name).state_dict().items()}
    finally:
        vars(detector).clear()
        vars(detector).update(state)


def check_network_size(detector):
    """Refuse networks of more than ``MAX_NETWORK_PARAMETERS`` values, naming the parameters that size them."""
    shapes = network_shapes(detector)
    n_values = sum(math.prod(shape) for shape in shapes.values())
    if n_values <= MAX_NETWORK_PARAMETERS:
        return shapes
    defaults = type(detector)().get_params()
    sizing = {name: value for name, value in detector.get_params().items()
              if any(word in name for word in SIZE_PARAMETER_WORDS) and value != defaults.get(name)}
    causes = ", ".join(f"{name}={value!r}" for name, value in sizing.items()) or \
        f"the data's {detector.n_features_in_} features"
    raise ValueError(f"{type(detector).__name__}'s networks would hold {n_values:,} values "
                     f"({4 * n_values / 1e9:,.0f} GB in float32), beyond ganad's bound of "
                     f"{MAX_NETWORK_PARAMETERS:,}; they are sized by {causes}")


def fitted_tensors(detector):
    """Every fitted tensor by name: the networks' parameters and buffers, then ``fitted_tensors``."""
    tensors = {f"{name}{key}": value for name in _network_names(detector)
               for key, value in getattr(detector, name).state_dict().items()}
    tensors.update({name: getattr(detector, name) for name in getattr(detector, "fitted_tensors", ())})
    return tensors


def _network_names(detector):
    """The detector's torch networks: ``TorchDetector.network_names``, none for a ``BaseDetector``."""
    return getattr(detector, "network_names", ())


def non_finite_names(detector, *, with_tensors=True):
    """Names of the fitted tensors (unless not ``with_tensors``), values, imputer, scaler and offset
    holding a NaN or inf."""
    names = [name for name, value in (fitted_tensors(detector) if with_tensors else {}).items()
             if value.is_floating_point() and not bool(torch.isfinite(value).all())]
    values = {name: getattr(detector, name) for name in detector.fitted_values}
    if getattr(detector, "imputer_", None) is not None:
        values["imputer_"] = detector.imputer_
    values.update({f"scaler_[{key!r}]": value for key, value in (detector.scaler_ or {}).items()})
    values.update({f"support_[{key!r}]": value for key, value in (getattr(detector, "support_", None) or {}).items()})
    if hasattr(detector, "offset_"):
        values["offset_"] = detector.offset_
    return names + [name for name, value in values.items() if not _all_finite(value)]


def _all_finite(value):
    """True unless ``value`` (a number or nested lists/arrays of numbers, or other JSON) has a NaN or inf."""
    array = np.asarray(value, dtype=object).ravel() if not isinstance(value, str) else np.empty(0)
    return all(not isinstance(v, float | np.floating) or np.isfinite(v) for v in array)


def check_finite_state(detector):
    """Raise ``TrainingDivergedError`` naming every non-finite part of a just-fitted detector."""
    bad = non_finite_names(detector)
    if bad:
        raise TrainingDivergedError(
            f"fitting {type(detector).__name__} produced non-finite values in {_listing(bad)}; no model "
            "was kept. Lower the learning rate or scale the data.")


def check_offset_scores(scores):
    """The training rows' anomaly scores that set ``offset_`` must all be numbers (no NaN)."""
    return _refuse_nan(scores, TrainingDivergedError, "training rows scored NaN, so no threshold (offset_) can "
                       "be set and no model was kept; check the scoring parameters (e.g. a latent search's "
                       "learning rate)")


# Why a fitted model returns NaN for some rows (check_scores; explanation.check_contributions)
NAN_CAUSES = ("rows far beyond the training data can overflow the networks (scale the data), and a scoring "
              "parameter can diverge (e.g. a latent search's learning rate)")


def check_scores(scores):
    """Anomaly scores returned to a user: never NaN (an infinite score still ranks correctly)."""
    return _refuse_nan(scores, ValueError, f"rows scored NaN: the model cannot score them; {NAN_CAUSES}")


def _refuse_nan(scores, error, what):
    n_nan = int(np.isnan(scores).sum())
    if n_nan:
        raise error(f"{n_nan} of {len(scores)} {what}")
    return scores


def _listing(names, limit=5):
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
