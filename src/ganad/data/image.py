"""Image data sets read from their upstream files, scaled to [-1, 1].

Deecke et al., "Image Anomaly Detection with Generative Adversarial Networks" (ADGAN,
ECML-PKDD 2018), §4.1: "the training and test splits remain as their default. In addition,
all images are rescaled to assume pixel values in [-1, 1]" -- here ``x / 127.5 - 1`` for 8-bit
pixels. Every loader returns a :class:`~ganad.data._cache.Dataset` with ``X`` float32 of shape
``(n, C*H*W)`` (channel-major flattening of ``image_shape = (C, H, W)``) and ``y`` int64
class indices into ``classes``.

Formats (files under the data folder, see :mod:`ganad.data._cache`):

- MNIST (LeCun et al. 1998), Fashion-MNIST (Xiao et al. 2017), KMNIST (Clanuwat et al. 2018):
  IDX gzip files ``{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz``; KMNIST also as its
  ``kmnist-{train,test}-{imgs,labels}.npz`` (array ``arr_0``).
- CIFAR-10 (Krizhevsky 2009): the python pickle batches of ``cifar-10-python.tar.gz``. They are
  read with a restricted unpickler that resolves only the numpy names needed to rebuild an
  array (``_reconstruct``, ``ndarray``, ``dtype``) and refuses every other global, so a
  tampered batch cannot run code.
- SVHN cropped digits (Netzer et al. 2011): ``{train,test}_32x32.mat`` with ``X`` of shape
  (32, 32, 3, n) and ``y`` in 1..10, where 10 stands for the digit 0.
- scikit-learn's 8x8 digits (embedded, no file), pixel values 0..16.
"""

import math
import pickle
import struct
from io import BytesIO

import numpy as np

from ._cache import Dataset, file_pieces, read_bytes, read_gunzipped, require_file
from ._cache import data_dir as resolve_data_dir
from .fetch import how_to_get

try:  # numpy >= 2 moved the array internals to numpy._core
    from numpy._core.multiarray import _reconstruct
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct

SPLITS = ("train", "test")
DIGIT_CLASSES = tuple("0123456789")
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                         "Shirt", "Sneaker", "Bag", "Ankle boot")
KMNIST_CLASSES = ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo")  # kmnist_classmap.csv
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                   "ship", "truck")

_IDX_FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
              "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}
_IDX_UBYTE = 0x08
_CIFAR_FOLDER = "cifar10/cifar-10-batches-py"
_CIFAR_FILES = {"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)}
_CIFAR_PIXELS = 3 * 32 * 32
_PICKLE_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,  # as written by numpy 1.x / py2
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,  # as written by numpy 2
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


def load_mnist(split="train", *, data_dir=None):
    """MNIST digits, 60 000 train / 10 000 test images of shape (1, 28, 28).

    LeCun, Bottou, Bengio & Haffner (1998). Read from the IDX gzip files
    ``mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`` of the data folder, whole or
    split into ``.partN`` slices; pixels scaled by ``x / 127.5 - 1`` (ADGAN §4.1).

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The upstream split.
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).

    Returns
    -------
    dataset : Dataset
        ``X`` float32 of shape (n, 784) in [-1, 1], ``y`` int64 class indices into
        ``classes``, ``image_shape``, and ``meta`` (``split``, ``files``).

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to obtain it.

    Examples
    --------
    Without the files, the loader says how to get them (``ganad data fetch mnist``):

    >>> from ganad.data import load_mnist
    >>> load_mnist("test", data_dir="no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/mnist/t10k-images-idx3-ubyte.gz ...
    """
    return _load_idx_set("mnist", split, DIGIT_CLASSES, data_dir)


def load_fashion_mnist(split="train", *, data_dir=None):
    """Fashion-MNIST clothing, 60 000 train / 10 000 test images of shape (1, 28, 28).

    Xiao, Rasul & Vollgraf (2017). The IDX gzip files of :func:`load_mnist`, in the
    ``fashion_mnist`` folder; ``classes`` names the ten garments.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The upstream split.
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).

    Returns
    -------
    dataset : Dataset
        ``X`` float32 of shape (n, 784) in [-1, 1], ``y`` int64 class indices into
        ``classes``, ``image_shape``, and ``meta`` (``split``, ``files``).

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to obtain it.

    Examples
    --------
    Without the files, the loader says how to get them (``ganad data fetch fashion_mnist``):

    >>> from ganad.data import load_fashion_mnist
    >>> load_fashion_mnist("test", data_dir="no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/fashion_mnist/t10k-images-idx3-ubyte.gz ...
    """
    return _load_idx_set("fashion_mnist", split, FASHION_MNIST_CLASSES, data_dir)


def load_kmnist(split="train", *, data_dir=None):
    """Kuzushiji-MNIST, from its IDX gzip files or, when those are absent, its ``.npz`` files.

    Clanuwat et al. (2018): 60 000 train / 10 000 test images of shape (1, 28, 28), in the
    ``kmnist`` folder, as the IDX gzip files of :func:`load_mnist` or as
    ``kmnist-{train,test}-{imgs,labels}.npz`` (array ``arr_0``).

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The upstream split.
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).

    Returns
    -------
    dataset : Dataset
        ``X`` float32 of shape (n, 784) in [-1, 1], ``y`` int64 class indices into
        ``classes``, ``image_shape``, and ``meta`` (``split``, ``files``).

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to obtain it.

    Examples
    --------
    Without the files, the loader says how to get them (``ganad data fetch kmnist``):

    >>> from ganad.data import load_kmnist
    >>> load_kmnist("test", data_dir="no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/kmnist/t10k-images-idx3-ubyte.gz ...
    """
    _check_split(split)
    folder = resolve_data_dir(data_dir) / "kmnist"
    npz = [folder / f"kmnist-{split}-{kind}.npz" for kind in ("imgs", "labels")]
    if file_pieces(folder / _IDX_FILES[split][0]) or not all(file_pieces(p) for p in npz):
        return _load_idx_set("kmnist", split, KMNIST_CLASSES, data_dir)
    images, labels = (_npz_array(p) for p in npz)
    _check_images(images, labels, npz[0])
    return _image_dataset("kmnist", images[:, None], labels, KMNIST_CLASSES, split, npz)


def load_cifar10(split="train", *, data_dir=None):
    """CIFAR-10, 50 000 train (five batches) / 10 000 test images of shape (3, 32, 32).

    Krizhevsky (2009). The python pickle batches of ``cifar-10-python.tar.gz``, unpacked in
    ``cifar10/cifar-10-batches-py``, read with an unpickler that rebuilds numpy arrays and
    refuses every other global.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The upstream split.
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).

    Returns
    -------
    dataset : Dataset
        ``X`` float32 of shape (n, 3072) in [-1, 1], ``y`` int64 class indices into
        ``classes``, ``image_shape``, and ``meta`` (``split``, ``files``).

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to obtain it.

    Examples
    --------
    Without the files, the loader says how to get them (``ganad data fetch cifar10``):

    >>> from ganad.data import load_cifar10
    >>> load_cifar10("test", data_dir="no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/cifar10/cifar-10-batches-py/test_batch ...
    """
    _check_split(split)
    root = resolve_data_dir(data_dir)
    paths = [require_file(root, f"{_CIFAR_FOLDER}/{name}", how_to_get("cifar10"))
             for name in _CIFAR_FILES[split]]
    batches = [_read_cifar_batch(p) for p in paths]
    # each row holds the red, then green, then blue 32 x 32 plane: (n, 3072) -> (n, 3, 32, 32)
    images = np.concatenate([b[0] for b in batches]).reshape(-1, 3, 32, 32)
    labels = np.concatenate([b[1] for b in batches])
    return _image_dataset("cifar10", images, labels, CIFAR10_CLASSES, split, paths)


def load_svhn(split="train", *, data_dir=None):
    """SVHN cropped digits, 73 257 train / 26 032 test images of shape (3, 32, 32).

    Netzer et al. (2011). The files ``svhn/{train,test}_32x32.mat``; the upstream label 10
    (the digit 0) becomes 0.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The upstream split.
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).

    Returns
    -------
    dataset : Dataset
        ``X`` float32 of shape (n, 3072) in [-1, 1], ``y`` int64 class indices into
        ``classes``, ``image_shape``, and ``meta`` (``split``, ``files``).

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to obtain it.

    Examples
    --------
    Without the files, the loader says how to get them (``ganad data fetch svhn``):

    >>> from ganad.data import load_svhn
    >>> load_svhn("test", data_dir="no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/svhn/test_32x32.mat ...
    """
    _check_split(split)
    path = require_file(resolve_data_dir(data_dir), f"svhn/{split}_32x32.mat", how_to_get("svhn"))
    import scipy.io  # loaded with the first .mat file: the command line's help must stay light

    mat = scipy.io.loadmat(BytesIO(read_bytes(path)))
    images, labels = mat.get("X"), mat.get("y")
    if images is None or labels is None or images.ndim != 4 or images.shape[:3] != (32, 32, 3):
        raise ValueError(f"{path}: expected 'X' of shape (32, 32, 3, n) and 'y', got keys "
                         f"{sorted(k for k in mat if not k.startswith('__'))}")
    images = images.transpose(3, 2, 0, 1)  # (H, W, C, n) -> (n, C, H, W)
    labels = labels.ravel()
    if not np.isin(labels, np.arange(1, 11)).all():
        raise ValueError(f"{path}: SVHN labels must be 1..10 (10 is the digit 0), got {np.unique(labels)[:10]}")
    labels = labels.astype(np.int64) % 10  # label 10 is the digit 0
    _check_images(images, labels, path)
    return _image_dataset("svhn", images, labels, DIGIT_CLASSES, split, [path])


def load_digits_images():
    """scikit-learn's 1 797 8x8 digits (embedded, no split), pixels 0..16 scaled to [-1, 1].

    No file is read: a small image set for examples and tests.

    Returns
    -------
    dataset : Dataset
        ``X`` float32 of shape (1797, 64) in [-1, 1], ``y`` int64 digits 0..9,
        ``image_shape = (1, 8, 8)``.

    Examples
    --------
    >>> from ganad.data import load_digits_images
    >>> digits = load_digits_images()
    >>> digits.X.shape, digits.image_shape
    ((1797, 64), (1, 8, 8))
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = (digits.data / 8.0 - 1.0).astype(np.float32)
    return Dataset(X=X, y=digits.target.astype(np.int64), name="digits", image_shape=(1, 8, 8),
                   classes=DIGIT_CLASSES, meta={"source": "sklearn.datasets.load_digits"})


def parse_idx(data, ndim, source="IDX data"):
    """The uint8 array stored in raw (uncompressed) IDX bytes, checked to have ``ndim`` axes.

    IDX header: two zero bytes, a type code (0x08 = unsigned byte), the number of axes, then
    one big-endian uint32 per axis. Raises ``ValueError`` naming ``source`` on a wrong magic
    number, type, axis count or size.
    """
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{source}: not an IDX file (magic number {data[:4].hex()})")
    if data[2] != _IDX_UBYTE or data[3] != ndim:
        raise ValueError(f"{source}: IDX magic number {data[:4].hex()}, expected "
                         f"0000{_IDX_UBYTE:02x}{ndim:02x} (unsigned bytes, {ndim} axes)")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{source}: IDX header truncated ({len(data)} bytes)")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    if len(data) != header + math.prod(shape):
        raise ValueError(f"{source}: {len(data)} bytes, expected {header + math.prod(shape)} "
                         f"for an IDX array of shape {shape}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def _load_idx_set(name, split, classes, data_dir):
    _check_split(split)
    root = resolve_data_dir(data_dir)
    paths = [require_file(root, f"{name}/{f}", how_to_get(name)) for f in _IDX_FILES[split]]
    images = parse_idx(read_gunzipped(paths[0]), 3, paths[0])
    labels = parse_idx(read_gunzipped(paths[1]), 1, paths[1]).astype(np.int64)
    _check_images(images, labels, paths[0])
    return _image_dataset(name, images[:, None], labels, classes, split, paths)


def _image_dataset(name, images, labels, classes, split, paths):
    # images: (n, C, H, W) uint8 -> rows of C*H*W pixels in [-1, 1]
    if not len(images):
        raise ValueError(f"{paths[0]}: holds no images")
    if labels.min() < 0 or labels.max() >= len(classes):
        raise ValueError(f"{paths[-1]}: labels must be 0..{len(classes) - 1}, got {np.unique(labels)[:10]}")
    X = images.reshape(len(images), -1).astype(np.float32) / np.float32(127.5) - np.float32(1.0)
    return Dataset(X=X, y=np.asarray(labels, dtype=np.int64), name=name,
                   image_shape=tuple(images.shape[1:]), classes=classes,
                   meta={"split": split, "files": [str(p) for p in paths]})


def _check_split(split):
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")


def _check_images(images, labels, source):
    if images.dtype != np.uint8 or len(images) != len(labels) or labels.ndim != 1:
        raise ValueError(f"{source}: {len(images)} images of dtype {images.dtype} do not match "
                         f"{len(labels)} labels of shape {labels.shape}")


def _npz_array(path):
    with np.load(BytesIO(read_bytes(path)), allow_pickle=False) as npz:
        if "arr_0" not in npz.files:
            raise ValueError(f"{path}: expected an array named 'arr_0', found {npz.files}")
        return npz["arr_0"]


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickler that can rebuild dicts, lists, bytes and numpy arrays, and nothing else."""

    def find_class(self, module, name):
        if (module, name) in _PICKLE_ALLOWED:
            return _PICKLE_ALLOWED[(module, name)]
        raise pickle.UnpicklingError(f"refusing to load global {module}.{name}: only numpy "
                                     "array reconstruction is allowed in a CIFAR-10 batch")


def _read_cifar_batch(path):
    """``(data (n, 3072) uint8, labels (n,) int64)`` of one CIFAR-10 python batch."""
    batch = _ArrayUnpickler(BytesIO(read_bytes(path)), encoding="bytes").load()
    if not isinstance(batch, dict):
        raise ValueError(f"{path}: not a CIFAR-10 batch (a {type(batch).__name__})")
    batch = {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}
    data, labels = batch.get("data"), np.asarray(batch.get("labels", []), dtype=np.int64)
    if (not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2
            or data.shape[1] != _CIFAR_PIXELS or len(labels) != len(data)):
        raise ValueError(f"{path}: expected 'data' as uint8 (n, {_CIFAR_PIXELS}) and n 'labels'")
    return data, labels
