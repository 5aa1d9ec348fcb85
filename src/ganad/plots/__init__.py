"""Figures of Haloui et al. 2018, "Anomaly detection with Wasserstein GAN".

Each function takes plain numpy arrays, dicts or callables, writes one image (PNG
unless the path's suffix names another format) through matplotlib's Agg canvas and
returns its ``pathlib.Path``. matplotlib is imported only when a figure is drawn.
"""

from .critic import plot_critic_landscape
from .samples import plot_data_vs_generated, plot_generator_snapshots
from .scores import plot_pr_roc, plot_score_boxplot
from .training import plot_loss_curves

__all__ = [
    "plot_critic_landscape",
    "plot_data_vs_generated",
    "plot_generator_snapshots",
    "plot_loss_curves",
    "plot_pr_roc",
    "plot_score_boxplot",
]
