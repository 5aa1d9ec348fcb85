"""``fetch`` stops a download as soon as it cannot match, and never unpacks through a link.

Downloads are served by a local HTTP server on 127.0.0.1 (never the network); what the
client reads is counted at ``urlopen``'s response.
"""

import contextlib
import hashlib
import http.server
import io
import re
import tarfile
import threading
import urllib.request
import zipfile

import pytest

from ganad.data.fetch import _CHUNK, DATASETS, Resource, fetch

SIZE = 1000  # the pinned size of the served file
PAYLOAD = bytes(range(256)) * 3 + bytes(SIZE - 768)


@contextlib.contextmanager
def _serve(body, *, announce):
    """Serve ``body`` at every path on 127.0.0.1, with a Content-Length header if ``announce``;
    without one the body ends when the connection closes (HTTP/1.0). Yield the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            if announce:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(ConnectionError):  # the client hung up early
                for start in range(0, len(body), 1 << 16):
                    self.wfile.write(body[start:start + (1 << 16)])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def bytes_read(monkeypatch):
    """A list receiving the length of every ``read`` of a response that ``urlopen`` returns."""
    reads, urlopen = [], urllib.request.urlopen

    def counting_urlopen(*args, **kwargs):
        response = urlopen(*args, **kwargs)
        read = response.read

        def counting_read(*read_args):
            chunk = read(*read_args)
            reads.append(len(chunk))
            return chunk

        response.read = counting_read
        return response

    monkeypatch.setattr(urllib.request, "urlopen", counting_urlopen)
    return reads


@pytest.fixture
def pinned(monkeypatch):
    """Register 'test_set': one file ``sets/a.bin`` pinned to ``PAYLOAD``'s size and hash."""
    resource = Resource("http://unused.invalid/a.bin", "sets/a.bin", hashlib.sha256(PAYLOAD).hexdigest(), SIZE)
    monkeypatch.setitem(DATASETS, "test_set", (resource,))


@pytest.mark.usefixtures("pinned")
def test_announced_length_that_disagrees_is_refused_before_the_body(tmp_path, bytes_read):
    body = PAYLOAD + bytes(8 << 20)
    with _serve(body, announce=True) as base_url, pytest.raises(ValueError) as refused:
        fetch("test_set", data_dir=tmp_path, base_url=base_url)
    assert sum(bytes_read) == 0
    assert re.search(rf"a\.bin: .* announces {len(body)} bytes, expected {SIZE}", str(refused.value))
    assert not (tmp_path / "sets").exists()  # no temporary file left, nor the folder the fetch made


@pytest.mark.usefixtures("pinned")
def test_oversized_body_is_abandoned_at_the_pinned_size(tmp_path, bytes_read):
    with _serve(PAYLOAD + bytes(8 << 20), announce=False) as base_url, pytest.raises(ValueError) as refused:
        fetch("test_set", data_dir=tmp_path, base_url=base_url)
    assert sum(bytes_read) <= SIZE + _CHUNK
    assert re.search(rf"a\.bin: .* sent more than {SIZE} bytes", str(refused.value))
    assert not (tmp_path / "sets").exists()


@pytest.mark.usefixtures("pinned")
def test_short_body_is_refused_by_size(tmp_path):
    with _serve(PAYLOAD[:600], announce=False) as base_url:
        with pytest.raises(ValueError, match=rf"a\.bin: .* sent only 600 bytes, expected {SIZE}"):
            fetch("test_set", data_dir=tmp_path, base_url=base_url)
    assert not (tmp_path / "sets").exists()


@pytest.mark.usefixtures("pinned")
@pytest.mark.parametrize("announce", [True, False])
def test_body_of_the_pinned_size_and_hash_is_kept(tmp_path, announce):
    with _serve(PAYLOAD, announce=announce) as base_url:
        (path,) = fetch("test_set", data_dir=tmp_path, base_url=base_url)
    assert path.read_bytes() == PAYLOAD


def _archive(file_name, members):
    """A tar.gz or zip (by ``file_name``) holding ``members``: name -> bytes."""
    buffer = io.BytesIO()
    if file_name.endswith(".zip"):
        with zipfile.ZipFile(buffer, "w") as zf:
            for name, content in members.items():
                zf.writestr(name, content)
        return buffer.getvalue()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.mark.parametrize("file_name", ["a.tar.gz", "b.zip"])
@pytest.mark.parametrize("linked, points_to", [("top", "."), ("top/x.txt", "x.txt")])
def test_unpacking_never_writes_through_a_planted_link(monkeypatch, tmp_path, file_name, linked, points_to):
    """A link already in the target folder (to a folder or to a file) outside the data folder:
    the archive, already present and verified, is refused and the outside file is untouched."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_bytes(b"precious")
    folder = tmp_path / "data" / "sets"
    (folder / linked).parent.mkdir(parents=True)
    (folder / linked).symlink_to(outside / points_to)
    payload = _archive(file_name, {"ok.txt": b"1", "top/x.txt": b"overwritten"})
    (folder / file_name).write_bytes(payload)
    resource = Resource("http://unused.invalid/" + file_name, f"sets/{file_name}",
                        hashlib.sha256(payload).hexdigest(), len(payload), archive=True)
    monkeypatch.setitem(DATASETS, "test_set", (resource,))
    with pytest.raises(ValueError, match="through the symbolic link"):
        fetch("test_set", data_dir=tmp_path / "data")  # present and verified: unpacked only
    assert (outside / "x.txt").read_bytes() == b"precious"
    assert sorted(p.name for p in outside.iterdir()) == ["x.txt"]
    assert not (folder / "ok.txt").exists()  # every member is checked before any is written
    assert (folder / linked).is_symlink()  # the user's link is reported, not removed
