"""
Monitoring a table from a CSV file, and explaining a flagged row
================================================================

A pump logs five sensors. We fit a detector on a CSV of normal operation, score a new
day's CSV, and ask :meth:`~ganad.WGANEncoder.explain` which features made the most
anomalous row anomalous. The command line does the same with ``ganad fit`` and
``ganad score --explain K``.

:class:`ganad.WGANEncoder` scores a row by its reconstruction error through the GAN,
``mean_j (x_j - G(E(x))_j)^2`` on the scaled features, so ``explain`` splits the score
exactly into one term per feature.
"""

# %%
# Two CSV files: normal operation, and a new day
# ----------------------------------------------
# Flow drives every other sensor, up to noise. The new day holds three faults: a vibration
# spike, a pressure that no longer matches the flow (each value alone is in its normal
# range), and an overheating motor.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ganad import WGANEncoder
from ganad.data import column_names, read_array

COLUMNS = ["flow", "pressure", "power", "temperature", "vibration"]


def pump_log(n_rows, rng):
    flow = rng.uniform(20.0, 60.0, n_rows)
    pressure = 1.5 + 0.04 * flow + rng.normal(0.0, 0.05, n_rows)
    power = 0.8 * flow * pressure / 10 + rng.normal(0.0, 0.1, n_rows)
    temperature = 35.0 + 2.0 * power + rng.normal(0.0, 0.5, n_rows)
    vibration = 1.0 + 0.02 * flow + rng.normal(0.0, 0.1, n_rows)
    return np.column_stack([flow, pressure, power, temperature, vibration])


rng = np.random.default_rng(0)
folder = Path(tempfile.mkdtemp())
train_csv, today_csv = folder / "normal.csv", folder / "today.csv"
today = pump_log(300, rng)
today[40, 4] += 1.5  # vibration spike
today[120, 1] = 1.5 + 0.04 * (today[120, 0] - 25.0)  # pressure of another flow
today[250, 3] += 15.0  # overheating
header = ",".join(COLUMNS)
np.savetxt(train_csv, pump_log(2000, rng), delimiter=",", header=header, comments="", fmt="%.4f")
np.savetxt(today_csv, today, delimiter=",", header=header, comments="", fmt="%.4f")
print(train_csv.read_text().splitlines()[:3])

# %%
# Fit on normal operation
# -----------------------
# :func:`ganad.data.read_array` reads the CSV (header detected) as a float array, and
# :func:`ganad.data.column_names` its header. ``scaling="standard"`` z-scores each feature
# with the training rows' statistics, stored in the fitted model.
X_train = read_array(train_csv)
names = column_names(train_csv)
detector = WGANEncoder(scaling="standard", latent_dim=2, hidden=(64, 64), n_epochs=100,
                       gp_weight=0.1, random_state=0).fit(X_train)
print(X_train.shape, names)

# %%
# Score the new day
# -----------------
# The three faults should rank at the top. ``predict`` flags rows above the threshold set
# at fit (the 10 % most anomalous training rows: ``contamination=0.1``).
X_today = read_array(today_csv)
scores = detector.anomaly_score(X_today)
ranking = np.argsort(-scores)
print("top rows:", ranking[:5].tolist())
print("ranks of the faults:", [int(np.flatnonzero(ranking == row)[0]) for row in (40, 120, 250)])
print("flagged today:", int((detector.predict(X_today) == -1).sum()), "of", len(X_today))

# %%
# Which features made the top rows anomalous?
# -------------------------------------------
# ``explain`` returns one contribution per feature, in score units; here they sum to the
# score exactly.
top = ranking[:3]
contributions = detector.explain(X_today[top])
print(np.allclose(contributions.sum(axis=1), scores[top]))

fig, axes = plt.subplots(1, len(top), figsize=(11, 3.2), sharey=True)
for ax, row, values in zip(axes, top, contributions):
    ax.barh(names, values, color="tab:red")
    ax.set_title(f"row {row}: score {scores[row]:.2f}")
    ax.invert_yaxis()
    ax.set_xlabel("contribution to the anomaly score")
fig.tight_layout()
for row, values in zip(top, contributions):
    print(f"row {row}: mostly {names[int(np.argmax(values))]}")
