"""Baselines behind the detector API: ADGAN's classical ones (KDE, OC-SVM, IF, GMM; Deecke
et al. 2018, §4.2) and the deep ones of ADGAN and RCGAN (DCAE, VAE, Deep SVDD, DAGMM, DSEBM)."""

from .classical import GMM, KDE, OCSVM, IForest
from .dagmm import DAGMM
from .dcae import DCAE
from .deep_svdd import DeepSVDD
from .dsebm import DSEBM
from .vae import VAE

__all__ = ["DAGMM", "DCAE", "DSEBM", "GMM", "KDE", "OCSVM", "VAE", "DeepSVDD", "IForest"]
