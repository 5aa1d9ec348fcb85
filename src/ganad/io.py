"""Model files: a folder with ``model.safetensors``, ``config.json`` and ``manifest.json``.

Loading never executes code: safetensors holds raw tensors only, the JSON holds plain
values, and the class to rebuild is looked up by name in ``ganad.registry``. Anything
else -- a pickle, a torch ``.pt`` file, a folder without these files -- is refused with
``ValueError``.

A model is trusted only once it is whole and consistent:

* the folder is written as a whole (a temporary sibling folder, then a rename), so a
  kill leaves either the previous model or the new one, never a mix;
* ``manifest.json`` binds the other two files by SHA-256: a flipped byte, a hand-edited
  config or files of two models put together are refused;
* ``config.json`` is validated against the detector's parameter constraints, and the
  networks it describes are sized on torch's ``meta`` device (no allocation) and checked
  against the tensor file's names and shapes before any tensor is loaded;
* no tensor, fitted value, imputer, scaler or offset may hold a NaN or an infinity, on save or load.

A folder written before ``impute`` existed has no ``imputer`` field: it loads with
``impute=None`` and ``imputer_ = None``, refusing NaN as it did.

Folders of format version 1 (before manifests) still load, with every check but the hash.

The format and the writing side (``save_model``) live in ``ganad.model_folder``, below the
detectors (``detector.save`` uses it); this module reads models back and needs the registry.
"""

import json
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file

from .fitted_state import check_network_size, network_dtypes, non_finite_names
from .model_folder import (CONFIG_FILE, FORMAT, FORMAT_VERSION, HISTORY_PREFIX, MANIFEST_FILE, MAX_CONFIG_BYTES,
                           MODEL_FILES, READABLE_VERSIONS, TENSOR_FILE, check_model_destination, file_sha256,
                           manifest, params_from_json, save_model, user_module_params)
from .model_schema import check_config
from .registry import DETECTORS, method_name
from .training.history import TrainingHistory
from .utils.device import resolve_device
from .utils.params import current_names

__all__ = ["CONFIG_FILE", "FORMAT", "FORMAT_VERSION", "HISTORY_PREFIX", "MANIFEST_FILE", "MAX_CONFIG_BYTES",
           "MODEL_FILES", "READABLE_VERSIONS", "TENSOR_FILE", "check_model_destination", "load_model", "manifest",
           "params_from_json", "save_model", "user_module_params"]


def load_model(path, *, device="auto"):
    """Rebuild the detector saved in the folder ``path``, ready to score, on ``device``.

    Refuses (``ValueError``, naming the problem) a folder whose files do not match their
    manifest, a config that does not validate, networks whose tensors are missing, extra
    or of other shapes, and any non-finite tensor or value.

    Parameters
    ----------
    path : str or path-like
        A folder written by ``detector.save(path)`` (safetensors + JSON).
    device : str or torch.device, default="auto"
        Where the networks are loaded, as the detectors' ``device`` parameter.

    Returns
    -------
    detector
        The fitted detector, of the saved class and parameters.

    Examples
    --------
    >>> import tempfile
    >>> import ganad
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = ganad.WGANEncoder(n_epochs=1, encoder_epochs=1, hidden=(16, 16), random_state=0).fit(X)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = detector.save(folder)
    ...     loaded = ganad.load(folder)
    >>> bool((loaded.anomaly_score(X) == detector.anomaly_score(X)).all())
    True
    """
    path = Path(path)
    config = _read_config(path)
    detector = _detector_from_config(config, path, device)
    expected = check_network_size(detector)
    tensors = _read_tensors(path / TENSOR_FILE, expected, detector)
    detector._restore_networks(tensors, TrainingHistory.from_tensors(tensors, HISTORY_PREFIX))
    return detector


def _detector_from_config(config, path, device):
    """A detector with the config's parameters and fitted values, validated; no networks yet."""
    cls = DETECTORS[config["method"]]
    params = current_names(cls, config["params"], warn=False)  # a file of an earlier release: former names
    unknown = sorted(set(params) - set(cls.hyperparameters))
    if unknown:
        raise ValueError(f"{path / CONFIG_FILE}: unknown parameter(s) {unknown} for {config['method']}")
    detector = cls(**params_from_json(params))
    try:
        detector._validate_params()
    except ValueError as error:
        raise ValueError(f"{path / CONFIG_FILE}: {error}") from None
    detector.set_params(device=device)
    detector._restore_fitted(_fitted_values(config, device))
    bad = non_finite_names(detector, with_tensors=False)
    if bad:
        raise ValueError(f"{path / CONFIG_FILE}: non-finite values in {', '.join(bad)}")
    return detector


def _fitted_values(config, device):
    """The fitted attributes a config describes, by name, as ``fit`` sets them (arrays, tuples)."""
    imputer, support = config.get("imputer"), config.get("support")
    values = {
        "n_features_in_": config["n_features_in"],
        "image_shape_": None if config["image_shape"] is None else tuple(config["image_shape"]),
        "seed_": config["seed"],
        "offset_": config["offset"],
        "calibration_rows_": config.get("calibration_rows"),  # absent from files saved before calibrate
        "imputer_": None if imputer is None else np.asarray(imputer, dtype=np.float64),
        "scaler_": None if config["scaler"] is None else {k: np.asarray(v) for k, v in config["scaler"].items()},
        "support_": None if support is None else {k: v if k == "score" else np.asarray(v, dtype=np.float64)
                                                  for k, v in support.items()},
    }
    if config.get("feature_names") is not None:  # strings, checked by check_config
        values["feature_names_in_"] = np.asarray(config["feature_names"], dtype=object)
    values.update({name: tuple(value) if isinstance(value, list) else value
                   for name, value in config["fitted"].items()})
    values["device_"] = resolve_device(device)
    return values


def _read_config(path):
    """The validated ``config.json`` of the model folder ``path`` (files checked against the manifest)."""
    config_file, tensor_file = path / CONFIG_FILE, path / TENSOR_FILE
    if not (config_file.is_file() and tensor_file.is_file()):
        raise ValueError(f"{path} is not a ganad model folder: it needs {CONFIG_FILE} and {TENSOR_FILE}")
    if config_file.stat().st_size > MAX_CONFIG_BYTES:
        raise ValueError(f"{config_file} is larger than {MAX_CONFIG_BYTES // 2**20} MB: not a ganad model description")
    config = _read_json(config_file)
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ValueError(f"{config_file} is not a ganad model description (format != {FORMAT!r})")
    version = config.get("format_version")
    if type(version) is not int or version not in READABLE_VERSIONS:  # not true, nor 2.0: exactly what we write
        raise ValueError(f"{config_file} has format version {version!r}, "
                         f"this ganad reads versions {READABLE_VERSIONS}")
    if version >= 2:
        _check_manifest(path)
    check_config(config, config_file)
    return config


def _read_json(file):
    try:
        return json.loads(file.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"{file} is not valid JSON: {type(error).__name__}: {error}") from None


def _check_manifest(path):
    manifest_file = path / MANIFEST_FILE
    if not manifest_file.is_file():
        raise ValueError(f"{path} has no {MANIFEST_FILE}: the model folder is incomplete (an interrupted copy?)")
    recorded = _read_json(manifest_file)
    hashes = recorded.get("sha256") if isinstance(recorded, dict) else None
    if not isinstance(hashes, dict):
        raise ValueError(f"{manifest_file} is not a ganad manifest")
    for name in (CONFIG_FILE, TENSOR_FILE):
        if hashes.get(name) != file_sha256(path / name):
            raise ValueError(f"{path / name} does not match {MANIFEST_FILE} (SHA-256 differs): the file was "
                             "changed or comes from another model; refit or restore the folder")


def _read_tensors(tensor_file, expected, detector):
    """The tensors of ``tensor_file``, after checking names and shapes against ``expected``."""
    try:
        with safe_open(tensor_file, framework="pt") as handle:
            shapes = {name: tuple(handle.get_slice(name).get_shape()) for name in handle.keys()}
    except (SafetensorError, OSError, ValueError) as error:
        raise ValueError(f"{tensor_file} is not a safetensors file ({error}); "
                         "ganad loads nothing else, pickles included") from None
    _check_tensor_names(tensor_file, shapes, expected, detector)
    tensors = load_file(tensor_file, device="cpu")
    _check_dtypes(tensor_file, tensors, network_dtypes(detector))
    bad = [name for name, value in tensors.items() if value.is_floating_point() and not value.isfinite().all()]
    if bad:
        raise ValueError(f"{tensor_file}: non-finite values in {', '.join(sorted(bad))}")
    return tensors


def _check_dtypes(tensor_file, tensors, network_dtypes):
    """The network tensors in their networks' dtypes (float32 weights, int64 counters), the rest (fitted tensors,
    training history) in float32 or float64: another dtype would be cast on loading, losing what was fitted."""
    wrong = sorted((name, value.dtype) for name, value in tensors.items()
                   if value.dtype != network_dtypes.get(name, value.dtype)
                   or name not in network_dtypes and value.dtype not in (torch.float32, torch.float64))
    if wrong:
        name, dtype = wrong[0]
        needed = network_dtypes.get(name, "float32 or float64")
        raise ValueError(f"{tensor_file} does not hold a ganad model: {name} is stored as {dtype}, "
                         f"ganad writes it as {needed} ({len(wrong)} tensor(s) in another dtype)")


def _fits(shape, implied):
    """``shape`` is ``implied``, where an ``implied`` None stands for any positive size."""
    return len(shape) == len(implied) and all(
        size == want if want is not None else size >= 1 for size, want in zip(shape, implied))


def _check_tensor_names(tensor_file, shapes, expected, detector):
    """Every network tensor present with its shape, the fitted tensors present with the shapes the config implies,
    nothing else."""
    allowed = set(expected) | set(detector.fitted_tensors)
    missing = sorted(allowed - set(shapes))
    extra = sorted(name for name in set(shapes) - allowed if not name.startswith(HISTORY_PREFIX))
    needed = {**expected, **{name: tuple(shape) for name, shape in detector._fitted_tensor_shapes().items()}}
    wrong = sorted(name for name, shape in needed.items() if name in shapes and not _fits(shapes[name], shape))
    method = method_name(detector)
    if missing or extra:
        raise ValueError(f"{tensor_file} does not hold a {method} model: "
                         f"missing {missing[:5]}, unexpected {extra[:5]}")
    if wrong:
        raise ValueError(f"{tensor_file} does not match its config: {wrong[0]} has shape {shapes[wrong[0]]}, "
                         f"the config needs {needed[wrong[0]]}")
