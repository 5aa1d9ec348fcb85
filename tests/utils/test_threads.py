"""The thread policy: small fully connected models fit and score on one torch thread, and the
caller's process-wide setting is always restored (``ganad.utils.threads``)."""

import numpy as np
import pytest
import torch

from ganad import WGANCritic
from ganad.detectors.baselines import DCAE
from ganad.utils.threads import ENV_VARIABLE, choose_threads, torch_threads

from ..conftest import QUICK_PARAMS


@pytest.fixture
def rows():
    return np.random.default_rng(0).normal(size=(64, 3))


@pytest.fixture
def caller_threads():
    """The suite runs on one thread (conftest); pretend the caller chose 2."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield 2
    torch.set_num_threads(before)


def _threads_seen_by(cls, method, monkeypatch):
    seen = []
    real = getattr(cls, method)

    def spy(self, *args):
        seen.append(torch.get_num_threads())
        return real(self, *args)
    monkeypatch.setattr(cls, method, spy)
    return seen


def test_small_mlp_fits_and_scores_on_one_thread_and_restores_the_callers(rows, caller_threads, monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    fitting = _threads_seen_by(WGANCritic, "_fit_model", monkeypatch)
    scoring = _threads_seen_by(WGANCritic, "_anomaly_score", monkeypatch)
    detector = WGANCritic(**QUICK_PARAMS["wgan-critic"], random_state=0).fit(rows)
    detector.anomaly_score(rows)
    assert fitting == [1] and set(scoring) == {1}
    assert torch.get_num_threads() == caller_threads


def test_n_threads_parameter_and_environment_override(rows, caller_threads, monkeypatch):
    seen = _threads_seen_by(DCAE, "_fit_model", monkeypatch)
    DCAE(**QUICK_PARAMS["dcae"], n_threads=2, random_state=0).fit(rows)
    monkeypatch.setenv(ENV_VARIABLE, "3")
    DCAE(**QUICK_PARAMS["dcae"], random_state=0).fit(rows)
    assert seen == [2, 3] and torch.get_num_threads() == caller_threads
    monkeypatch.setenv(ENV_VARIABLE, "zero")
    with pytest.raises(ValueError, match=ENV_VARIABLE):
        DCAE(**QUICK_PARAMS["dcae"], random_state=0).fit(rows)


def test_a_thread_count_beyond_any_machine_is_refused(rows, monkeypatch):
    """10**9 threads made OpenMP abort the process allocating 216 GB (a black-box probe's finding)."""
    with pytest.raises(ValueError, match="n_threads"):
        DCAE(**QUICK_PARAMS["dcae"], n_threads=1025, random_state=0).fit(rows)
    monkeypatch.setenv(ENV_VARIABLE, "1000000000")
    with pytest.raises(ValueError, match="from 1 to 1024"):
        DCAE(**QUICK_PARAMS["dcae"], random_state=0).fit(rows)


def test_a_failing_fit_restores_the_callers_threads(rows, caller_threads):
    with pytest.raises(RuntimeError):
        DCAE(**QUICK_PARAMS["dcae"], learning_rate=1e35, random_state=0).fit(rows)
    assert torch.get_num_threads() == caller_threads


@pytest.mark.parametrize(("convolutional", "n_values", "expected"), [(False, 10_000, 1), (False, 10**7, None),
                                                                       (True, 10_000, None)])
def test_rule_by_model_size(convolutional, n_values, expected, monkeypatch):
    for name in (ENV_VARIABLE, "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    assert choose_threads(None, convolutional=convolutional, n_values=n_values) == expected
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert choose_threads(None, convolutional=False, n_values=10) is None  # the user already chose


def test_torch_threads_none_changes_nothing(caller_threads):
    with torch_threads(None):
        assert torch.get_num_threads() == caller_threads
