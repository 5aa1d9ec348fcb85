"""``ganad fit --nproc N``: the same command in N local processes joined in one process group.

Each process runs ``python -m ganad <the same arguments>`` (:func:`launch`'s ``command``)
with the environment ``torchrun`` gives its workers (``MASTER_ADDR``, ``MASTER_PORT``,
``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``); ``ganad fit`` sees it,
joins the group (gloo on CPU, NCCL on GPUs, ``ganad.training.distributed.init_from_env``)
and trains data-parallel.
``torchrun --nproc-per-node N -m ganad fit ...`` does the same, across machines too.

Rank 0's output is relayed as it comes; the other ranks' standard output is dropped and
their error output kept. When a rank fails, the others are given ``GRACE_SECONDS`` to end
and then stopped (a rank left waiting for a collective would wait for good). The exit
status is rank 0's if it failed, else the first failing rank's, whose error lines are then
printed. This module imports neither torch nor scikit-learn.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

GRACE_SECONDS = 2.0  # after a rank fails, before the others are stopped
POLL_SECONDS = 0.05


def launch(command, nproc):
    """Run ``command`` (``[python, "-m", "ganad", "fit", ...]``) in ``nproc`` local processes of one
    process group; return the exit status."""
    common = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(_free_port()), "WORLD_SIZE": str(nproc),
              "LOCAL_WORLD_SIZE": str(nproc)}
    folder = Path(tempfile.mkdtemp(prefix="ganad-ranks-"))
    processes, relays, logs = [], [], []
    try:
        for rank in range(nproc):
            env = {**os.environ, **common, "RANK": str(rank), "LOCAL_RANK": str(rank)}
            if rank == 0:
                process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           text=True, bufsize=1)
                relays = [_relay(process.stdout, sys.stdout), _relay(process.stderr, sys.stderr)]
            else:
                logs.append(open(folder / f"rank{rank}.err", "w"))
                process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=logs[-1])
            processes.append(process)
        failed = _wait(processes)
    finally:
        _stop(processes)
        for relay in relays:
            relay.join()
        for log in logs:
            log.close()
    try:
        return _status(processes, failed, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait(processes):
    """Wait for every process; after the first failure, stop the rest. Returns the first failing rank or None."""
    failed, deadline = None, None
    while any(process.poll() is None for process in processes):
        if failed is None:
            failed = next((rank for rank, process in enumerate(processes) if process.poll() not in (None, 0)), None)
            if failed is not None:
                deadline = time.monotonic() + GRACE_SECONDS
        if deadline is not None and time.monotonic() > deadline:
            break
        time.sleep(POLL_SECONDS)
    if failed is None:
        failed = next((rank for rank, process in enumerate(processes) if process.poll() not in (None, 0)), None)
    return failed


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _status(processes, failed, folder):
    if failed is None:
        return 0
    lead = processes[0].returncode
    if lead not in (None, 0) and lead > 0:  # rank 0 failed on its own and said why
        return lead
    code = processes[failed].returncode
    message = (folder / f"rank{failed}.err").read_text().strip() if failed != 0 else ""
    print(message or f"ganad: error: rank {failed} of the data-parallel fit ended with status {code}",
          file=sys.stderr)
    return code if code > 0 else 1


def _relay(stream, target):
    def copy():
        for line in stream:
            target.write(line)
            target.flush()
        stream.close()

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    return thread


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
