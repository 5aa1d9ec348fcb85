"""``ganad rcgan-maps``: RCGAN Fig. 3 (RCGAN and ALAD on loop, arc and four-dot) at a tiny size."""

import json

import pytest

from ganad.cli.main import main

TINY = ["--n-points", "60", "--epochs", "1", "--resolution", "8"]
PANEL_KEYS = {"on_data", "off_support", "auroc"}


@pytest.mark.long
def test_rcgan_maps_writes_the_figure_and_a_number_per_panel(tmp_path, capsys):
    assert main(["rcgan-maps", "--out", str(tmp_path), *TINY, "--seed", "3"]) == 0
    assert (tmp_path / "fig3.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    result = json.loads((tmp_path / "fig3.json").read_text())
    assert {"figure", "sets", "n_points", "seed", "resolution", "extent", "settings", "evaluation", "panels",
            "total_seconds"} <= set(result)
    assert (result["n_points"], result["seed"], result["resolution"]) == (60, 3, 8)
    settings = result["settings"]
    assert (settings["n_epochs"], settings["learning_rate"], settings["random_state"]) == (1, 1e-3, 3)
    assert (settings["latent_dim"], settings["dropout"], settings["ema_decay"], settings["n_threads"]) == (2, 0.2, 0, 1)
    assert result["sets"] == list(result["panels"]) == ["loop", "arc", "four_dots"]
    for methods in result["panels"].values():
        assert set(methods) == {"rcgan", "alad"}
        for numbers in methods.values():
            assert numbers["fit_seconds"] >= 0
            for panel in ("d_xz", "d_xx"):
                assert set(numbers[panel]) == PANEL_KEYS
                assert all(0 <= numbers[panel][key] <= 1 for key in PANEL_KEYS)
    assert "wrote fig3.png and fig3.json" in capsys.readouterr().out
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # atomic: no temporary left


def test_rcgan_maps_refuses_a_tiny_grid_and_zero_epochs(tmp_path):
    assert main(["rcgan-maps", "--out", str(tmp_path), *TINY, "--resolution", "1"]) == 2
    assert main(["rcgan-maps", "--out", str(tmp_path), *TINY, "--epochs", "0"]) == 2
    assert main(["rcgan-maps", "--out", str(tmp_path), *TINY, "--seed", "-1"]) == 2  # before any fit
    assert not tmp_path.joinpath("fig3.json").exists()
