"""WGAN-GP training throughput: ganad's ``WGANGPTrainer.fit`` against a plain PyTorch loop.

Both sides run Algorithm 2 of Haloui et al. 2018 with its defaults (Gulrajani et al.
2017): n_critic = 5 critic steps per generator step, batches of 64, Adam 1e-4 with
betas (0.5, 0.9), gradient-penalty weight 10. Both start from the same networks
(``ganad.nets``, built under the same seed), the same optimisers and one seeded
``torch.Generator`` drawn in the same order (a random permutation per epoch, batches in
order, one generator step after every 5 critic steps), so they compute the same
numbers up to the optimiser's rounding: ganad skips work whose result is discarded or
known to be zero (gradients no optimiser uses, the zero second derivative of the
critic's activations) and updates with PyTorch's fused Adam (``ganad.training.optim``),
where the plain loop uses ``torch.optim.Adam``'s default per-tensor loop. Two checks
are printed: the largest parameter difference after one generator step (5 critic
steps and 1 generator step from the same networks; rounding only, required <= 1e-6)
and after the warm-up (``steps // 3`` generator steps), where adversarial training has
amplified that rounding as it amplifies any other.

Each timing run trains fresh networks for one epoch of ``5 * 64 * generator_steps``
rows, i.e. exactly ``generator_steps`` generator steps. After one warm-up of each
implementation the two alternate (ABBA order) ``--repeats`` times; the table reports
medians. Numbers are relative: compare the ratio within a run, not across machines.

    PYTHONPATH=src python benchmarks/train_throughput.py [--repeats 5] [--csv out.csv]
"""

import argparse
import functools
import os
import statistics
from dataclasses import dataclass

import numpy as np
import torch

from _rows import add_run_options, git_sha, publish, run_device, timed
from ganad.data.synthetic import make_ring
from ganad.nets import DCGANConfig, DCGANCritic, DCGANGenerator, LatentPrior, MLPConfig, MLPCritic, MLPGenerator
from ganad.training import WGANGPTrainer
from ganad.utils.rng import seeded_init, torch_generator

N_CRITIC = 5
BATCH_SIZE = 64
LEARNING_RATE = 1e-4
BETAS = (0.5, 0.9)
GP_WEIGHT = 10.0


@dataclass(frozen=True)
class NetSpec:
    """One benchmarked architecture: its networks, its data and its default run length."""

    config: object
    generator: type
    critic: type
    default_steps: int  # generator steps per timing run on CPU

    def data(self, n_rows, seed):
        if isinstance(self.config, MLPConfig):
            return torch.from_numpy(make_ring(n_rows, random_state=seed))  # (N, 2)
        rng = np.random.default_rng(seed)
        images = rng.uniform(-1, 1, size=(n_rows, *self.config.image_shape))  # (N, 1, 28, 28)
        return torch.from_numpy(images.astype(np.float32))


NETS = {
    "mlp": NetSpec(MLPConfig(n_features=2, latent_dim=2, hidden=(128, 128)), MLPGenerator, MLPCritic, 300),
    "dcgan": NetSpec(DCGANConfig(image_shape=(1, 28, 28), latent_dim=100), DCGANGenerator, DCGANCritic, 10),
}


def build(spec, seed, device):
    """Generator, critic and noise source, as ``GANDetector._build_networks`` makes them."""
    with seeded_init(seed):
        generator = spec.generator(spec.config).to(device)
    with seeded_init(seed + 1):
        critic = spec.critic(spec.config).to(device)
    return generator, critic, torch_generator(seed, device)


def run_ganad(spec, data, seed, device):
    generator, critic, rng = build(spec, seed, device)
    g_opt, c_opt = WGANGPTrainer.make_optimizers(generator, critic)
    trainer = WGANGPTrainer(generator, critic, LatentPrior("normal", spec.config.latent_dim),
                            generator_optimizer=g_opt, critic_optimizer=c_opt, n_critic=N_CRITIC,
                            batch_size=BATCH_SIZE, rng=rng, gp_weight=GP_WEIGHT)
    return timed(lambda: trainer.fit(data, 1), device), generator, critic


def run_plain(spec, data, seed, device):
    generator, critic, rng = build(spec, seed, device)
    g_opt = torch.optim.Adam(generator.parameters(), lr=LEARNING_RATE, betas=BETAS)
    c_opt = torch.optim.Adam(critic.parameters(), lr=LEARNING_RATE, betas=BETAS)
    loop = functools.partial(plain_wgan_gp, generator, critic, g_opt, c_opt, data, rng, spec.config.latent_dim)
    return timed(loop, device), generator, critic


def plain_wgan_gp(generator, critic, g_opt, c_opt, data, rng, latent_dim, n_epochs=1):
    """Algorithm 2 written out in plain PyTorch, with the same draws in the same order."""
    generator.train()
    critic.train()
    device = rng.device
    critic_steps = 0
    for _ in range(n_epochs):
        order = torch.randperm(len(data), generator=rng, device=device)
        for start in range(0, len(data), BATCH_SIZE):
            real = data[order[start:start + BATCH_SIZE]]
            n = len(real)
            with torch.no_grad():
                fake = generator(torch.randn((n, latent_dim), generator=rng, device=device))
            distance = critic(real).mean() - critic(fake).mean()
            eps = torch.rand((n,) + (1,) * (real.ndim - 1), generator=rng, device=device)  # (B, 1, ...)
            x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
            (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
            penalty = GP_WEIGHT * (grad.flatten(1).norm(2, dim=1) - 1).pow(2).mean()
            loss = penalty - distance
            c_opt.zero_grad(set_to_none=True)
            loss.backward()
            c_opt.step()
            critic_steps += 1
            if critic_steps % N_CRITIC == 0:
                z = torch.randn((n, latent_dim), generator=rng, device=device)
                g_loss = -critic(generator(z)).mean()
                g_opt.zero_grad(set_to_none=True)
                g_loss.backward()
                g_opt.step()


IMPLEMENTATIONS = {"ganad": run_ganad, "plain": run_plain}


def max_param_diff(a, b):
    with torch.no_grad():
        return max(float((p - q).abs().max()) for p, q in zip(a.parameters(), b.parameters()))


def implementation_diff(spec, data, seed, device):
    """Largest parameter difference between both implementations after one epoch of ``data``."""
    _, g_a, c_a = run_ganad(spec, data, seed, device)
    _, g_b, c_b = run_plain(spec, data, seed, device)
    return max(max_param_diff(g_a, g_b), max_param_diff(c_a, c_b))


def benchmark_net(name, *, repeats, generator_steps, device, seed):
    """One summary row for ``name``: median steps/s of both implementations and their ratio."""
    spec = NETS[name]
    load_start = os.getloadavg()[0]
    steps = generator_steps or spec.default_steps
    data = spec.data(BATCH_SIZE * N_CRITIC * steps, seed).to(device)
    step_diff = implementation_diff(spec, data[:BATCH_SIZE * N_CRITIC], seed, device)
    diff = implementation_diff(spec, data[:BATCH_SIZE * N_CRITIC * max(1, steps // 3)], seed, device)
    seconds = {impl: [] for impl in IMPLEMENTATIONS}
    for repeat in range(repeats):
        order = ("ganad", "plain") if repeat % 2 == 0 else ("plain", "ganad")  # ABBA
        for impl in order:
            seconds[impl].append(IMPLEMENTATIONS[impl](spec, data, seed, device)[0])
    rate = {impl: [steps / s for s in values] for impl, values in seconds.items()}
    ganad, plain = statistics.median(rate["ganad"]), statistics.median(rate["plain"])
    return {
        "net": name, "device": str(device), "torch": torch.__version__,
        "threads": torch.get_num_threads(), "generator_steps": steps, "repeats": repeats,
        "ganad_steps_per_s": ganad, "plain_steps_per_s": plain, "ratio": ganad / plain,
        "ganad_runs": " ".join(f"{r:.3f}" for r in rate["ganad"]),
        "plain_runs": " ".join(f"{r:.3f}" for r in rate["plain"]),
        "max_param_diff_one_step": step_diff, "max_param_diff": diff, "seed": seed, "git_sha": git_sha(),
        "loadavg_1min_start": load_start, "loadavg_1min_end": os.getloadavg()[0],
    }


def render(rows):
    """The summary table, as text."""
    lines = [f"{'net':<6} {'ganad steps/s':>14} {'plain steps/s':>14} {'ratio':>6}  runs (ganad | plain)"]
    for row in rows:
        lines.append(f"{row['net']:<6} {row['ganad_steps_per_s']:>14.2f} {row['plain_steps_per_s']:>14.2f} "
                     f"{row['ratio']:>6.3f}  {row['ganad_runs']} | {row['plain_runs']}")
    first = rows[0]
    lines.append(f"device {first['device']}, torch {first['torch']}, {first['threads']} threads, "
                 f"git {first['git_sha'] or '?'}; median of {first['repeats']} runs each; "
                 "max |param difference| after one generator step / after warm-up: "
                 + ", ".join(f"{row['net']} {row['max_param_diff_one_step']:.1e} / {row['max_param_diff']:.1e}"
                             for row in rows)
                 + "; 1-min load average " + ", ".join(
                     f"{row['net']} {row['loadavg_1min_start']:.2f}->{row['loadavg_1min_end']:.2f}" for row in rows))
    return "\n".join(lines)




def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per implementation (default 5)")
    parser.add_argument("--generator-steps", type=int, default=None,
                        help="generator steps per timed run, for every net (default: mlp "
                             f"{NETS['mlp'].default_steps}, dcgan {NETS['dcgan'].default_steps})")
    parser.add_argument("--nets", nargs="+", choices=sorted(NETS), default=list(NETS))
    add_run_options(parser, device="auto")
    args = parser.parse_args(argv)
    device = run_device(args)
    rows = [benchmark_net(name, repeats=args.repeats, generator_steps=args.generator_steps,
                          device=device, seed=args.seed) for name in args.nets]
    publish(rows, args.csv, render)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
