"""``training.loop.run_epochs``: epochs, stop flag, divergence check, atomic checkpoints and resume."""

import numpy as np
import pytest
import torch
from torch import nn

from ganad.training import TrainingDivergedError
from ganad.training import checkpoint as checkpoint_module
from ganad.training.loop import TrainingState, run_epochs

DATA = torch.randn(40, 3, generator=torch.Generator().manual_seed(0))


class Owner:
    """Stands for a detector with a fitted attribute that training changes."""

    scale_ = 1.0


def make_run(owner=None):
    torch.manual_seed(0)
    network = nn.Linear(3, 1)
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-2)
    return TrainingState({"network": network}, {"optimizer": optimizer}, torch.Generator().manual_seed(1),
                         settings={"batch_size": 8}, owner=owner, attributes=("scale_",))


def step_of(run, calls=None, owner=None):
    """One epoch: 5 batches of 8 shuffled rows with random noise, both from ``run.rng``."""
    network, optimizer = run.networks["network"], run.optimizers["optimizer"]

    def epoch_step(epoch):
        if calls is not None:
            calls.append(epoch)
        losses = []
        for index in torch.randperm(len(DATA), generator=run.rng).split(8):
            noise = torch.randn(len(index), 1, generator=run.rng)
            loss = (network(DATA[index]) - noise).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
        if owner is not None:
            owner.scale_ = owner.scale_ * 0.5
        return {"loss": losses}

    return epoch_step


def test_stops_at_n_epochs():
    run, calls = make_run(), []
    history = run_epochs(run, step_of(run, calls), 3, data=DATA)
    assert calls == [0, 1, 2] and run.epoch == 3
    assert history is run.history and len(history["loss"]) == 15


def test_stops_when_the_run_says_so():
    run, calls = make_run(), []
    step = step_of(run, calls)

    def stop_after_two(epoch):
        logs = step(epoch)
        run.stopped = epoch == 1
        return logs

    run_epochs(run, stop_after_two, 5, data=DATA)
    assert calls == [0, 1] and run.epoch == 2


def test_checkpoints_every_k_epochs_and_the_last(tmp_path):
    path, saved = tmp_path / "run.ckpt", []
    run = make_run()
    run_epochs(run, step_of(run), 5, data=DATA, checkpoint_path=path, checkpoint_every=2,
               on_epoch_end=lambda epoch, _: saved.append(checkpoint_module.load_checkpoint(path)["epoch"]
                                                          if path.exists() else None))
    assert saved == [None, 2, 2, 4, 5]
    assert [entry.name for entry in tmp_path.iterdir()] == ["run.ckpt"]  # no temporary file left


def test_a_failed_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "run.ckpt"
    run = make_run()
    run_epochs(run, step_of(run), 1, data=DATA, checkpoint_path=path)
    before = path.read_bytes()

    def half_written(state, file):
        with open(file, "wb") as handle:
            handle.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint_module.torch, "save", half_written)
    with pytest.raises(OSError, match="disk full"):
        run_epochs(run, step_of(run), 2, data=DATA, checkpoint_path=path)
    assert path.read_bytes() == before
    assert [entry.name for entry in tmp_path.iterdir()] == ["run.ckpt"]


def test_resumed_run_equals_uninterrupted(tmp_path):
    path = tmp_path / "run.ckpt"
    whole_owner = Owner()
    whole = make_run(whole_owner)
    run_epochs(whole, step_of(whole, owner=whole_owner), 4, data=DATA)

    first = make_run(Owner())
    run_epochs(first, step_of(first, owner=first.owner), 2, data=DATA, checkpoint_path=path)
    owner, calls = Owner(), []
    resumed = make_run(owner)
    run_epochs(resumed, step_of(resumed, calls, owner), 4, data=DATA, checkpoint_path=path, resume=True)

    assert calls == [2, 3]
    assert owner.scale_ == whole_owner.scale_ == 1 / 16  # the attribute continues from the checkpoint's
    np.testing.assert_array_equal(resumed.history["loss"], whole.history["loss"])
    for a, b in zip(resumed.networks["network"].parameters(), whole.networks["network"].parameters()):
        assert torch.equal(a, b)
    assert torch.equal(resumed.rng.get_state(), whole.rng.get_state())


def test_other_data_or_settings_are_refused(tmp_path):
    path = tmp_path / "run.ckpt"
    run = make_run()
    run_epochs(run, step_of(run), 1, data=DATA, checkpoint_path=path)
    with pytest.raises(ValueError, match=r"was made with data=float32 \(40, 3\) sha256:\w+, this fit asks data="):
        other = make_run()
        run_epochs(other, step_of(other), 2, data=DATA + 1, checkpoint_path=path, resume=True)
    other = make_run()
    other.settings["batch_size"] = 16
    with pytest.raises(ValueError, match="batch_size=8, this fit asks batch_size=16"):
        run_epochs(other, step_of(other), 2, data=DATA, checkpoint_path=path, resume=True)
    with pytest.raises(ValueError, match="is at epoch 1, beyond n_epochs=0"):
        run_epochs(make_run(), step_of(make_run()), 0, data=DATA, checkpoint_path=path, resume=True)


def test_diverging_loss_raises_without_a_checkpoint(tmp_path):
    path = tmp_path / "run.ckpt"
    run = make_run()
    step = step_of(run)

    def diverging(epoch):
        logs = step(epoch)
        logs["loss"][2] = torch.tensor(float("nan"))
        return logs

    with pytest.raises(TrainingDivergedError, match="loss became nan at epoch 1, step 3"):
        run_epochs(run, diverging, 3, data=DATA, checkpoint_path=path)
    assert not path.exists()


def test_non_finite_network_is_not_checkpointed(tmp_path):
    path = tmp_path / "run.ckpt"
    run = make_run()
    step = step_of(run)

    def poisoned(epoch):
        logs = step(epoch)
        with torch.no_grad():
            run.networks["network"].bias.fill_(float("inf"))
        return logs

    with pytest.raises(TrainingDivergedError, match="network tensor 'bias' is not finite after epoch 1"):
        run_epochs(run, poisoned, 3, data=DATA, checkpoint_path=path)
    assert not path.exists()


def test_progress_starts_at_the_resumed_epoch(tmp_path, capsys):
    path = tmp_path / "run.ckpt"
    run = make_run()
    run_epochs(run, step_of(run), 2, data=DATA, checkpoint_path=path, desc="phase", verbose=1)
    resumed = make_run()
    run_epochs(resumed, step_of(resumed), 3, data=DATA, checkpoint_path=path, resume=True, desc="phase", verbose=1)
    lines = [line.split(" (")[0] for line in capsys.readouterr().err.splitlines()]
    assert lines == ["phase: epoch 1/2", "phase: epoch 2/2", "phase: epoch 3/3"]
