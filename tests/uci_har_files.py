"""Small UCI HAR file sets in the upstream layout, for the loader and benchmark tests."""

import numpy as np

from ganad.data.timeseries import HAR_SIGNALS


def matlab_e(value):
    """A number as the upstream text files write it: '  2.8858451e-001' (3-digit exponent)."""
    mantissa, exponent = f"{value:.7e}".split("e")
    return f"{mantissa:>11}e{int(exponent):+04d}"


def write_har(root, split, activities, seed=0):
    """Upstream layout: one 128-value window per line, space-separated, under 'Inertial Signals'.

    ``activities`` are the upstream ids 1..6, one per window; returns the written windows by signal.
    """
    rng = np.random.default_rng(seed)
    base = root / "uci_har" / "UCI HAR Dataset" / split
    (base / "Inertial Signals").mkdir(parents=True)
    (base / f"y_{split}.txt").write_text("".join(f"{a}\n" for a in activities))
    signals = {}
    for signal in HAR_SIGNALS:
        values = rng.normal(size=(len(activities), 128)).astype(np.float32)
        lines = ("".join(matlab_e(v) for v in row) for row in values)
        (base / "Inertial Signals" / f"{signal}_{split}.txt").write_text("\n".join(lines) + "\n")
        signals[signal] = values
    return signals
