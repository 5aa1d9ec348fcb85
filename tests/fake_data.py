"""Small files in the upstream layout of every data set the benchmarks load.

The writers of the IDX gzip files (MNIST, Fashion-MNIST, KMNIST), CIFAR-10's python 2 pickle
batches and KDDCUP99's gzip CSV serve the loader tests (``tests/datasets``; UCI HAR's text
files come from ``tests/uci_har_files.py``). :func:`write_fake_data` writes a small set of
every data set, SVHN's and ODDS' ``.mat`` files and ``kddcup.names`` included, with the real
shapes (1 x 28 x 28, 3 x 32 x 32, 9 signals x 128 steps, KDDCUP99's 121 columns once encoded,
ODDS' feature counts), for the benchmark spec test (``tests/bench/test_spec_jobs.py``).
"""

import gzip
import io
import pickle
import struct

import numpy as np
import scipy.io

from ganad.data.tabular import KDD_COLUMNS, KDD_SYMBOLIC
from ganad.data.timeseries import HAR_ACTIVITIES
from tests.uci_har_files import write_har

IMAGES_PER_CLASS = 20  # per class and split
HAR_WINDOWS_PER_ACTIVITY = 5  # per split
TABULAR_ROWS = 300
ODDS_FEATURES = {"thyroid": 6, "arrhythmia": 274, "musk": 166}
# The symbolic values of kddcup.data_10_percent.gz, so that the encoding has its 121 columns.
KDD_SERVICES = (
    "IRC X11 Z39_50 auth bgp courier csnet_ns ctf daytime discard domain domain_u echo eco_i ecr_i efs exec "
    "finger ftp ftp_data gopher hostnames http http_443 imap4 iso_tsap klogin kshell ldap link login mtp name "
    "netbios_dgm netbios_ns netbios_ssn netstat nnsp nntp ntp_u other pm_dump pop_2 pop_3 printer private red_i "
    "remote_job rje shell smtp sql_net ssh sunrpc supdup systat telnet tftp_u tim_i time urh_i urp_i uucp "
    "uucp_path vmnet whois").split()
KDD_FLAGS = ("OTH", "REJ", "RSTO", "RSTOS0", "RSTR", "S0", "S1", "S2", "S3", "SF", "SH")
KDD_PROTOCOLS = ("icmp", "tcp", "udp")
KDD_ATTACKS = ("neptune", "smurf")


def idx_bytes(array):
    """Raw IDX bytes of a uint8 array (magic 0x0000080N, big-endian sizes)."""
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


class Py2Pickler(pickle._Pickler):
    """Pickles like Python 2's cPickle protocol 2: every string is a byte string (BINSTRING)."""

    dispatch = dict(pickle._Pickler.dispatch)

    def _save_py2_str(self, obj):
        data = obj.encode("latin-1") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[bytes] = _save_py2_str
    dispatch[str] = _save_py2_str


def cifar_batch(data, labels, label):
    """One CIFAR-10 python batch: ``data`` (n, 3072) uint8, ``labels`` of n classes, ``label`` its name."""
    buffer = io.BytesIO()
    Py2Pickler(buffer, protocol=2).dump({"batch_label": label, "labels": list(map(int, labels)),
                                         "data": data, "filenames": ["x.png"] * len(labels)})
    # The upstream batches name numpy 1.x's module, which numpy 2 calls numpy._core.
    return buffer.getvalue().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")


def kdd_row(protocol, service, flag, land, logged_in, label, duration=0, is_guest_login=0):
    """One line of kddcup.data_10_percent: 41 features, then the label with its final dot."""
    values = dict.fromkeys(KDD_COLUMNS, "0")
    values.update(duration=str(duration), protocol_type=protocol, service=service, flag=flag,
                  land=str(land), logged_in=str(logged_in), is_guest_login=str(is_guest_login), src_bytes="181")
    return ",".join(values[c] for c in KDD_COLUMNS) + f",{label}."


def write_fake_data(root):
    """Write a small fake of every data set of ``ganad.bench.spec.LOADERS`` under ``root``."""
    rng = np.random.default_rng(0)
    for name in ("mnist", "fashion_mnist", "kmnist"):
        _write_idx_set(root / name, rng)
    _write_cifar10(root / "cifar10" / "cifar-10-batches-py", rng)
    _write_svhn(root / "svhn", rng)
    for seed, split in enumerate(("train", "test")):
        write_har(root, split, np.repeat(np.arange(1, len(HAR_ACTIVITIES) + 1), HAR_WINDOWS_PER_ACTIVITY), seed)
    _write_kddcup99(root / "kddcup99")
    for name, n_features in ODDS_FEATURES.items():
        _write_odds(root / "odds" / f"{name}.mat", n_features, rng)


def _class_images(shape, rng):
    """``IMAGES_PER_CLASS`` random uint8 images of ``shape`` for each of 10 classes, shuffled."""
    labels = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), IMAGES_PER_CLASS))
    return rng.integers(0, 256, size=(len(labels), *shape), dtype=np.uint8), labels


def _write_idx_set(folder, rng):
    """The four IDX gzip files of MNIST, Fashion-MNIST or KMNIST."""
    folder.mkdir(parents=True)
    for split in ("train", "t10k"):
        images, labels = _class_images((28, 28), rng)
        (folder / f"{split}-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
        (folder / f"{split}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))


def _write_cifar10(folder, rng):
    """Five training batches and a test batch; each row is 1024 red, then green, then blue pixels."""
    folder.mkdir(parents=True)
    images, labels = _class_images((3 * 32 * 32,), rng)
    for k, (data, part) in enumerate(zip(np.array_split(images, 5), np.array_split(labels, 5)), start=1):
        (folder / f"data_batch_{k}").write_bytes(cifar_batch(data, part, f"training batch {k} of 5"))
    (folder / "test_batch").write_bytes(cifar_batch(*_class_images((3 * 32 * 32,), rng), "testing batch 1 of 1"))


def _write_svhn(folder, rng):
    """``X`` (32, 32, 3, n) uint8 and ``y`` (n, 1) in 1..10, 10 standing for the digit 0."""
    folder.mkdir(parents=True)
    for split in ("train", "test"):
        images, labels = _class_images((32, 32, 3), rng)
        digits = np.where(labels == 0, 10, labels).astype(np.uint8)[:, None]
        scipy.io.savemat(folder / f"{split}_32x32.mat", {"X": images.transpose(1, 2, 3, 0), "y": digits})


def _write_kddcup99(folder):
    """Rows cycling through every symbolic value; one in five is 'normal.' traffic (the anomaly class)."""
    folder.mkdir(parents=True)
    rows = [kdd_row(KDD_PROTOCOLS[i % 3], KDD_SERVICES[i % len(KDD_SERVICES)], KDD_FLAGS[i % len(KDD_FLAGS)],
                    i % 2, i // 2 % 2, "normal" if i % 5 == 0 else KDD_ATTACKS[i % 2], duration=i % 7,
                    is_guest_login=i // 4 % 2)
            for i in range(TABULAR_ROWS)]
    (folder / "kddcup.data_10_percent.gz").write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))
    kinds = "".join(f"{c}: {'symbolic' if c in KDD_SYMBOLIC else 'continuous'}.\n" for c in KDD_COLUMNS)
    (folder / "kddcup.names").write_text(",".join(sorted((*KDD_ATTACKS, "normal"))) + ".\n" + kinds)


def _write_odds(path, n_features, rng):
    """ODDS' ``X`` (n, d) float64 and ``y`` (n, 1) with 1 for the outliers: one row in ten, shifted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    y = (np.arange(TABULAR_ROWS) % 10 == 0).astype(np.float64)
    X = rng.normal(size=(TABULAR_ROWS, n_features)) + 3.0 * y[:, None]
    scipy.io.savemat(path, {"X": X, "y": y[:, None]})
