"""Name -> detector class, driving the CLI, ``ganad.load``, benchmarks and the common tests.

The names, modules and papers are listed in ``ganad.catalog``; this module imports them.
"""

import importlib

from .catalog import METHODS, PAPERS, method_name

DETECTORS = {name: getattr(importlib.import_module(module), cls) for name, (module, cls) in METHODS.items()}

__all__ = ["DETECTORS", "PAPERS", "get_detector", "method_name"]


def get_detector(name):
    """The detector class registered as ``name``.

    Parameters
    ----------
    name : str
        A registry name, a key of ``DETECTORS`` (``ganad list`` prints them).

    Returns
    -------
    type
        The detector class, to be built with keyword arguments.

    Raises
    ------
    ValueError
        If no detector is registered as ``name``; the message lists the names.

    Examples
    --------
    >>> from ganad import get_detector
    >>> get_detector("wgan-encoder").__name__
    'WGANEncoder'
    """
    try:
        return DETECTORS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; choose one of {sorted(DETECTORS)}") from None
