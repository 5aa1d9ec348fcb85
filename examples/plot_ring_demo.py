"""
The ring: a WGAN with an encoder on seven Gaussians
===================================================

Haloui et al. (2018) train a WGAN on a mixture of seven Gaussians placed on the unit circle
and call every point outside the mixture's level set an anomaly (§2.1). After the GAN, an
encoder E is trained with the generator frozen, and a point's anomaly score is its
reconstruction error ``mean((x - G(E(x)))^2)`` (§5.3): :class:`ganad.WGANEncoder`.

The paper trains on 100,000 points for 30 epochs; this example uses 2,000 points, 100
epochs and the gradient-penalty weight 0.1 of Gulrajani et al.'s toy code (the paper's 10
covers fewer modes at small budgets; see the method's page), so that it runs in seconds.
"""

# %%
# Data: the ring and a labelled test set
# --------------------------------------
# :func:`ganad.data.make_ring` samples the mixture; :func:`ganad.data.make_ring_anomaly_set`
# returns fresh ring points (label 0) and points uniform in a square but away from every
# mode (label 1).
import matplotlib.pyplot as plt
import numpy as np

from ganad import WGANEncoder
from ganad.data import make_ring, make_ring_anomaly_set
from ganad.metrics import auprc, auroc

X_train = make_ring(2000, random_state=0)
X_test, y_test = make_ring_anomaly_set(500, 500, random_state=1)
print(X_train.shape, X_test.shape, y_test.mean())

# %%
# Fit and score
# -------------
# ``fit`` trains the WGAN-GP, then the encoder. ``anomaly_score`` is higher for more
# anomalous rows; ``predict`` flags the ``contamination`` share (10 %) of the training rows
# with the highest scores, and every row scoring as high.
detector = WGANEncoder(n_epochs=100, gp_weight=0.1, random_state=0).fit(X_train)
scores = detector.anomaly_score(X_test)
print(f"AUROC {auroc(y_test, scores):.3f}, AUPRC {auprc(y_test, scores):.3f}")
print("flagged as outliers:", (detector.predict(X_test) == -1).mean())

# %%
# The score over the plane
# ------------------------
# Left: the anomaly score on a grid, the training points, and the threshold
# ``-offset_`` as a contour. Right: the scores of the test set's two groups.
side = np.linspace(-1.6, 1.6, 120)
grid = np.stack(np.meshgrid(side, side), axis=-1).reshape(-1, 2)
grid_scores = detector.anomaly_score(grid).reshape(len(side), len(side))

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
image = left.pcolormesh(side, side, np.log10(grid_scores + 1e-6), cmap="viridis", shading="auto")
left.contour(side, side, grid_scores, levels=[-detector.offset_], colors="white", linewidths=1)
left.scatter(*X_train[::4].T, s=2, c="black", alpha=0.5)
left.set_title("log10 anomaly score; white: the threshold")
left.set_aspect("equal")
fig.colorbar(image, ax=left)
bins = np.linspace(np.log10(scores.min() + 1e-6), np.log10(scores.max() + 1e-6), 40)
for label, name in [(0, "ring points"), (1, "anomalies")]:
    right.hist(np.log10(scores[y_test == label] + 1e-6), bins=bins, alpha=0.6, label=name)
right.axvline(np.log10(-detector.offset_ + 1e-6), color="black", linestyle="--", label="threshold")
right.set_xlabel("log10 anomaly score")
right.legend()
fig.tight_layout()

# %%
# Training losses
# ---------------
# ``history_`` keeps every step's loss terms by name.
print(sorted(detector.history_.keys()))
