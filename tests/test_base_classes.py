"""The two base classes: ``BaseDetector`` (the scikit-learn contract on numpy rows) under the
classical baselines, ``TorchDetector`` under every detector with torch networks, and the old
name ``BaseGANDetector`` kept for one release behind a ``FutureWarning``."""

import importlib

import pytest

from ganad.base import TorchDetector
from ganad.base_detector import BaseDetector
from ganad.registry import DETECTORS

CLASSICAL = {"kde", "ocsvm", "iforest", "gmm"}


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_only_the_classical_baselines_lack_torch_networks(name):
    cls = DETECTORS[name]
    assert issubclass(cls, BaseDetector)
    assert issubclass(cls, TorchDetector) == (name not in CLASSICAL)


def test_base_gan_detector_is_a_deprecated_alias_of_torch_detector():
    base = importlib.import_module("ganad.base")
    with pytest.warns(FutureWarning, match="BaseGANDetector is deprecated.*TorchDetector.*BaseDetector"):
        from ganad.base import BaseGANDetector
    assert BaseGANDetector is TorchDetector
    with pytest.warns(FutureWarning):
        assert base.BaseGANDetector is TorchDetector
    with pytest.raises(AttributeError, match="NoSuchDetector"):
        base.NoSuchDetector  # noqa: B018
