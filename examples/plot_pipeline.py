"""
Detectors in a scikit-learn ``Pipeline``
========================================

Every ganad detector is a scikit-learn outlier estimator, so it composes with the usual
tools: a ``Pipeline`` puts preprocessing in front of it, ``clone`` and ``set_params`` build
variants, and any metric of :mod:`sklearn.metrics` reads its scores. This example scales two
sensors recorded in different units, compares two settings of :class:`ganad.GANomaly` on a
labelled validation set, and ends a pipeline with :class:`ganad.PyODAdapter`.
"""

# %%
# Two sensors in different units
# ------------------------------
# The "arc" of Yang et al. (2020), with the second coordinate in other units: a detector
# fed the raw values would see one feature a thousand times wider than the other.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.metrics import RocCurveDisplay
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ganad import GANomaly, PyODAdapter
from ganad.data import make_arc, make_arc_anomaly_set
from ganad.metrics import auroc

units = np.array([1.0, 1000.0])
X_train = make_arc(2000, random_state=0) * units
X_valid, y_valid = make_arc_anomaly_set(300, 300, random_state=1)
X_test, y_test = make_arc_anomaly_set(300, 300, random_state=2)
X_valid, X_test = X_valid * units, X_test * units
print(X_train.std(axis=0))

# %%
# Scaler and detector in one estimator
# ------------------------------------
# The pipeline fits the scaler on the training rows and the detector on the scaled rows. A
# ``Pipeline`` has no ``anomaly_score``: its anomaly score is ``-score_samples``.
pipeline = make_pipeline(StandardScaler(), GANomaly(n_epochs=20, random_state=0))
pipeline.fit(X_train)
print(f"AUROC {auroc(y_test, -pipeline.score_samples(X_test)):.3f}")
print("predict:", sorted(set(pipeline.predict(X_test).tolist())))

# %%
# Choosing a setting on validation data
# -------------------------------------
# ``clone`` copies the unfitted pipeline; ``set_params`` reaches the detector through the
# step's name. The choice is made on the validation set, and reported on the test set.
fig, ax = plt.subplots(figsize=(5, 4.5))
results = {}
for latent_dim in (2, 16):
    candidate = clone(pipeline).set_params(ganomaly__latent_dim=latent_dim).fit(X_train)
    results[latent_dim] = auroc(y_valid, -candidate.score_samples(X_valid))
    RocCurveDisplay.from_predictions(y_test, -candidate.score_samples(X_test), ax=ax,
                                     name=f"latent_dim={latent_dim}")
best = max(results, key=results.get)
print("validation AUROC:", {k: round(v, 3) for k, v in results.items()}, "-> latent_dim", best)
ax.set_title("test ROC curves")
fig.tight_layout()

# %%
# A pipeline that speaks PyOD
# ---------------------------
# With :class:`ganad.PyODAdapter` as the last step, ``decision_function`` is the anomaly
# score and ``predict_proba`` passes its keywords through.
pyod_pipeline = make_pipeline(StandardScaler(), PyODAdapter(GANomaly(n_epochs=20, random_state=0)))
pyod_pipeline.fit(X_train)
print(f"AUROC {auroc(y_test, pyod_pipeline.decision_function(X_test)):.3f}")
print(pyod_pipeline.predict_proba(X_test[:3], method="unify").shape)
