"""``ganad demo``: the ring experiments of Haloui et al. 2018, "Anomaly detection with Wasserstein GAN".

The data are the paper's 7 Gaussians on the unit circle (§2.1), ``make_ring``, with a
held-out labelled set ``make_ring_anomaly_set``.

--gan wgan-gp (default) or wgan-clip: one WGANEncoder is fitted, i.e. the WGAN is
trained once, then its encoder; WGANCritic and WGANInversion are built on the same
trained networks with ``from_gan`` (no further GAN training). Prints the training time
and a Markdown table (detector | AUROC | AUPRC | score seconds) on the held-out set and
writes samples.png (Figs. 9/12), critic_landscape.png (Fig. 13), critic_loss.png
(Fig. 10), pr_roc.png and score_boxplot.png (the encoder's scores) and results.json.

Budget: the paper trains on 100,000 points for 15 epochs (Fig. 10); the demo's default is
20,000 points for 30 epochs (9,390 critic and 1,878 generator steps), so that it runs in
under a minute on two cores; ``--n-train 100000 --epochs 15`` is the paper's. It was chosen
on training-side evidence only (no test anomalies): a Gaussian-kernel MMD (bandwidth 0.1)
between 2,000 generated points and 2,000 fresh *normal* ring points, for (points, epochs) =
(10k, 15), (20k, 15), (20k, 30), (50k, 15), (100k, 15): 0.077, 0.046, 0.025, 0.020, 0.012,
with all 7 modes covered each time; the MMD falls with the number of steps, and (20k, 30)
is the longest run that fits the minute.

The gradient-penalty weight defaults to lambda = 0.1, not the paper's lambda = 10
(Algorithm 2): Gulrajani et al.'s toy-data code (gan_toy.py, "Smaller lambda seems to
help for toy tasks specifically") uses 0.1, and with lambda = 10 our ring runs did not
converge within this demo's budget.

--gan vanilla: no detector; the original GAN (saturating loss, Algorithm 1) is trained on
the ring and 2000 generated points are drawn after each epoch. Prints how many of the 7
modes are covered per epoch (a mode is covered when >= 1 % of the samples lie within
0.15 of its centre) and writes mode_collapse.png (Fig. 8), discriminator_loss.png and
results.json. With the paper's 100,000 points and DCGAN's Adam 2e-4, batch 64, seed 0, 15
epochs, our run covered all 7 modes at every epoch: Fig. 8's mode collapse is not reproduced.

This module holds the description and the options, so that ``ganad --help`` loads no
torch; ``ganad.cli.ring_demo`` runs it.
"""

from pathlib import Path

from .options import non_negative_float, non_negative_int, positive_int, seed

# The default budget (module docstring): 20,000 points, 30 epochs, i.e. 9,390 critic and
# 1,878 generator steps, for a demo that runs in under a minute on 2 cores.
EPOCHS = {"wgan-gp": 30, "wgan-clip": 30, "vanilla": 15}
GP_WEIGHT = 0.1


def add_arguments(parser):
    parser.add_argument("--out", default="ganad-demo", metavar="DIR",
                        help="folder for the figures and results.json (default ./ganad-demo)")
    parser.add_argument("--gan", choices=("wgan-gp", "wgan-clip", "vanilla"), default="wgan-gp",
                        help="the GAN objective (default wgan-gp)")
    parser.add_argument("--n-train", type=int, default=20_000,
                        help="ring training points (default 20000; the paper's: 100000, see Budget in the description)")
    parser.add_argument("--n-test", type=int, default=1000,
                        help="held-out normal points, and as many anomalies (default 1000)")
    parser.add_argument("--epochs", type=positive_int, default=None,
                        help=f"GAN training epochs, full passes over the data (default {EPOCHS['wgan-gp']}; "
                             f"{EPOCHS['vanilla']} for --gan vanilla)")
    parser.add_argument("--gp-weight", type=non_negative_float, default=None,
                        help=f"WGAN-GP lambda, --gan wgan-gp only (default {GP_WEIGHT}, see above)")
    parser.add_argument("--inversion-steps", type=non_negative_int, default=None,
                        help="latent-search steps of wgan-inversion, not with --gan vanilla "
                             "(default: the detector's, 300)")
    parser.add_argument("--seed", type=seed, default=0,
                        help="seeds the data, the networks and training (default 0)")


def run(args):
    """Run the demo selected by ``args.gan``; returns 0."""
    _check_gan_options(args)
    if args.epochs is None:
        args.epochs = EPOCHS[args.gan]
    if args.gp_weight is None:
        args.gp_weight = GP_WEIGHT
    from . import ring_demo  # torch and the detectors, loaded only to run

    _check_sizes(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.gan == "vanilla":
        ring_demo.run_vanilla(args, out)
    else:
        ring_demo.run_wgan(args, out)
    return 0


def _check_gan_options(args):
    """Refuse, before any work, an option the chosen GAN does not use (it was ignored silently)."""
    if args.gp_weight is not None and args.gan != "wgan-gp":
        raise ValueError(f"--gp-weight is WGAN-GP's lambda; --gan {args.gan} has no gradient penalty")
    if args.inversion_steps is not None and args.gan == "vanilla":
        raise ValueError("--inversion-steps sets wgan-inversion's search, which --gan vanilla does not run")


def _check_sizes(args):
    for flag, value in (("--n-train", args.n_train), ("--n-test", args.n_test)):
        if value < 2:
            raise ValueError(f"{flag} must be at least 2, got {value}")
