"""The project's shared copy of the real data sets, or a skip when this checkout lacks it."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir():
    """``$GANAD_SHARED_DATA``, else ``<repo root>/../shared/data``."""
    if os.environ.get("GANAD_SHARED_DATA"):
        return Path(os.environ["GANAD_SHARED_DATA"])
    return (REPO_ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data():
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data folder {path} not found; set GANAD_SHARED_DATA to run this test")
    return path
