"""GPU smoke test: a GAN detector and a deep baseline fitted with ``device="cuda"`` on tiny data.

Skipped where ``torch.cuda.is_available()`` is False. A CUDA fit draws its minibatches from a
CUDA generator, so it is not the CPU fit's model; the checks are therefore (1) finite scores
that separate a far blob, (2) a ranking close to the CPU fit's, and (3) the very same model
(saved on the GPU, loaded on the CPU) scoring the same up to float32 kernel differences.
"""

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

import ganad
from ganad.metrics import auroc
from ganad.registry import DETECTORS

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA: torch.cuda.is_available() is False"),
    pytest.mark.filterwarnings("ignore::ganad.utils.support.InvertedScoreWarning"),
    pytest.mark.filterwarnings("ignore::ganad.training.collapse.GeneratorCollapseWarning"),
]

# Settings that separate the far blob of ``cloud`` in a few seconds on one CPU core.
SMOKE = {
    "wgan-encoder": {"n_epochs": 10, "encoder_epochs": 10, "batch_size": 32, "hidden": (32, 32), "latent_dim": 2,
                     "gp_weight": 0.1, "learning_rate": 1e-3},
    "dcae": {"n_epochs": 20, "batch_size": 32, "hidden": (16, 8), "latent_dim": 2},
}


@pytest.mark.parametrize("name", list(SMOKE))
def test_cuda_fit_scores_like_the_cpu_fit(name, cloud, tmp_path):
    X_train, X_test, y_test = cloud
    cpu = DETECTORS[name](**SMOKE[name], random_state=0, device="cpu").fit(X_train)
    cuda_rng = torch.cuda.get_rng_state()
    gpu = DETECTORS[name](**SMOKE[name], random_state=0, device="cuda").fit(X_train)
    assert torch.equal(torch.cuda.get_rng_state(), cuda_rng), f"{name}.fit moved CUDA's global RNG"
    assert gpu.device_.type == "cuda"
    assert all(p.is_cuda for net in gpu.network_names for p in getattr(gpu, net).parameters())

    gpu_scores, cpu_scores = gpu.anomaly_score(X_test), cpu.anomaly_score(X_test)
    assert np.isfinite(gpu_scores).all()
    assert auroc(y_test, cpu_scores) >= 0.9 and auroc(y_test, gpu_scores) >= 0.9
    # CPU and CUDA generators draw other minibatches; two CPU fits of other seeds give rho >= 0.93
    assert spearmanr(cpu_scores, gpu_scores).statistic >= 0.8

    on_cpu = ganad.load(gpu.save(tmp_path / "model"), device="cpu")  # the same model on the other device
    np.testing.assert_allclose(on_cpu.anomaly_score(X_test), gpu_scores, rtol=1e-4, atol=1e-5)
