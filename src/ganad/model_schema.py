"""The shape of a model folder's ``config.json``, checked before anything is built from it.

``check_config`` refuses, with ``ValueError`` naming the field, every value a ganad save
cannot have written: a wrong type, a missing or unknown key, a feature count that does not
match the image shape, the imputer or the scaler, a non-finite offset, a ``calibration_rows``
that is neither null nor a count of two or more, an imputer without
``impute`` (or the reverse). The detector's own parameters are
checked afterwards by its ``_parameter_constraints`` (``ganad.io``).
"""

import math
from numbers import Integral, Real

from .registry import DETECTORS

MAX_FEATURES = 10**8


def check_config(config, config_file):
    """Raise ``ValueError`` unless ``config`` is a model description ganad could have written."""
    try:
        _check_fields(config)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"{config_file} is not a valid ganad model description: {error}") from None


def _check_fields(config):
    method = _field(config, "method", str)
    if method not in DETECTORS:
        raise ValueError(f"method {method!r} is not a ganad method (one of {sorted(DETECTORS)})")
    cls = DETECTORS[method]
    if not cls.savable:
        raise ValueError(f"method {method!r} is never saved as a model file")
    if not all(_is_plain(value) for value in _field(config, "params", dict).values()):
        raise ValueError("params holds a value that is not a number, a string, a boolean, null or a list of them")
    n_features = _field(config, "n_features_in", Integral)
    if not 1 <= n_features <= MAX_FEATURES:
        raise ValueError(f"n_features_in={n_features} is outside [1, {MAX_FEATURES}]")
    _check_image_shape(_required(config, "image_shape"), n_features)
    if config["params"].get("image_shape") != config["image_shape"]:
        raise ValueError(f"params image_shape={config['params'].get('image_shape')} differs from the "
                         f"fitted image_shape={config['image_shape']}")
    seed = _field(config, "seed", Integral)
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed={seed} is not a torch seed")
    offset = _field(config, "offset", Real)
    if not _finite(offset):
        raise ValueError(f"offset={offset} is not finite")
    rows = config.get("calibration_rows")
    if rows is not None and (not isinstance(rows, Integral) or isinstance(rows, bool) or rows < 2):
        raise ValueError(f"calibration_rows={rows!r} is neither null nor a count of 2 rows or more")
    _check_imputer(config.get("imputer"), config["params"].get("impute"), n_features)
    _check_scaler(_required(config, "scaler"), n_features)
    _check_support(config.get("support"), n_features)
    names = config.get("feature_names")
    if names is not None and not (isinstance(names, list) and len(names) == n_features
                                  and all(isinstance(name, str) for name in names)):
        raise ValueError(f"feature_names must be null or a list of {n_features} strings")
    fitted = _field(config, "fitted", dict)
    if set(fitted) != set(cls.fitted_values):
        raise ValueError(f"fitted holds {sorted(fitted)}, a {method} model has {sorted(cls.fitted_values)}")
    for name, value in fitted.items():
        _check_fitted_value(name, value)


def _check_fitted_value(name, value):
    """A fitted value is a finite number or a non-empty list of them; a ``*range_`` is ``[low, high]``, low <= high."""
    numbers = value if isinstance(value, list) else [value]
    if not numbers or not all(_finite_number(number) for number in numbers):
        raise ValueError(f"fitted {name} must be a finite number or a non-empty list of them, got {value!r}")
    if name.endswith("range_") and not (len(numbers) == 2 and numbers[0] <= numbers[1]):
        raise ValueError(f"fitted {name} must be [low, high] with low <= high, got {value!r}")


def _field(config, name, kind):
    value = _required(config, name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"{name} must be {getattr(kind, '__name__', kind)}, got {type(value).__name__}")
    return value


def _required(config, name):
    if name not in config:
        raise KeyError(f"the field {name!r} is missing")
    return config[name]


def _is_plain(value, depth=0):
    if value is None or isinstance(value, bool | str):
        return True
    if isinstance(value, Real):
        return _finite(value)
    return isinstance(value, list) and depth < 2 and all(_is_plain(item, depth + 1) for item in value)


def _check_image_shape(shape, n_features):
    if shape is None:
        return
    if not (isinstance(shape, list) and len(shape) == 3
            and all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in shape)):
        raise ValueError(f"image_shape must be null or three positive integers, got {shape!r}")
    if math.prod(shape) != n_features:
        raise ValueError(f"image_shape {shape} does not hold n_features_in={n_features} values")


def _check_imputer(imputer, impute, n_features):
    """``imputer``: null (always, without ``impute``: folders older than it have no field) or
    ``n_features`` finite numbers (always, with ``impute``)."""
    if (imputer is None) != (impute is None):
        raise ValueError(f"imputer must be given exactly when params impute is set (impute={impute!r})")
    if imputer is not None and not (isinstance(imputer, list) and len(imputer) == n_features
                                    and all(_finite_number(v) for v in imputer)):
        raise ValueError(f"imputer must be null or {n_features} finite numbers")


def _check_scaler(scaler, n_features):
    if scaler is None:
        return
    if not isinstance(scaler, dict) or set(scaler) != {"shift", "scale"}:
        raise ValueError("scaler must be null or {'shift': [...], 'scale': [...]}")
    for key, values in scaler.items():
        if not (isinstance(values, list) and len(values) == n_features
                and all(_finite_number(v) for v in values)):
            raise ValueError(f"scaler {key!r} must be {n_features} finite numbers")
    if min(scaler["scale"]) <= 0:
        raise ValueError("scaler 'scale' must be positive")


def _check_support(support, n_features):
    if support is None:
        return
    if not isinstance(support, dict) or set(support) != {"low", "high", "margin", "score"}:
        raise ValueError("support must be null or {'low', 'high', 'margin', 'score'}")
    for key in ("low", "high", "margin"):
        values = support[key]
        if not (isinstance(values, list) and len(values) == n_features and all(_finite_number(v) for v in values)):
            raise ValueError(f"support {key!r} must be {n_features} finite numbers")
    if min(support["margin"]) <= 0 or not _finite_number(support["score"]):
        raise ValueError("support 'margin' must be positive and 'score' a finite number")


def _finite_number(value):
    return isinstance(value, Real) and not isinstance(value, bool) and _finite(value)


def _finite(value):
    """``math.isfinite``, False too for an integer beyond float range (JSON has them: ``1`` followed by 400 zeros)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
