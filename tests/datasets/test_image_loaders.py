"""Image loaders: the shared MNIST / Fashion-MNIST files, and small files written here in the
exact upstream formats (writers in tests/fake_data.py) for KMNIST (IDX gzip and npz), CIFAR-10
(python 2 pickle batches) and SVHN (MATLAB .mat)."""

import builtins
import gzip
import pickle

import numpy as np
import pytest
import scipy.io

from ganad.data import (
    load_cifar10,
    load_digits_images,
    load_fashion_mnist,
    load_kmnist,
    load_mnist,
    load_svhn,
)
from ganad.data.image import parse_idx
from tests.fake_data import cifar_batch, idx_bytes

# Label counts from shared/data/SOURCES.md.
MNIST_COUNTS = {
    "train": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    "test": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
}
FASHION_COUNTS = {"train": [6000] * 10, "test": [1000] * 10}


@pytest.mark.parametrize("split", ["train", "test"])
@pytest.mark.parametrize("loader, counts", [(load_mnist, MNIST_COUNTS),
                                            (load_fashion_mnist, FASHION_COUNTS)])
def test_shared_idx_sets(shared_data, loader, counts, split):
    ds = loader(split, data_dir=shared_data)
    n = sum(counts[split])
    assert ds.X.shape == (n, 784) and ds.X.dtype == np.float32
    assert ds.image_shape == (1, 28, 28) and len(ds.classes) == 10
    assert ds.X.min() == -1.0 and ds.X.max() == 1.0  # ADGAN §4.1 scaling of 0..255
    pixels = (ds.X[:100] + 1) * 127.5
    np.testing.assert_allclose(pixels, np.round(pixels), atol=1e-4)
    assert np.bincount(ds.y).tolist() == counts[split]


def _random_images(n, shape, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, *shape), dtype=np.uint8)
    return images, rng.integers(0, 10, n).astype(np.uint8)


def test_kmnist_idx_gzip(tmp_path):
    images, labels = _random_images(5, (28, 28))
    (tmp_path / "kmnist").mkdir()
    (tmp_path / "kmnist" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    (tmp_path / "kmnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    ds = load_kmnist("test", data_dir=tmp_path)
    np.testing.assert_array_equal(ds.X, images.reshape(5, -1) / np.float32(127.5) - 1)
    np.testing.assert_array_equal(ds.y, labels)
    assert ds.image_shape == (1, 28, 28) and ds.classes[0] == "o"


def test_kmnist_npz(tmp_path):
    images, labels = _random_images(4, (28, 28))
    (tmp_path / "kmnist").mkdir()
    np.savez_compressed(tmp_path / "kmnist" / "kmnist-train-imgs.npz", images)
    np.savez_compressed(tmp_path / "kmnist" / "kmnist-train-labels.npz", labels)
    ds = load_kmnist("train", data_dir=tmp_path)
    assert ds.X.shape == (4, 784)
    np.testing.assert_array_equal(ds.X[1], images[1].ravel() / np.float32(127.5) - 1)
    np.testing.assert_array_equal(ds.y, labels)


def test_idx_validation():
    images, _ = _random_images(2, (3, 3))
    assert parse_idx(idx_bytes(images), 3).shape == (2, 3, 3)
    with pytest.raises(ValueError, match="not an IDX file"):
        parse_idx(b"\x1f\x8b" + idx_bytes(images)[2:], 3)
    with pytest.raises(ValueError, match="expected 00000801"):
        parse_idx(idx_bytes(images), 1)
    with pytest.raises(ValueError, match="expected 00000803"):
        parse_idx(bytes([0, 0, 0x0D, 3]) + idx_bytes(images)[4:], 3)  # float32 type code
    with pytest.raises(ValueError, match="bytes, expected"):
        parse_idx(idx_bytes(images)[:-1], 3)


def test_image_label_count_mismatch(tmp_path):
    images, labels = _random_images(3, (28, 28))
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    (tmp_path / "mnist" / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels[:2])))
    with pytest.raises(ValueError, match="3 images"):
        load_mnist(data_dir=tmp_path)


def test_damaged_idx_files_and_labels_out_of_range_are_value_errors_naming_the_file(tmp_path):
    """A black-box probe found a non-gzip file reported as gzip.BadGzipFile without its path, and label 200 kept."""
    images, labels = _random_images(3, (28, 28))
    (tmp_path / "mnist").mkdir()
    image_file = tmp_path / "mnist" / "train-images-idx3-ubyte.gz"
    label_file = tmp_path / "mnist" / "train-labels-idx1-ubyte.gz"
    image_file.write_bytes(gzip.compress(idx_bytes(images)))
    label_file.write_bytes(gzip.compress(idx_bytes(np.array([0, 200, 1], dtype=np.uint8))))
    with pytest.raises(ValueError, match=r"train-labels.*labels must be 0\.\.9"):
        load_mnist(data_dir=tmp_path)
    label_file.write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="train-labels.*cannot decompress"):
        load_mnist(data_dir=tmp_path)
    label_file.write_bytes(gzip.compress(idx_bytes(labels))[:20])  # truncated
    with pytest.raises(ValueError, match="train-labels.*cannot decompress"):
        load_mnist(data_dir=tmp_path)


@pytest.fixture
def cifar_dir(tmp_path):
    folder = tmp_path / "cifar10" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, size=(2, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, 2)
        (folder / name).write_bytes(cifar_batch(data, labels, name))
        batches[name] = (data, labels)
    return tmp_path, batches


def test_cifar10_python_batches(cifar_dir):
    root, batches = cifar_dir
    train = load_cifar10("train", data_dir=root)
    assert train.X.shape == (10, 3072) and train.image_shape == (3, 32, 32)
    data, labels = batches["data_batch_3"]
    np.testing.assert_array_equal(train.X[4:6], data / np.float32(127.5) - 1)
    np.testing.assert_array_equal(train.y[4:6], labels)
    test = load_cifar10("test", data_dir=root)
    image = test.X[1].reshape(test.image_shape)
    # row layout of the upstream batches: 1024 red, then green, then blue, each row-major
    blue_5_7 = batches["test_batch"][0][1, 2 * 1024 + 5 * 32 + 7]
    assert image[2, 5, 7] == blue_5_7 / np.float32(127.5) - 1
    assert test.classes[test.y[0]] in ("airplane", "automobile", "bird", "cat", "deer", "dog",
                                       "frog", "horse", "ship", "truck")


class _Exploit:
    def __reduce__(self):
        return (exec, ("import builtins; builtins.ganad_test_pwned = True",))


def test_cifar10_refuses_a_malicious_pickle(cifar_dir):
    root, _ = cifar_dir
    path = root / "cifar10" / "cifar-10-batches-py" / "test_batch"
    path.write_bytes(pickle.dumps({"data": _Exploit(), "labels": [0]}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"refusing to load global \w+\.exec"):
        load_cifar10("test", data_dir=root)
    assert not hasattr(builtins, "ganad_test_pwned")


def test_svhn_mat(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(32, 32, 3, 4), dtype=np.uint8)
    y = np.array([[10], [1], [9], [10]], dtype=np.uint8)
    (tmp_path / "svhn").mkdir()
    scipy.io.savemat(tmp_path / "svhn" / "test_32x32.mat", {"X": X, "y": y})
    ds = load_svhn("test", data_dir=tmp_path)
    assert ds.y.tolist() == [0, 1, 9, 0]  # label 10 is the digit 0
    image = ds.X[3].reshape(ds.image_shape)
    assert ds.image_shape == (3, 32, 32)
    assert image[1, 4, 20] == X[4, 20, 1, 3] / np.float32(127.5) - 1
    scipy.io.savemat(tmp_path / "svhn" / "test_32x32.mat", {"X": X, "y": np.array([[10], [55], [1], [2]])})
    with pytest.raises(ValueError, match="SVHN labels must be 1..10"):  # 55 became 5 before
        load_svhn("test", data_dir=tmp_path)


def test_digits():
    ds = load_digits_images()
    assert ds.X.shape == (1797, 64) and ds.image_shape == (1, 8, 8)
    assert ds.X.min() == -1.0 and ds.X.max() == 1.0


@pytest.mark.parametrize("loader, fetch_name, file_name", [
    (load_mnist, "mnist", "train-images-idx3-ubyte.gz"),
    (load_kmnist, "kmnist", "train-images-idx3-ubyte.gz"),
    (load_cifar10, "cifar10", "data_batch_1"),
    (load_svhn, "svhn", "train_32x32.mat"),
])
def test_missing_files_say_how_to_get_them(tmp_path, loader, fetch_name, file_name):
    with pytest.raises(FileNotFoundError, match=rf"{file_name}.*ganad data fetch {fetch_name}"):
        loader("train", data_dir=tmp_path)


def test_unknown_split(tmp_path):
    with pytest.raises(ValueError, match="split"):
        load_mnist("validation", data_dir=tmp_path)
