"""Missing values: per-feature fill values fitted on the training data and stored with the model.

A detector with ``impute="median"`` or ``"mean"`` lets NaN through validation (never an
infinity), fits ``imputer_`` -- each feature's median or mean over the training rows,
NaN ignored -- and fills every NaN with it before scaling, at fit and at every scoring
(``ganad.base_detector``). With ``impute=None`` (the default) a NaN is refused as scikit-learn refuses it.
"""

import numpy as np

IMPUTATIONS = ("median", "mean")


def finite_check(imputing):
    """``ensure_all_finite`` for scikit-learn's ``validate_data``: NaN passes only when ``imputing``
    (an ``impute`` kind or a fitted ``imputer_``) is not None; an infinity never does."""
    return True if imputing is None else "allow-nan"


def fit_imputer(X, kind, names=None):
    """Each feature's median or mean (``kind``) over the rows of ``X``, NaN ignored, as float64; None
    when ``kind`` is None. A feature missing in every row is a ``ValueError`` naming it (``names``:
    the feature names, if known)."""
    if kind is None:
        return None
    X = np.asarray(X, dtype=np.float64)
    empty = np.flatnonzero(np.isnan(X).all(axis=0))
    if empty.size:
        j = int(empty[0])
        name = "" if names is None else f" ({names[j]!r})"
        more = f" (and {empty.size - 1} more)" if empty.size > 1 else ""
        raise ValueError(f"feature {j}{name}{more} of X is missing (NaN) in every training row: "
                         f"impute={kind!r} has no value to fill it with; drop the feature")
    return (np.nanmedian if kind == "median" else np.nanmean)(X, axis=0).astype(np.float64)


def fill_missing(X, imputer):
    """``X`` with each NaN replaced by its feature's value in ``imputer`` (a new array; ``X`` is
    not modified), or ``X`` itself when ``imputer`` is None or nothing is missing."""
    if imputer is None:
        return X
    missing = np.isnan(X)
    if not missing.any():
        return X
    return np.where(missing, imputer.astype(X.dtype), X)


def missing_cells(detector):
    """How a reader should take a data file's missing cells for ``detector``: as NaN when it
    imputes them (``impute`` set), else refused (``ganad.data.files``' ``missing`` option)."""
    return "refuse" if getattr(detector, "impute", None) is None else "nan"
