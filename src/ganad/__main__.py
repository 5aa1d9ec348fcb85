"""``python -m ganad``: the ``ganad`` command line (also what ``torchrun -m ganad fit ...`` runs)."""

from .cli.main import run

if __name__ == "__main__":
    run()
