"""Evaluation metrics for anomaly scores (anomaly = positive class, label 1)."""

from ganad.metrics.ranking import auprc, auroc, evaluate, minmax_scale, precision_recall_f1_at_k, top_k_flags

__all__ = ["auroc", "auprc", "top_k_flags", "precision_recall_f1_at_k", "evaluate", "minmax_scale"]
