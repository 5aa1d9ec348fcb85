"""Model folders: written whole, bound by a manifest, validated before anything is built.

Each test is a case a hostile or unlucky user met (issue 11): a hand-edited config.json,
flipped weight bytes, a relabelled folder, a kill during save, a model with a NaN in it.
Every one must end in a ``ValueError`` naming the problem, never in a model that loads and
scores wrongly, and never in another exception type from deep inside torch.
"""

import json
import os
import stat

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file as load_numpy

import ganad
from ganad import io, model_folder
from ganad.registry import DETECTORS

from ..conftest import QUICK_PARAMS, reseal

SAVABLE = sorted(name for name, cls in DETECTORS.items() if cls.savable)


@pytest.fixture(scope="module")
def rows():
    return np.random.default_rng(0).normal(size=(64, 3))


@pytest.fixture(scope="module")
def fitted(rows):
    """One tiny fitted detector per savable method, shared by the module's tests."""
    return {name: DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0}).fit(rows) for name in SAVABLE}


@pytest.fixture
def saved(fitted, tmp_path):
    def save(name):
        return fitted[name].save(tmp_path / name)
    return save


def _edit_config(folder, edit):
    config = json.loads((folder / io.CONFIG_FILE).read_text())
    edit(config)
    (folder / io.CONFIG_FILE).write_text(json.dumps(config))


@pytest.mark.parametrize("name", SAVABLE)
def test_round_trip_scores_identically_and_writes_a_manifest(name, fitted, saved, rows):
    folder = saved(name)
    assert sorted(p.name for p in folder.iterdir()) == sorted(io.MODEL_FILES)
    np.testing.assert_array_equal(ganad.load(folder).anomaly_score(rows), fitted[name].anomaly_score(rows))


@pytest.mark.parametrize("name", SAVABLE)
def test_a_flipped_weight_byte_is_refused(name, saved):
    folder = saved(name)
    data = bytearray((folder / io.TENSOR_FILE).read_bytes())
    data[-3] ^= 0xFF
    (folder / io.TENSOR_FILE).write_bytes(bytes(data))
    with pytest.raises(ValueError, match="does not match manifest.json"):
        ganad.load(folder)


@pytest.mark.parametrize("name", SAVABLE)
def test_a_resealed_non_finite_weight_is_refused(name, saved):
    folder = saved(name)
    tensors = load_numpy(folder / io.TENSOR_FILE)
    first = next(k for k, v in tensors.items() if v.dtype.kind == "f" and not k.startswith("history."))
    tensors[first] = np.full_like(tensors[first], np.inf)
    from safetensors.numpy import save_file
    save_file(tensors, folder / io.TENSOR_FILE)
    reseal(folder)
    with pytest.raises(ValueError, match=f"non-finite values in {first}"):
        ganad.load(folder)


def test_an_edited_config_is_refused_by_the_manifest(saved):
    folder = saved("wgan-encoder")
    _edit_config(folder, lambda c: c["params"].update(score_batch_size=-1))
    with pytest.raises(ValueError, match="config.json does not match manifest.json"):
        ganad.load(folder)


def test_a_relabelled_folder_is_refused(saved):
    """A WGANEncoder folder relabelled wgan-critic loaded and flagged 0 of 200 rows."""
    folder = saved("wgan-encoder")
    _edit_config(folder, lambda c: c.update(method="wgan-critic"))
    reseal(folder)
    with pytest.raises(ValueError, match="a wgan-critic model has"):
        ganad.load(folder)

    def relabel(config):
        for name in ("encoder", "encoder_epochs", "encoder_learning_rate"):
            config["params"].pop(name, None)
        config["params"]["latent_dim"] = 2  # the encoder's "auto" on rows; a critic takes an int
        config.update(method="wgan-critic", fitted={"critic_range_": [0.0, 1.0], "critic_median_": 0.5})
    _edit_config(folder, relabel)
    reseal(folder)
    with pytest.raises(ValueError, match="does not hold a wgan-critic model: .*unexpected \\['encoder_"):
        ganad.load(folder)


def test_files_of_two_models_put_together_are_refused(fitted, tmp_path):
    first = fitted["dcae"].save(tmp_path / "a")
    second = fitted["dcae"].set_params(random_state=1).fit(np.ones((8, 3)) + np.arange(8)[:, None]).save(
        tmp_path / "b")
    fitted["dcae"].set_params(random_state=0)
    (first / io.TENSOR_FILE).write_bytes((second / io.TENSOR_FILE).read_bytes())
    with pytest.raises(ValueError, match="model.safetensors does not match manifest.json"):
        ganad.load(first)


def test_a_folder_without_manifest_is_refused(saved):
    folder = saved("wgan-critic")
    (folder / io.MANIFEST_FILE).unlink()
    with pytest.raises(ValueError, match="no manifest.json"):
        ganad.load(folder)


# Hand edits of config.json that a careful forger reseals; each was a crash, a huge
# allocation or a silently wrong model before. (field path, value, expected message part)
CONFIG_EDITS = [
    (("params", "score_batch_size"), -1, "score_batch_size"),
    (("params", "hidden"), [200000, 200000], "sized by hidden"),
    (("params", "hidden"), ["a"], "hidden"),
    (("params", "hidden"), 5, "hidden"),
    (("params", "conv_width"), 1e6, "conv_width"),
    (("params", "latent_dim"), 0, "latent_dim"),
    (("params", "latent_dim"), 3, "shape"),
    (("params", "n_epochs"), "many", "n_epochs"),
    (("params", "gan"), "wgan-xx", "gan"),
    (("params", "no_such_parameter"), 1, "unknown parameter"),
    (("params", "image_shape"), [1, 1, 3], "image_shape"),
    (("params",), None, "params"),
    (("params",), [], "params"),
    (("method",), "no-such-method", "not a ganad method"),
    (("method",), "kde", "never saved"),
    (("method",), 3, "method must be str"),
    (("n_features_in",), 4, "must be 4 finite numbers"),
    (("n_features_in",), -1, "n_features_in"),
    (("n_features_in",), "3", "n_features_in"),
    (("n_features_in",), 10**12, "n_features_in"),
    (("image_shape",), [1, 1, 3, 1], "image_shape"),
    (("image_shape",), [1, 2, 3], "n_features_in"),
    (("seed",), -5, "seed"),
    (("seed",), 1.5, "seed"),
    (("offset",), "NaN", "offset"),
    (("offset",), None, "offset"),
    (("offset",), 10**400, "offset"),
    (("calibration_rows",), 1, "calibration_rows"),
    (("calibration_rows",), "40", "calibration_rows"),
    (("scaler",), {"shift": [0, 0, 0]}, "scaler"),
    (("scaler",), {"shift": [0, 0, 0], "scale": [1, 1]}, "scaler"),
    (("scaler",), {"shift": [0, 0, 0], "scale": [1, 0, 1]}, "positive"),
    (("scaler",), {"shift": ["x", 0, 0], "scale": [1, 1, 1]}, "scaler"),
    (("fitted",), {"junk": 1}, "fitted"),
    (("fitted",), None, "fitted"),
    (("feature_names",), ["a"], "feature_names"),
    (("format_version",), 99, "format version"),
    (("format_version",), True, "format version"),
    (("format_version",), 2.0, "format version"),
    (("format",), "other", "not a ganad model description"),
]


def _set(config, path, value):
    target = config
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@pytest.mark.parametrize(("path", "value", "message"), CONFIG_EDITS, ids=lambda v: str(v)[:24])
def test_a_resealed_config_edit_is_refused_with_a_value_error(path, value, message, saved, rows):
    folder = saved("wgan-encoder")
    _edit_config(folder, lambda c: _set(c, path, value))
    reseal(folder)
    with pytest.raises(ValueError, match=message):
        ganad.load(folder)


@pytest.mark.parametrize("dtype", [np.float16, np.int64])
@pytest.mark.parametrize("name", ["wgan-encoder", "deep-svdd"])
def test_a_resealed_tensor_of_another_dtype_is_refused(name, dtype, saved):
    """A black-box probe found weights stored as float16 or int64 loaded (cast back to float32 by torch) and
    scored: rounded or truncated weights, silently."""
    from safetensors.numpy import save_file
    folder = saved(name)
    tensors = load_numpy(folder / io.TENSOR_FILE)
    first = sorted(k for k, v in tensors.items() if v.dtype == np.float32 and not k.startswith("history."))[0]
    tensors[first] = tensors[first].astype(dtype)
    save_file(tensors, folder / io.TENSOR_FILE)
    reseal(folder)
    needed = "float32 or float64" if first in DETECTORS[name].fitted_tensors else "torch.float32"
    with pytest.raises(ValueError, match=f"{first} is stored as torch.{np.dtype(dtype).name}, "
                                         f"ganad writes it as {needed}"):
        ganad.load(folder)


def test_a_detector_whose_parameters_changed_after_fit_is_not_saved(rows, tmp_path):
    """A probe found the folder written with the new parameters beside the fitted networks: it never loaded."""
    detector = DETECTORS["dcae"](**{**QUICK_PARAMS["dcae"], "random_state": 0}).fit(rows)
    detector.set_params(hidden=(32, 32))
    with pytest.raises(ValueError, match="its parameters now build other networks than the fitted ones"):
        detector.save(tmp_path / "model")
    assert not (tmp_path / "model").exists()


FITTED_TENSOR_METHODS = sorted(name for name in SAVABLE if DETECTORS[name].fitted_tensors)


@pytest.mark.parametrize("name", FITTED_TENSOR_METHODS)
def test_a_resealed_fitted_tensor_of_another_shape_is_refused(name, saved):
    """A black-box probe found DeepSVDD's center_ of shape (1,) broadcast (58 of 100 rows flagged instead of 10)
    and WGANInversion's latent_starts_ cut to one start changing the scores, silently."""
    from safetensors.numpy import save_file
    folder = saved(name)
    tensors = load_numpy(folder / io.TENSOR_FILE)
    tensor = DETECTORS[name].fitted_tensors[0]
    tensors[tensor] = tensors[tensor].reshape(-1)[:1].copy()
    save_file(tensors, folder / io.TENSOR_FILE)
    reseal(folder)
    with pytest.raises(ValueError, match=f"{tensor} has shape \\(1,\\), the config needs"):
        ganad.load(folder)


@pytest.mark.parametrize(("name", "value"), [
    ("critic_range_", [0.39, 0.13]), ("critic_range_", [0.1, 0.2, 0.3]), ("critic_range_", "ab"),
    ("critic_median_", None), ("critic_median_", "0.3"), ("critic_median_", [])])
def test_a_resealed_fitted_value_of_the_wrong_kind_is_refused(name, value, saved):
    """A black-box probe found a reversed range flagging every training row, and strings crashing scoring with a
    TypeError."""
    folder = saved("wgan-critic")
    _edit_config(folder, lambda c: c["fitted"].update({name: value}))
    reseal(folder)
    with pytest.raises(ValueError, match=f"fitted {name} must be"):
        ganad.load(folder)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "{", "\xff\xfe", '{"format": NaN}', "null"])
def test_unreadable_config_json_is_a_value_error(text, saved):
    folder = saved("wgan-critic")
    (folder / io.CONFIG_FILE).write_bytes(text.encode("utf-8", "surrogatepass") if text != "\xff\xfe" else b"\xff\xfe")
    reseal(folder)
    with pytest.raises(ValueError):
        ganad.load(folder)


def test_a_nan_offset_or_tensor_is_never_saved(fitted, tmp_path):
    model = fitted["wgan-critic"]
    offset = model.offset_
    model.offset_ = float("nan")
    with pytest.raises(ValueError, match="non-finite values in offset_"):
        model.save(tmp_path / "nan-offset")
    model.offset_ = offset
    weight = model.critic_.state_dict()
    name, tensor = next(iter(weight.items()))
    saved_value = tensor.clone()
    with torch.no_grad():
        tensor.fill_(float("inf"))
    with pytest.raises(ValueError, match=f"non-finite values in critic_{name}"):
        model.save(tmp_path / "inf-weight")
    with torch.no_grad():
        tensor.copy_(saved_value)
    assert not (tmp_path / "nan-offset").exists() and not (tmp_path / "inf-weight").exists()


def test_a_save_killed_before_its_rename_keeps_the_previous_model(fitted, rows, tmp_path, monkeypatch):
    folder = fitted["wgan-critic"].save(tmp_path / "model")
    before = ganad.load(folder).anomaly_score(rows)

    def killed(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(model_folder, "_replace_folder", killed)
    with pytest.raises(KeyboardInterrupt):
        fitted["dcae"].save(folder)
    monkeypatch.undo()
    np.testing.assert_array_equal(ganad.load(folder).anomaly_score(rows), before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_stray_folders_of_a_dead_writer_are_removed_by_the_next_save(fitted, tmp_path):
    dead_pid = 2**22 + 12345  # above Linux's pid_max: never a running process
    stray = tmp_path / f".model.new-{dead_pid}-abc123"
    stray.mkdir()
    (stray / io.TENSOR_FILE).write_bytes(b"half")
    live = tmp_path / f".model.new-{os.getpid()}-def456"
    live.mkdir()
    fitted["wgan-critic"].save(tmp_path / "model")
    assert not stray.exists() and live.exists()


def test_model_files_follow_the_users_umask(fitted, tmp_path):
    old = os.umask(0o022)
    try:
        folder = fitted["wgan-critic"].save(tmp_path / "model")
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o644}


@pytest.mark.parametrize("kind", ["file", "foreign folder"])
def test_saving_over_a_file_or_a_foreign_folder_is_refused(kind, fitted, tmp_path):
    target = tmp_path / "target"
    if kind == "file":
        target.write_text("precious")
    else:
        target.mkdir()
        (target / "precious.csv").write_text("1,2,3")
    with pytest.raises(ValueError, match="choose"):
        fitted["wgan-critic"].save(target)
    assert (target.read_text() if kind == "file" else (target / "precious.csv").read_text()) in ("precious", "1,2,3")


def test_saving_over_a_model_replaces_it_whole(fitted, rows, tmp_path):
    folder = fitted["wgan-encoder"].save(tmp_path / "model")
    fitted["dcae"].save(folder)
    assert json.loads((folder / io.CONFIG_FILE).read_text())["method"] == "dcae"
    np.testing.assert_array_equal(ganad.load(folder).anomaly_score(rows), fitted["dcae"].anomaly_score(rows))


def test_feature_names_round_trip(fitted, tmp_path):
    model = fitted["wgan-critic"]
    model.feature_names_in_ = np.asarray(["a", "b", "c"], dtype=object)
    try:
        folder = model.save(tmp_path / "model")
    finally:
        del model.feature_names_in_
    assert list(ganad.load(folder).feature_names_in_) == ["a", "b", "c"]
