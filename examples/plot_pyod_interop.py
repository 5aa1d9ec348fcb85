"""
PyOD's dialect: ``PyODAdapter``
===============================

PyOD's detectors share ``pyod.models.base.BaseDetector``: after ``fit`` they hold the
training scores ``decision_scores_`` (higher = more abnormal), a ``threshold_`` and
``labels_`` (1 = outlier), and offer ``predict_proba`` and ``predict_confidence``.
:class:`ganad.PyODAdapter` gives a ganad detector the same attributes and methods, computed
with numpy and scikit-learn (PyOD itself is not needed; the test suite compares every output
with PyOD's own code), so it drops into tooling written for PyOD.

Here it wraps :class:`ganad.GANomaly` (Akcay et al. 2018) on the "four dots" of Yang et al.
(2020): four Gaussian blobs on the corners of a square, with anomalies in the empty space
between them.
"""

# %%
# Wrap a detector
# ---------------
import matplotlib.pyplot as plt
import numpy as np

from ganad import GANomaly, PyODAdapter
from ganad.data import make_four_dots, make_four_dots_anomaly_set
from ganad.metrics import auroc

X_train = make_four_dots(2000, random_state=0)
X_test, y_test = make_four_dots_anomaly_set(300, 300, random_state=1)

model = PyODAdapter(GANomaly(n_epochs=20, random_state=0), contamination=0.05)
model.fit(X_train)
print("training scores:", model.decision_scores_.shape, "threshold:", round(model.threshold_, 4))
print("training rows flagged:", model.labels_.mean())

# %%
# Scores, labels, probabilities
# -----------------------------
# ``decision_function`` is PyOD's anomaly score (``-score_samples`` of the wrapped
# detector); ``predict`` returns 0 / 1; ``predict_proba`` turns scores into an outlier
# probability by min-max scaling over the training scores ("linear") or with PyOD's
# Gaussian "unify"; ``predict_confidence`` is ExCeeD's confidence in each label.
scores = model.decision_function(X_test)
labels = model.predict(X_test)
linear = model.predict_proba(X_test, method="linear")[:, 1]
unify = model.predict_proba(X_test, method="unify")[:, 1]
confidence = model.predict_confidence(X_test)
print(f"AUROC {auroc(y_test, scores):.3f}; flagged {labels.mean():.2f} of the test rows")
print("probability columns sum to 1:", np.allclose(model.predict_proba(X_test).sum(axis=1), 1))

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
order = np.argsort(scores)
left.plot(scores[order], linear[order], label='predict_proba(method="linear")')
left.plot(scores[order], unify[order], label='predict_proba(method="unify")')
left.axvline(model.threshold_, color="black", linestyle="--", label="threshold_")
left.set_xlabel("decision_function (anomaly score)")
left.set_ylabel("outlier probability")
left.legend(fontsize=8)
points = right.scatter(*X_test.T, c=confidence, s=8, cmap="viridis")
right.scatter(*X_test[labels == 1].T, s=30, facecolors="none", edgecolors="red", linewidths=0.6,
              label="predicted outlier")
right.set_title("predict_confidence")
right.set_aspect("equal")
right.legend(fontsize=8, loc="upper right")
fig.colorbar(points, ax=right)
fig.tight_layout()

# %%
# The wrapped detector's own threshold
# ------------------------------------
# ``contamination=None`` keeps the detector's threshold instead (``threshold_ =
# -offset_``): the adapter then flags exactly the rows the detector's ``predict`` marks -1.
same = PyODAdapter(GANomaly(n_epochs=20, random_state=0), contamination=None)
same.fit(X_train)
print(np.array_equal(same.predict(X_test) == 1, same.detector_.predict(X_test) == -1))
