"""``fetch`` against a local HTTP server on 127.0.0.1 (never the network): checksum
verification, atomic writes, skipping verified files, and safe unpacking of archives.
Early refusal by size and unpacking beside planted links: ``tests/reliability/test_fetch_safety.py``."""

import contextlib
import hashlib
import http.server
import io
import tarfile
import threading
import zipfile
from functools import partial

import pytest

from ganad.data import load_odds
from ganad.data._cache import file_pieces
from ganad.data.fetch import DATASETS, Resource, fetch


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def _serve(directory):
    """Serve ``directory`` on 127.0.0.1; yield its base URL and the list of requested paths."""
    requests = []

    class Handler(_Handler):
        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

    handler = partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_from_mirror_verifies_and_skips(shared_data, tmp_path):
    with _serve(shared_data) as (base_url, requests):
        (thyroid,) = fetch("thyroid", data_dir=tmp_path, base_url=base_url)
        (kdd,) = fetch("kddcup99", data_dir=tmp_path, base_url=base_url)
        assert thyroid == tmp_path / "odds" / "thyroid.mat"
        assert _sha256(thyroid) == DATASETS["thyroid"][0].sha256
        assert _sha256(kdd) == DATASETS["kddcup99"][0].sha256
        assert len(requests) == 2
        fetch("thyroid", data_dir=tmp_path, base_url=base_url)  # present and verified
        assert len(requests) == 2
    assert load_odds("thyroid", data_dir=tmp_path).X.shape == (3772, 6)
    assert sorted(p.name for p in (tmp_path / "odds").iterdir()) == ["thyroid.mat"]  # no temp left


def test_corrupted_download_is_rejected(shared_data, tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "odds").mkdir(parents=True)
    data = bytearray((shared_data / "odds" / "thyroid.mat").read_bytes())
    data[1000] ^= 0xFF
    (mirror / "odds" / "thyroid.mat").write_bytes(bytes(data))
    target = tmp_path / "data"
    with _serve(mirror) as (base_url, _):
        with pytest.raises(ValueError, match=rf"expected {DATASETS['thyroid'][0].sha256}, got "
                                             rf"{hashlib.sha256(data).hexdigest()}"):
            fetch("thyroid", data_dir=target, base_url=base_url)
    assert not (target / "odds").exists()  # neither the file nor its temporary copy, nor the folder made for them


def test_wrong_file_in_place_is_replaced(shared_data, tmp_path):
    (tmp_path / "odds").mkdir()
    (tmp_path / "odds" / "thyroid.mat").write_bytes(b"stale")
    with _serve(shared_data) as (base_url, requests):
        fetch("thyroid", data_dir=tmp_path, base_url=base_url)
    assert len(requests) == 1
    assert _sha256(tmp_path / "odds" / "thyroid.mat") == DATASETS["thyroid"][0].sha256


def test_a_failed_download_over_a_wrong_file_says_the_file_stayed(tmp_path):
    """A probe found a wrong file kept after its re-download failed, the message saying only that the download
    was discarded, while the loaders would read the wrong file."""
    (tmp_path / "odds").mkdir()
    (tmp_path / "odds" / "thyroid.mat").write_bytes(b"stale")
    (tmp_path / "mirror").mkdir()
    with _serve(tmp_path / "mirror") as (base_url, _), \
            pytest.raises(OSError, match="the file already at .*thyroid.mat does not match the pinned SHA-256"):
        fetch("thyroid", data_dir=tmp_path, base_url=base_url)
    assert (tmp_path / "odds" / "thyroid.mat").read_bytes() == b"stale"


def test_refuses_without_pinned_checksum_or_unknown_name(tmp_path):
    with pytest.raises(ValueError, match="no pinned checksum"):
        fetch("uci_har", data_dir=tmp_path)
    assert not any(tmp_path.iterdir())
    with pytest.raises(KeyError, match="unknown data set"):
        fetch("imagenet", data_dir=tmp_path)


def _tar_gz(members):
    """A tar.gz holding ``members``: name -> bytes, or a TarInfo for special entries."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            if isinstance(content, tarfile.TarInfo):
                tar.addfile(content)
            else:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def _fetch_archive(monkeypatch, tmp_path, file_name, payload):
    """Serve ``payload`` as ``sets/<file_name>``, register it under 'test_set', fetch it."""
    mirror = tmp_path / "mirror"
    (mirror / "sets").mkdir(parents=True)
    (mirror / "sets" / file_name).write_bytes(payload)
    resource = Resource("http://unused.invalid/" + file_name, f"sets/{file_name}",
                        hashlib.sha256(payload).hexdigest(), archive=True)
    monkeypatch.setitem(DATASETS, "test_set", (resource,))
    with _serve(mirror) as (base_url, _):
        return fetch("test_set", data_dir=tmp_path / "data", base_url=base_url)


def test_a_failed_download_names_its_file_and_url(monkeypatch, tmp_path):
    """A probe found a mirror's 404 reported as 'HTTP Error 404: Not Found' only: which of a set's files?"""
    (tmp_path / "mirror").mkdir()
    resource = Resource("http://unused.invalid/gone.bin", "sets/gone.bin", "0" * 64)
    monkeypatch.setitem(DATASETS, "test_set", (resource,))
    with _serve(tmp_path / "mirror") as (base_url, _), \
            pytest.raises(OSError, match=r"gone\.bin: downloading http://.*/sets/gone\.bin failed \(HTTP Error 404"):
        fetch("test_set", data_dir=tmp_path / "data", base_url=base_url)
    assert not list((tmp_path / "data").rglob("*.download"))
    assert not (tmp_path / "data" / "sets").exists()  # the folder the failed fetch made


@pytest.mark.parametrize("file_name, pack", [("a.tar.gz", _tar_gz), ("b.zip", _zip)])
def test_archive_is_unpacked_next_to_itself(monkeypatch, tmp_path, file_name, pack):
    payload = pack({"top/inner/x.txt": b"x", "top/y.txt": b"why"})
    _fetch_archive(monkeypatch, tmp_path, file_name, payload)
    assert (tmp_path / "data" / "sets" / "top" / "inner" / "x.txt").read_bytes() == b"x"
    assert (tmp_path / "data" / "sets" / "top" / "y.txt").read_bytes() == b"why"


def test_split_archive_already_present_is_unpacked(monkeypatch, tmp_path):
    payload = _tar_gz({"top/x.txt": b"x"})
    folder = tmp_path / "sets"
    folder.mkdir()
    (folder / "c.tar.gz.part0").write_bytes(payload[:50])
    (folder / "c.tar.gz.part1").write_bytes(payload[50:])
    resource = Resource("http://unused.invalid/c.tar.gz", "sets/c.tar.gz",
                        hashlib.sha256(payload).hexdigest(), archive=True)
    monkeypatch.setitem(DATASETS, "test_set", (resource,))
    fetch("test_set", data_dir=tmp_path)  # verified from its pieces: nothing to download
    assert (folder / "top" / "x.txt").read_bytes() == b"x"


def _symlink(name, target):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


@pytest.mark.parametrize("file_name, payload, reason", [
    ("evil.tar.gz", _tar_gz({"ok.txt": b"1", "../escape.txt": b"2"}), "unsafe member path"),
    ("evil.tar.gz", _tar_gz({"/tmp/ganad_abs.txt": b"2"}), "unsafe member path"),
    ("evil.tar.gz", _tar_gz({"link": _symlink("link", "/etc/passwd")}), "not a regular file"),
    ("evil.zip", _zip({"ok.txt": b"1", "a/../../escape.txt": b"2"}), "unsafe member path"),
])
def test_unsafe_archives_are_refused(monkeypatch, tmp_path, file_name, payload, reason):
    with pytest.raises(ValueError, match=reason):
        _fetch_archive(monkeypatch, tmp_path, file_name, payload)
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "data" / "escape.txt").exists()
    assert not (tmp_path / "data" / "sets" / "ok.txt").exists()  # members are checked first


def test_registry_is_complete():
    assert set(DATASETS) >= {"mnist", "fashion_mnist", "kmnist", "cifar10", "svhn", "thyroid",
                             "arrhythmia", "musk", "kddcup99", "uci_har"}
    for resources in DATASETS.values():
        for r in resources:
            assert r.sha256 is None or len(r.sha256) == 64 and int(r.sha256, 16) >= 0
            assert r.sha256 is None or isinstance(r.size, int) and r.size > 0  # checked as it downloads


def test_pinned_sizes_match_the_shared_copy(shared_data):
    held = [r for resources in DATASETS.values() for r in resources if file_pieces(shared_data / r.path)]
    assert len(held) == 12  # MNIST, Fashion-MNIST (4 files each), the three ODDS sets, KDDCUP99
    for r in held:
        assert sum(p.stat().st_size for p in file_pieces(shared_data / r.path)) == r.size, r.path


def test_cli_data_fetch(shared_data, tmp_path, capsys):
    from ganad.cli.main import main

    with _serve(shared_data) as (base_url, _):
        status = main(["data", "fetch", "thyroid", "--data-dir", str(tmp_path), "--base-url", base_url])
    assert status == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "odds" / "thyroid.mat")
    assert _sha256(tmp_path / "odds" / "thyroid.mat") == DATASETS["thyroid"][0].sha256
