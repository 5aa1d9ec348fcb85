"""Feature scaling fitted on the training data and stored with the model."""

import numpy as np

SCALINGS = ("standard", "minmax", "minmax01")


def fit_scaler(X, kind):
    """``(shift, scale)`` so that ``(X - shift) / scale`` is z-scored (``"standard"``), in
    [-1, 1] (``"minmax"``) or in [0, 1] (``"minmax01"``, scikit-learn's ``MinMaxScaler``)."""
    if kind is None:
        return None
    X = np.asarray(X, dtype=np.float64)  # float32 sums of squares overflow for |x| near 1e19
    if kind == "standard":
        shift, scale = X.mean(axis=0), X.std(axis=0)
    elif kind == "minmax":
        low, high = X.min(axis=0), X.max(axis=0)
        shift, scale = (high + low) / 2, (high - low) / 2
    else:
        low, high = X.min(axis=0), X.max(axis=0)
        shift, scale = low, high - low
    scale = np.where(scale > 0, scale, 1.0)  # constant features are centred, not divided by zero
    return {"shift": shift.astype(np.float64), "scale": scale.astype(np.float64)}


def apply_scaler(X, scaler):
    if scaler is None:
        return X
    return (X - scaler["shift"]) / scaler["scale"]
