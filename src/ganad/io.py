"""Model files: a folder with ``model.safetensors`` (tensors) and ``config.json`` (the rest).

Loading never executes code: safetensors holds raw tensors only, the JSON holds
plain values, and the class to rebuild is looked up by name in ``ganad.registry``.
Anything else -- a pickle, a torch ``.pt`` file, a folder without these two files --
is refused with ``ValueError``.
"""

import json
import os
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from sklearn.utils.validation import check_is_fitted

from . import __version__
from .registry import get_detector, method_name
from .training.history import TrainingHistory
from .utils.atomic import atomic_path
from .utils.device import resolve_device

FORMAT = "ganad-model"
FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
TENSOR_FILE = "model.safetensors"
USER_MODULE_PARAMS = ("generator", "critic", "encoder")


def save_model(detector, path):
    """Write a fitted detector to the folder ``path``; returns the folder."""
    check_is_fitted(detector)
    if not detector.savable:
        raise ValueError(f"{type(detector).__name__} cannot be saved without pickle, which ganad refuses; "
                         "refit it from its parameters instead")
    custom = [name for name in USER_MODULE_PARAMS if detector.get_params().get(name) is not None]
    if custom:
        raise ValueError(f"cannot save a detector built with user-supplied modules {custom}: "
                         "their code cannot be stored safely; save their state_dict yourself")
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    tensors = {f"{name}{key}": value.detach().cpu().contiguous()
               for name in detector.network_names
               for key, value in getattr(detector, name).state_dict().items()}
    tensors.update({name: getattr(detector, name).detach().cpu().contiguous()
                    for name in detector.fitted_tensors})
    tensors.update({k: v.float() for k, v in detector.history_.to_tensors().items()})
    with atomic_path(path / TENSOR_FILE) as tmp:
        save_file(tensors, tmp)
    with atomic_path(path / CONFIG_FILE) as tmp:
        tmp.write_text(json.dumps(_config(detector), indent=2))
    return path


def load_model(path, *, device="auto"):
    """Rebuild the detector saved in the folder ``path``, ready to score, on ``device``."""
    path = Path(path)
    config = _read_config(path)
    detector = get_detector(config["method"])(**params_from_json(config["params"]))
    detector.set_params(device=device)
    detector.n_features_in_ = config["n_features_in"]
    detector.image_shape_ = None if config["image_shape"] is None else tuple(config["image_shape"])
    detector.seed_ = config["seed"]
    detector.offset_ = config["offset"]
    detector.scaler_ = None if config["scaler"] is None else {k: np.asarray(v) for k, v in config["scaler"].items()}
    detector.device_ = resolve_device(device)
    detector._build_networks()
    tensors = _read_tensors(path / TENSOR_FILE)
    for name in detector.network_names:
        state = {k[len(name):]: v for k, v in tensors.items() if k.startswith(name) and "." in k}
        getattr(detector, name).load_state_dict(state)
    for name in detector.fitted_tensors:
        setattr(detector, name, tensors[name].to(detector.device_))
    for name, value in config["fitted"].items():
        setattr(detector, name, tuple(value) if isinstance(value, list) else value)
    detector.history_ = TrainingHistory.from_tensors(tensors)
    return detector


def _config(detector):
    params = {k: v for k, v in detector.get_params().items() if k not in USER_MODULE_PARAMS}
    scaler = None if detector.scaler_ is None else {k: v.tolist() for k, v in detector.scaler_.items()}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "ganad_version": __version__,
        "method": method_name(detector),
        "params": _params_to_json(params),
        "n_features_in": int(detector.n_features_in_),
        "image_shape": None if detector.image_shape_ is None else list(detector.image_shape_),
        "seed": int(detector.seed_),
        "offset": float(detector.offset_),
        "scaler": scaler,
        "fitted": {name: getattr(detector, name) for name in detector.fitted_values},
    }


def _params_to_json(params):
    out = {}
    for name, value in params.items():
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, os.PathLike):
            value = os.fspath(value)
        elif isinstance(value, np.random.RandomState | np.random.Generator):
            value = None  # the drawn seed is stored instead
        out[name] = value
    return out


def params_from_json(params):
    """Parameters as a loaded model has them: JSON lists back to tuples."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def _read_config(path):
    config_file, tensor_file = path / CONFIG_FILE, path / TENSOR_FILE
    if not (config_file.is_file() and tensor_file.is_file()):
        raise ValueError(f"{path} is not a ganad model folder: it needs {CONFIG_FILE} and {TENSOR_FILE}")
    try:
        config = json.loads(config_file.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{config_file} is not valid JSON: {error}") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ValueError(f"{config_file} is not a ganad model description (format != {FORMAT!r})")
    if config.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{config_file} has format version {config.get('format_version')}, "
                         f"this ganad reads version {FORMAT_VERSION}")
    return config


def _read_tensors(tensor_file):
    try:
        return load_file(tensor_file, device="cpu")
    except (SafetensorError, OSError, ValueError) as error:
        raise ValueError(f"{tensor_file} is not a safetensors file ({error}); "
                         "ganad loads nothing else, pickles included") from None

