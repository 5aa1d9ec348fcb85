"""Device selection (``ganad.utils.device``) and the data-parallel device rule, without a GPU."""

import pytest
import torch

from ganad.detectors.baselines import DCAE
from ganad.io import load_model
from ganad.training import distributed
from ganad.utils.device import resolve_device


def test_cpu_and_refused_devices():
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="is not a torch device"):
        resolve_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")


def test_cuda_without_an_index_is_the_gpu_current_at_fit(monkeypatch):
    """An unindexed "cuda" followed whichever GPU was current at each later call: fitted under
    ``torch.cuda.device(1)`` and scored outside it, the rows went to GPU 0 and the networks stayed on 1
    (a static audit of the CUDA path)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 1)
    assert resolve_device("cuda") == resolve_device("auto") == torch.device("cuda", 1)
    assert resolve_device("cuda:0") == torch.device("cuda", 0)


def test_data_parallel_refuses_one_gpu_for_every_rank(monkeypatch):
    """``--nproc 2 --device cuda:1`` put both ranks on GPU 1 (NCCL fails on a duplicate GPU)."""
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(ValueError, match="puts every rank on one GPU"):
        distributed.init_from_env("cuda:1")


def test_a_torch_device_parameter_is_saved_as_its_name(tmp_path):
    """``device=torch.device("cpu")`` made save fail: the JSON encoder took no torch.device."""
    X = torch.randn(40, 3, generator=torch.Generator().manual_seed(0)).numpy()
    detector = DCAE(n_epochs=1, hidden=(4,), latent_dim=2, device=torch.device("cpu"), random_state=0).fit(X)
    detector.save(tmp_path / "model")
    assert '"device": "cpu"' in (tmp_path / "model" / "config.json").read_text()
    assert (load_model(tmp_path / "model").anomaly_score(X) == detector.anomaly_score(X)).all()
