"""Atomic file writes: a crash or an error never leaves a half-written file in place."""

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path, *, suffix=".tmp"):
    """Yield a temporary path beside ``path``; it replaces ``path`` when the block succeeds.

    The temporary file lives in the destination folder, so ``os.replace`` is a rename on
    one file system; if the block raises, the temporary file is removed and ``path`` is
    left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
