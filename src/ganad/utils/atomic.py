"""Atomic file writes: a crash or an error never leaves a half-written file in place.

Temporary files and folders live beside their destination (so the final ``os.replace`` is
a rename on one file system) under a name that records the writing process:
``.<name>.<kind>-<pid>-<random>``. A write killed before its rename leaves such an entry;
the next write to the same destination removes it once its process is gone.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def stray_name(path, kind):
    """The prefix of a temporary sibling of ``path`` made by this process (``kind``: tmp, new, old...)."""
    return f".{Path(path).name}.{kind}-{os.getpid()}-"


def remove_stray(path):
    """Remove temporary siblings of ``path`` left by writers that no longer run."""
    path = Path(path)
    if not path.parent.is_dir():
        return
    prefix = f".{path.name}."
    for entry in path.parent.iterdir():
        pid = _writer_pid(entry.name, prefix)
        if pid is not None and not _is_running(pid):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _writer_pid(name, prefix):
    """The pid recorded in a temporary name ``<prefix><kind>-<pid>-<random>``, else None."""
    if not name.startswith(prefix):
        return None
    parts = name[len(prefix):].split("-")
    return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else None


def _is_running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


@contextlib.contextmanager
def atomic_path(path, *, suffix=".tmp"):
    """Yield a temporary path beside ``path``; it replaces ``path`` when the block succeeds.

    If the block raises, the temporary file is removed and ``path`` is left as it was.
    The file gets the mode a plain ``open`` would give it (0666 less the user's umask),
    not ``mkstemp``'s 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stray(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=stray_name(path, "tmp"), suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
