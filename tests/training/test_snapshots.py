"""Snapshots during training: the per-step hook, the schedule, and the memory/disk store."""

import copy
import pickle

import pytest
import torch

from ganad.nets import LatentPrior, MLPConfig, MLPCritic, MLPGenerator
from ganad.training import WGANGPTrainer
from ganad.training.batches import minibatches, n_minibatches
from ganad.training.snapshots import SnapshotSchedule, SnapshotStore


def make_trainer(batch_size=10):
    config = MLPConfig(n_features=2, hidden=(8,))
    torch.manual_seed(0)
    generator, critic = MLPGenerator(config), MLPCritic(config)
    g_opt, c_opt = WGANGPTrainer.make_optimizers(generator, critic)
    return WGANGPTrainer(generator, critic, LatentPrior("normal", 2), generator_optimizer=g_opt,
                         critic_optimizer=c_opt, n_critic=5, batch_size=batch_size,
                         rng=torch.Generator().manual_seed(0))


def state_bytes(module):
    return sum(t.numel() * t.element_size() for t in module.state_dict().values())


@pytest.mark.parametrize("n_rows, batch_size", [(100, 16), (97, 16), (96, 32), (1, 4), (33, 32)])
def test_n_minibatches_counts_what_minibatches_yields(n_rows, batch_size):
    assert n_minibatches(n_rows, batch_size) == len(list(minibatches(n_rows, batch_size, torch.Generator())))


@pytest.mark.parametrize("n_rows", [100, 97])
def test_step_hook_reports_training_time_in_epochs(n_rows):
    progress = []
    trainer = make_trainer(batch_size=16)
    trainer.fit(torch.randn(n_rows, 2), 3, on_step_end=lambda t, tr: progress.append((t, tr.critic_steps)))
    per_epoch = n_minibatches(n_rows, 16)  # 97 rows: the last single row is left out, 6 batches
    assert len(progress) == 3 * per_epoch
    assert [t for t, _ in progress][per_epoch - 1::per_epoch] == [1.0, 2.0, 3.0]
    assert all(a < b for (a, _), (b, _) in zip(progress, progress[1:]))
    assert [steps for _, steps in progress] == list(range(1, 3 * per_epoch + 1))


def test_schedule_saves_at_the_rate_from_start_with_the_states_of_that_time():
    trainer = make_trainer()  # 100 rows / 10 = 10 steps per epoch
    store = SnapshotStore(memory_budget=10**9)
    schedule = SnapshotSchedule(store, {"generator": trainer.generator, "critic": trainer.critic},
                                saves_per_epoch=5, start=1.0)
    seen = {}

    def hook(progress, tr):
        seen[round(progress, 6)] = copy.deepcopy(tr.generator.state_dict())
        schedule(progress, tr)

    trainer.fit(torch.randn(100, 2), 2, on_step_end=hook)
    assert store.times == pytest.approx([1.0, 1.2, 1.4, 1.6, 1.8, 2.0])
    for index, time in enumerate(store.times):
        saved = store.state(index, "generator")
        assert all(torch.equal(saved[k], v) for k, v in seen[round(time, 6)].items())
    assert set(store.state(0, "critic")) == set(trainer.critic.state_dict())


def test_schedule_saves_at_most_once_per_step():
    trainer = make_trainer()
    store = SnapshotStore(memory_budget=10**9)
    trainer.fit(torch.randn(100, 2), 2, on_step_end=SnapshotSchedule(store, {"g": trainer.generator},
                                                                      saves_per_epoch=50))
    assert len(store) == 20  # 10 steps per epoch < 50 saves per epoch


def test_store_spills_beyond_the_budget_and_reads_back_identical_states(tmp_path):
    network = MLPCritic(MLPConfig(n_features=3, hidden=(4,)))
    budget = 2 * state_bytes(network)
    store = SnapshotStore(memory_budget=budget, folder=tmp_path / "spill")
    states = []
    for step in range(5):
        with torch.no_grad():
            for param in network.parameters():
                param.add_(1.0)
        states.append(copy.deepcopy(network.state_dict()))
        store.add(step / 5, {"critic": network.state_dict()})
    assert [store.on_disk(i) for i in range(5)] == [False, False, True, True, True]
    assert store.memory_bytes == budget and store.disk_bytes == 3 * state_bytes(network)
    assert len(list((tmp_path / "spill").rglob("*.safetensors"))) == 3
    for index, state in enumerate(states):
        assert all(torch.equal(store.state(index, "critic")[k], v) for k, v in state.items())
    store.close()
    assert not list((tmp_path / "spill").iterdir())
    assert torch.equal(store.state(0, "critic")["head.bias"], states[0]["head.bias"])  # memory kept


def test_temporary_spill_folder_is_removed_on_close():
    store = SnapshotStore(memory_budget=0)
    store.add(0.5, {"net": {"w": torch.ones(3)}})
    folder = store._files[0].parent
    assert folder.is_dir() and store.on_disk(0)
    store.close()
    assert not folder.exists()


def test_store_refuses_a_negative_budget():
    with pytest.raises(ValueError, match="memory_budget"):
        SnapshotStore(memory_budget=-1)


def test_two_stores_given_one_folder_keep_their_own_files(tmp_path):
    """A probe found two HistoryAD fits with one snapshot_dir writing the same file names: the second
    overwrote the first's snapshots (wrong samples, silently), and deleted them when it closed."""
    first, second = (SnapshotStore(memory_budget=0, folder=tmp_path) for _ in range(2))
    first.add(0.0, {"net": {"w": torch.ones(3)}})
    second.add(0.0, {"net": {"w": torch.zeros(3)}})
    second.close()
    assert torch.equal(first.state(0, "net")["w"], torch.ones(3))


def test_a_copy_holds_its_snapshots_itself():
    """A probe found a deep copy (or a pickle) pointing at the original's files, which the original deletes."""
    store = SnapshotStore(memory_budget=0)
    store.add(0.0, {"net": {"w": torch.arange(3.0)}})
    copied = pickle.loads(pickle.dumps(copy.deepcopy(store)))
    store.close()
    assert torch.equal(copied.state(0, "net")["w"], torch.arange(3.0)) and not copied.on_disk(0)

