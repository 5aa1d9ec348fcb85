"""Missing values: per-feature fill values fitted on the training data and stored with the model.

A detector with ``impute="median"`` or ``"mean"`` lets NaN through validation (never an
infinity), fits ``imputer_`` -- each feature's median or mean over the training rows,
NaN ignored -- and fills every NaN with it before scaling, at fit and at every scoring
(``ganad.base_detector``). With ``impute=None`` (the default) a NaN is refused, with the row and column of
the first (``check_finite_cells``).
"""

import numpy as np

IMPUTATIONS = ("median", "mean")


def check_finite_cells(X, imputing, names=None):
    """Refuse an infinite cell of the rows ``X``, and a NaN one unless ``imputing`` (an ``impute`` kind or a
    fitted ``imputer_``) is not None, with a ``ValueError`` naming how many and where the first is
    (``names``: the feature names, if known); scikit-learn's own message named neither, and advised a
    supervised model."""
    X = np.asarray(X)
    for bad, what, advice in ((np.isinf, "infinite", "ganad scores finite numbers only"),
                              (np.isnan, "NaN (missing)", "fill or drop them, or pass impute='median' or 'mean' "
                                                          "(the command line's --impute) to fill them from the "
                                                          "training rows")):
        if bad is np.isnan and imputing is not None:
            continue
        cells = np.argwhere(bad(X))
        if len(cells):
            row, column = (int(i) for i in cells[0])
            named = f" ({names[column]!r})" if names is not None else ""
            raise ValueError(f"X has {len(cells)} {what} value(s), the first in row {row}, column {column}{named}: "
                             f"{advice}")


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
