"""The package version, in a module of its own so that ``ganad`` and the modules that write it
(model files, reports) import it without importing the package ``__init__``."""

__version__ = "0.1.0"
