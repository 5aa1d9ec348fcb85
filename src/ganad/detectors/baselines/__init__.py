"""The classical baselines of ADGAN (Deecke et al. 2018, §4.2, Table 1): KDE, OC-SVM, IF, GMM."""

from .classical import GMM, KDE, OCSVM, IForest

__all__ = ["GMM", "IForest", "KDE", "OCSVM"]
