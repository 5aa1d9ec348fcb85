"""
Setting the threshold on rows the model did not see
===================================================

``predict`` flags the rows above a threshold, ``offset_``. ``fit`` sets it so that a
fraction ``contamination`` (0.1) of the *training* rows is flagged. A network fitted on a
few hundred rows scores those rows as more normal than new rows of the same data, so it
flags many more of the new ones. :meth:`~ganad.GANomaly.calibrate` sets the threshold from
normal rows held out from ``fit`` instead; the scores, and so every ranking and AUROC, stay
as they are. The command line does the same with ``ganad fit DATA --calibration HELD_OUT``.
"""

# %%
# A small table of normal rows
# ----------------------------
# 350 rows of 20 correlated sensors: 250 to fit, 100 held out to set the threshold, and
# 1,000 new rows of the same kind, all normal.
import matplotlib.pyplot as plt
import numpy as np

from ganad import GANomaly

rng = np.random.default_rng(0)
mixing = rng.normal(size=(20, 20))


def sensors(n_rows):
    return np.tanh(rng.normal(size=(n_rows, 20)) @ mixing / 4)


X_fit, X_held_out, X_new = sensors(250), sensors(100), sensors(1000)

# %%
# The threshold of ``fit``
# ------------------------
detector = GANomaly(scaling="standard", random_state=0).fit(X_fit)
fit_threshold = -detector.offset_
print("training rows flagged:", np.mean(detector.predict(X_fit) == -1))
print("new normal rows flagged:", np.mean(detector.predict(X_new) == -1))

# %%
# The threshold of ``calibrate``
# ------------------------------
detector.calibrate(X_held_out)
print("rows that set the threshold:", detector.calibration_rows_)
print("new normal rows flagged:", np.mean(detector.predict(X_new) == -1))

# %%
# Why: the training rows score lower than new ones
# ------------------------------------------------
scores = {"fitted rows": detector.anomaly_score(X_fit), "new rows": detector.anomaly_score(X_new)}
fig, ax = plt.subplots(figsize=(7, 3.2))
bins = np.histogram_bin_edges(np.concatenate(list(scores.values())), 40)
for label, values in scores.items():
    ax.hist(values, bins=bins, density=True, alpha=0.5, label=label)
ax.axvline(fit_threshold, color="black", linestyle="--", label="threshold of fit")
ax.axvline(-detector.offset_, color="tab:red", label="threshold of calibrate")
ax.set_xlabel("anomaly score")
ax.legend()
fig.tight_layout()
