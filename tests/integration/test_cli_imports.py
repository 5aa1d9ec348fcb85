"""``ganad --help``, ``list`` and ``bench --list`` load neither torch nor scikit-learn; the catalog they read is the registry's."""

import subprocess
import sys

import pytest

from ganad.catalog import METHODS, NOT_SAVABLE, PAPERS
from ganad.registry import DETECTORS

PROBE = """
import contextlib, io, sys
from ganad.cli.main import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    status = main(sys.argv[1:])
heavy = sorted(name for name in ("torch", "sklearn", "scipy") if name in sys.modules)
print(status, ",".join(heavy) or "none", len(out.getvalue().splitlines()))
"""


@pytest.mark.parametrize("argv", [["--help"], ["list"], ["bench", "--list"], ["fit", "--help"]])
def test_light_commands_import_neither_torch_nor_sklearn(argv):
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True)
    status, heavy, n_lines = result.stdout.split()
    assert (status, heavy) == ("0", "none")
    assert int(n_lines) > 3  # it printed its help or listing


def test_catalog_names_the_registry():
    assert list(METHODS) == list(DETECTORS) == list(PAPERS)
    for name, (module, cls) in METHODS.items():
        assert (DETECTORS[name].__module__.startswith(module), DETECTORS[name].__name__) == (True, cls)
    assert NOT_SAVABLE == {name for name, cls in DETECTORS.items() if not cls.savable}


def test_package_names_load_on_first_use():
    import ganad

    assert ganad.WGANCritic is DETECTORS["wgan-critic"] and "WGANCritic" in dir(ganad)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        ganad.Nope  # noqa: B018


@pytest.mark.parametrize("argv", [["list"], ["bench", "--list"]])
def test_a_reader_that_stops_reading_is_no_error(argv):
    """A probe found `ganad bench --list | head -1` ending in 'ganad: error: [Errno 32] Broken pipe' (status 2)."""
    process = subprocess.Popen([sys.executable, "-c", "from ganad.cli.main import run; run()", *argv],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the command writes: its first write meets a closed pipe
    status, stderr = process.wait(timeout=60), process.stderr.read().decode()
    process.stderr.close()
    assert (status, stderr) == (141, "")
