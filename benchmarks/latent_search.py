"""Latent-search scoring: ganad's batched AnoGAN and ADGAN against the per-sample loop.

Milliseconds per test sample of ``AnoGAN`` (Gamma = 500 Adam steps on z, the original's
setting) and ``ADGAN`` (n_seed = 8, k = 5; ``adapt="all"``, the paper's exact algorithm, and
``adapt="none"``) on MNIST-sized data (784 random features in [-1, 1]), against the
sequential implementation of the same algorithm written plainly in this script: one test
sample at a time (and, for ADGAN, one seed and one deep copy of the generator at a time,
Algorithm 1 as printed), as the public AnoGAN ports run it. Both sides start from the same
latents and report the largest relative difference of their scores. By default the loop
computes gradients only for what it optimises (``--baseline frozen``); ``--baseline ports``
leaves the networks' weights requiring gradients, as the public ports do, so that every step
also computes (and discards) the weight gradients.

Nets: ``mlp`` is a 256-256-576-784 generator (0.666M parameters, tanh output) with a
784-576-256-1 critic; ``dcgan`` is ``DCGANGenerator``/``DCGANCritic`` for 28x28 images
(latent 256, width 64, 1.75M generator parameters).

Hardware use: FLOPs are counted with ``torch.utils.flop_counter`` on the scoring call itself
(matrix products and convolutions of the generator, and of the critic for AnoGAN, forward
and backward) and reported against the machine's dense float32 matmul FLOP/s measured in the
same run. For exact ADGAN, which is memory-bound, the achieved bandwidth counts 10 streams of
the adapted parameter vector per pair and step (read in forward, read in backward, gradient
written, Adam reading parameter, gradient and two moments and writing three) against a
measured ``Tensor.copy_`` bandwidth (read + write).

    PYTHONPATH=src python benchmarks/latent_search.py [--device cpu] [--samples 256] [--repeats 3]
"""

import argparse
import contextlib
import copy
import os

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from _rows import add_run_options, git_sha, publish, run_device, timed
from ganad import ADGAN, AnoGAN
from ganad.nets import DCGANConfig, DCGANCritic, DCGANGenerator, MLPConfig, MLPCritic, MLPGenerator, frozen
from ganad.utils.rng import seeded_init

LATENT_DIM = 256
MLP = MLPConfig(n_features=784, latent_dim=LATENT_DIM, hidden=(256, 576), output_activation="tanh")
DCGAN = DCGANConfig(image_shape=(1, 28, 28), latent_dim=LATENT_DIM, width=64)
STREAMS_PER_STEP = 10  # parameter-sized arrays read or written per adapted pair and step (see above)

CASES = {  # name -> (detector, its parameters)
    "anogan": (AnoGAN, {"search_steps": 500}),
    "adgan-all": (ADGAN, {"n_seeds": 8, "search_steps": 5, "adapt": "all"}),
    "adgan-none": (ADGAN, {"n_seeds": 8, "search_steps": 5, "adapt": "none"}),
}


def networks(net, seed):
    with seeded_init(seed):
        if net == "mlp":
            critic_config = MLPConfig(n_features=784, latent_dim=LATENT_DIM, hidden=(576, 256))
            return MLPGenerator(MLP), MLPCritic(critic_config), None
        return DCGANGenerator(DCGAN), DCGANCritic(DCGAN), DCGAN.image_shape


def fitted(case, net, device, seed, adapt_chunk):
    """The detector around untrained networks (no GAN epochs): scoring cost does not depend on training."""
    cls, params = CASES[case]
    generator, critic, image_shape = networks(net, seed)
    extra = {"adapt_chunk": adapt_chunk} if cls is ADGAN else {}
    model = cls(generator=generator, critic=critic, n_epochs=0, latent_dim=LATENT_DIM, image_shape=image_shape,
                device=device, random_state=seed, **params, **extra)
    data = np.random.default_rng(seed).uniform(-1, 1, size=(2, 784))
    return model.set_params(search_steps=0).fit(data).set_params(search_steps=params["search_steps"])


def sequential_anogan(model, x):
    """AnoGAN one query at a time: Adam on a (1, d) latent for Gamma steps, then the loss."""
    generator, critic, weight = model.generator_, model.critic_, model.feature_weight
    scores = []
    for row in x:
        target = row.unsqueeze(0)
        with torch.no_grad():
            features = critic.features(target)
        z = model.latent_starts_[:1].clone().requires_grad_(True)
        optimizer = torch.optim.Adam([z], lr=model.search_learning_rate, betas=model.search_betas)
        for step in range(model.search_steps + 1):
            x_hat = generator(z)
            loss = ((1 - weight) * (target - x_hat).abs().sum()
                    + weight * (features - critic.features(x_hat)).abs().sum())
            if step == model.search_steps:
                break
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scores.append(loss.item())
    return scores


def sequential_adgan(model, x):
    """ADGAN's Algorithm 1 as printed: per query, per seed, a fresh generator copy and Adam."""
    scores = []
    for row in x:
        target, losses = row.unsqueeze(0), []
        for seed in model.latent_starts_:
            adapted = model.adapt == "all"
            generator = copy.deepcopy(model.generator_).requires_grad_(True) if adapted else model.generator_
            z = seed.unsqueeze(0).clone().requires_grad_(True)
            groups = [{"params": [z]}]
            if adapted:
                groups.append({"params": list(generator.parameters()), "lr": model.adapt_learning_rate})
            optimizer = torch.optim.Adam(groups, lr=model.search_learning_rate, betas=model.search_betas)
            for _ in range(model.search_steps):
                loss = (generator(z) - target).pow(2).sum()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            with torch.no_grad():
                losses.append((generator(z) - target).pow(2).sum().item())
        scores.append(sum(losses) / len(losses))
    return scores


def run_sequential(model, X, baseline):
    """The loop's scores; ``baseline="ports"`` leaves the networks' weights requiring gradients."""
    x = torch.as_tensor(X, dtype=torch.float32, device=model.device_).view(len(X), *(model.image_shape_ or (-1,)))
    run = sequential_anogan if isinstance(model, AnoGAN) else sequential_adgan
    with contextlib.ExitStack() as stack, torch.enable_grad():
        if baseline == "frozen":
            stack.enter_context(frozen(model.generator_))
            stack.enter_context(frozen(model.critic_))
        scores = np.array(run(model, x))
    for network in (model.generator_, model.critic_):
        network.zero_grad(set_to_none=True)
    return scores


def flops_per_sample(model, X):
    """FLOPs of scoring one sample, counted on two search lengths (steps 0 and 1) and extrapolated."""
    steps = model.search_steps
    counts = []
    for n_steps in (0, 1):
        model.set_params(search_steps=n_steps)
        with FlopCounterMode(display=False) as counter:
            model.anomaly_score(X)
        counts.append(counter.get_total_flops() / len(X))
    model.set_params(search_steps=steps)
    return counts[0] + steps * (counts[1] - counts[0])


def matmul_flops_per_s(device, n=2048, repeats=5):
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    return 2 * n**3 / min(timed(lambda: a @ b, device) for _ in range(repeats))


def copy_bytes_per_s(device, mib=256, repeats=5):
    src = torch.randn(mib * 2**20 // 4, device=device)
    dst = torch.empty_like(src)
    return 2 * src.nbytes / min(timed(lambda: dst.copy_(src), device) for _ in range(repeats))


def benchmark_case(case, net, *, samples, sequential_samples, repeats, device, seed, adapt_chunk, baseline):
    model = fitted(case, net, device, seed, adapt_chunk)
    X = np.random.default_rng(seed + 1).uniform(-1, 1, size=(samples, 784))
    X_seq = X[:sequential_samples]
    batched_scores = model.anomaly_score(X_seq)  # warm-up, and the scores the loop must reproduce
    sequential_scores = run_sequential(model, X_seq, baseline)
    diff = float(np.max(np.abs(batched_scores - sequential_scores) / np.abs(sequential_scores)))
    times = {"batched": [], "sequential": []}
    for repeat in range(repeats):
        order = ("batched", "sequential") if repeat % 2 == 0 else ("sequential", "batched")  # ABBA
        for side in order:
            if side == "batched":
                times[side].append(timed(lambda: model.anomaly_score(X), device) / len(X))
            else:
                times[side].append(timed(lambda: run_sequential(model, X_seq, baseline), device) / len(X_seq))
    batched, sequential = min(times["batched"]), min(times["sequential"])
    flops = flops_per_sample(model, X[:4])
    row = {
        "case": case, "net": net, "device": str(device), "torch": torch.__version__,
        "threads": torch.get_num_threads(), "baseline": baseline, "samples": samples,
        "sequential_samples": sequential_samples,
        "repeats": repeats, "batched_ms": 1e3 * batched, "sequential_ms": 1e3 * sequential,
        "ratio": sequential / batched, "max_rel_diff": diff,
        "batched_runs_ms": " ".join(f"{1e3 * t:.2f}" for t in times["batched"]),
        "sequential_runs_ms": " ".join(f"{1e3 * t:.2f}" for t in times["sequential"]),
        "gflop_per_sample": flops / 1e9, "achieved_gflop_s": flops / batched / 1e9, "achieved_gb_s": "",
        "adapt_chunk": getattr(model, "adapt_chunk", "") or "", "seed": seed, "git_sha": git_sha(),
        "loadavg_1min": os.getloadavg()[0],
    }
    if case == "adgan-all":
        n_params = sum(p.numel() * p.element_size() for p in model.generator_.parameters())
        streamed = STREAMS_PER_STEP * n_params * model.n_seeds * model.search_steps  # bytes per sample
        row["achieved_gb_s"] = streamed / batched / 1e9
    return row


def add_fractions(row, peaks):
    """The row's FLOP/s and bandwidth as fractions of the machine's measured peaks."""
    row.update(matmul_gflop_s=peaks["flops"] / 1e9, copy_gb_s=peaks["bytes"] / 1e9,
               flop_fraction=row["achieved_gflop_s"] * 1e9 / peaks["flops"],
               bandwidth_fraction=row["achieved_gb_s"] * 1e9 / peaks["bytes"] if row["achieved_gb_s"] != "" else "")


def render(rows):
    """The table, as text: one line per (case, net), then the run's conditions."""
    lines = [f"{'case':<11} {'net':<6} {'batched ms':>10} {'seq ms':>9} {'ratio':>6} {'max rel diff':>12} "
             f"{'GFLOP/s':>8} {'of matmul':>9} {'GB/s':>6} {'of copy':>7}  runs (batched | sequential, ms/sample)"]
    for row in rows:
        bandwidth = (f"{row['achieved_gb_s']:>6.1f} {row['bandwidth_fraction']:>7.0%}" if row["achieved_gb_s"] != ""
                     else f"{'':>6} {'':>7}")
        lines.append(f"{row['case']:<11} {row['net']:<6} {row['batched_ms']:>10.2f} {row['sequential_ms']:>9.2f} "
                     f"{row['ratio']:>6.1f} {row['max_rel_diff']:>12.1e} {row['achieved_gflop_s']:>8.1f} "
                     f"{row['flop_fraction']:>9.0%} {bandwidth}  "
                     f"{row['batched_runs_ms']} | {row['sequential_runs_ms']}")
    first = rows[0]
    lines.append(f"device {first['device']}, torch {first['torch']}, {first['threads']} threads, git "
                 f"{first['git_sha'] or '?'}; {first['samples']} samples batched, {first['sequential_samples']} "
                 f"sequential ({first['baseline']} baseline); best of {first['repeats']} runs; "
                 f"matmul {first['matmul_gflop_s']:.1f} GFLOP/s, copy {first['copy_gb_s']:.1f} GB/s; "
                 "1-min load average "
                 + ", ".join(f"{row['loadavg_1min']:.2f}" for row in rows))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=256, help="test samples scored by the batched side")
    parser.add_argument("--sequential-samples", type=int, default=4,
                        help="test samples scored by the per-sample loop (ms per sample is compared)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side (default 3)")
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--nets", nargs="+", choices=("mlp", "dcgan"), default=["mlp"])
    parser.add_argument("--baseline", choices=("frozen", "ports"), default="frozen",
                        help="frozen: the loop computes gradients for z (and ADGAN's copies) only; ports: the "
                             "networks' weights keep requires_grad, as public AnoGAN ports leave them")
    parser.add_argument("--adapt-chunk", type=int, default=None, help="ADGAN's adapt_chunk (default: the detector's)")
    add_run_options(parser, device="cpu")
    args = parser.parse_args(argv)
    device = run_device(args)
    peaks = {"flops": matmul_flops_per_s(device), "bytes": copy_bytes_per_s(device)}
    rows = [benchmark_case(case, net, samples=args.samples, sequential_samples=args.sequential_samples,
                           repeats=args.repeats, device=device, seed=args.seed, adapt_chunk=args.adapt_chunk,
                           baseline=args.baseline)
            for net in args.nets for case in args.cases]
    peaks = {"flops": max(peaks["flops"], matmul_flops_per_s(device)),  # the best of before and after
             "bytes": max(peaks["bytes"], copy_bytes_per_s(device))}
    for row in rows:
        add_fractions(row, peaks)
    publish(rows, args.csv, render)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
