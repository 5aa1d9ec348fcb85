"""Name -> detector class, driving the CLI, ``ganad.load``, benchmarks and the common tests."""

from .detectors.baselines import DAGMM, DCAE, DSEBM, GMM, KDE, OCSVM, VAE, DeepSVDD, IForest
from .detectors.wgan import WGANCritic, WGANEncoder, WGANInversion

DETECTORS = {
    "wgan-critic": WGANCritic,
    "wgan-inversion": WGANInversion,
    "wgan-encoder": WGANEncoder,
    "kde": KDE,
    "ocsvm": OCSVM,
    "iforest": IForest,
    "gmm": GMM,
    "dcae": DCAE,
    "vae": VAE,
    "deep-svdd": DeepSVDD,
    "dagmm": DAGMM,
    "dsebm": DSEBM,
}

PAPERS = {
    "wgan-critic": "Haloui et al. 2018, Anomaly detection with Wasserstein GAN, §5.1",
    "wgan-inversion": "Haloui et al. 2018, Anomaly detection with Wasserstein GAN, §5.2 (Eq. 21-22)",
    "wgan-encoder": "Haloui et al. 2018, Anomaly detection with Wasserstein GAN, §5.3 (Eq. 23)",
    "kde": "Deecke et al. 2018, Image anomaly detection with generative adversarial networks (ADGAN), §4.2 (i), Table 1",
    "ocsvm": "Deecke et al. 2018, ADGAN, §4.2 (ii), Table 1",
    "iforest": "Deecke et al. 2018, ADGAN, §4.2 (iii), Table 1",
    "gmm": "Deecke et al. 2018, ADGAN, §4.2 (iv), Table 1",
    "dcae": "Masci et al. 2011; Deecke et al. 2018 (ADGAN) §4.2, Table 2",
    "vae": "Kingma & Welling 2014, Eq. 10 (negative ELBO); Deecke et al. 2018 (ADGAN) §4.2, Table 2",
    "deep-svdd": "Ruff et al. 2018, Deep One-Class Classification, Eq. 3-5; Yang et al. 2020 (RCGAN) §5.2",
    "dagmm": "Zong et al. 2018, Deep Autoencoding Gaussian Mixture Model, Eq. 1-7; Yang et al. 2020 (RCGAN) §5.2",
    "dsebm": "Zhai et al. 2016, Deep Structured Energy Based Models, Eq. 3, 7-8; Yang et al. 2020 (RCGAN) §5.2",
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
