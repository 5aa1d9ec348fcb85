"""BiGAN/EGBAD, ALAD and RCGAN: pinned loss terms and scores, the training contract, the networks."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import ganad
from ganad.data import make_four_dots, make_four_dots_anomaly_set
from ganad.detectors.alice import PenaltyDistribution, unit_cube_frame
from ganad.detectors.alice.common import resolved_ema_decay, resolved_learning_rate
from ganad.detectors.alice.losses import joint_discriminator_loss, joint_generator_loss
from ganad.detectors.alice.trainer import JointTrainer
from ganad.metrics import auroc
from ganad.nets import LatentPrior
from ganad.nets.joint import JointDiscriminator
from ganad.registry import DETECTORS
from ganad.training import TrainingDivergedError

from ..conftest import QUICK_PARAMS

ALICE_METHODS = ("bigan", "alad", "rcgan")


def tiny(name, **params):
    return DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0, **params})


def log_sigmoid(v):
    return -math.log1p(math.exp(-v))


def log_one_minus_sigmoid(v):
    return -math.log1p(math.exp(v))


def mean(values):
    values = list(values)
    return sum(values) / len(values)


# -- loss terms, pinned by hand --------------------------------------------------------------

def test_joint_discriminator_loss_eq_2_and_4():
    encoder, generator, penalty = [0.5, -1.0], [2.0, 0.0], [-0.3, 1.2]
    eq2 = -mean(map(log_sigmoid, encoder)) - mean(map(log_one_minus_sigmoid, generator))
    eq4 = eq2 - mean(map(log_one_minus_sigmoid, penalty))
    t = torch.tensor
    assert joint_discriminator_loss(t(encoder), t(generator)).item() == pytest.approx(eq2)
    assert joint_discriminator_loss(t(encoder), t(generator), t(penalty)).item() == pytest.approx(eq4)
    assert eq2 == pytest.approx(2.3037, abs=1e-4)  # (0.4741 + 1.3133) / 2 + (2.1269 + 0.6931) / 2, by hand


def test_joint_generator_loss_flips_the_labels():
    encoder, generator, penalty = [0.5, -1.0], [2.0, 0.0], [-0.3, 1.2]
    expected = (-mean(map(log_sigmoid, generator)) - mean(map(log_one_minus_sigmoid, encoder))
                - mean(map(log_sigmoid, penalty)))
    t = torch.tensor
    assert joint_generator_loss(t(encoder), t(generator), t(penalty)).item() == pytest.approx(expected)
    without = -mean(map(log_sigmoid, generator)) - mean(map(log_one_minus_sigmoid, encoder))
    assert joint_generator_loss(t(encoder), t(generator)).item() == pytest.approx(without)


def fixed_linear(weight):
    layer = nn.Linear(len(weight[0]), len(weight), bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
    return layer


def fixed_discriminator(weights):
    """D(a, b) = weights . [a, b], its features the concatenated inputs."""
    discriminator = JointDiscriminator(nn.Identity(), len(weights))
    with torch.no_grad():
        discriminator.head.weight.copy_(torch.tensor([weights]))
        discriminator.head.bias.zero_()
    return discriminator


W_XZ, W_XX, W_ZZ = np.array([1.0, 2.0, -1.0]), np.array([1.0, 0.0, -1.0, 0.5]), np.array([0.5, -2.0])


@pytest.fixture
def wired_trainer():
    """E(x) = x_1, G(z) = (2z, -z), linear discriminators, a frozen (lr 0) step."""
    pair = nn.ModuleDict({"generator": fixed_linear([[2.0], [-1.0]]), "encoder": fixed_linear([[1.0, 0.0]])})
    discriminators = nn.ModuleDict({"xz": fixed_discriminator(W_XZ.tolist()), "xx": fixed_discriminator(W_XX.tolist()),
                                    "zz": fixed_discriminator(W_ZZ.tolist())})
    return JointTrainer(pair, discriminators, LatentPrior("normal", 1), penalty=PenaltyDistribution("normal"),
                        generator_optimizer=torch.optim.SGD(pair.parameters(), lr=0.0),
                        critic_optimizer=torch.optim.SGD(discriminators.parameters(), lr=0.0),
                        n_critic=1, batch_size=4, rng=torch.Generator().manual_seed(0))


def test_every_term_of_the_objective_sees_the_right_pairs(wired_trainer):
    x = torch.tensor([[0.5, -1.0], [1.5, 0.2], [-0.7, 0.3], [0.0, 2.0]])
    critic_logs, generator_logs = wired_trainer.critic_step(x), wired_trainer.generator_step(x)
    rng = torch.Generator().manual_seed(0)  # the trainer's draws, in its order: z, t, then z, t again
    draws = [(torch.randn((4, 1), generator=rng), torch.randn((4, 2), generator=rng)) for _ in range(2)]
    xs = x.numpy().astype(float)
    d_xz = lambda a, b: a @ W_XZ[:2] + b[:, 0] * W_XZ[2]  # noqa: E731
    d_xx = lambda a, b: a @ W_XX[:2] + b @ W_XX[2:]  # noqa: E731
    d_zz = lambda a, b: a[:, 0] * W_ZZ[0] + b[:, 0] * W_ZZ[1]  # noqa: E731
    m = lambda f, v: float(np.mean([f(u) for u in v]))  # noqa: E731

    def views(z, t):
        z, t = z.numpy().astype(float), t.numpy().astype(float)
        return z, xs[:, :1], np.hstack([2 * z, -z]), np.hstack([2 * xs[:, :1], -xs[:, :1]]), 2 * z, t, t[:, :1]

    z, z_hat, x_fake, x_rec, z_rec, t, z_t = views(*draws[0])
    expected_xz = (-m(log_sigmoid, d_xz(xs, z_hat)) - m(log_one_minus_sigmoid, d_xz(x_fake, z))
                   - m(log_one_minus_sigmoid, d_xz(t, z_t)))  # Eq. 4
    expected_xx = -m(log_sigmoid, d_xx(xs, xs)) - m(log_one_minus_sigmoid, d_xx(xs, x_rec))  # Eq. 9
    expected_zz = -m(log_sigmoid, d_zz(z, z)) - m(log_one_minus_sigmoid, d_zz(z, z_rec))  # ALAD's D_zz
    assert critic_logs["discriminator_xz_loss"].item() == pytest.approx(expected_xz, rel=1e-5)
    assert critic_logs["discriminator_xx_loss"].item() == pytest.approx(expected_xx, rel=1e-5)
    assert critic_logs["discriminator_zz_loss"].item() == pytest.approx(expected_zz, rel=1e-5)
    assert critic_logs["discriminator_loss"].item() == pytest.approx(expected_xz + expected_xx + expected_zz, rel=1e-5)

    z, z_hat, x_fake, x_rec, z_rec, t, z_t = views(*draws[1])
    expected_xz = (-m(log_sigmoid, d_xz(x_fake, z)) - m(log_one_minus_sigmoid, d_xz(xs, z_hat))
                   - m(log_sigmoid, d_xz(t, z_t)))
    expected_x, expected_z = -m(log_sigmoid, d_xx(xs, x_rec)), -m(log_sigmoid, d_zz(z, z_rec))
    assert generator_logs["generator_xz_loss"].item() == pytest.approx(expected_xz, rel=1e-5)
    assert generator_logs["cycle_x_loss"].item() == pytest.approx(expected_x, rel=1e-5)
    assert generator_logs["cycle_z_loss"].item() == pytest.approx(expected_z, rel=1e-5)
    assert generator_logs["generator_loss"].item() == pytest.approx(expected_xz + expected_x + expected_z, rel=1e-5)


def test_penalty_distributions_of_table_4():
    like, rng = torch.zeros(20_000, 3), torch.Generator().manual_seed(0)
    assert PenaltyDistribution("normal", 2.0)(like, rng).var().item() == pytest.approx(2.0, rel=0.03)  # N(0, 2I)
    assert PenaltyDistribution("normal")(like, rng).var().item() == pytest.approx(1.0, rel=0.03)
    uniform = PenaltyDistribution("uniform")(like, rng)  # U(-1, 1): variance 1/3
    assert uniform.abs().max().item() <= 1.0 and uniform.var().item() == pytest.approx(1 / 3, rel=0.03)
    with pytest.raises(ValueError, match="penalty"):
        PenaltyDistribution("cauchy")


def test_penalty_in_the_unit_cube_frame_is_the_papers_t_on_min_max_scaled_rows():
    rows = torch.tensor([[-3.0, 10.0, 5.0], [1.0, 30.0, 5.0]])  # the last feature is constant
    low, width = unit_cube_frame(rows)
    torch.testing.assert_close(low, torch.tensor([-3.0, 10.0, 5.0]))
    torch.testing.assert_close(width, torch.tensor([4.0, 20.0, 1.0]))
    like, rng = torch.zeros(20_000, 3), torch.Generator().manual_seed(0)
    draws = PenaltyDistribution("uniform", frame=(low, width))(like, rng)
    unit = (draws - low) / width  # back in the min-max coordinates, U(-1, 1) as in Table 4
    assert unit.abs().max().item() <= 1.0 and unit.var(dim=0).numpy() == pytest.approx([1 / 3] * 3, rel=0.05)


# -- scores, against plain formulas on the fitted networks ------------------------------------

@pytest.fixture(scope="module")
def untrained(blobs_module):
    """Networks as initialised (no epoch), so scores are pinned against the modules themselves."""
    return {name: tiny(name, n_epochs=0).fit(blobs_module) for name in ALICE_METHODS}


@pytest.fixture(scope="module")
def blobs_module():
    return np.random.default_rng(0).normal(size=(60, 3))


def numpy_of(module, *inputs):
    with torch.no_grad():
        return module(*(torch.as_tensor(np.asarray(v), dtype=torch.float32) for v in inputs)).double().numpy()


def test_bigan_score_is_haloui_eq_20(untrained, blobs_module):
    model, x = untrained["bigan"], blobs_module
    z = numpy_of(model.encoder_, x)
    x_rec = numpy_of(model.generator_, z)
    features = lambda a, b: numpy_of(model.discriminator_xz_.features, a, b)  # noqa: E731
    residual = np.abs(x - x_rec).sum(axis=1)  # Eq. 18, L1 (EGBAD's d = 1)
    matching = np.abs(features(x, z) - features(x_rec, z)).sum(axis=1)  # Eq. 19
    np.testing.assert_allclose(model.anomaly_score(x), 0.9 * residual + 0.1 * matching, rtol=1e-5)


def test_rcgan_scores_are_eq_11_and_12(untrained, blobs_module):
    model, x = untrained["rcgan"], blobs_module
    x_rec = numpy_of(model.generator_, numpy_of(model.encoder_, x))
    features = lambda a, b: numpy_of(model.discriminator_xx_.features, a, b)  # noqa: E731
    logits = numpy_of(model.discriminator_xx_, x, x_rec)
    # "auto" by default: on rows Eq. 11, the paper's tabular score (§5.3), as -log D_xx (which ranks
    # as 1 - D_xx), within D_xx's training range (these are the training rows)
    assert model.score_type == ganad.RCGAN().score_type == "auto" and model.score_norm == 2
    np.testing.assert_allclose(model.anomaly_score(x), np.log1p(np.exp(-logits)), rtol=1e-5)
    assert (np.argsort(model.anomaly_score(x)) == np.argsort(1 - 1 / (1 + np.exp(-logits)))).all()
    model.set_params(score_type="features")
    try:
        eq_12 = np.sqrt(((features(x, x) - features(x, x_rec)) ** 2).sum(axis=1))
        np.testing.assert_allclose(model.anomaly_score(x), eq_12, rtol=1e-5)
    finally:
        model.set_params(score_type="auto")


def test_eq_11_keeps_confident_d_xx_outputs_apart(untrained, monkeypatch):
    """1 - D_xx rounds to 1 for logits below about -37; the score -log D_xx keeps their order."""
    model = untrained["rcgan"]
    logits = torch.tensor([-40.0, -50.0, -60.0, 20.0])
    monkeypatch.setattr(model, "_pair_logit", lambda X: logits)
    monkeypatch.setattr(model, "xx_logit_range_", (-100.0, 30.0))
    scores = model._anomaly_score(torch.zeros(4, 2)).numpy()
    np.testing.assert_allclose(scores[:3], [40.0, 50.0, 60.0])
    assert 0 < scores[3] < 1e-8


def test_rcgan_scores_images_with_eq_12_by_default():
    """§5.4 scores CIFAR-10 with Eq. 12: "auto" is the feature distance with ``image_shape``."""
    images = np.random.default_rng(0).uniform(-1, 1, size=(4, 16 * 16)).astype(np.float32)
    model = tiny("rcgan", image_shape=(1, 16, 16), latent_dim=2, conv_width=4, batch_size=4, n_epochs=1,
                 ema_decay=0.0).fit(images)
    by_default = model.anomaly_score(images)
    np.testing.assert_array_equal(by_default, model.set_params(score_type="features").anomaly_score(images))
    assert not np.allclose(by_default, model.set_params(score_type="discriminator").anomaly_score(images))


def test_alad_score_is_l1_feature_matching_on_d_xx(untrained, blobs_module):
    model, x = untrained["alad"], blobs_module
    x_rec = numpy_of(model.generator_, numpy_of(model.encoder_, x))
    features = lambda a, b: numpy_of(model.discriminator_xx_.features, a, b)  # noqa: E731
    np.testing.assert_allclose(model.anomaly_score(x), np.abs(features(x, x) - features(x, x_rec)).sum(axis=1),
                               rtol=1e-5)


def test_discriminator_maps_are_probabilities(untrained, blobs_module):
    for name in ("alad", "rcgan"):
        for values in (untrained[name].discriminator_xz(blobs_module), untrained[name].discriminator_xx(blobs_module)):
            assert values.shape == (60,) and np.all((values > 0) & (values < 1))
    assert untrained["bigan"].reconstruction(blobs_module).shape == (60, 3)


# -- detection on the four-dot set of RCGAN Fig. 3 --------------------------------------------

@pytest.mark.long
def test_four_dots_anomalies_are_separated():
    X = make_four_dots(1000, random_state=0)
    X_test, y_test = make_four_dots_anomaly_set(300, 300, random_state=1)
    # 400 steps: too few for weight averages that start at the initial weights (ema_decay=0).
    quick = {"n_epochs": 20, "learning_rate": 3e-3, "latent_dim": 2, "encoder_hidden": (32,),
             "generator_hidden": (32, 32), "discriminator_hidden": (32,), "dropout": 0.2, "ema_decay": 0.0,
             "random_state": 0, "device": "cpu"}
    cycle = {"discriminator_xx_hidden": (32,)}
    extra = {"alad": {**cycle, "discriminator_zz_hidden": (2,)}, "rcgan": cycle, "bigan": {}}
    # Measured at seeds 0-2: ALAD 0.97-0.99, RCGAN 0.80-0.95 with its Eq. 12 default (Eq. 11: 0.84-0.94),
    # BiGAN ~0.75.
    for name, floor in (("alad", 0.9), ("rcgan", 0.8), ("bigan", 0.65)):
        detector = DETECTORS[name](**quick, **extra[name]).fit(X)
        assert auroc(y_test, detector.anomaly_score(X_test)) >= floor, name


# -- the reference code's settings: weight averages, early stopping, per-data-set networks ------

def module_parameters(model):
    return [p.detach() for name in model.network_names for p in getattr(model, name).parameters()]


@pytest.mark.parametrize("name", ["bigan", "alad", "rcgan"])
def test_auto_learning_rate_trains_rows_at_1e_4(name, blobs):
    auto = tiny(name, learning_rate="auto").fit(blobs)
    assert auto.learning_rate_ == 1e-4 and tiny(name, learning_rate=3e-5).fit(blobs).learning_rate_ == 3e-5
    same = tiny(name, learning_rate=1e-4).fit(blobs)
    assert all(torch.equal(a, b) for a, b in zip(module_parameters(auto), module_parameters(same)))
    assert resolved_learning_rate("auto", image_shape=(1, 28, 28)) == 1e-5  # the reference code's, for images


@pytest.mark.parametrize(("name", "rate"), [("bigan", 1e-4), ("alad", 1e-4), ("rcgan", 1e-5)])
def test_auto_learning_rate_on_images_is_each_detectors_own(name, rate):
    """BiGAN and ALAD train images at 1e-4, RCGAN at the reference codes' 1e-5 (each chosen on validation images)."""
    images = np.random.default_rng(0).uniform(-1, 1, size=(4, 16 * 16)).astype(np.float32)
    model = DETECTORS[name](image_shape=(1, 16, 16), latent_dim=2, conv_width=4, batch_size=4, n_epochs=1,
                            ema_decay=0.0, random_state=0).fit(images)
    assert model.learning_rate_ == rate


@pytest.mark.parametrize(("rate", "decay"), [(1e-5, 0.999), (1e-4, 0.99), (3e-5, 0.997), (2e-3, 0.8), (0.05, 0.0)])
def test_auto_ema_decay_keeps_alads_window_in_rate_times_steps(rate, decay):
    """ALAD's 0.999 at its 1e-5: 1 - decay grows with the rate, down to the last weights."""
    assert resolved_ema_decay("auto", rate) == pytest.approx(decay, abs=1e-12)
    assert resolved_ema_decay(0.9999, rate) == 0.9999


def test_rcgan_averages_rows_at_0_99_by_default(blobs):
    """RCGAN's ema_decay="auto" at the rows' 1e-4 trains as ema_decay=0.99; ALAD and BiGAN keep their codes'."""
    assert DETECTORS["rcgan"]().ema_decay == "auto"
    assert (DETECTORS["alad"]().ema_decay, DETECTORS["bigan"]().ema_decay) == (0.999, 0.9999)
    auto = tiny("rcgan", ema_decay="auto", learning_rate="auto").fit(blobs)
    same = tiny("rcgan", ema_decay=0.99, learning_rate="auto").fit(blobs)
    assert auto.ema_decay_ == 0.99 and tiny("rcgan", ema_decay="auto", learning_rate=1e-5).fit(blobs).ema_decay_ == 0.999
    assert all(torch.equal(a, b) for a, b in zip(module_parameters(auto), module_parameters(same)))


def test_scores_use_the_weight_averages(blobs):
    """One batch, one epoch: the averages are ``d * initial + (1 - d) * trained`` with the first update's
    decay d = min(ema_decay, 1 / 10) (TensorFlow's num_updates warm-up, ``ganad.training.ema``)."""
    one_step = {"batch_size": len(blobs), "n_epochs": 1}
    initial = module_parameters(tiny("alad", **one_step, ema_decay=0.0).set_params(n_epochs=0).fit(blobs))
    trained = module_parameters(tiny("alad", **one_step, ema_decay=0.0).fit(blobs))
    averaged = tiny("alad", **one_step, ema_decay=0.25).fit(blobs)
    assert not all(torch.equal(a, b) for a, b in zip(initial, trained))
    for got, start, end in zip(module_parameters(averaged), initial, trained):
        torch.testing.assert_close(got, 0.1 * start + 0.9 * end)


def test_early_stopping_keeps_the_best_epoch_on_held_out_training_rows(blobs):
    model = tiny("rcgan", early_stopping=True, patience=1, n_epochs=40, learning_rate=1e-2).fit(blobs)
    losses = model.history_["validation_loss"]
    best = int(np.argmin(losses))
    assert len(losses) == min(40, best + 3) < 40  # ALAD's rule: stop after more than `patience` epochs
    assert model.n_epochs_ == len(losses)  # the epochs that ran (it reported the maximum, 40)
    # The validation rows: a seeded 10 % of the training rows (phase 1 of the detector's seed).
    order = torch.randperm(len(blobs), generator=torch.Generator().manual_seed(model.seed_ + 1))
    validation = blobs[order[:12].numpy()]
    model.set_params(score_type="features")  # Eq. 12 with score_norm 2: what early stopping monitors
    assert model.anomaly_score(validation).mean() == pytest.approx(losses[best], rel=1e-5)


def test_early_stopped_training_resumes_exactly(tmp_path, blobs):
    stopping = {"early_stopping": True, "patience": 1}
    straight = tiny("alad", n_epochs=6, **stopping).fit(blobs)
    checkpoint = tmp_path / "run.ckpt"
    tiny("alad", n_epochs=3, checkpoint_path=checkpoint, **stopping).fit(blobs)
    resumed = tiny("alad", n_epochs=6, checkpoint_path=checkpoint, resume=True, **stopping).fit(blobs)
    np.testing.assert_array_equal(straight.history_["validation_loss"], resumed.history_["validation_loss"])
    np.testing.assert_array_equal(straight.anomaly_score(blobs), resumed.anomaly_score(blobs))
    plain = tmp_path / "plain.ckpt"
    tiny("alad", n_epochs=1, checkpoint_path=plain, ema_decay=0.0).fit(blobs)
    with pytest.raises(ValueError, match="ema_decay=0.0, patience=None, this fit asks"):  # other settings
        tiny("alad", n_epochs=2, checkpoint_path=plain, resume=True, **stopping).fit(blobs)


def linear_shapes(module):
    return [(layer.in_features, layer.out_features) for layer in module.modules() if isinstance(layer, nn.Linear)]


def dropout_rates(module):
    return [layer.p for layer in module.modules() if isinstance(layer, nn.Dropout)]


def test_networks_are_alads_kddcup_ones_by_default(blobs):
    alad = ganad.ALAD(n_epochs=0, random_state=0, device="cpu").fit(blobs)
    assert linear_shapes(alad.encoder_) == [(3, 64), (64, 32)]
    assert linear_shapes(alad.discriminator_xz_) == [(3, 128), (32, 128), (256, 128), (128, 1)]
    assert dropout_rates(alad.discriminator_xz_) == [0.5, 0.5]
    assert linear_shapes(alad.discriminator_xx_) == [(6, 128), (128, 1)] and dropout_rates(alad.discriminator_xx_) == [0.2]
    assert linear_shapes(alad.discriminator_zz_) == [(64, 32), (32, 1)] and dropout_rates(alad.discriminator_zz_) == [0.2]
    bigan = ganad.BiGAN(n_epochs=0, random_state=0, device="cpu").fit(blobs)
    assert dropout_rates(bigan.discriminator_xz_) == [0.2, 0.2] and bigan.ema_decay == 0.9999  # EGBAD's


ALAD_ARRHYTHMIA = {"latent_dim": 64, "batch_size": 32, "encoder_hidden": (256, 128), "generator_hidden": (128, 256),
                   "discriminator_hidden": (256,), "xz_branch_width": 128, "discriminator_xx_hidden": (256, 128),
                   "discriminator_zz_hidden": (64, 32)}


def test_alads_arrhythmia_networks():
    """``alad/arrhythmia_utilities.py``, layer by layer, through the init_args rcgan-t1 gives on Arrhythmia."""
    X = np.random.default_rng(0).normal(size=(40, 274))
    model = ganad.ALAD(**ALAD_ARRHYTHMIA, n_epochs=0, random_state=0, device="cpu").fit(X)
    assert linear_shapes(model.encoder_) == [(274, 256), (256, 128), (128, 64)]
    assert linear_shapes(model.generator_) == [(64, 128), (128, 256), (256, 274)]
    assert linear_shapes(model.discriminator_xz_) == [(274, 128), (64, 128), (256, 256), (256, 1)]
    assert dropout_rates(model.discriminator_xz_) == [0.5, 0.5]
    assert linear_shapes(model.discriminator_xx_) == [(548, 256), (256, 128), (128, 1)]
    assert linear_shapes(model.discriminator_zz_) == [(128, 64), (64, 32), (32, 1)]
    assert dropout_rates(model.discriminator_xx_) == dropout_rates(model.discriminator_zz_) == [0.2, 0.2]


# -- the estimator contract ---------------------------------------------------------------------

def test_spectrally_normalised_image_model_round_trips(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 3 * 32 * 32))
    model = tiny("alad", image_shape=(3, 32, 32), latent_dim=4, conv_width=4, batch_size=4).fit(images)
    assert nn.utils.parametrize.is_parametrized(model.discriminator_xx_.body[0], "weight")
    model.save(tmp_path / "model")
    np.testing.assert_array_equal(ganad.load(tmp_path / "model").anomaly_score(images), model.anomaly_score(images))


@pytest.mark.parametrize("name", ALICE_METHODS)
def test_diverging_loss_stops_with_clear_error(blobs, name):
    with pytest.raises(TrainingDivergedError, match="became"):
        tiny(name, learning_rate=1e35, n_epochs=3).fit(blobs)


def test_penalty_none_is_the_ablation_and_differs_from_the_default(blobs):
    without = tiny("rcgan", penalty=None, n_epochs=2).fit(blobs).anomaly_score(blobs)
    np.testing.assert_array_equal(without, tiny("rcgan", penalty="none", n_epochs=2).fit(blobs).anomaly_score(blobs))
    with_t = tiny("rcgan", n_epochs=2).fit(blobs)
    assert not np.allclose(without, with_t.anomaly_score(blobs))
    assert "discriminator_zz_loss" not in with_t.history_  # RCGAN has no D_zz (Eq. 10)


def test_bad_parameters_are_refused(blobs):
    # invalid values of penalty, score_norm and ema_decay: test_contract.py
    with pytest.raises(ValueError, match="early_stopping needs at least 2 training rows"):
        tiny("rcgan", early_stopping=True, validation_fraction=0.5).fit(blobs[:3])


# -- networks -------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 28, 28), (3, 32, 32)])
def test_convolutional_networks(shape):
    images = np.random.default_rng(0).uniform(-1, 1, size=(6, int(np.prod(shape))))
    model = tiny("alad", image_shape=shape, latent_dim=5, conv_width=4, batch_size=3).fit(images)
    x = torch.as_tensor(images[:2], dtype=torch.float32).view(2, *shape)
    assert model.encoder_(x).shape == (2, 5) and model.generator_(torch.zeros(2, 5)).shape == (2, *shape)
    assert model.discriminator_xx_(x, x).shape == (2,) and model.discriminator_zz_.features(
        torch.zeros(2, 5), torch.zeros(2, 5)).shape == (2, 32)
    assert np.isfinite(model.anomaly_score(images)).all()


def test_spectral_norm_only_where_it_applies(blobs):
    tabular = tiny("alad", n_epochs=0).fit(blobs)
    assert not any(nn.utils.parametrize.is_parametrized(m) for m in tabular.discriminator_xz_.modules())
    forced = tiny("alad", n_epochs=0, spectral_norm=True).fit(blobs)
    layers = [m for m in forced.discriminator_xz_.modules() if isinstance(m, nn.Linear)]
    assert all(nn.utils.parametrize.is_parametrized(m) for m in layers[:-1])
    assert not nn.utils.parametrize.is_parametrized(forced.discriminator_xz_.head)
