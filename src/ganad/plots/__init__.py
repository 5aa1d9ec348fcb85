"""Figures of Haloui et al. 2018, "Anomaly detection with Wasserstein GAN", of HistoryAD
(Chatillon & Ballester 2020: ``plot_history_toy``, ``plot_fitted_history_toy``,
``plot_score_densities``, ``plot_interpolation_strip``) and of RCGAN (Yang et al. 2020: ``plot_discriminator_maps``,
``plot_reconstructions``).

Each function takes plain numpy arrays, dicts or callables, writes one image (PNG
unless the path's suffix names another format) through matplotlib's Agg canvas and
returns its ``pathlib.Path``. matplotlib is imported only when a figure is drawn.
"""

from .alice import plot_discriminator_maps, plot_reconstructions
from .critic import plot_critic_landscape
from .history import plot_fitted_history_toy, plot_history_toy, plot_interpolation_strip, plot_score_densities
from .ranking import plot_ranked_samples
from .samples import plot_data_vs_generated, plot_generator_snapshots, plot_image_grid
from .scores import plot_pr_roc, plot_score_boxplot, plot_score_histogram
from .training import plot_loss_curves

__all__ = [
    "plot_critic_landscape",
    "plot_data_vs_generated",
    "plot_discriminator_maps",
    "plot_fitted_history_toy",
    "plot_generator_snapshots",
    "plot_history_toy",
    "plot_image_grid",
    "plot_interpolation_strip",
    "plot_loss_curves",
    "plot_pr_roc",
    "plot_ranked_samples",
    "plot_reconstructions",
    "plot_score_boxplot",
    "plot_score_densities",
    "plot_score_histogram",
]
