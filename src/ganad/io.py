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
"""

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file
from sklearn.utils.validation import check_is_fitted

from . import __version__
from .fitted_state import check_network_size, fitted_tensors, non_finite_names
from .model_schema import check_config
from .registry import DETECTORS, method_name
from .training.history import TrainingHistory
from .utils.atomic import current_umask, remove_stray, stray_name
from .utils.device import resolve_device

FORMAT = "ganad-model"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
CONFIG_FILE = "config.json"
TENSOR_FILE = "model.safetensors"
MANIFEST_FILE = "manifest.json"
MODEL_FILES = (CONFIG_FILE, TENSOR_FILE, MANIFEST_FILE)
MAX_CONFIG_BYTES = 64 * 2**20
USER_MODULE_PARAMS = ("generator", "critic", "encoder")
HISTORY_PREFIX = "history."


def save_model(detector, path):
    """Write a fitted detector to the folder ``path``, as a whole; returns the folder.

    ``path`` may be new, an empty folder or a ganad model folder (which is replaced);
    anything else is refused before a byte is written (:func:`check_model_destination`).
    """
    check_is_fitted(detector)
    if not detector.savable:
        raise ValueError(f"{type(detector).__name__} cannot be saved without pickle, which ganad refuses; "
                         "refit it from its parameters instead")
    custom = [name for name in USER_MODULE_PARAMS if detector.get_params().get(name) is not None]
    if custom:
        raise ValueError(f"cannot save a detector built with user-supplied modules {custom}: "
                         "their code cannot be stored safely; save their state_dict yourself")
    bad = non_finite_names(detector)
    if bad:
        raise ValueError(f"refusing to save {type(detector).__name__}: non-finite values in {', '.join(bad)}")
    path = check_model_destination(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stray(path)
    tensors = {name: value.detach().cpu().contiguous() for name, value in fitted_tensors(detector).items()}
    tensors.update({k: v.float() for k, v in detector.history_.to_tensors(HISTORY_PREFIX).items()})
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=stray_name(path, "new")))
    try:
        save_file(tensors, staging / TENSOR_FILE)
        (staging / CONFIG_FILE).write_text(json.dumps(_config(detector), indent=2))
        (staging / MANIFEST_FILE).write_text(json.dumps(_manifest(staging), indent=2))
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
    detector._build_networks()
    for name in detector.network_names:
        state = {k[len(name):]: v for k, v in tensors.items() if k.startswith(name) and "." in k}
        getattr(detector, name).load_state_dict(state)
    for name in detector.fitted_tensors:
        setattr(detector, name, tensors[name].to(detector.device_))
    detector.history_ = TrainingHistory.from_tensors(tensors, HISTORY_PREFIX)
    return detector


def _detector_from_config(config, path, device):
    """A detector with the config's parameters and fitted values, validated; no networks yet."""
    cls = DETECTORS[config["method"]]
    unknown = sorted(set(config["params"]) - set(cls().get_params()))
    if unknown:
        raise ValueError(f"{path / CONFIG_FILE}: unknown parameter(s) {unknown} for {config['method']}")
    detector = cls(**params_from_json(config["params"]))
    try:
        detector._validate_params()
    except ValueError as error:
        raise ValueError(f"{path / CONFIG_FILE}: {error}") from None
    detector.set_params(device=device)
    detector.n_features_in_ = config["n_features_in"]
    detector.image_shape_ = None if config["image_shape"] is None else tuple(config["image_shape"])
    detector.seed_ = config["seed"]
    detector.offset_ = config["offset"]
    imputer = config.get("imputer")
    detector.imputer_ = None if imputer is None else np.asarray(imputer, dtype=np.float64)
    detector.scaler_ = None if config["scaler"] is None else {k: np.asarray(v) for k, v in config["scaler"].items()}
    support = config.get("support")
    detector.support_ = None if support is None else {k: v if k == "score" else np.asarray(v, dtype=np.float64)
                                                       for k, v in support.items()}
    if config.get("feature_names") is not None:  # strings, checked by check_config
        detector.feature_names_in_ = np.asarray(config["feature_names"], dtype=object)
    for name, value in config["fitted"].items():
        setattr(detector, name, tuple(value) if isinstance(value, list) else value)
    detector.device_ = resolve_device(device)
    bad = non_finite_names(detector, with_tensors=False)
    if bad:
        raise ValueError(f"{path / CONFIG_FILE}: non-finite values in {', '.join(bad)}")
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
        elif isinstance(value, np.random.RandomState | np.random.Generator):
            value = None  # the drawn seed is stored instead
        out[name] = value
    return out


def params_from_json(params):
    """Parameters as a loaded model has them: JSON lists back to tuples."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def _manifest(folder):
    return {"format": FORMAT, "sha256": {name: _sha256(folder / name) for name in (CONFIG_FILE, TENSOR_FILE)}}


def _sha256(file):
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
    if config.get("format_version") not in READABLE_VERSIONS:
        raise ValueError(f"{config_file} has format version {config.get('format_version')!r}, "
                         f"this ganad reads versions {READABLE_VERSIONS}")
    if config["format_version"] >= 2:
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
    manifest = _read_json(manifest_file)
    hashes = manifest.get("sha256") if isinstance(manifest, dict) else None
    if not isinstance(hashes, dict):
        raise ValueError(f"{manifest_file} is not a ganad manifest")
    for name in (CONFIG_FILE, TENSOR_FILE):
        if hashes.get(name) != _sha256(path / name):
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
    bad = [name for name, value in tensors.items() if value.is_floating_point() and not value.isfinite().all()]
    if bad:
        raise ValueError(f"{tensor_file}: non-finite values in {', '.join(sorted(bad))}")
    return tensors


def _check_tensor_names(tensor_file, shapes, expected, detector):
    """Every network tensor present with its shape, the fitted tensors present, nothing else."""
    allowed = set(expected) | set(detector.fitted_tensors)
    missing = sorted(allowed - set(shapes))
    extra = sorted(name for name in set(shapes) - allowed if not name.startswith(HISTORY_PREFIX))
    wrong = sorted(name for name in expected if name in shapes and shapes[name] != expected[name])
    method = method_name(detector)
    if missing or extra:
        raise ValueError(f"{tensor_file} does not hold a {method} model: "
                         f"missing {missing[:5]}, unexpected {extra[:5]}")
    if wrong:
        raise ValueError(f"{tensor_file} does not match its config: {wrong[0]} has shape {shapes[wrong[0]]}, "
                         f"the config's networks need {expected[wrong[0]]}")
