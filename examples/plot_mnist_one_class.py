"""
One-class MNIST: digit 0 normal, every other digit anomalous
============================================================

The image protocol of ADGAN's Table 2 (Deecke et al. 2018) and of Haloui et al.'s MNIST
experiments: train on one digit only, then rank test images of every digit. With
``image_shape=(1, 28, 28)`` the detectors build convolutional networks.

The budget here is tiny (500 training images, a few seconds of CPU per model), and this
example compares two detectors at that budget: ADGAN's convolutional autoencoder baseline
:class:`~ganad.detectors.baselines.DCAE`, and :class:`ganad.WGANEncoder`, whose GAN gets
about 50 generator steps here. A GAN needs far more: the paper pages report runs at real
budgets (for ADGAN's Table 2, some 1,100 generator steps on 3,000 images per class, minutes
per class). The numbers printed below are what this build measured; at this budget expect
the autoencoder near 1 and the GAN detector near chance or below, its generator barely
trained (its reconstructions show it).

MNIST is not downloaded here: the example reads it from the data folder, ``$GANAD_DATA`` or
a ``shared/data`` folder beside the repository (``ganad data fetch mnist`` fills the first),
and stops with a message when there is none.
"""

# %%
# Find the data
# -------------
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ganad import WGANEncoder
from ganad.data import load_mnist
from ganad.detectors.baselines import DCAE
from ganad.metrics import auroc


def mnist_folder():
    """The first data folder holding MNIST's files, or None."""
    candidates = [os.environ.get("GANAD_DATA")] + [str(parent / "shared" / "data")
                                                   for parent in Path.cwd().resolve().parents[:3]]
    for folder in filter(None, candidates):
        if (Path(folder) / "mnist" / "t10k-images-idx3-ubyte.gz").is_file():
            return folder
    return None


data_folder = mnist_folder()
if data_folder is None:
    print("No MNIST files found (set GANAD_DATA to a folder holding mnist/, or run "
          "`ganad data fetch mnist`): this example needs them and stops here.")
else:
    print("MNIST found")

# %%
# Train on 500 zeros
# ------------------
# Pixels are in [-1, 1] (ADGAN §4.1) and each image is one flat row of 784 values. Both
# detectors score an image by its reconstruction error: ``D(E(x))`` for the autoencoder,
# ``G(E(x))`` through the GAN's generator for the WGAN encoder.
if data_folder is not None:
    rng = np.random.default_rng(0)
    train, test = load_mnist("train", data_dir=data_folder), load_mnist("test", data_dir=data_folder)
    X_train = train.X[rng.choice(np.flatnonzero(train.y == 0), 500, replace=False)]
    picked = rng.choice(len(test.X), 400, replace=False)
    X_test, y_test = test.X[picked], (test.y[picked] != 0).astype(int)  # 1: not a zero
    print(f"{len(X_train)} training zeros; test: {len(X_test)} images, {y_test.mean():.0%} not zeros")

    detectors = {
        "DCAE": DCAE(image_shape=(1, 28, 28), conv_width=16, latent_dim=32, n_epochs=20, random_state=0),
        "WGANEncoder": WGANEncoder(image_shape=(1, 28, 28), conv_width=16, latent_dim=32, n_epochs=30,
                                   learning_rate=5e-4, encoder_epochs=10, random_state=0),
    }
    for name, detector in detectors.items():
        detector.fit(X_train)
        print(f"{name}: AUROC {auroc(y_test, detector.anomaly_score(X_test)):.3f}")

# %%
# Reconstructions
# ---------------
# Four test zeros and four other digits (top row), and each detector's reconstruction of
# them, titled with its anomaly score.
if data_folder is not None:
    shown = np.concatenate([np.flatnonzero(y_test == 0)[:4], np.flatnonzero(y_test == 1)[:4]])
    rows = {"test image": X_test[shown]}
    scores = {}
    for name, detector in detectors.items():
        rows[name] = detector.reconstruction(X_test[shown])
        scores[name] = detector.anomaly_score(X_test[shown])
    fig, axes = plt.subplots(len(rows), len(shown), figsize=(9, 4))
    for r, (name, images) in enumerate(rows.items()):
        for c, image in enumerate(images):
            ax = axes[r, c]
            ax.imshow(image.reshape(28, 28), cmap="gray", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if name in scores:
                ax.set_title(f"{scores[name][c]:.2f}", fontsize=8)
        axes[r, 0].set_ylabel(name, fontsize=8)
    fig.tight_layout()
