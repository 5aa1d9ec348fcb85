"""Device selection: ``device="auto"`` picks CUDA when it is available."""

import torch


def resolve_device(device):
    """Return the ``torch.device`` for a detector's ``device`` parameter.

    ``"auto"`` means CUDA when available, else CPU; any other value is passed to
    ``torch.device`` (e.g. ``"cpu"``, ``"cuda:1"``). A CUDA request on a machine
    without CUDA raises ``ValueError`` rather than failing deep inside torch.
    """
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        resolved = torch.device(device)
    except RuntimeError as error:
        raise ValueError(f"device={device!r} is not a torch device: {error}") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was requested but CUDA is not available")
    if resolved.type == "cuda" and resolved.index is None:  # the GPU current now, not at each later call
        resolved = torch.device("cuda", torch.cuda.current_device())
    return resolved
