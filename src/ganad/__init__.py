"""ganad: anomaly detection with generative adversarial networks.

Every detector is a scikit-learn outlier estimator (``fit``, ``score_samples``,
``decision_function``, ``predict``) with ``anomaly_score(X)`` (higher = more
anomalous) for the papers' metrics. ``ganad.load(path)`` reads a saved model.
"""

__version__ = "0.1.0"

from .adapters import PyODAdapter  # noqa: E402
from .detectors.adgan import ADGAN, AnoGAN  # noqa: E402
from .detectors.alice import ALAD, RCGAN, BiGAN  # noqa: E402
from .detectors.ganomaly import GANomaly  # noqa: E402
from .detectors.history import HistoryAD  # noqa: E402
from .detectors.wgan import WGANCritic, WGANEncoder, WGANInversion  # noqa: E402
from .io import load_model as load  # noqa: E402
from .registry import DETECTORS, get_detector  # noqa: E402

__all__ = [
    "ADGAN",
    "ALAD",
    "AnoGAN",
    "BiGAN",
    "DETECTORS",
    "GANomaly",
    "HistoryAD",
    "PyODAdapter",
    "RCGAN",
    "WGANCritic",
    "WGANEncoder",
    "WGANInversion",
    "__version__",
    "get_detector",
    "load",
]
