"""Scoring on Dask: the anomaly score of every row of a Dask array or DataFrame, on a cluster.

    import dask.array as da
    from distributed import Client
    import ganad.dask

    client = Client("tcp://scheduler:8786")       # or LocalCluster(threads_per_worker=1)
    scores = ganad.dask.score("model_dir", X)       # lazy: one float64 per row
    scores.to_zarr(...) / scores.compute()

What travels is the model folder's path, never the model: each worker process loads the
folder once (:func:`cached_model`, a small per-process cache keyed by the folder's path,
its fingerprint and the device) and scores every block it is given with it. The folder
must therefore be readable at the same path on every worker (a shared file system), and
ganad installed there. A worker whose folder differs from the one the client read (another
fingerprint: ``manifest.json``, which binds the other files by SHA-256) refuses to score.

Equality with one process. Every block is scored by ``load_model(path).anomaly_score``;
the scores of a row depend on the rows scored with it only through the shape of the
batches torch computes on (a one-row matrix product takes another kernel than a
4096-row one, ADGAN's per-pair generator copies are chunked by count), at float32
rounding. So ``score`` rechunks a Dask array's rows to multiples of the model's
``score_batch_size`` (``align_chunks=True``, a no-op where they already are): every
batch of every block is then a batch of the single-process call, and the scores equal
``load_model(path).anomaly_score(X.compute())`` bit for bit. A DataFrame's partitions
have unknown lengths and are scored as they are: bit-equal when every partition but the
last holds a multiple of ``score_batch_size`` rows, else within float32 rounding.

Latent searches. AnoGAN's and ADGAN's starting latents are drawn once at fit
(``latent_starts_``, stored in the folder) and shared by every row, so a row's search
depends on no other row and no block boundary: every worker starts from the same latents.
ADGAN's (image, seed) pairs are searched in chunks that ``adapt_chunk=None`` sizes to the
scoring process's hardware (its largest CPU cache; half the free memory on a GPU): workers
whose caches differ from those of the single-process run, or GPUs with other free memory,
chunk otherwise and agree within float32 rounding; a fixed ``adapt_chunk`` makes them
bit-equal again. A search costs tens of
milliseconds per image, so give such a model a ``score_batch_size`` small enough that the
aligned blocks leave every worker something to do (the default 4096 puts a few thousand
images in one task).

Threads. Each task runs torch on one intra-op thread (parallelism comes from the
workers), unless the model's ``n_threads`` or ``GANAD_NUM_THREADS`` says otherwise
(``ganad.utils.threads``; the detectors' own policy already picks one thread for small
fully connected models, and Dask's nanny sets ``OMP_NUM_THREADS=1``). The single-process
scores above are those of the same thread count: for convolutional or large models,
which use every thread in one process, pass ``n_threads=1`` there to compare bits. A
worker scores one block of a model at a time (torch's thread setting is per process), so
give workers one thread each (``LocalCluster(threads_per_worker=1)``) and add workers; any
Dask scheduler runs these graphs, but the threaded one of a single process gains nothing.

Memory allocator. Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``
(``distributed.nanny.pre-spawn-environ``), which also fixes glibc's mmap threshold at
128 KiB: every larger tensor torch allocates is then mapped and unmapped afresh. Workers
started without it scored about twice as fast, for the encoder's 10^6 rows and for ADGAN's
search alike (``benchmarks/dask_scoring.py --no-malloc-trim``, one run each on a busy
2-core machine, ``benchmarks/README.md``). Where speed matters more than
memory returned promptly to the system, set that config value to None (``dask.config.set``
before a LocalCluster starts, or ``MALLOC_TRIM_THRESHOLD_: null`` under that key in a Dask
config file read by ``dask worker``; a ``DASK_...`` environment variable cannot remove it).

Needs ``pip install ganad[dask]``.
"""

import collections
import contextlib
import hashlib
import threading
from pathlib import Path

import numpy as np

from .data.columns import match_columns
from .data.files import plain_array_scoring
from .io import CONFIG_FILE, MANIFEST_FILE, TENSOR_FILE, load_model
from .utils.optional import import_optional
from .utils.threads import torch_threads

CACHE_SIZE = 4  # models kept per worker process, least recently used dropped first
SCORE_COLUMN = "anomaly_score"

_cache = collections.OrderedDict()  # (path, fingerprint, device) -> (detector, its scoring lock)
_loads = collections.Counter()  # path -> loads in this process
_cache_lock = threading.Lock()


def score(model_path, data, *, device="auto", align_chunks=True):
    """The anomaly score of every row of ``data``, lazily, scored block by block on the workers.

    Parameters
    ----------
    model_path : str or path-like
        A model folder (``detector.save``), readable at this path by every worker.
    data : dask.array.Array of shape (n_samples, n_features) or dask.dataframe.DataFrame
        An array chunked along its rows only; a DataFrame whose columns are matched by name
        to the model's ``feature_names_in_`` (any order; a missing, unexpected or repeated
        name is refused) or, for a model fitted without names, taken in order.
    device : str, default="auto"
        Where each worker loads the networks, as ``load_model``'s ``device``.
    align_chunks : bool, default=True
        Rechunk an array's rows to multiples of ``score_batch_size``, so that the scores
        equal the single-process ones bit for bit (see the module docstring).

    Returns
    -------
    dask.array.Array of shape (n_samples,) or dask.dataframe.Series named "anomaly_score"
        float64 scores, higher = more anomalous; the Series keeps the DataFrame's index.
    """
    path, fingerprint = model_reference(model_path)
    device = str(device)
    detector = cached_model(path, fingerprint, device)[0]
    da = import_optional("dask.array", "dask", "scoring on Dask")
    if isinstance(data, da.Array):
        return _score_array(data, detector, (path, fingerprint, device), align_chunks)
    dd = import_optional("dask.dataframe", "dask", "scoring a Dask DataFrame")
    if isinstance(data, dd.DataFrame):
        return _score_frame(data, detector, (path, fingerprint, device))
    raise TypeError(f"ganad.dask.score scores a dask.array.Array or a dask.dataframe.DataFrame, "
                    f"got {type(data).__name__}; score a NumPy array or pandas DataFrame with load_model(...)")


def score_chunks(client, model_path, chunks, *, device="auto", in_flight=None):
    """Scores of each array of the iterable ``chunks``, in order, scored on ``client``'s workers.

    The chunks are sent as they are read, at most ``in_flight`` (default: two per worker
    thread) at a time, so memory stays bounded whatever the number of chunks; each chunk's
    scores equal ``load_model(model_path).anomaly_score(chunk)``. Used by ``ganad score --dask``.
    """
    path, fingerprint = model_reference(model_path)
    window = in_flight or 2 * max(1, sum(client.nthreads().values()))
    pending = collections.deque()
    for chunk in chunks:
        pending.append(client.submit(_score_rows, client.scatter(chunk, hash=False), path, fingerprint,
                                     str(device), pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@contextlib.contextmanager
def connect(address):
    """A ``distributed.Client`` of ``address``, or of a new LocalCluster for ``"local:N"``
    (N worker processes of one thread each), closed on exit."""
    distributed = import_optional("distributed", "dask", "scoring on Dask")
    if address.startswith("local:"):
        n_workers = address.removeprefix("local:")
        if not n_workers.isdigit() or int(n_workers) < 1:
            raise ValueError(f"--dask local:N needs a positive number of workers N, got {address!r}")
        with distributed.LocalCluster(n_workers=int(n_workers), threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            yield client
        return
    with distributed.Client(address) as client:
        yield client


def model_reference(model_path):
    """``(absolute path, fingerprint)``: what a task carries to name a model folder."""
    path = Path(model_path).resolve()
    return str(path), model_fingerprint(path)


def model_fingerprint(path):
    """SHA-256 of the folder's ``manifest.json`` (which holds the hashes of the other files),
    or of its config and tensor files for a folder written before manifests."""
    folder = Path(path)
    files = [folder / MANIFEST_FILE] if (folder / MANIFEST_FILE).is_file() else [folder / CONFIG_FILE,
                                                                                    folder / TENSOR_FILE]
    digest = hashlib.sha256()
    for file in files:
        if file.is_file():  # a folder without them is refused by load_model, with its message
            with open(file, "rb") as stream:
                for block in iter(lambda: stream.read(2**20), b""):
                    digest.update(block)
    return digest.hexdigest()


def cached_model(path, fingerprint, device="auto"):
    """``(detector, lock)`` of the model folder ``path``, loaded once per process and kept.

    Refuses (``ValueError``) a folder whose fingerprint is not ``fingerprint``: the worker
    would score with another model than the client read.
    """
    key = (path, fingerprint, device)
    with _cache_lock:
        if key not in _cache:
            found = model_fingerprint(path)
            if found != fingerprint:
                raise ValueError(f"the model folder {path} on this worker is not the one the client read "
                                 f"(fingerprint {found[:12]}, expected {fingerprint[:12]}): it was replaced "
                                 "since, or workers see another file system")
            _cache[key] = (load_model(path, device=device), threading.Lock())
            _loads[path] += 1
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        _cache.move_to_end(key)
        return _cache[key]


def load_counts():
    """``{model folder: times loaded}`` in this process; ``client.run(load_counts)`` asks every worker."""
    return dict(_loads)


def _score_array(data, detector, reference, align_chunks):
    if data.ndim != 2:
        raise ValueError(f"ganad.dask.score needs a 2-D array (rows, features), got shape {data.shape}")
    if len(data.chunks[1]) != 1:
        raise ValueError(f"the array is chunked along its features ({len(data.chunks[1])} column blocks "
                         f"{data.chunks[1]}): every block must hold whole rows; rechunk with "
                         "data.rechunk({1: -1}) (rows may stay chunked)")
    if data.shape[1] != detector.n_features_in_:
        raise ValueError(f"the array has {data.shape[1]} features, the model {detector.n_features_in_}")
    if align_chunks:
        data = _aligned_rows(data, detector.score_batch_size)
    return data.map_blocks(_score_rows, *reference, drop_axis=1, dtype=np.float64,
                           meta=np.empty((0,), dtype=np.float64))


def _aligned_rows(data, batch):
    """``data`` with every row block but the last a multiple of ``batch`` rows (unchanged if so)."""
    rows = data.chunks[0]
    if any(np.isnan(size) for size in rows):
        raise ValueError("the array's row blocks have unknown sizes: call data.compute_chunk_sizes() first, or "
                         "pass align_chunks=False (scores then agree with one process to float32 rounding)")
    if all(size % batch == 0 for size in rows[:-1]):
        return data
    size = batch * max(1, round(max(rows) / batch))  # about the caller's block size
    return data.rechunk({0: size})


def _score_frame(data, detector, reference):
    import pandas as pd

    names = getattr(detector, "feature_names_in_", None)
    if names is not None:
        match_columns(list(data.columns), list(names), "the DataFrame")
        data = data[list(names)]
    elif len(data.columns) != detector.n_features_in_:
        raise ValueError(f"the DataFrame has {len(data.columns)} columns, the model {detector.n_features_in_} "
                         "(fitted without feature names: columns are taken in order)")
    meta = pd.Series(dtype=np.float64, name=SCORE_COLUMN)
    return data.map_partitions(_score_partition, *reference, None if names is None else list(names), meta=meta)


def _score_partition(frame, path, fingerprint, device, names):
    """One partition's scores as a Series on its index. With the model's feature ``names``, the partition's
    columns are matched to them by name (a partition read from its own file keeps that file's column order,
    whatever the collection's metadata says) and scored as a DataFrame; without, its values in order."""
    import pandas as pd

    if names is not None:
        match_columns(list(frame.columns), names, "a partition of the DataFrame")
        frame = frame[names]
    scores = _score_rows(frame if names is not None else frame.to_numpy(), path, fingerprint, device)
    return pd.Series(scores, index=frame.index, name=SCORE_COLUMN)


def _score_rows(rows, path, fingerprint, device):
    """The task: ``anomaly_score(rows)`` with this process's copy of the model, one torch thread."""
    detector, lock = cached_model(path, fingerprint, device)
    if len(rows) == 0:  # a block emptied by slicing; scikit-learn refuses zero rows
        return np.empty(0, dtype=np.float64)
    with lock, torch_threads(1), plain_array_scoring():
        return detector.anomaly_score(rows)
