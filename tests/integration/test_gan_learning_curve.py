"""``benchmarks/gan_learning_curve.py``: validation AUROC against generator steps, one GAN, several scoring phases."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import gan_learning_curve as glc  # noqa: E402  (a script folder, not a package)


def test_each_scoring_phase_starts_from_fresh_networks():
    variants = [{"encoder_epochs": 1}, {"encoder_epochs": 2}, {"encoder_epochs": 1}]
    rows = glc.curve("wgan-encoder", "ring", steps=4, every=2, n_samples=50, seed=0, with_auroc=True,
                     params={"hidden": [8, 8]}, scorer_variants=variants)
    measured = [(steps, variant) for steps, *_, variant, _ in rows]
    assert measured == [(steps, variant) for steps in (2, 4) for variant in variants]
    values = [value for *_, value in rows]
    # the same phase redone on the same GAN scores alike: no encoder carried over from the last measurement
    assert values[0] == values[2] and values[3] == values[5]
    assert all(0.0 <= value <= 1.0 for value in values)


def test_a_scoring_variant_overrides_the_runs_parameters_not_the_previous_variants():
    rows = glc.curve("wgan-encoder", "ring", steps=2, every=2, n_samples=50, seed=0, with_auroc=True,
                     params={"hidden": [8, 8], "encoder_epochs": 1},
                     scorer_variants=[{}, {"encoder_epochs": 2}, {}])
    values = [value for *_, value in rows]
    assert values[0] == values[2] != values[1]
