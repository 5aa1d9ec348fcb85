"""The ring demo's training, scoring and figures; ``ganad.cli.demo`` describes it and parses its options."""

import json
import time

import numpy as np
import torch

from ..data import make_ring, make_ring_anomaly_set
from ..detectors.wgan import WGANCritic, WGANEncoder, WGANInversion
from ..metrics import auprc, auroc
from ..nets import LatentPrior, MLPConfig, MLPCritic, MLPGenerator
from ..plots import (plot_critic_landscape, plot_data_vs_generated, plot_generator_snapshots,
                     plot_loss_curves, plot_pr_roc, plot_score_boxplot)
from ..training import TRAINERS
from ..training.fitting import train_adversarially
from ..utils.device import resolve_device
from ..utils.rng import seeded_init, torch_generator
from ..utils.threads import choose_threads, torch_threads

N_MODES = 7
MODE_RADIUS = 0.15  # a generated point within this distance of a centre belongs to that mode
MODE_MIN_SHARE = 0.01  # a mode is covered when it holds at least this share of the samples
N_GENERATED = 5000  # generated samples drawn for samples.png
N_SNAPSHOT = 2000  # generated samples drawn per epoch for mode_collapse.png
N_BACKGROUND = 2000  # training points overlaid on the critic landscape and the snapshots
BATCH_SIZE = 64  # the paper's m (Algorithm 2)
GP_NOTE = ("lambda = {:g}; Gulrajani et al.'s toy-data code (gan_toy.py: \"Smaller lambda seems to help for "
           "toy tasks specifically\") uses 0.1; with the paper's lambda = 10 our ring runs did not converge "
           "within this demo's budget")


def run_wgan(args, out):
    X_train = make_ring(args.n_train, random_state=args.seed)
    X_test, y_test = make_ring_anomaly_set(args.n_test, args.n_test, random_state=args.seed + 1)
    print(f"ganad demo: {args.gan.upper()} on the 7-Gaussian ring (Haloui et al. 2018), seed {args.seed}")
    print(f"  data: {len(X_train):,} training points; held-out {args.n_test:,} normal + {args.n_test:,} anomalies")
    if args.gan == "wgan-gp":
        print("  " + GP_NOTE.format(args.gp_weight))
    print(f"  training the GAN ({args.epochs} epochs), then its encoder ...")
    detectors, timings = _fit_detectors(args, X_train)
    encoder = detectors["wgan-encoder"]
    generated = generate(encoder.generator_, encoder.prior_, N_GENERATED, args.seed, encoder.device_)
    print(f"  device {encoder.device_}; GAN ({args.epochs} epochs) + encoder "
          f"training: {timings['wgan-encoder']:.1f} s")
    print(f"  reusing the trained networks: wgan-critic fit {timings['wgan-critic']:.1f} s, "
          f"wgan-inversion fit {timings['wgan-inversion']:.1f} s (its threshold from "
          f"{min(len(X_train), detectors['wgan-inversion'].offset_sample_size)} training rows)")
    print(f"  {N_GENERATED} generated samples cover {modes_covered(generated)}/{N_MODES} modes")
    rows = [_evaluate(name, detector, X_test, y_test) for name, detector in detectors.items()]
    print("\nheld-out set:\n" + markdown_table(rows))
    names = _wgan_figures(out, detectors, X_train, X_test, y_test, generated)
    _write_json(out / "results.json", {
        "gan": args.gan, "gp_weight": args.gp_weight if args.gan == "wgan-gp" else None,
        "n_train": args.n_train, "n_test_normal": args.n_test, "n_test_anomalies": args.n_test,
        "epochs": args.epochs, "seed": args.seed, "device": str(encoder.device_),
        "fit_seconds": timings, "modes_covered": modes_covered(generated), "results": rows})
    print(f"\nwrote {', '.join(names)} and results.json to {out}")


def _fit_detectors(args, X_train):
    """The three detectors sharing one trained GAN, and each fit's seconds."""
    gan = {"gan": args.gan, "random_state": args.seed, "device": args.device}
    if args.gan == "wgan-gp":
        gan["gp_weight"] = args.gp_weight
    timings = {}
    start = time.perf_counter()
    encoder = WGANEncoder(n_epochs=args.epochs, verbose=1, **gan).fit(X_train)
    timings["wgan-encoder"] = time.perf_counter() - start
    inversion = {} if args.inversion_steps is None else {"inversion_steps": args.inversion_steps}
    detectors = {"wgan-critic": WGANCritic.from_gan(encoder),
                 "wgan-inversion": WGANInversion.from_gan(encoder, **inversion)}
    for name, detector in detectors.items():
        start = time.perf_counter()
        detector.fit(X_train)
        timings[name] = time.perf_counter() - start
    return {**detectors, "wgan-encoder": encoder}, timings


def _evaluate(name, detector, X_test, y_test):
    start = time.perf_counter()
    scores = detector.anomaly_score(X_test)
    seconds = time.perf_counter() - start
    return {"detector": name, "auroc": auroc(y_test, scores), "auprc": auprc(y_test, scores),
            "score_seconds": seconds}


def markdown_table(rows):
    lines = ["| detector | AUROC | AUPRC | score seconds |", "|---|---:|---:|---:|"]
    lines += [f"| {r['detector']} | {r['auroc']:.3f} | {r['auprc']:.3f} | {r['score_seconds']:.2f} |" for r in rows]
    return "\n".join(lines)


def _wgan_figures(out, detectors, X_train, X_test, y_test, generated):
    """Write the WGAN figures; returns their file names."""
    critic, encoder = detectors["wgan-critic"], detectors["wgan-encoder"]
    background = X_train[:N_BACKGROUND]
    scores = encoder.anomaly_score(X_test)
    history = encoder.history_
    paths = [
        plot_data_vs_generated(X_train, generated, out / "samples.png", title="ring data vs WGAN generator"),
        plot_critic_landscape(critic.critic_output, out / "critic_landscape.png", data=background,
                              train_range=critic.critic_range_),
        plot_loss_curves(history, out / "critic_loss.png", keys=["critic_loss", "wasserstein_distance"],
                         smooth=_smoothing_window(len(history["critic_loss"]))),
        plot_pr_roc(y_test, scores, out / "pr_roc.png", label="wgan-encoder"),
        plot_score_boxplot({"normal": scores[y_test == 0], "anomalous": scores[y_test == 1]},
                           out / "score_boxplot.png", ylabel="wgan-encoder anomaly score"),
    ]
    return [path.name for path in paths]


def run_vanilla(args, out):
    device = resolve_device(args.device)
    X_train = make_ring(args.n_train, random_state=args.seed)
    print(f"ganad demo: vanilla GAN on the 7-Gaussian ring (Haloui et al. 2018, Fig. 8), "
          f"seed {args.seed}, device {device}")
    generator, discriminator, prior = _vanilla_networks(args.seed, device)
    snapshots, coverage = [], []

    def snapshot(epoch, trainer):
        points = generate(trainer.generator, trainer.prior, N_SNAPSHOT, args.seed + 1, device)
        coverage.append(modes_covered(points))
        snapshots.append((f"epoch {epoch}: {coverage[-1]}/{N_MODES} modes", points))
        print(f"  epoch {epoch:>3}: {coverage[-1]}/{N_MODES} modes covered")

    start = time.perf_counter()
    n_values = sum(p.numel() for net in (generator, discriminator) for p in net.parameters())
    data = torch.from_numpy(X_train).to(device)
    with torch_threads(choose_threads(None, convolutional=False, n_values=n_values)):
        history = train_adversarially(TRAINERS["vanilla"], generator, discriminator, data, args.epochs,
                                      params={"batch_size": BATCH_SIZE, "verbose": 1},
                                      rng=torch_generator(args.seed, device), prior=prior, on_epoch_end=snapshot)
    print(f"  training: {time.perf_counter() - start:.1f} s")
    plot_generator_snapshots(snapshots, out / "mode_collapse.png", data=X_train[:N_BACKGROUND])
    plot_loss_curves(history, out / "discriminator_loss.png", keys=["discriminator_loss"],
                     smooth=_smoothing_window(len(history["discriminator_loss"])))
    _write_json(out / "results.json", {
        "gan": "vanilla", "n_train": args.n_train, "epochs": args.epochs, "seed": args.seed,
        "device": str(device), "modes_covered_per_epoch": coverage})
    print(f"wrote mode_collapse.png, discriminator_loss.png and results.json to {out}")


def _vanilla_networks(seed, device):
    """The original GAN's freshly built, seeded fully connected generator and discriminator, and its prior."""
    config = MLPConfig(n_features=2)
    with seeded_init(seed):
        generator, discriminator = MLPGenerator(config).to(device), MLPCritic(config).to(device)
    return generator, discriminator, LatentPrior("normal", config.latent_dim)


def generate(generator, prior, n, seed, device):
    """``n`` samples of ``generator`` from a fresh latent draw seeded with ``seed``: (n, 2) numpy."""
    z = prior.sample(n, generator=torch_generator(seed, device), device=device)
    with torch.no_grad():
        return generator(z).cpu().numpy()


def modes_covered(points, *, n_modes=N_MODES):
    """How many ring centres (angles 2 pi k / n_modes) hold >= 1 % of ``points`` within 0.15."""
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    distances = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=-1)  # (n, n_modes)
    share = (distances < MODE_RADIUS).mean(axis=0)  # (n_modes,)
    return int((share >= MODE_MIN_SHARE).sum())


def _smoothing_window(n_steps):
    """A moving average over about 1 % of the steps (none for short runs)."""
    return max(1, n_steps // 100)


def _write_json(path, payload):
    path.write_text(json.dumps(payload, indent=2) + "\n")
