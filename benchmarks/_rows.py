"""What every benchmark row records about its run, how rows are written, and the clock."""

import csv
import subprocess
import time
from pathlib import Path


def git_sha():
    """The short commit of this checkout, with ``-dirty`` when it has local changes."""
    here = Path(__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=here, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return sha + ("-dirty" if dirty else "")


def write_csv(rows, path):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def publish(rows, csv_path, render):
    """Write the rows to ``csv_path`` (when given), then print them rendered as a table."""
    if csv_path is not None:
        write_csv(rows, csv_path)
    print(render(rows))


def timed(function, device):
    """Seconds that ``function()`` takes on ``device`` (a ``torch.device``); CUDA is synchronised
    before each clock read. torch is imported only then, so that scripts whose parent process
    must stay small (``score_memory.py``) can import this module."""
    if device.type == "cuda":
        import torch

        torch.cuda.synchronize(device)
    start = time.perf_counter()
    function()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def add_run_options(parser, *, device="cpu"):
    """The options every timing script takes: ``--device``, ``--threads``, ``--seed``, ``--csv``."""
    parser.add_argument("--device", default=device, help=f"cpu, cuda, cuda:1, auto, ... (default {device})")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", type=Path, default=None, help="write the rows to this CSV file")


def run_device(args):
    """Apply ``--threads`` and return the ``torch.device`` that ``--device`` names."""
    import torch
    from ganad.utils.device import resolve_device

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    return resolve_device(args.device)
