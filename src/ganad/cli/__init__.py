"""The ``ganad`` command line: ``ganad list | fit | score | demo`` (see ``ganad.cli.main``)."""

from .main import main

__all__ = ["main"]
