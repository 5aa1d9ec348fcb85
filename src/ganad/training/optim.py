"""Adam as every ganad training loop builds it: PyTorch's fused kernel where it has one."""

import torch

FUSED_DEVICE_TYPES = ("cpu", "cuda")  # where torch.optim.Adam(fused=True) runs on float tensors


def adam(params, **options):
    """``torch.optim.Adam(params, **options)``, with ``fused=True`` when every tensor allows it.

    The fused kernel updates all of an optimiser's tensors in one call instead of about
    ten tensor operations per parameter, which on small networks is most of a training
    step's optimiser time (``benchmarks/train_throughput.py``). It evaluates Adam's update
    in a different order than the per-tensor loop, so one step's weights differ from
    ``torch.optim.Adam``'s default by rounding (about 1e-9 here; GAN training then
    amplifies such differences like any other rounding). Integer tensors, other devices
    or an explicit ``fused`` in ``options`` fall back to PyTorch's choice.
    """
    params = list(params)
    tensors = [p for group in params for p in (group["params"] if isinstance(group, dict) else [group])]
    fusable = all(p.is_floating_point() and p.device.type in FUSED_DEVICE_TYPES for p in tensors)
    options.setdefault("fused", True if fusable else None)
    return torch.optim.Adam(params, **options)
