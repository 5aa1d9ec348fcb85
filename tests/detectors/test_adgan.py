"""AnoGAN and ADGAN: pinned losses, Algorithm 1 against a sequential reference, the contract."""

import copy

import numpy as np
import pytest
import torch

import ganad
from ganad import ADGAN, AnoGAN
from ganad.data import make_ring
from ganad.detectors.adgan.losses import anogan_loss, discrimination_loss, residual_loss, squared_l2
from ganad.metrics import auroc
from ganad.nets import DCGANConfig, DCGANCritic

from ..conftest import QUICK_PARAMS

X = torch.tensor([[1.0, -2.0, 0.5], [0.0, 0.0, 0.0]])
X_HAT = torch.tensor([[0.5, -1.0, 0.5], [1.0, -1.0, 2.0]])


def test_residual_loss_is_the_l1_norm():
    # |1 - 0.5| + |-2 + 1| + 0 = 1.5 ; 1 + 1 + 2 = 4 (Eq. 4)
    torch.testing.assert_close(residual_loss(X, X_HAT), torch.tensor([1.5, 4.0]))


def test_discrimination_loss_is_the_l1_norm_of_features():
    features_x = torch.tensor([[[1.0, 2.0]], [[0.0, -1.0]]])  # (2, 1, 2): flattened per sample
    features_x_hat = torch.tensor([[[0.0, 2.5]], [[0.0, 1.0]]])
    torch.testing.assert_close(discrimination_loss(features_x, features_x_hat), torch.tensor([1.5, 2.0]))


def test_anogan_loss_is_the_convex_combination():
    features_x, features_x_hat = torch.tensor([[2.0], [0.0]]), torch.tensor([[0.0], [3.0]])
    # 0.9 * 1.5 + 0.1 * 2 = 1.55 ; 0.9 * 4 + 0.1 * 3 = 3.9 (Eq. 6)
    torch.testing.assert_close(anogan_loss(X, X_HAT, features_x, features_x_hat, weight=0.1),
                               torch.tensor([1.55, 3.9]))


def test_squared_l2_is_the_sum_of_squares():
    # 0.25 + 1 + 0 = 1.25 ; 1 + 1 + 4 = 6
    torch.testing.assert_close(squared_l2(X, X_HAT), torch.tensor([1.25, 6.0]))


def algorithm_1(generator, x, seeds, *, adapted, k, lr, betas, adapt_learning_rate):
    """Deecke et al. 2018, Algorithm 1, written plainly: one sample, one seed, one generator copy at a time."""
    losses = torch.empty(len(seeds), len(x))
    for b in range(len(x)):
        for j in range(len(seeds)):
            g = copy.deepcopy(generator)
            theta = [p for name, p in g.named_parameters() if name in adapted]
            for param in g.parameters():
                param.requires_grad_(any(param is q for q in theta))
            z = seeds[j:j + 1].clone().requires_grad_(True)
            groups = [{"params": [z]}] + ([{"params": theta, "lr": adapt_learning_rate}] if theta else [])
            optimizer = torch.optim.Adam(groups, lr=lr, betas=betas)
            for _ in range(k):
                loss = (g(z) - x[b:b + 1]).pow(2).sum()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            with torch.no_grad():
                losses[j, b] = (g(z) - x[b:b + 1]).pow(2).sum()
    return losses


def tiny(cls, **params):
    name = {ADGAN: "adgan", AnoGAN: "anogan"}[cls]
    return cls(**{**QUICK_PARAMS[name], "random_state": 0, **params})


@pytest.fixture(scope="module")
def blobs():
    return np.random.default_rng(0).normal(size=(64, 3))


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, size=(16, 28 * 28))


IMAGE_PARAMS = {"image_shape": (1, 28, 28), "latent_dim": 8, "conv_width": 4, "batch_size": 8}


@pytest.mark.parametrize("adapt", ["all", "last", "none"])
@pytest.mark.parametrize("data", ["blobs", "images"])
def test_batched_search_equals_sequential_algorithm_1(request, data, adapt):
    X_np = request.getfixturevalue(data)[:5]
    params = {"n_seeds": 3, "search_steps": 4, "adapt": adapt, "adapt_chunk": 4, "hidden": (32, 32)}
    model = tiny(ADGAN, **params, **(IMAGE_PARAMS if data == "images" else {})).fit(X_np)
    x = torch.as_tensor(X_np, dtype=torch.float32).view(len(X_np), *(model.image_shape_ or (-1,)))
    expected = algorithm_1(model.generator_, x, model.latent_starts_, adapted=model._adapted_names(),
                           k=4, lr=0.25, betas=(0.5, 0.999), adapt_learning_rate=5e-5)
    with torch.no_grad():
        losses, _ = model.search(x)
    torch.testing.assert_close(losses, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.anomaly_score(X_np), expected.mean(dim=0).numpy(), rtol=1e-5)


def test_adaptation_changes_the_result(blobs):
    # gamma_theta = 0 must reduce to the latent-only search; 5e-5 must not.
    frozen_theta = tiny(ADGAN, adapt_learning_rate=0.0).fit(blobs).anomaly_score(blobs)
    latent_only = tiny(ADGAN, adapt="none").fit(blobs).anomaly_score(blobs)
    adapted = tiny(ADGAN, adapt_learning_rate=1e-2).fit(blobs).anomaly_score(blobs)
    np.testing.assert_allclose(frozen_theta, latent_only, rtol=1e-5)
    assert not np.allclose(adapted, latent_only, rtol=1e-3)


def test_adapted_parameters(images, blobs):
    mlp = tiny(ADGAN, adapt="last").fit(blobs)
    assert mlp._adapted_names() == ("net.4.weight", "net.4.bias")
    conv = tiny(ADGAN, adapt="last", **IMAGE_PARAMS).fit(images)
    assert conv._adapted_names() == ("upsample.3.weight", "upsample.3.bias")
    assert len(conv.set_params(adapt="all")._adapted_names()) == len(list(conv.generator_.parameters()))
    assert conv.set_params(adapt="none")._adapted_names() == ()


def anogan_sequential(model, x):
    """One query at a time: its start is the candidate of lowest Eq. 6 loss, then Adam on z (the original
    ports' loop)."""
    def loss_of(target, features, z):
        x_hat = model.generator_(z)
        residual = (target - x_hat).abs().flatten(1).sum(1)
        return 0.9 * residual + 0.1 * (features - model.critic_.features(x_hat)).abs().sum(1)

    losses = []
    for b in range(len(x)):
        target, features = x[b:b + 1], model.critic_.features(x[b:b + 1]).detach()
        with torch.no_grad():
            start = loss_of(target, features, model.latent_starts_).argmin()
        z = model.latent_starts_[start:start + 1].clone().requires_grad_(True)
        optimizer = torch.optim.Adam([z], lr=model.search_learning_rate, betas=model.search_betas)
        for step in range(model.search_steps + 1):
            loss = loss_of(target, features, z).sum()
            if step < model.search_steps:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        losses.append(loss.item())
    return np.array(losses)


def test_anogan_equals_a_per_sample_search(blobs):
    model = tiny(AnoGAN, search_steps=20).fit(blobs)
    expected = anogan_sequential(model, torch.as_tensor(blobs[:6], dtype=torch.float32))
    np.testing.assert_allclose(model.anomaly_score(blobs[:6]), expected, rtol=1e-5)


def test_anogans_start_is_its_candidate_of_lowest_mapping_loss(blobs):
    """With no search step the score is the mapping loss at the start: the minimum of Eq. 6 over the
    candidates (adgan README, "The search's start"), each query choosing its own."""
    x = torch.as_tensor(blobs[:8], dtype=torch.float32)
    chosen = tiny(AnoGAN, search_steps=0, start_candidates=64).fit(blobs)
    assert chosen.latent_starts_.shape == (64, chosen.latent_dim)
    features = chosen.critic_.features(x).detach()
    with torch.no_grad():
        generated = [chosen.generator_(z.expand(len(x), -1)) for z in chosen.latent_starts_[:, None]]
        every = torch.stack([anogan_loss(x, x_hat, features, chosen.critic_.features(x_hat), weight=0.1)
                             for x_hat in generated])  # (N, B)
    np.testing.assert_allclose(chosen.anomaly_score(blobs[:8]), every.min(0).values.numpy(), rtol=1e-5)
    assert len(set(every.argmin(0).tolist())) > 1


@pytest.mark.parametrize("cls, params", [
    (ADGAN, {}), (ADGAN, {"score_type": "prior"}), (AnoGAN, {}), (ADGAN, IMAGE_PARAMS), (AnoGAN, IMAGE_PARAMS),
])
def test_scoring_leaves_every_weight_unchanged_and_is_deterministic(blobs, images, cls, params):
    data = images if params else blobs
    model = tiny(cls, **params).fit(data)
    before = {name: {k: v.clone() for k, v in getattr(model, name).state_dict().items()}
              for name in model.network_names}
    first = model.anomaly_score(data)
    second = model.anomaly_score(data)
    np.testing.assert_array_equal(first, second)
    for name in model.network_names:
        for key, value in getattr(model, name).state_dict().items():
            assert torch.equal(value, before[name][key]), f"{name}.{key} changed"
        assert not getattr(model, name).training
        assert all(p.requires_grad for p in getattr(model, name).parameters())


def test_alternative_scores(blobs):
    model = tiny(ADGAN, score_type="critic").fit(blobs)
    np.testing.assert_allclose(model.anomaly_score(blobs), -model.critic_output(blobs), rtol=1e-6)
    model.set_params(score_type="prior")
    with torch.no_grad():
        _, z = model.search(torch.as_tensor(blobs, dtype=torch.float32))
    expected = -model.prior_.log_prob(z).mean(dim=0).numpy()
    np.testing.assert_allclose(model.anomaly_score(blobs), expected, rtol=1e-5)


def test_save_load_keeps_anogans_batch_normalised_discriminator(tmp_path, images):
    model = tiny(AnoGAN, **IMAGE_PARAMS).fit(images)
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.critic_.modules())
    model.save(tmp_path / "model")
    np.testing.assert_array_equal(ganad.load(tmp_path / "model", device="cpu").anomaly_score(images),
                                  model.anomaly_score(images))


def test_anogans_generator_loss_is_non_saturating_on_images_and_eq_1_on_rows(blobs, images):
    """saturating="auto": the DCGAN generator loss -log D(G(z)) (positive) on images, the form whose gradient
    does not vanish when the discriminator wins (it did, with log(1 - D(G(z))), on 500 MNIST zeros: adgan
    README, "AnoGAN on 500 images"); Eq. 1 as written, log(1 - D(G(z))) (negative), on rows; a bool forces it."""
    on_images = tiny(AnoGAN, **IMAGE_PARAMS).fit(images)
    on_rows = tiny(AnoGAN).fit(blobs)
    assert (on_images.saturating_, on_rows.saturating_) == (False, True)
    assert min(on_images.history_["generator_loss"]) > 0 > max(on_rows.history_["generator_loss"])
    assert min(tiny(AnoGAN, saturating=False).fit(blobs).history_["generator_loss"]) > 0


def test_anogan_needs_a_critic_with_features(blobs):
    critic = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1), torch.nn.Flatten(0))
    with pytest.raises(ValueError, match="features"):
        tiny(AnoGAN, critic=critic).fit(blobs)
    assert callable(DCGANCritic(DCGANConfig(image_shape=(1, 28, 28))).features)


@pytest.fixture(scope="module")
def far_cluster():
    """Ring training data; test = ring points (normal) and a cluster around (3, 3) (anomalies)."""
    rng = np.random.default_rng(3)
    normal = make_ring(200, random_state=2)
    far = rng.normal(loc=3.0, scale=0.1, size=(200, 2)).astype(np.float32)
    return np.vstack([normal, far]), np.r_[np.zeros(200), np.ones(200)]


@pytest.mark.long
@pytest.mark.parametrize("cls, params", [
    (ADGAN, {"n_seeds": 4, "adapt_chunk": 4096}), (ADGAN, {"adapt": "none"}), (AnoGAN, {"search_steps": 100}),
])
def test_far_cluster_is_found(ring, ring_detectors, far_cluster, cls, params):
    gan = ring_detectors["wgan-encoder"]
    model = cls.from_gan(gan, **params).fit(ring[0][:200])  # latent_dim=2, random_state=0, device="cpu"
    X_test, y_test = far_cluster
    assert auroc(y_test, model.anomaly_score(X_test)) > 0.95
