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

The last section ranks the test images with :class:`ganad.ADGAN`, as the paper's Fig. 4
does: the most and the least anomalous ones, each above its residual map.

MNIST is not downloaded here: the example reads it from the data folder, ``$GANAD_DATA`` or
a ``shared/data`` folder beside the repository (``ganad data fetch mnist`` fills the first).
Without it, the comparison is skipped and the ranking runs on scikit-learn's embedded 8x8
digits instead.
"""

# %%
# Find the data
# -------------
import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ganad import ADGAN, WGANEncoder
from ganad.data import load_digits_images, load_mnist
from ganad.detectors.baselines import DCAE
from ganad.metrics import auroc
from ganad.plots import plot_ranked_samples
from ganad.plots.ranking import extremes


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
          "`ganad data fetch mnist`): the comparison below is skipped, and the ranking "
          "runs on scikit-learn's 8x8 digits.")
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

# %%
# ADGAN's ranking: the most and least anomalous test images
# ---------------------------------------------------------
# ADGAN (Deecke et al. 2018, Algorithm 1) scores an image by how well its generator
# reproduces it: from n_seed = 8 starting latents, k = 5 Adam steps move each latent *and*
# a copy of the generator's weights towards the image, and the score is the mean final
# squared error. Its §4.4 (Fig. 4) ranks unlabelled images by that score and shows both
# ends; ``explain`` splits each score over the pixels (the squared residuals, averaged over
# the seeds), the residual map drawn under each image. ``ganad rank MODEL DATA --maps``
# draws the same figure from a saved model; here
# :func:`ganad.plots.plot_ranked_samples` draws it from the arrays.
#
# The search keeps the paper's settings; the GAN training does not. The paper trains a
# WGAN with weight clipping (RMSprop at 5e-5), which barely moves in the few hundred
# generator steps a gallery can afford, so this GAN uses the original objective
# (``gan="vanilla"``) with Adam at 5e-4: 40 epochs of the 500 training zeros in batches of
# 32, some 600 generator steps on networks of width 16 with a 32-D latent. ADGAN ranks the
# first 200 test images. (Without MNIST: 120 of the 8x8 zeros train, and the other 58
# zeros and 150 other digits are ranked.)
if data_folder is not None:
    X_rank_train, image_shape = X_train, (1, 28, 28)
    X_rank, y_rank, digit = X_test[:200], y_test[:200], test.y[picked][:200]
else:  # no MNIST files: the embedded 8x8 digits, zeros normal, the other digits anomalous
    digits = load_digits_images()
    rng = np.random.default_rng(0)
    zeros = rng.permutation(np.flatnonzero(digits.y == 0))
    others = rng.choice(np.flatnonzero(digits.y != 0), 150, replace=False)
    X_rank_train, image_shape = digits.X[zeros[:120]], digits.image_shape
    X_rank = np.concatenate([digits.X[zeros[120:]], digits.X[others]])
    digit = np.concatenate([digits.y[zeros[120:]], digits.y[others]])
    y_rank = (digit != 0).astype(int)

adgan = ADGAN(image_shape=image_shape, gan="vanilla", learning_rate=5e-4, batch_size=32, n_epochs=40,
              conv_width=16, latent_dim=32, random_state=0).fit(X_rank_train)
rank_scores = adgan.anomaly_score(X_rank)
print(f"ADGAN: AUROC {auroc(y_rank, rank_scores):.3f} on {len(X_rank)} test images "
      f"({y_rank.mean():.0%} not zeros)")

# %%
# The nine highest and the nine lowest scores, each titled with its score, most extreme
# first, and their residual maps on one colour scale. Only the 18 images shown are
# explained: ``explain`` runs the search again.
most, least = extremes(rank_scores, 9)
shown = np.concatenate([most, least])
with tempfile.TemporaryDirectory() as folder:
    path = plot_ranked_samples(X_rank[shown], rank_scores[shown], Path(folder) / "ranked.png",
                               image_shape=image_shape, n_shown=9, maps=adgan.explain(X_rank[shown]))
    picture = plt.imread(path)
fig = plt.figure(figsize=(picture.shape[1] / 100, picture.shape[0] / 100), dpi=100)
fig.figimage(picture)
print("most anomalous, their digits:", digit[most].tolist())
print("least anomalous, their digits:", digit[least].tolist())
