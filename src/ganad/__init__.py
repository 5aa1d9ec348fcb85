"""ganad: anomaly detection with generative adversarial networks.

Every detector is a scikit-learn outlier estimator (``fit``, ``score_samples``,
``decision_function``, ``predict``) with ``anomaly_score(X)`` (higher = more
anomalous) for the papers' metrics. ``ganad.load(path)`` reads a saved model.

The names below are imported on first use (PEP 562), so that ``import ganad`` and the
command line's listing and help do not load torch or scikit-learn.
"""

from ._version import __version__
from .utils.lazy import lazy_attributes

# public name -> (module, attribute)
_EXPORTS = {
    "ADGAN": ("ganad.detectors.adgan", "ADGAN"),
    "ALAD": ("ganad.detectors.alice", "ALAD"),
    "AnoGAN": ("ganad.detectors.adgan", "AnoGAN"),
    "BiGAN": ("ganad.detectors.alice", "BiGAN"),
    "DETECTORS": ("ganad.registry", "DETECTORS"),
    "GANomaly": ("ganad.detectors.ganomaly", "GANomaly"),
    "HistoryAD": ("ganad.detectors.history", "HistoryAD"),
    "PyODAdapter": ("ganad.adapters", "PyODAdapter"),
    "RCGAN": ("ganad.detectors.alice", "RCGAN"),
    "WGANCritic": ("ganad.detectors.wgan", "WGANCritic"),
    "WGANEncoder": ("ganad.detectors.wgan", "WGANEncoder"),
    "WGANInversion": ("ganad.detectors.wgan", "WGANInversion"),
    "get_detector": ("ganad.registry", "get_detector"),
    "load": ("ganad.io", "load_model"),
}

__all__ = sorted([*_EXPORTS, "__version__"])


__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
