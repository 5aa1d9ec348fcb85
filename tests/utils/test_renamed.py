"""Renamed hyperparameters: the former names still work until ganad 0.2 (the README's changelog).

For each rename: the former name in the constructor or in ``set_params`` warns
(``FutureWarning``) and sets the new parameter, as the new name would; giving both names is a
``TypeError``; ``get_params`` (and so ``clone`` and model files) knows the new name only; the
new name never warns. Model files of the previous release (``tests/reliability/previous_release``),
saved with the former names, load silently; ``ganad fit --param`` takes a former name with a
warning on stderr.
"""

import json
import re
import warnings
from pathlib import Path

import pytest

import ganad
from ganad.cli.main import main
from ganad.detectors.adgan.search import LatentSearchDetector
from ganad.registry import DETECTORS

# (registry name, former name, new name, a value other than the default)
RENAMES = [
    ("wgan-inversion", "n_restarts", "n_seeds", 3),
    ("wgan-inversion", "inversion_lr", "inversion_learning_rate", 0.2),
    ("wgan-encoder", "encoder_lr", "encoder_learning_rate", 2e-3),
    ("anogan", "search_lr", "search_learning_rate", 0.03),
    ("adgan", "search_lr", "search_learning_rate", 0.5),
    ("adgan", "adapt_lr", "adapt_learning_rate", 1e-4),
    ("dagmm", "n_components", "n_mixture_components", 3),
    ("bigan", "alpha", "score_weight", 0.7),
    ("history-ad", "alpha", "history_start", 0.5),
    ("history-ad", "beta", "history_decay", 2.0),
]
IDS = [f"{name}-{old}" for name, old, _, _ in RENAMES]
ROOT = Path(__file__).parents[2]
PREVIOUS_RELEASE = ROOT / "tests" / "reliability" / "previous_release"


@pytest.mark.parametrize(("name", "old", "new", "value"), RENAMES, ids=IDS)
def test_the_former_name_in_the_constructor_warns_and_sets_the_new_one(name, old, new, value):
    cls = DETECTORS[name]
    with pytest.warns(FutureWarning, match=f"'{old}' is now '{new}'.*until ganad 0.2"):
        detector = cls(**{old: value})
    assert getattr(detector, new) == value
    assert detector.get_params() == cls(**{new: value}).get_params()


@pytest.mark.parametrize(("name", "old", "new", "value"), RENAMES, ids=IDS)
def test_the_former_name_in_set_params_warns_and_sets_the_new_one(name, old, new, value):
    cls = DETECTORS[name]
    detector = cls()
    with pytest.warns(FutureWarning, match=f"'{old}' is now '{new}'"):
        assert detector.set_params(**{old: value}) is detector
    assert getattr(detector, new) == value
    assert detector.get_params() == cls().set_params(**{new: value}).get_params()


@pytest.mark.parametrize(("name", "old", "new", "value"), RENAMES, ids=IDS)
def test_a_name_and_its_former_name_together_are_refused(name, old, new, value):
    cls = DETECTORS[name]
    with pytest.raises(TypeError, match=f"give '{new}' only"):
        cls(**{old: value, new: value})
    with pytest.raises(TypeError, match=f"give '{new}' only"):
        cls().set_params(**{old: value, new: value})


@pytest.mark.parametrize(("name", "old", "new", "value"), RENAMES, ids=IDS)
def test_get_params_knows_the_new_name_only_and_it_never_warns(name, old, new, value):
    cls = DETECTORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        detector = cls(**{new: value})
        detector.set_params(**{new: value})
    assert new in detector.get_params() and old not in detector.get_params()
    assert old not in cls.hyperparameters and old not in cls._parameter_constraints
    with pytest.warns(FutureWarning):
        assert set(cls(**{old: value}).get_params()) == set(cls().get_params())


def test_every_detector_registers_exactly_its_former_names():
    expected = {}
    for name, old, new, _ in RENAMES:
        expected.setdefault(name, {})[old] = new
    for name, cls in DETECTORS.items():
        assert {old: rename.new for old, rename in cls.renamed_parameters.items()} == expected.get(name, {}), name
        assert all(rename.until == "0.2" for rename in cls.renamed_parameters.values())
    assert LatentSearchDetector.renamed_parameters["search_lr"].new == "search_learning_rate"  # AnoGAN's, ADGAN's base


def test_the_changelog_has_a_row_per_rename():
    rows = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `")]
    for name, old, new, _ in RENAMES:
        cls_name = DETECTORS[name].__name__
        assert any(re.search(rf"`{cls_name}\({old}=\.\.\.\)`.*\| `{new}`.*\| 0\.2 \|$", row) for row in rows), (name, old)


@pytest.mark.parametrize("name", sorted({name for name, _, _, _ in RENAMES}))
def test_a_model_saved_with_former_names_loads_without_a_warning(name):
    """The previous release wrote these files with the former names (``previous_release/make_models.py``)."""
    saved = json.loads((PREVIOUS_RELEASE / name / "config.json").read_text())["params"]
    renames = [(old, new) for method, old, new, _ in RENAMES if method == name]
    assert all(old in saved and new not in saved for old, new in renames)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        detector = ganad.load(PREVIOUS_RELEASE / name, device="cpu")
    for old, new in renames:
        assert getattr(detector, new) == saved[old]
        assert old not in detector.get_params()


def test_fit_param_takes_a_former_name_with_a_warning(tmp_path, capsys):
    data = tmp_path / "train.csv"
    data.write_text("a,b\n" + "\n".join(f"{i % 7},{(3 * i) % 11}" for i in range(64)) + "\n")
    tiny = ["--param", "n_epochs=1", "--param", "batch_size=32", "--param", "hidden=(8,)", "--param", "latent_dim=1",
            "--seed", "0", "--device", "cpu"]
    assert main(["fit", str(data), "--method", "dagmm", "--out", str(tmp_path / "m"), "--param", "n_components=3",
                 *tiny]) == 0
    assert "--param n_components is deprecated" in capsys.readouterr().err
    assert ganad.load(tmp_path / "m", device="cpu").n_mixture_components == 3
    both = ["--param", "n_components=3", "--param", "n_mixture_components=3"]
    assert main(["fit", str(data), "--method", "dagmm", "--out", str(tmp_path / "m2"), *both, *tiny]) == 2
    assert "give 'n_mixture_components' only" in capsys.readouterr().err
