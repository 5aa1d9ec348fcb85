"""``python -m ganad.cli``: the same as the ``ganad`` console script."""

from .main import run

if __name__ == "__main__":
    run()
