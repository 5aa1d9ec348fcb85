"""Input checks shared by the detectors, with messages that name the problem."""

import numpy as np
import torch


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


FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_float32_range(X):
    """The networks compute in float32: refuse values that would overflow to infinity."""
    if X.size and np.abs(X).max() > FLOAT32_MAX:
        raise ValueError(f"X has values beyond the float32 range (|x| > {FLOAT32_MAX:.3g}); rescale the data")


def to_tensor(X, device, image_shape=None):
    """float32 tensor on ``device``, rows reshaped to images when ``image_shape`` is set."""
    tensor = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).to(device)
    if image_shape is not None:
        tensor = tensor.view(-1, *image_shape)  # (B, C, H, W)
    return tensor
