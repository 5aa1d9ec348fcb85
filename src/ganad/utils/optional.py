"""Optional dependencies, imported when first needed, with an install hint when missing."""

import importlib


class MissingDependencyError(ImportError, ValueError):
    """An optional package is not installed.

    An ``ImportError`` (what a missing package raises) and a ``ValueError`` (what ganad's
    command line reports as bad input, in one line, with exit status 2).
    """


def import_optional(module, extra, purpose):
    """Import and return ``module``, else :class:`MissingDependencyError` naming the extra.

    ``import_optional("pyarrow.parquet", "parquet", "reading .parquet files")`` raises
    ``reading .parquet files needs pyarrow: pip install ganad[parquet]`` without pyarrow.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        package = module.split(".")[0]
        raise MissingDependencyError(f"{purpose} needs {package}: pip install ganad[{extra}]") from error
