"""The data folder resolution, split ``.partN`` files and missing-file errors."""

import sys
from pathlib import Path

import pytest

from ganad.data import data_dir
from ganad.data._cache import file_pieces, read_bytes, require_file


def test_explicit_path_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GANAD_DATA", str(tmp_path / "env"))
    assert data_dir(tmp_path / "explicit") == tmp_path / "explicit"
    assert data_dir() == tmp_path / "env"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG cache folder is Linux/BSD")
def test_default_is_the_xdg_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("GANAD_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data_dir() == tmp_path / "ganad"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data_dir() == Path.home() / ".cache" / "ganad"


def test_split_file_is_joined_in_part_order(tmp_path):
    content = bytes(range(256)) * 50
    cuts = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000, len(content)]
    for i, (a, b) in enumerate(zip(cuts, cuts[1:])):  # 12 parts: part10 must follow part9
        (tmp_path / f"blob.bin.part{i}").write_bytes(content[a:b])
    assert len(file_pieces(tmp_path / "blob.bin")) == 12
    assert read_bytes(tmp_path / "blob.bin") == content


def test_whole_file_is_preferred_to_parts(tmp_path):
    (tmp_path / "f").write_bytes(b"whole")
    (tmp_path / "f.part0").write_bytes(b"part")
    assert read_bytes(tmp_path / "f") == b"whole"


def test_gap_in_parts_is_an_error(tmp_path):
    (tmp_path / "f.part0").write_bytes(b"a")
    (tmp_path / "f.part2").write_bytes(b"c")
    with pytest.raises(ValueError, match="part0..partK"):
        read_bytes(tmp_path / "f")


def test_missing_file_names_path_and_hint(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"odds[/\\]x\.mat.*run `ganad data fetch x`"):
        require_file(tmp_path, "odds/x.mat", "run `ganad data fetch x`")
    (tmp_path / "odds").mkdir()
    (tmp_path / "odds" / "x.mat.part0").write_bytes(b"1")
    assert require_file(tmp_path, "odds/x.mat", "") == tmp_path / "odds" / "x.mat"
