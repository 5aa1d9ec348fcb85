"""The registered methods by name, their papers and which can be saved, without importing them.

``ganad.registry`` imports the classes named here; the command line's ``list`` and
``--help`` read this module alone, so they load neither torch nor scikit-learn.
``method_name`` maps a detector back to its name without importing anything, so that
the modules below the detectors (``ganad.model_folder``, which saves them) can name one.
"""

import sys

# name -> (module, class), in the order ``ganad list`` prints them
METHODS = {
    "history-ad": ("ganad.detectors.history", "HistoryAD"),
    "wgan-critic": ("ganad.detectors.wgan", "WGANCritic"),
    "wgan-inversion": ("ganad.detectors.wgan", "WGANInversion"),
    "wgan-encoder": ("ganad.detectors.wgan", "WGANEncoder"),
    "kde": ("ganad.detectors.baselines", "KDE"),
    "ocsvm": ("ganad.detectors.baselines", "OCSVM"),
    "iforest": ("ganad.detectors.baselines", "IForest"),
    "gmm": ("ganad.detectors.baselines", "GMM"),
    "dcae": ("ganad.detectors.baselines", "DCAE"),
    "vae": ("ganad.detectors.baselines", "VAE"),
    "deep-svdd": ("ganad.detectors.baselines", "DeepSVDD"),
    "dagmm": ("ganad.detectors.baselines", "DAGMM"),
    "dsebm": ("ganad.detectors.baselines", "DSEBM"),
    "bigan": ("ganad.detectors.alice", "BiGAN"),
    "alad": ("ganad.detectors.alice", "ALAD"),
    "rcgan": ("ganad.detectors.alice", "RCGAN"),
    "ganomaly": ("ganad.detectors.ganomaly", "GANomaly"),
    "anogan": ("ganad.detectors.adgan", "AnoGAN"),
    "adgan": ("ganad.detectors.adgan", "ADGAN"),
}

NOT_SAVABLE = frozenset({"kde", "ocsvm", "iforest", "gmm"})  # fitted state needs pickle (``savable = False``)

PAPERS = {
    "history-ad": "Chatillon & Ballester 2020, History-based anomaly detector: an adversarial approach to anomaly detection, Eq. 3, 10, 13-14",
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
    "bigan": "Zenati et al. 2018, Efficient GAN-Based Anomaly Detection (EGBAD, on Donahue et al.'s BiGAN); Thimmaraju 2022 Eq. 3; Haloui et al. 2018 Eq. 16-20",
    "alad": "Zenati et al. 2018, Adversarially Learned Anomaly Detection (ICDM); Yang et al. 2020 (RCGAN) Eq. 2-3, 12",
    "rcgan": "Yang, Bozchalooi & Darve 2020, Regularized Cycle Consistent GAN for Anomaly Detection (ECAI), Eq. 4, 9-12",
    "ganomaly": "Akcay et al. 2018, GANomaly: Semi-Supervised Anomaly Detection via Adversarial Training; Thimmaraju 2022 §3.3 (Eq. 8-13)",
    "anogan": "Schlegl et al. 2017, Unsupervised anomaly detection with GANs to guide marker discovery (AnoGAN); Thimmaraju 2022 §3.1 (Eq. 4-7); Deecke et al. 2018 §3.2",
    "adgan": "Deecke et al. 2018, Image anomaly detection with generative adversarial networks (ADGAN), Algorithm 1, §3-4",
}


def method_name(detector):
    """The registry name of a detector instance or class.

    A detector's class has been imported, so the package that ``METHODS`` names for it is in
    ``sys.modules``: the class is looked up there by identity, importing nothing.

    Raises
    ------
    ValueError
        If the class is not one of ``METHODS`` (a subclass is not).
    """
    cls = detector if isinstance(detector, type) else type(detector)
    for name, (module, attribute) in METHODS.items():
        if getattr(sys.modules.get(module), attribute, None) is cls:
            return name
    raise ValueError(f"{cls.__name__} is not a registered ganad detector")
