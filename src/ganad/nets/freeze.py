"""Switching networks' training state for a while: ``frozen`` and ``eval_mode`` (used by training and scoring alike)."""

import contextlib


@contextlib.contextmanager
def frozen(module):
    """Evaluation mode without parameter gradients, restored on exit."""
    was_training = module.training
    flags = [p.requires_grad for p in module.parameters()]
    module.eval()
    for param in module.parameters():
        param.requires_grad_(False)
    try:
        yield module
    finally:
        for param, flag in zip(module.parameters(), flags):
            param.requires_grad_(flag)
        module.train(was_training)


@contextlib.contextmanager
def eval_mode(*modules):
    """``modules`` in eval mode inside the block, back in train mode after."""
    for module in modules:
        module.eval()
    try:
        yield
    finally:
        for module in modules:
            module.train()
