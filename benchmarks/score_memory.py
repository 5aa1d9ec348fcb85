"""Host memory and speed of ``score_samples`` on 10^6 ring points, per registered detector.

Every detector runs in its own child process (this script with ``--one NAME``), so the
peaks of different detectors never mix. A child fits its detector quickly
(``make_ring(2000)``, one GAN epoch, one encoder epoch, and for ``wgan-inversion`` only
``--inversion-steps`` (default 1) latent-search steps instead of the default 300, so its
timing is not the default configuration's; its memory is, as it does not grow with steps), then scores ``--rows / 10`` and ``--rows`` points.
Memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss``; before each scoring the
child resets its high-water mark to the current RSS (``/proc/self/clear_refs``, Linux),
so "peak after - RSS before" is the memory scoring itself added at its peak. The
output array (float64 scores) is part of that; the rest, ``extra``, should not grow with
the number of rows when scoring is chunked by ``score_batch_size``. A first child,
``input``, only draws the data: what holding the input array costs.

    PYTHONPATH=src python benchmarks/score_memory.py [--rows 1000000] [--csv out.csv]

The parent imports only the standard library, so its own memory (inherited by a child's
``ru_maxrss`` at exec) stays small.
"""

import argparse
import json
import os
import resource
import subprocess
from functools import partial
import sys
from pathlib import Path

from _rows import git_sha, publish

MIB = 1024 * 1024
FIT_ROWS = 2000


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB  # Linux: KiB


def current_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / MIB
    raise RuntimeError("no VmRSS in /proc/self/status")


def reset_peak():
    """Set the high-water mark to the current RSS; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _measured(function, device=None):
    """Run ``function`` once; its value, seconds and the memory it added at its peak (MiB)."""
    import time

    import torch

    was_reset = reset_peak()
    rss_before, peak_before = current_mib(), peak_mib()
    start = time.perf_counter()
    value = function()
    if device is not None and torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)
    seconds = time.perf_counter() - start
    peak_after = peak_mib()
    return {"value": value, "rss_before_mib": rss_before, "peak_before_mib": peak_before,
            "peak_after_mib": peak_after, "increase_mib": peak_after - peak_before,
            "rss_after_mib": current_mib(), "seconds": seconds, "peak_reset": was_reset}


def measure_one(name, rows, device, seed, inversion_steps):
    """Rows for one child: drawing (``input``) or scoring ``rows // 10`` and ``rows`` points."""
    import gc

    import torch

    from ganad.data.synthetic import make_ring
    from ganad.registry import DETECTORS

    if name != "input":
        overrides = {"wgan-encoder": {"encoder_epochs": 1}, "wgan-inversion": {"inversion_steps": inversion_steps}}
        params = {"n_epochs": 1, "random_state": seed, "device": device, **overrides.get(name, {})}
        detector = DETECTORS[name](**params).fit(make_ring(FIT_ROWS, random_state=seed))
    results = []
    for n in (rows // 10, rows):
        gc.collect()
        if name == "input":
            stage = _measured(lambda: make_ring(n, random_state=seed + 1))
            X = stage.pop("value")
            new_array_mib = X.nbytes / MIB  # the input array is what this stage creates
        else:
            X = make_ring(n, random_state=seed + 1)
            stage = _measured(partial(detector.score_samples, X), detector.device_)
            new_array_mib = stage.pop("value").nbytes / MIB  # the float64 scores
        results.append({
            "detector": name, "rows": n, "input_mib": X.nbytes / MIB, "new_array_mib": new_array_mib,
            **stage, "held_mib": stage["rss_after_mib"] - stage["rss_before_mib"],
            "extra_mib": stage["increase_mib"] - new_array_mib,
            "rows_per_s": n / stage["seconds"],
            "inversion_steps": inversion_steps if name == "wgan-inversion" else "",
            "device": device if name == "input" else str(detector.device_),
            "torch": torch.__version__, "threads": torch.get_num_threads(), "seed": seed,
            "loadavg_1min": os.getloadavg()[0],
        })
        del X
    return results


def run_child(args, *extra):
    command = [sys.executable, str(Path(__file__).resolve()), *extra,
               "--rows", str(args.rows), "--device", args.device, "--seed", str(args.seed),
               "--inversion-steps", str(args.inversion_steps)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(extra)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])




def render(rows):
    """The table, as text: one line per (detector, rows)."""
    head = (f"{'detector':<15} {'rows':>9} {'peak before':>11} {'peak after':>10} {'increase':>8} "
            f"{'held':>6} {'array':>6} {'extra':>6} {'seconds':>8} {'rows/s':>10}")
    lines = [head, "(MiB. peak = ru_maxrss, reset to the current RSS before each stage; increase = peak after - peak before; held = RSS after - RSS before; array = the"
                   " array the stage creates: input for 'input', float64 scores otherwise; extra = increase - array)"]
    for row in rows:
        lines.append(f"{row['detector']:<15} {row['rows']:>9} {row['peak_before_mib']:>11.1f} "
                     f"{row['peak_after_mib']:>10.1f} {row['increase_mib']:>8.1f} {row['held_mib']:>6.1f} "
                     f"{row['new_array_mib']:>6.1f} {row['extra_mib']:>6.1f} {row['seconds']:>8.2f} "
                     f"{row['rows_per_s']:>10.0f}")
    first = rows[0]
    worst = max(rows, key=lambda row: row["peak_after_mib"])
    steps = next((row["inversion_steps"] for row in rows if row["inversion_steps"] != ""), "?")
    lines.append(f"device {first['device']}, torch {first['torch']}, {first['threads']} threads, "
                 f"git {first['git_sha'] or '?'}; highest peak {worst['peak_after_mib']:.0f} MiB "
                 f"({worst['detector']}); wgan-inversion scored with inversion_steps={steps} "
                 "(default 300), its time is not the default's"
                 + ("" if all(row["peak_reset"] for row in rows) else
                    "; WARNING: peak could not be reset, 'peak before' includes earlier stages"))
    return "\n".join(lines)




def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to score (also rows/10)")
    parser.add_argument("--device", default="cpu", help="detector device (default cpu; memory is host RSS)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inversion-steps", type=int, default=1,
                        help="latent-search steps of wgan-inversion while timing (its default is 300)")
    parser.add_argument("--csv", type=Path, default=None, help="write the rows to this CSV file")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # child: one detector
    parser.add_argument("--list", action="store_true", help=argparse.SUPPRESS)  # child: registry names
    args = parser.parse_args(argv)
    if args.list:
        from ganad.registry import DETECTORS

        print(json.dumps(list(DETECTORS)))
        return 0
    if args.one is not None:
        print(json.dumps(measure_one(args.one, args.rows, args.device, args.seed, args.inversion_steps)))
        return 0
    rows = []
    sha = git_sha()
    for name in ["input", *run_child(args, "--list")]:
        for row in run_child(args, "--one", name):
            rows.append({**row, "git_sha": sha})
    publish(rows, args.csv, render)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
