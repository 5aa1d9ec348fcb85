"""Package attributes imported on first use (PEP 562), so that light entry points stay light."""

import importlib


def lazy_attributes(package, exports):
    """``(__getattr__, __dir__)`` for ``package`` whose ``exports`` map names to ``(module, attribute)``.

    A name is imported from its module on first access and cached in the package's
    namespace; unknown names raise ``AttributeError`` as usual.
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = exports[name]
        value = getattr(importlib.import_module(module), attribute)
        namespace[name] = value  # later lookups skip this function
        return value

    def __dir__():
        return sorted([*namespace, *exports])

    return __getattr__, __dir__
