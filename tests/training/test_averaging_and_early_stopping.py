"""Weight averages (TensorFlow's ExponentialMovingAverage) and ALAD's early-stopping rule, pinned by hand."""

import pytest
import torch
from torch import nn

from ganad.training.early_stopping import EarlyStopping
from ganad.training.ema import WeightAverage


def scalar_module(value):
    module = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        module.weight.fill_(value)
    return module


def set_weight(module, value):
    with torch.no_grad():
        module.weight.fill_(value)


def test_averages_start_at_the_initial_weights_and_warm_up_as_tensorflows_num_updates():
    module = scalar_module(1.0)
    average = WeightAverage(module, decay=0.9)
    for value in (3.0, 5.0):
        set_weight(module, value)
        average.update()
    # decays min(0.9, 1/10) = 0.1, then min(0.9, 2/11): 0.1 * 1 + 0.9 * 3 = 2.8; 2/11 * 2.8 + 9/11 * 5 = 4.6
    assert average.averages[0].item() == pytest.approx(4.6)
    assert average.num_updates == 2 and module.weight.item() == 5.0


def test_after_the_warm_up_the_decay_is_the_nominal_one():
    module = scalar_module(1.0)
    average = WeightAverage(module, decay=0.9)
    average.num_updates = 81  # (1 + 81) / (10 + 81) = 0.901 > 0.9
    assert average.current_decay() == 0.9
    set_weight(module, 3.0)
    average.update()
    assert average.averages[0].item() == pytest.approx(0.9 * 1 + 0.1 * 3)


def test_applied_swaps_the_averages_in_and_back_out():
    module = scalar_module(1.0)
    average = WeightAverage(module, decay=0.5)
    set_weight(module, 3.0)
    average.update()  # decay min(0.5, 0.1): 0.1 * 1 + 0.9 * 3 = 2.8
    with average.applied():
        assert module.weight.item() == pytest.approx(2.8)
    assert module.weight.item() == 3.0
    average.copy_to_module()
    assert module.weight.item() == pytest.approx(2.8)


def test_average_state_round_trips_and_checks_its_length():
    module = scalar_module(1.0)
    average = WeightAverage(module, decay=0.5)
    set_weight(module, 3.0)
    average.update()
    other = WeightAverage(scalar_module(0.0), decay=0.5)
    other.load_state(average.state())
    assert other.averages[0].item() == pytest.approx(2.8) and other.num_updates == 1
    with pytest.raises(ValueError, match="averaged tensors"):
        other.load_state({"averages": [], "num_updates": 0})
    with pytest.raises(ValueError, match="decay"):
        WeightAverage(module, decay=1.0)


def test_early_stopping_is_alads_rule():
    stopper = EarlyStopping(patience=2)
    losses = [5.0, 4.0, 4.0, 4.5, 3.9, 4.0, 4.0, 4.0]
    stops = [stopper.update(loss, epoch, {"w": torch.tensor(float(epoch))}) for epoch, loss in enumerate(losses)]
    # New bests at epochs 0, 1 and 4 (equal values are no improvement); then 5, 6, 7 without one:
    # more than 2, so the rule says stop after epoch 7.
    assert stops == [False] * 7 + [True]
    assert (stopper.best_epoch, stopper.best_loss) == (4, 3.9)
    assert stopper.best_states["w"].item() == 4.0


def test_early_stopping_keeps_a_copy_of_the_best_states():
    stopper = EarlyStopping(patience=0)
    state = {"w": torch.tensor(1.0)}
    assert not stopper.update(5.0, 0, state)  # the first value is the best
    state["w"].fill_(2.0)
    assert stopper.best_epoch == 0 and stopper.best_states["w"].item() == 1.0
    assert stopper.update(7.0, 1, state)  # patience 0: the first epoch without a new best stops
    restored = EarlyStopping(patience=0)
    restored.load_state(stopper.state())
    assert restored.state() == stopper.state()
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=-1)
