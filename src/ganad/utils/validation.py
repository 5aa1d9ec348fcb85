"""Input checks shared by the detectors, with messages that name the problem."""

from numbers import Integral

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, Options


def check_image_shape(image_shape, n_features):
    """``image_shape`` (C, H, W) must account for every feature of a row."""
    if image_shape is None:
        return None
    image_shape = tuple(int(s) for s in image_shape)
    if len(image_shape) != 3 or int(np.prod(image_shape)) != n_features:
        raise ValueError(
            f"image_shape={image_shape} does not match X: rows have {n_features} features, "
            f"image_shape needs {int(np.prod(image_shape))} (C * H * W)"
        )
    return image_shape


def plain_rows(X):
    """``X`` as scikit-learn's ``validate_data`` reads it correctly: a masked array's masked cells as NaN (refused,
    or filled by ``impute``: ``validate_data`` alone would read the values under the mask), a torch tensor
    detached on the CPU in a numpy dtype; dates and durations refused (numpy would read them as numbers)."""
    if isinstance(X, np.ma.MaskedArray):
        X = np.ma.filled(np.ma.asarray(X, dtype=np.float64), np.nan)
    if torch.is_tensor(X):
        X = X.detach().cpu()
        X = (X.float() if X.dtype == torch.bfloat16 else X).numpy()
    dtypes = getattr(X, "dtypes", None)  # a DataFrame's, per column
    dtypes = list(dtypes) if hasattr(dtypes, "__iter__") else [getattr(X, "dtype", None)]
    if {getattr(dtype, "kind", "") for dtype in dtypes} & {"M", "m"}:
        raise ValueError("X holds dates or durations (datetime64 / timedelta64): convert them to numbers "
                         "(e.g. seconds) first; ganad would otherwise score their internal counts")
    return X


FLOAT32_MAX = float(np.finfo(np.float32).max)
RANGE_TOLERANCE = 0.01  # how far past [-1, 1] data may lie before DataRangeWarning


class DataRangeWarning(UserWarning):
    """The training data lie far outside what the detector's networks can output."""


def check_float32_range(X, when=None):
    """The networks compute in float32: refuse values that would overflow to infinity (``when``: at which
    stage, for the message)."""
    if X.size and np.abs(X).max() > FLOAT32_MAX:
        stage = f" {when}" if when else ""
        raise ValueError(f"X has values beyond the float32 range{stage} (|x| > {FLOAT32_MAX:.3g}); rescale the data")


def to_tensor(X, device, image_shape=None):
    """float32 tensor on ``device``, rows reshaped to images when ``image_shape`` is set."""
    tensor = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).to(device)
    if image_shape is not None:
        tensor = tensor.view(-1, *image_shape)  # (B, C, H, W)
    return tensor


# Networks square their inputs (distances, batch norm, gradient penalties): beyond this
# magnitude a float32 square overflows to infinity.
NETWORK_INPUT_MAX = float(np.sqrt(FLOAT32_MAX))


def check_network_range(X, scaled=True):
    """Training data, as the networks take it (``scaled``: after ``scaling``), must stay where float32
    squares are finite (|x| < 1.8e19)."""
    if X.size and np.abs(X).max() > NETWORK_INPUT_MAX:
        stage = " after scaling" if scaled else ""
        raise ValueError(f"X has values of magnitude {np.abs(X).max():.3g}{stage}, beyond what the "
                         f"float32 networks can square ({NETWORK_INPUT_MAX:.3g}); rescale the data or use "
                         "scaling='standard'")


class SequenceOf(Options):
    """Constraint: a tuple or list whose items all satisfy ``item`` (and of ``length`` items when given).

    For network widths, image shapes and Adam betas. It subclasses scikit-learn's
    ``Options`` only because ``make_constraint`` accepts no other custom constraint type.
    """

    def __init__(self, item, *, length=None):
        super().__init__(tuple, set())
        self.item, self.length = item, length

    def is_satisfied_by(self, val):
        return (isinstance(val, tuple | list) and (self.length is None or len(val) == self.length)
                and all(self.item.is_satisfied_by(v) and not isinstance(v, bool) for v in val))

    def __str__(self):
        count = "" if self.length is None else f"{self.length} "
        return f"a tuple or list of {count}items, each {self.item}"


WIDTHS = SequenceOf(Interval(Integral, 1, None, closed="left"))  # hidden layer widths
IMAGE_SHAPE = SequenceOf(Interval(Integral, 1, None, closed="left"), length=3)  # (C, H, W)
