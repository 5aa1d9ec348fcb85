"""Data-parallel training on torch.distributed: 2 CPU processes (gloo) against one process.

Two ranks taking B rows each of every batch train as one process with batch 2B does, up to
float rounding (asserted within ``TOLERANCE`` after 2 or 3 epochs of 5 steps, the last
batch split 4 + 3 rows; measured: parameters within 6e-8, logged losses within 1.5e-6),
wherever every loss is a mean over rows that do not interact: WGAN-GP (gradient penalty
and its double backward included), WGAN-clip, the ALICE objectives (ALAD's D_xz, D_xx,
D_zz; RCGAN's penalty t(x)) with networks without batch norm or dropout, HistoryAD's
fully connected WGAN-GP phase and its D_TV (trained on rank 0), GANomaly on rows, DCAE,
VAE, DSEBM and Deep SVDD. They are not equal
(``test_not_equal_where_rows_interact_or_randomness_is_per_rank``; measured 0.1 for BiGAN
and ALAD, 0.015 for the WGAN encoder, 0.003 for DAGMM) where batch norm normalises each
rank's own batch (the ALICE family's default D_xz; the WGAN encoder's output; the
networks for images), where dropout masks are drawn per rank (the ALICE family) and where
DAGMM fits its mixture to each rank's batch. In every case both ranks end with the same
parameters, and rank 0 alone writes checkpoints, snapshots and the saved model.

Every scenario runs once in a module fixture: 2 forked processes joined over TCP on
localhost, the 1-process references in this process.
"""

import re
import socket
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
from safetensors.numpy import load_file
from torch import nn

from ganad import ALAD, BiGAN, GANomaly, HistoryAD, WGANCritic, WGANEncoder
from ganad.detectors.baselines import DAGMM, DCAE, DSEBM, VAE, DeepSVDD
from ganad.detectors.alice.rcgan import PenaltyDistribution
from ganad.detectors.alice.trainer import JointTrainer
from ganad.cli import launch
from ganad.cli.main import main
from ganad.nets import LatentPrior, MLPConfig, MLPCritic, MLPGenerator
from ganad.nets.joint import (JointConfig, build_discriminator_xx, build_discriminator_xz, build_discriminator_zz,
                              build_encoder, build_generator)
from ganad.training import WGANClipTrainer, WGANGPTrainer, distributed
from ganad.training.batches import minibatches
from ganad.utils.rng import seeded_init

pytestmark = pytest.mark.skipif(not (dist.is_available() and dist.is_gloo_available()),
                                reason="this torch build has no torch.distributed gloo backend")

WORLD = 2
B = 8  # rows per rank; one process takes WORLD * B
TOLERANCE = 1e-5
N_ROWS = 71  # 4 global batches of 16 and one of 7, split 4 + 3: unequal shares are weighted
DATA = torch.randn(N_ROWS, 3, generator=torch.Generator().manual_seed(0))
X = DATA.double().numpy()
TINY_ALICE = {"n_epochs": 3, "latent_dim": 2, "encoder_hidden": (8,), "generator_hidden": (8,),
              "discriminator_hidden": (8,), "learning_rate": 1e-3, "device": "cpu", "random_state": 0}
DEEP = {"n_epochs": 3, "hidden": (8,), "latent_dim": 2, "device": "cpu", "random_state": 0}


def _fitted(detector, names):
    return {name: [t.detach().clone() for t in getattr(detector, name).state_dict().values()] for name in names}


def _trainer_result(trainer, folder):
    trainer.fit(DATA, 3, checkpoint_path=folder / f"checkpoint-rank{distributed.rank()}.pt")
    tensors = [*trainer.generator.state_dict().values(), *trainer.critic.state_dict().values()]
    return {"params": [t.detach().clone() for t in tensors],
            "history": {name: torch.tensor(values) for name, values in trainer.history.series.items()}}


def wgan(trainer_class, batch_size, folder, **options):
    config = MLPConfig(n_features=3, latent_dim=2, hidden=(16, 16))
    with seeded_init(0):
        generator, critic = MLPGenerator(config), MLPCritic(config)
    g_opt, c_opt = trainer_class.make_optimizers(generator, critic, 1e-3)
    trainer = trainer_class(generator, critic, LatentPrior("normal", 2), generator_optimizer=g_opt,
                            critic_optimizer=c_opt, n_critic=2, batch_size=batch_size,
                            rng=torch.Generator().manual_seed(7), **options)
    return _trainer_result(trainer, folder)


def alice(batch_size, folder, discriminators, penalty=None):
    """ALAD's or RCGAN's objective on networks without batch norm or dropout."""
    config = JointConfig(n_features=3, latent_dim=2, encoder_hidden=(8,), generator_hidden=(8,),
                         discriminator_hidden=(8,), discriminator_xx_hidden=(8,), dropout=0.0, cycle_dropout=0.0)
    builders = {"xz": build_discriminator_xz, "xx": build_discriminator_xx, "zz": build_discriminator_zz}
    with seeded_init(0):
        pair = nn.ModuleDict({"generator": build_generator(config), "encoder": build_encoder(config)})
        critics = nn.ModuleDict({name: builders[name](config) for name in discriminators})
    critics["xz"].a_branch[1] = nn.Identity()  # D_xz's x branch: Linear, (BatchNorm1d), LeakyReLU
    g_opt, c_opt = JointTrainer.make_optimizers(pair, critics, 1e-3)
    trainer = JointTrainer(pair, critics, LatentPrior("normal", 2), penalty=penalty, ema_decay=0.9,
                           generator_optimizer=g_opt, critic_optimizer=c_opt, n_critic=1, batch_size=batch_size,
                           rng=torch.Generator().manual_seed(7))
    result = _trainer_result(trainer, folder)
    trainer.final_weights()  # the averaged weights
    result["averaged"] = [t.detach().clone() for t in [*pair.parameters(), *critics.parameters()]]
    return result


def detector_result(detector, names, extra=()):
    return {"params": [t for name in names for t in _fitted(detector, [name])[name]],
            "values": torch.tensor([float(detector.offset_), *extra], dtype=torch.float64)}


def history_ad(batch_size, folder):
    detector = HistoryAD(n_epochs=2, hidden=(8, 8), latent_dim=2, batch_size=batch_size, saves_per_epoch=3,
                         history_start=0.5, tv_epochs=2, snapshot_memory_mb=0,
                         snapshot_dir=folder / f"snapshots-rank{distributed.rank()}", keep_snapshots=True,
                         device="cpu", random_state=0).fit(X)
    snapshots = folder / f"snapshots-rank{distributed.rank()}"
    assert (snapshots.is_dir() and any(snapshots.iterdir())) == distributed.is_main_process()  # rank 0's only
    assert (detector.snapshots_ is not None) == distributed.is_main_process()
    detector.snapshots_ = None  # the snapshot files go with the store
    result = detector_result(detector, ("generator_", "critic_", "tv_critic_"),
                             [*detector.snapshot_times_, *detector.snapshot_weights_, *detector.tv_range_])
    result["history"] = {name: torch.tensor(values) for name, values in detector.history_.series.items()}
    return result


def dcae(batch_size, folder):
    detector = DCAE(batch_size=batch_size, **DEEP).fit(X)
    saved = detector.save(folder / f"model-rank{distributed.rank()}")
    assert (saved is None) == (distributed.rank() != 0)
    return detector_result(detector, ("encoder_", "decoder_"))


EQUAL = {
    "wgan-gp": lambda b, folder: wgan(WGANGPTrainer, b, folder, gp_weight=10.0),
    "wgan-clip": lambda b, folder: wgan(WGANClipTrainer, b, folder, clip_value=0.05),
    "alad": lambda b, folder: alice(b, folder, ("xz", "xx", "zz")),
    "rcgan": lambda b, folder: alice(b, folder, ("xz", "xx"), penalty=PenaltyDistribution("normal")),
    "history-ad": history_ad,
    "ganomaly": lambda b, folder: detector_result(GANomaly(batch_size=b, **DEEP).fit(X), GANomaly.network_names),
    "dcae": dcae,
    "vae": lambda b, folder: detector_result(VAE(batch_size=b, **DEEP).fit(X), ("encoder_", "decoder_")),
    "dsebm": lambda b, folder: detector_result(DSEBM(batch_size=b, **DEEP).fit(X), ("energy_",)),
    "deep-svdd": lambda b, folder: detector_result(
        DeepSVDD(batch_size=b, objective="soft-boundary", warm_up_epochs=1, **DEEP).fit(X), ("network_",)),
}
NOT_EQUAL = {  # why: batch norm on each rank's batch, dropout masks per rank, DAGMM's per-batch mixture
    "bigan (D_xz batch norm, dropout)": lambda b, folder: detector_result(
        BiGAN(batch_size=b, **TINY_ALICE).fit(X), BiGAN.network_names),
    "alad (D_xz batch norm, dropout)": lambda b, folder: detector_result(
        ALAD(batch_size=b, **TINY_ALICE).fit(X), ALAD.network_names),
    "wgan-encoder (encoder batch norm)": lambda b, folder: detector_result(
        WGANEncoder(batch_size=b, n_epochs=2, encoder_epochs=2, hidden=(8, 8), device="cpu", random_state=0).fit(X),
        WGANEncoder.network_names),
    "dagmm (per-batch mixture)": lambda b, folder: detector_result(
        DAGMM(batch_size=b, n_epochs=3, hidden=(8, 4), device="cpu", random_state=0).fit(X),
        DAGMM.network_names),
}
RANKS_ONLY = {  # random_state=None: every rank draws a seed, rank 0's is used by all
    "wgan-critic, random_state=None": lambda b, folder: detector_result(
        WGANCritic(batch_size=b, n_epochs=1, hidden=(8,), device="cpu").fit(X), WGANCritic.network_names),
}
SCENARIOS = {**EQUAL, **NOT_EQUAL, **RANKS_ONLY}


REFUSED_DATA = {  # what each rank fits on: rows that are not the same on every rank, or too few
    "a shard each": lambda rank: X[rank * 35:(rank + 1) * 35],
    "reordered": lambda rank: X if rank == 0 else X[::-1],
    "3 rows": lambda rank: X[:3],
}


def _refusal(rows):
    """The ValueError fitting a DCAE on ``rows`` raises on this rank, or None."""
    try:
        DCAE(batch_size=B, **{**DEEP, "n_epochs": 1}).fit(rows)
    except ValueError as error:
        return str(error)
    return None


def _rank_main(rank, port, folder):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD)
    try:
        results = {name: scenario(B, Path(folder)) for name, scenario in SCENARIOS.items()}
        results["refusals"] = {name: _refusal(rows(rank)) for name, rows in REFUSED_DATA.items()}
    finally:
        dist.destroy_process_group()
    torch.save(results, Path(folder) / f"rank{rank}.pt")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``(rank 0's results, rank 1's, one process's with batch 2B, the ranks' folder)`` per scenario."""
    folder = tmp_path_factory.mktemp("ranks")
    torch.multiprocessing.start_processes(_rank_main, args=(_free_port(), str(folder)), nprocs=WORLD,
                                          start_method="fork")
    ranks = [torch.load(folder / f"rank{rank}.pt") for rank in range(WORLD)]
    single_folder = tmp_path_factory.mktemp("single")
    single = {name: scenario(WORLD * B, single_folder) for name, scenario in {**EQUAL, **NOT_EQUAL}.items()}
    return ranks[0], ranks[1], single, folder


def _tensors(result):
    history = result.get("history", {})
    return [*result["params"], *result.get("averaged", []), *result.get("values", []),
            *(history[name] for name in sorted(history))]


def max_difference(a, b):
    pairs = list(zip(_tensors(a), _tensors(b), strict=True))
    return max(float((x.double() - y.double()).abs().max()) if x.numel() else 0.0 for x, y in pairs)


@pytest.mark.long
@pytest.mark.parametrize("name", list(EQUAL))
def test_two_ranks_with_batch_b_equal_one_process_with_batch_2b(runs, name):
    rank0, rank1, single, _ = runs
    assert all(torch.equal(a, b) for a, b in zip(_tensors(rank0[name]), _tensors(rank1[name]), strict=True))
    assert max_difference(rank0[name], single[name]) <= TOLERANCE


@pytest.mark.long
@pytest.mark.parametrize("name", list(NOT_EQUAL))
def test_not_equal_where_rows_interact_or_randomness_is_per_rank(runs, name):
    rank0, rank1, single, _ = runs
    assert all(torch.equal(a, b) for a, b in zip(_tensors(rank0[name]), _tensors(rank1[name]), strict=True))
    assert max_difference(rank0[name], single[name]) > 100 * TOLERANCE


@pytest.mark.long
@pytest.mark.parametrize("name", list(RANKS_ONLY))
def test_every_rank_ends_with_the_same_model(runs, name):
    rank0, rank1, _, _ = runs
    assert all(torch.equal(a, b) for a, b in zip(_tensors(rank0[name]), _tensors(rank1[name]), strict=True))


@pytest.mark.long
def test_ranks_given_other_rows_or_too_few_refuse_to_train(runs):
    """Equal-sized shards (or one set in two orders) passed the shape check: the networks trained on
    gradients of other rows under one permutation and the saved scaler and threshold were rank 0's; 3 rows
    for 2 ranks ran no batch and returned untrained networks (a probe of data-parallel training)."""
    for refusals in (results["refusals"] for results in runs[:2]):
        assert "the ranks train on different data" in refusals["a shard each"]
        assert "the ranks train on different data" in refusals["reordered"]
        assert "3 training rows for 2 ranks" in refusals["3 rows"]


@pytest.mark.long
def test_rank_0_alone_writes_checkpoints_and_models(runs):
    """(and HistoryAD's snapshots: checked in ``history_ad`` while its store holds them)"""
    folder = runs[3]
    assert (folder / "checkpoint-rank0.pt").is_file() and not (folder / "checkpoint-rank1.pt").exists()
    assert (folder / "model-rank0" / "model.safetensors").is_file() and not (folder / "model-rank1").exists()


@pytest.mark.parametrize("world, n_rows", [(2, 71), (2, 64), (3, 50), (3, 53), (2, 3)])
def test_ranks_batches_in_rank_order_are_one_process_s_batches(monkeypatch, world, n_rows):
    """The shard sampler, without processes: each rank's batches, concatenated in rank order."""
    monkeypatch.setattr(distributed, "world_size", lambda: world)
    per_rank = []
    for rank in range(world):
        monkeypatch.setattr(distributed, "rank", lambda rank=rank: rank)
        per_rank.append(list(distributed.index_batches(n_rows, 4, torch.Generator().manual_seed(1))))
    expected = [index for index in minibatches(n_rows, 4 * world, torch.Generator().manual_seed(1))
                if len(index) >= 2 * world]  # a last batch without 2 rows per rank is left out
    assert len(expected) == distributed.n_batches(n_rows, 4) == len(per_rank[0])
    for step, index in enumerate(expected):
        shares = [per_rank[rank][step][0] for rank in range(world)]
        assert torch.equal(torch.cat([per_rank[rank][step][1] for rank in range(world)]), index)
        assert [share.start for share in shares] == [0, *(share.stop for share in shares[:-1])]
        assert sum(share.weight for share in shares) == pytest.approx(1.0)


def test_one_process_draws_hooks_and_logs_nothing_extra():
    assert (distributed.world_size(), distributed.rank(), distributed.is_main_process()) == (1, 0, True)
    rows = torch.arange(20.0).view(10, 2)
    assert torch.equal(distributed.draw_rows(lambda n: rows[:n], 4, None), rows[:4])
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
    assert distributed.average_gradients(optimizer, lambda: None) is None
    logs = {"loss": [torch.tensor(1.0)]}
    assert distributed.reduce_logs(logs) is logs and distributed.on_main_process(lambda: 3) == 3


def test_a_data_parallel_draw_is_this_rank_s_part_of_the_global_one():
    rows = torch.arange(14.0).view(7, 2)
    share = distributed.Share(start=4, stop=7, total=7)
    assert torch.equal(distributed.draw_rows(lambda n: rows[:n], 3, share), rows[4:7])
    assert share.weight == 3 / 7
    with pytest.raises(ValueError, match="draw of 2 rows"):
        distributed.draw_rows(lambda n: rows[:n], 2, share)


CLI_FIT = ["--method", "wgan-critic", "--param", "n_epochs=2", "--param", "hidden=(8,8)", "--device", "cpu"]


@pytest.mark.long
def test_cli_fit_nproc_2_equals_one_process_with_the_global_batch(tmp_path, capsys):
    """``ganad fit --nproc 2``: rank 0's drawn seed is printed and used by both ranks; rank 0 saves."""
    data = tmp_path / "train.npy"
    np.save(data, X)
    assert main(["fit", str(data), "--out", str(tmp_path / "two"), *CLI_FIT, "--param", f"batch_size={B}",
                 "--nproc", "2"]) == 0
    printed = capsys.readouterr().out
    assert "cpu x 2 processes" in printed and printed.count("saved to") == 1
    seed = re.search(r"\(seed (\d+),", printed).group(1)
    assert main(["fit", str(data), "--out", str(tmp_path / "one"), *CLI_FIT, "--param", f"batch_size={2 * B}",
                 "--seed", seed]) == 0
    two, one = (load_file(tmp_path / name / "model.safetensors") for name in ("two", "one"))
    assert two.keys() == one.keys()
    assert max(np.abs(two[name] - one[name]).max() for name in one) <= TOLERANCE


RANK_1_FAILS = """
import os, sys, time
if os.environ["RANK"] == "1":
    print("ganad: error: rank 1 cannot read its data", file=sys.stderr)
    sys.exit(2)
print("rank 0 waits for rank 1", flush=True)
time.sleep(60)  # as in a collective whose other side is gone
"""


@pytest.mark.long
def test_launch_stops_the_other_ranks_when_one_fails_and_says_why(capsys):
    start = time.perf_counter()
    assert launch.launch([sys.executable, "-c", RANK_1_FAILS], 2) == 2
    assert time.perf_counter() - start < 30
    out, err = capsys.readouterr()
    assert out == "rank 0 waits for rank 1\n"  # rank 0's output is relayed
    assert err == "ganad: error: rank 1 cannot read its data\n"


def test_launch_gives_each_process_torchrun_s_environment(capsys):
    show = "import os; print(*(os.environ[k] for k in ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR')))"
    assert launch.launch([sys.executable, "-c", show], 3) == 0
    assert capsys.readouterr().out == "0 0 3 127.0.0.1\n"  # only rank 0 speaks
