"""Name -> detector class, driving the CLI, ``ganad.load``, benchmarks and the common tests."""

from .detectors.baselines import GMM, KDE, OCSVM, IForest
from .detectors.wgan import WGANCritic, WGANEncoder, WGANInversion

DETECTORS = {
    "wgan-critic": WGANCritic,
    "wgan-inversion": WGANInversion,
    "wgan-encoder": WGANEncoder,
    "kde": KDE,
    "ocsvm": OCSVM,
    "iforest": IForest,
    "gmm": GMM,
}

PAPERS = {
    "wgan-critic": "Haloui et al. 2018, Anomaly detection with Wasserstein GAN, §5.1",
    "wgan-inversion": "Haloui et al. 2018, Anomaly detection with Wasserstein GAN, §5.2 (Eq. 21-22)",
    "wgan-encoder": "Haloui et al. 2018, Anomaly detection with Wasserstein GAN, §5.3 (Eq. 23)",
    "kde": "Deecke et al. 2018, Image anomaly detection with generative adversarial networks (ADGAN), §4.2 (i), Table 1",
    "ocsvm": "Deecke et al. 2018, ADGAN, §4.2 (ii), Table 1",
    "iforest": "Deecke et al. 2018, ADGAN, §4.2 (iii), Table 1",
    "gmm": "Deecke et al. 2018, ADGAN, §4.2 (iv), Table 1",
}


def get_detector(name):
    """The detector class registered as ``name``."""
    try:
        return DETECTORS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; choose one of {sorted(DETECTORS)}") from None


def method_name(detector):
    """The registry name of a detector instance or class."""
    cls = detector if isinstance(detector, type) else type(detector)
    for name, registered in DETECTORS.items():
        if registered is cls:
            return name
    raise ValueError(f"{cls.__name__} is not a registered ganad detector")
