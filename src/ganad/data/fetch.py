"""Downloading the real data sets from their upstream addresses, checked against SHA-256.

``fetch(name)`` downloads every file of ``DATASETS[name]`` into the data folder (see
:func:`ganad.data._cache.data_dir`) under the cache layout, so the loaders find them. Each file
is streamed into a temporary file next to its destination, its size and SHA-256 are compared
with the pinned values, and only then is it moved into place with ``os.replace``: a failed or
corrupted download never leaves a file the loaders would read. The size is checked as the
bytes arrive: a ``Content-Length`` that differs is refused before the body is read, and a body
is abandoned at its first byte past the pinned size. A file already present (whole or as
``.partN`` slices) with the right hash is not downloaded again. Archives (CIFAR-10's tar.gz,
UCI HAR's zip) are unpacked next to themselves after the check; a member with an absolute
path, a ``..`` component, that is not a regular file or folder (links, devices), or whose path
meets a symbolic link already in the target folder is refused, before anything is written.

Pinned checksums and sizes (never guessed; a resource without a checksum is refused, with
instructions). The sizes are those of ``shared/data/SOURCES.md`` and, for the files it does not
hold, of tensorflow/datasets ``url_checksums`` (KMNIST, SVHN; commit 333639b3) and of the
datasets-mila git-annex key quoted there (CIFAR-10 python archive, 170498071 bytes):

- MNIST, Fashion-MNIST: the SHA-256 values of ``shared/data/SOURCES.md``, whose files match
  the official md5s; tensorflow/datasets ``url_checksums/{mnist,fashion_mnist}.txt`` lists
  the same values.
- KMNIST (IDX gzip files), SVHN (cropped digits): tensorflow/datasets
  ``url_checksums/{kmnist,svhn_cropped}.txt`` (commit 333639b3); the KMNIST test-file values
  also match the Git LFS pointers cited in SOURCES.md. The KMNIST ``.npz`` files have no
  published SHA-256 and are not fetched.
- CIFAR-10 python archive: the SHA-256 pinned by Keras ``datasets/cifar10.py``
  (its md5 c58f3010... is the official one).
- ODDS thyroid / arrhythmia / musk: the exact files of SOURCES.md, fetched from the pyod
  commits they were copied from (ODDS itself serves them through changing Dropbox links).
- KDDCUP99 10 %: SOURCES.md.
- UCI HAR: no published checksum or size was found, so ``fetch("uci_har")`` refuses; download
  the zip by hand.
"""

import hashlib
import logging
import re
import shutil
import tarfile
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from ._cache import data_dir as resolve_data_dir
from ..utils.atomic import atomic_path
from ._cache import file_pieces, read_bytes

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
_TIMEOUT_S = 60


@dataclass(frozen=True)
class Resource:
    """One upstream file: where it comes from, where it goes in the data folder, its hash, its size."""

    url: str
    path: str  # relative to the data folder, in the cache layout
    sha256: str | None
    size: int | None = None  # bytes; None: only the checksum is checked, after the whole download
    archive: bool = False  # unpacked into its own folder after the check


def _files(base, folder, named):
    """The resources ``base + name`` -> ``folder/name`` for ``named``: name -> (sha256, size)."""
    return tuple(Resource(base + name, f"{folder}/{name}", sha, size)
                 for name, (sha, size) in named.items())


_PYOD = "https://raw.githubusercontent.com/yzhao062/pyod/{}/notebooks/data/{}.mat"
_PYOD_HEAD = "34f7996effac700a5166d882d5e94c6e6078fae3"

DATASETS = {
    "mnist": _files("https://storage.googleapis.com/cvdf-datasets/mnist/", "mnist", {
        "train-images-idx3-ubyte.gz":
            ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
        "train-labels-idx1-ubyte.gz":
            ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
        "t10k-images-idx3-ubyte.gz":
            ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
        "t10k-labels-idx1-ubyte.gz":
            ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
    }),
    "fashion_mnist": _files("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                            "fashion_mnist", {
        "train-images-idx3-ubyte.gz":
            ("3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26421880),
        "train-labels-idx1-ubyte.gz":
            ("a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29515),
        "t10k-images-idx3-ubyte.gz":
            ("346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4422102),
        "t10k-labels-idx1-ubyte.gz":
            ("67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5148),
    }),
    "kmnist": _files("http://codh.rois.ac.jp/kmnist/dataset/kmnist/", "kmnist", {
        "train-images-idx3-ubyte.gz":
            ("51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4", 18165135),
        "train-labels-idx1-ubyte.gz":
            ("e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17", 29497),
        "t10k-images-idx3-ubyte.gz":
            ("edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5", 3041136),
        "t10k-labels-idx1-ubyte.gz":
            ("20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c", 5120),
    }),
    "cifar10": (Resource("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                         "cifar10/cifar-10-python.tar.gz",
                         "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce", 170498071,
                         archive=True),),
    "svhn": _files("http://ufldl.stanford.edu/housenumbers/", "svhn", {
        "train_32x32.mat":
            ("435e94d69a87fde4fd4d7f3dd208dfc32cb6ae8af2240d066de1df7508d083b8", 182040794),
        "test_32x32.mat":
            ("cdce80dfb2a2c4c6160906d0bd7c68ec5a99d7ca4831afa54f09182025b6a75b", 64275384),
    }),
    "thyroid": (Resource(_PYOD.format("ef6d5e8dc828615f498286c1d6a22cbd02fd4cd2", "thyroid"),
                         "odds/thyroid.mat",
                         "49155d7861b977e90808faf68343ff67a67f63090c2744d514dbb67ac68e7e33", 39704),),
    "arrhythmia": (Resource(_PYOD.format(_PYOD_HEAD, "arrhythmia"), "odds/arrhythmia.mat",
                            "e4d47e499591ae31e5d7f0cd983367092353eac240f48e14c9b36457edb3460d", 105540),),
    "musk": (Resource(_PYOD.format(_PYOD_HEAD, "musk"), "odds/musk.mat",
                      "50bbf414caceb66cfe6f6b1eb7c1ff7c6eb1e6d87173f7bb597ba55cd3dc5493", 736083),),
    "kddcup99": (Resource("http://kdd.ics.uci.edu/databases/kddcup99/kddcup.data_10_percent.gz",
                          "kddcup99/kddcup.data_10_percent.gz",
                          "8045aca0d84e70e622d1148d7df782496f6333bf6eb979a1b0837c42a9fd9561", 2144903),),
    "uci_har": (Resource("https://archive.ics.uci.edu/ml/machine-learning-databases/00240/"
                         "UCI%20HAR%20Dataset.zip", "uci_har/UCI HAR Dataset.zip", None,
                         archive=True),),
}


def how_to_get(name):
    """A one-line hint telling how to obtain the files of ``DATASETS[name]``."""
    resources = DATASETS[name]
    urls = ", ".join(r.url for r in resources)
    if all(r.sha256 for r in resources):
        return f"run `ganad data fetch {name}` (downloads {urls})"
    folder = PurePosixPath(resources[0].path).parent
    return (f"download {urls} and unpack it into the '{folder}' folder of the data folder "
            f"(no pinned checksum, so `ganad data fetch` does not download it)")


def fetch(name, *, data_dir=None, base_url=None):
    """Download the files of ``DATASETS[name]`` into the data folder; return their paths.

    ``data_dir`` is resolved as in the loaders (explicit > ``$GANAD_DATA`` > user cache).
    ``base_url`` replaces the upstream addresses by a mirror laid out like the data folder:
    a file is then fetched from ``base_url + "/" + its relative path``. Raises ``KeyError`` for
    an unknown name and ``ValueError`` for a resource without a pinned checksum (before
    downloading anything), a download whose size or SHA-256 differs from the pinned one, or an
    archive member that is unsafe to unpack.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown data set {name!r}; choose from {sorted(DATASETS)}")
    resources = DATASETS[name]
    for resource in resources:
        if resource.sha256 is None:
            raise ValueError(f"{name}: no pinned checksum for {resource.url}, so it is not "
                             f"downloaded automatically; {how_to_get(name)}")
    root = resolve_data_dir(data_dir)
    paths = []
    for resource in resources:
        dest = root / resource.path
        url = resource.url if base_url is None else (
            f"{base_url.rstrip('/')}/{urllib.parse.quote(resource.path)}")
        if file_pieces(dest) and _sha256(file_pieces(dest)) == resource.sha256:
            logger.info("%s: present, checksum verified", dest)
        else:
            logger.info("downloading %s -> %s", url, dest)
            _download_over(url, dest, resource)
        if resource.archive:
            _unpack(dest, dest.parent)
        paths.append(dest)
    return paths


def _download_over(url, dest, resource):
    """:func:`_download`; when it fails, the set's folder it made is removed if empty, and over a file already
    at ``dest`` that does not match the pinned checksum the error says so: the file stays, and the loaders would
    read it."""
    present, made = bool(file_pieces(dest)), not dest.parent.exists()
    try:
        _download(url, dest, resource.sha256, resource.size)
    except (ValueError, OSError) as error:
        if made and dest.parent.is_dir() and not any(dest.parent.iterdir()):
            dest.parent.rmdir()  # the set's folder this fetch made, left empty
        if not present:
            raise
        raise type(error)(f"{error}; the file already at {dest} does not match the pinned SHA-256 either and "
                          "was left as it was: delete it (the loaders would read it) and fetch again") from None


def _sha256(pieces):
    digest = hashlib.sha256()
    for piece in pieces:
        with open(piece, "rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def _download(url, dest, sha256, size):
    """Stream ``url`` into ``dest`` through a temporary file, stopping as soon as it cannot match.

    With a ``size``, a ``Content-Length`` header that differs is refused before the body is
    read, and the body is read up to one byte past ``size``, so an oversized body is refused
    at its first surplus byte. Raises ``ValueError`` naming ``dest`` on a wrong size or
    SHA-256; the temporary file is removed and ``dest`` left as it was.
    """
    with atomic_path(dest, suffix=".download") as tmp:
        try:
            with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as src:
                announced = src.headers.get("Content-Length")
                if size is not None and announced is not None and announced.strip() != str(size):
                    raise ValueError(f"{dest.name}: {url} announces {announced.strip()} bytes, expected "
                                     f"{size}; nothing was downloaded")
                digest, received = _stream(src, tmp, None if size is None else size + 1)
        except OSError as error:  # urllib's URLError and HTTPError, a reset connection, a timeout
            raise OSError(f"{dest.name}: downloading {url} failed ({error}); nothing was kept") from None
        if size is not None and received != size:
            amount = f"more than {size}" if received > size else f"only {received}"
            raise ValueError(f"{dest.name}: {url} sent {amount} bytes, expected {size}; the "
                             f"download was discarded")
        if digest != sha256:
            raise ValueError(f"{dest.name}: {url}: SHA-256 mismatch, expected {sha256}, got "
                             f"{digest}; the download was discarded")


def _stream(src, path, limit):
    """Copy ``src`` into ``path``, reading at most ``limit`` bytes (None: all); (SHA-256, count)."""
    digest, received = hashlib.sha256(), 0
    with open(path, "wb") as out:
        while limit is None or received < limit:
            chunk = src.read(_CHUNK if limit is None else min(_CHUNK, limit - received))
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
            received += len(chunk)
    return digest.hexdigest(), received


def _member_parts(archive, name):
    """The path components of an archive member, refusing anything outside the target folder."""
    parts = [p for p in re.split(r"[\\/]", name) if p not in ("", ".")]
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts or not parts:
        raise ValueError(f"{archive}: refusing unsafe member path {name!r}")
    return parts


def _member_target(archive, into, name):
    """Where member ``name`` of ``archive`` unpacks under ``into``, refusing unsafe paths.

    Besides :func:`_member_parts`' refusals, a path that meets a symbolic link already under
    ``into`` (a linked folder or file) is refused: writing there would land wherever the link
    points. ``into`` itself may be a link (a data folder moved to another disk).
    """
    target = into
    for part in _member_parts(archive, name):
        target = target / part
        if target.is_symlink():
            raise ValueError(f"{archive}: refusing to unpack {name!r} through the symbolic link "
                             f"{target}; remove the link and fetch again")
    return target


def _unpack(archive, into):
    """Unpack ``archive`` (whole or in ``.partN`` slices) into ``into``, every member checked first."""
    pieces = file_pieces(archive)
    source = pieces[0] if len(pieces) == 1 else BytesIO(read_bytes(archive))
    unpack = _unpack_zip if archive.name.endswith(".zip") else _unpack_tar
    unpack(archive, source, into)


def _unpack_zip(archive, source, into):
    with zipfile.ZipFile(source) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        for m in members:
            if (m.external_attr >> 16) & 0o170000 == 0o120000:
                raise ValueError(f"{archive}: refusing symbolic link {m.filename!r}")
            _member_target(archive, into, m.filename)
        for m in members:
            with zf.open(m) as src:
                _write_atomic(_member_target(archive, into, m.filename), src)


def _unpack_tar(archive, source, into):
    opened = {"fileobj": source} if isinstance(source, BytesIO) else {"name": source}
    with tarfile.open(**opened) as tar:
        members = tar.getmembers()
        for m in members:
            _member_target(archive, into, m.name)
            if not (m.isfile() or m.isdir()):
                raise ValueError(f"{archive}: refusing {m.name!r}, not a regular file or folder")
        for m in members:
            if m.isfile():
                _write_atomic(_member_target(archive, into, m.name), tar.extractfile(m))


def _write_atomic(target, src):
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        shutil.copyfileobj(src, out, _CHUNK)
