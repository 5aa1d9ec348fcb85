"""The model folder's format and its writing side: ``save_model`` (``detector.save``).

A model is a folder with ``model.safetensors`` (every network tensor, fitted tensor and the
training history), ``config.json`` (the method, its parameters and the fitted values) and
``manifest.json`` (the SHA-256 of the other two). ``ganad.io`` reads it back and describes
the checks; this module sits below the detectors (it names a detector through
``ganad.catalog.method_name``, importing none), so that ``BaseDetector.save`` can use it.
"""

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from sklearn.utils.validation import check_is_fitted

from ._version import __version__
from .catalog import method_name
from .fitted_state import fitted_tensors, network_shapes, non_finite_names
from .utils.atomic import current_umask, remove_stray, stray_name

FORMAT = "ganad-model"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
CONFIG_FILE = "config.json"
TENSOR_FILE = "model.safetensors"
MANIFEST_FILE = "manifest.json"
MODEL_FILES = (CONFIG_FILE, TENSOR_FILE, MANIFEST_FILE)
MAX_CONFIG_BYTES = 64 * 2**20
HISTORY_PREFIX = "history."


def user_module_params(detector):
    """The parameters of ``detector`` (a detector or its class) that take a torch module of the user's.

    Those whose declared constraints (``hyperparameters``, ``ganad.utils.params``) accept a
    ``torch.nn.Module``: ``generator``, ``critic``, ``encoder``. Their code cannot be stored
    safely, so a model file keeps none of them.
    """
    return tuple(name for name, p in detector.hyperparameters.items() if torch.nn.Module in p.constraints)


def save_model(detector, path):
    """Write a fitted detector to the folder ``path``, as a whole; returns the folder.

    ``path`` may be new, an empty folder or a ganad model folder (which is replaced);
    anything else is refused before a byte is written (:func:`check_model_destination`).
    """
    check_is_fitted(detector)
    if not detector.savable:
        raise ValueError(f"{type(detector).__name__} cannot be saved without pickle, which ganad refuses; "
                         "refit it from its parameters instead")
    custom = [name for name in user_module_params(detector) if detector.get_params().get(name) is not None]
    if custom:
        raise ValueError(f"cannot save a detector built with user-supplied modules {custom}: "
                         "their code cannot be stored safely; save their state_dict yourself")
    bad = non_finite_names(detector)
    if bad:
        raise ValueError(f"refusing to save {type(detector).__name__}: non-finite values in {', '.join(bad)}")
    _check_networks_match_params(detector)
    detector._check_threshold_parameters("save")  # the file would pair offset_ with parameters it was not set under
    path = check_model_destination(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stray(path)
    tensors = {name: value.detach().cpu().contiguous() for name, value in fitted_tensors(detector).items()}
    tensors.update({k: v.float() for k, v in detector.history_.to_tensors(HISTORY_PREFIX).items()})
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=stray_name(path, "new")))
    try:
        save_file(tensors, staging / TENSOR_FILE)
        (staging / CONFIG_FILE).write_text(json.dumps(_config(detector), indent=2))
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest(staging), indent=2))
        _apply_umask(staging)
        _replace_folder(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def check_model_destination(path):
    """``path`` as a ``Path`` if a model may be saved there, else ``ValueError`` saying why.

    A model may go to a new path, an empty folder or an existing ganad model folder
    (replaced as a whole); never over a file or into a folder holding anything else.
    """
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise ValueError(f"{path} exists and is not a folder; a model is a folder: choose another path")
    if path.is_dir() and any(path.iterdir()) and not _is_model_folder(path):
        raise ValueError(f"{path} is a folder that holds other files, not a ganad model: "
                         "choose a new or empty folder (a model folder is replaced as a whole)")
    return path


def _check_networks_match_params(detector):
    """Refuse a detector whose networks are not those its parameters build (``set_params`` after ``fit``): the
    folder would hold the parameters and the fitted tensors of two models, and no load could rebuild it."""
    built = network_shapes(detector)
    held = {name: tuple(value.shape) for name, value in fitted_tensors(detector).items() if name in built}
    unlike = sorted(name for name in built if held.get(name) != built[name])
    if unlike:
        raise ValueError(f"refusing to save {type(detector).__name__}: its parameters now build other networks than "
                         f"the fitted ones ({unlike[0]}: fitted {held.get(unlike[0])}, the parameters give "
                         f"{built[unlike[0]]}); set_params after fit changed them: refit, or set them back")


def _config(detector):
    params = {k: v for k, v in detector.get_params().items() if k not in user_module_params(detector)}
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
        "calibration_rows": detector.calibration_rows_,
        "imputer": None if detector.imputer_ is None else detector.imputer_.tolist(),
        "scaler": scaler,
        "support": None if detector.support_ is None else
        {k: v if k == "score" else v.tolist() for k, v in detector.support_.items()},
        "feature_names": _feature_names(detector),
        "fitted": {name: getattr(detector, name) for name in detector.fitted_values},
    }


def _feature_names(detector):
    """``feature_names_in_`` as a list of str for ``config.json``, None when the model has none.

    scikit-learn sets ``feature_names_in_`` only from column names that are all strings, and
    checks the columns of every scored DataFrame against it; loaded, the list becomes the
    same object array, so the loaded model accepts, warns and refuses exactly as the saved
    one. Anything else (numbers, a wrong count) would load as other names: refused.
    """
    names = getattr(detector, "feature_names_in_", None)
    if names is None:
        return None
    names = list(np.asarray(names, dtype=object).ravel())
    if len(names) != detector.n_features_in_ or not all(isinstance(name, str) for name in names):
        raise ValueError(f"cannot save {type(detector).__name__}: feature_names_in_ must hold "
                         f"{detector.n_features_in_} strings, as scikit-learn sets it, got {names[:5]!r}")
    return [str(name) for name in names]


def _params_to_json(params):
    out = {}
    for name, value in params.items():
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, os.PathLike):
            value = os.fspath(value)
        elif isinstance(value, torch.device):  # the device parameter accepts one; JSON has strings
            value = str(value)
        elif isinstance(value, np.random.RandomState | np.random.Generator):
            value = None  # the drawn seed is stored instead
        out[name] = value
    return out


def params_from_json(params):
    """Parameters as a loaded model has them: JSON lists back to tuples."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def manifest(folder):
    return {"format": FORMAT, "sha256": {name: file_sha256(folder / name) for name in (CONFIG_FILE, TENSOR_FILE)}}


def file_sha256(file):
    digest = hashlib.sha256()
    with open(file, "rb") as stream:
        for block in iter(lambda: stream.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_model_folder(path):
    """True for a folder holding a ganad model (its config names the format), whole or not."""
    try:
        return json.loads((path / CONFIG_FILE).read_text()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError, RecursionError):
        return False


def _replace_folder(staging, path):
    """Move the finished folder ``staging`` to ``path``, replacing a previous model there."""
    if not path.exists():
        os.rename(staging, path)
        return
    previous = Path(tempfile.mkdtemp(dir=path.parent, prefix=stray_name(path, "old")))
    os.rename(path, previous / path.name)
    os.rename(staging, path)
    shutil.rmtree(previous, ignore_errors=True)


def _apply_umask(folder):
    """``mkdtemp`` makes a 0700 folder: give it and its files the modes the user's umask allows."""
    umask = current_umask()
    os.chmod(folder, 0o777 & ~umask)
    for file in folder.iterdir():
        os.chmod(file, 0o666 & ~umask)
