"""Write the model files that ``test_previous_release.py`` loads: one tiny model per savable detector.

Run once with the *previous* release on the path, e.g. from a checkout of it:

    PYTHONPATH=/path/to/previous/src python tests/reliability/previous_release/make_models.py

It fits every savable registered detector on 64 seeded rows of 3 features, saves each to a
folder named after it here, and writes ``expected.json``: the release's version and commit, the
rows to score and each model's ``anomaly_score`` of them. The folders were written by ganad
0.1.0 at commit 59272f1, before the refactor of issue 18 (modules moved, loops merged,
hyperparameters declared once); loading them must give the same scores.
"""

import json
import subprocess
from pathlib import Path

import numpy as np

import ganad
from ganad.registry import DETECTORS

HERE = Path(__file__).parent
TINY_GAN = {"n_epochs": 2, "hidden": (8, 8), "batch_size": 32}
TINY_DEEP = {"n_epochs": 2, "batch_size": 32, "hidden": (8,), "latent_dim": 2}
TINY_ALICE = {"n_epochs": 2, "batch_size": 32, "latent_dim": 2, "encoder_hidden": (8,), "generator_hidden": (8,),
              "discriminator_hidden": (8,)}
SETTINGS = {
    "wgan-critic": TINY_GAN,
    "wgan-inversion": {**TINY_GAN, "inversion_steps": 5, "n_restarts": 2},
    "wgan-encoder": {**TINY_GAN, "encoder_epochs": 1},
    "anogan": {**TINY_GAN, "latent_dim": 2, "search_steps": 3},
    "adgan": {**TINY_GAN, "latent_dim": 2, "n_seeds": 2, "search_steps": 2},
    "history-ad": {**TINY_GAN, "saves_per_epoch": 4, "alpha": 0.5, "tv_epochs": 1},
    "ganomaly": TINY_DEEP,
    "dcae": TINY_DEEP, "vae": TINY_DEEP, "deep-svdd": TINY_DEEP, "dsebm": TINY_DEEP,
    "dagmm": {**TINY_DEEP, "n_components": 2},
    "bigan": TINY_ALICE, "alad": TINY_ALICE, "rcgan": TINY_ALICE,
}


def main():
    rng = np.random.default_rng(0)
    X_train, X_score = rng.normal(size=(64, 3)), rng.normal(size=(16, 3)) * 2
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(ganad.__file__).parent).stdout.strip()
    expected = {"version": ganad.__version__, "commit": commit, "rows": X_score.tolist(), "scores": {}}
    for name, params in SETTINGS.items():
        detector = DETECTORS[name](**params, scaling="standard", random_state=0, device="cpu").fit(X_train)
        detector.save(HERE / name)
        expected["scores"][name] = detector.anomaly_score(X_score).tolist()
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1))


if __name__ == "__main__":
    main()
