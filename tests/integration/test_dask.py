"""Scoring on Dask (``ganad.dask``, ``ganad score --dask``) and the benchmark on joblib's Dask
backend, on one 2-worker LocalCluster of processes (one thread each)."""

import joblib
import numpy as np
import pytest
import scipy.io

pytest.importorskip("distributed", reason="needs dask[distributed]: pip install ganad[dask]")
da = pytest.importorskip("dask.array", reason="needs dask[array]: pip install ganad[dask]")
dd = pytest.importorskip("dask.dataframe", reason="needs dask[dataframe]: pip install ganad[dask]")
pd = pytest.importorskip("pandas")

import ganad  # noqa: E402
import ganad.dask  # noqa: E402
from distributed import Client, LocalCluster, get_task_stream  # noqa: E402
from ganad.bench import run_spec  # noqa: E402
from ganad.bench.spec import BUDGETS, validate  # noqa: E402
from ganad.cli.main import main  # noqa: E402
from ganad.data.files import plain_array_scoring  # noqa: E402

from ..conftest import QUICK_PARAMS  # noqa: E402

BATCH = 64  # score_batch_size of the models: blocks of the tests span several batches
ADGAN_BATCH = 8  # ADGAN's: a search per image, so small blocks to spread over the workers
NAMES = [f"f{i}" for i in range(5)]
METRICS = ("auroc", "auprc", "precision", "recall", "f1")
pytestmark = pytest.mark.long  # a 2-process LocalCluster: about 30 s for the module on one core


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Folders of a WGANEncoder fitted on a named DataFrame and a WGANInversion on an array."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(300, len(NAMES))), columns=NAMES)
    folder = tmp_path_factory.mktemp("models")
    encoder = ganad.WGANEncoder(**QUICK_PARAMS["wgan-encoder"], score_batch_size=BATCH, random_state=0).fit(X)
    inversion = ganad.WGANInversion(**QUICK_PARAMS["wgan-inversion"], score_batch_size=BATCH,
                                    random_state=0).fit(X.to_numpy())
    return {"encoder": encoder.save(folder / "encoder"), "inversion": inversion.save(folder / "inversion")}


@pytest.fixture(scope="module")
def rows():
    """Rows to score, a row count that leaves a one-row last batch (another kernel in torch)."""
    return pd.DataFrame(np.random.default_rng(1).normal(size=(5 * BATCH + 1, len(NAMES))), columns=NAMES)


def single_process(model, X):
    with plain_array_scoring():  # the encoder, fitted with names, scores plain arrays too
        return ganad.load(model, device="cpu").anomaly_score(X)


@pytest.fixture(scope="module")
def adgan(tmp_path_factory):
    """An ADGAN for 1x8x8 images (Algorithm 1 as in the paper: every generator parameter adapted
    per (image, seed) pair), saved, and images to score: a count that leaves a partial last batch."""
    rng = np.random.default_rng(2)
    images = rng.uniform(-1.0, 1.0, size=(64 + 5 * ADGAN_BATCH + 3, 64))
    detector = ganad.ADGAN(**QUICK_PARAMS["adgan"], image_shape=(1, 8, 8), conv_width=4, score_batch_size=ADGAN_BATCH,
                           random_state=0).fit(images[:64])
    return detector.save(tmp_path_factory.mktemp("adgan") / "adgan"), images[64:]


def test_dataframe_scores_equal_one_process_bit_for_bit_with_columns_matched_by_name(client, models, rows):
    frame = dd.from_pandas(rows[NAMES[::-1]], chunksize=2 * BATCH)  # partitions of whole batches
    scores = ganad.dask.score(models["encoder"], frame)
    assert isinstance(scores, dd.Series) and scores.name == "anomaly_score"
    computed = scores.compute()
    np.testing.assert_array_equal(computed.to_numpy(), single_process(models["encoder"], rows))
    assert computed.index.equals(rows.index)


def test_files_of_other_column_orders_are_matched_by_name_per_partition(client, models, rows, tmp_path):
    """A probe found the README's glob failing when one file's header had another order: dask gives that file's
    partition its own columns, which only the collection's metadata had been matched on."""
    rows.iloc[:200].to_csv(tmp_path / "readings-1.csv", index=False)
    rows.iloc[200:][NAMES[::-1]].to_csv(tmp_path / "readings-2.csv", index=False)
    scores = ganad.dask.score(models["encoder"], dd.read_csv(str(tmp_path / "readings-*.csv"))).compute()
    np.testing.assert_allclose(scores.to_numpy(), single_process(models["encoder"], rows), rtol=1e-5)


def test_dataframe_partitions_of_any_length_agree_to_float32_rounding(client, models, rows):
    scores = ganad.dask.score(models["encoder"], dd.from_pandas(rows, npartitions=3)).compute()
    np.testing.assert_allclose(scores.to_numpy(), single_process(models["encoder"], rows), rtol=1e-6)


@pytest.mark.parametrize("model", ["encoder", "inversion"])
def test_array_scores_equal_one_process_bit_for_bit(client, models, rows, model):
    X = rows.to_numpy()
    scores = ganad.dask.score(models[model], da.from_array(X, chunks=(50, -1)))  # rechunked to whole batches
    assert scores.shape == (len(X),) and all(size % BATCH == 0 for size in scores.chunks[0][:-1])
    np.testing.assert_array_equal(scores.compute(), single_process(models[model], X))


def test_adgan_per_image_search_on_the_workers_equals_one_process_bit_for_bit(client, adgan):
    """ADGAN's starting latents are drawn once at fit (``latent_starts_``, saved in the folder) and
    shared by every image, so a row's search does not depend on its block: every worker loads
    the same starts. Blocks of whole score batches are bit-equal to one process; blocks of any
    length (``align_chunks=False``) chunk the (image, seed) pairs otherwise: float32 rounding."""
    model, images = adgan
    one = ganad.load(model, device="cpu").set_params(n_threads=1).anomaly_score(images)  # as the workers: 1 thread
    scores = ganad.dask.score(model, da.from_array(images, chunks=(5, -1)))  # rechunked to whole batches
    assert len(scores.chunks[0]) > 2 and all(size % ADGAN_BATCH == 0 for size in scores.chunks[0][:-1])
    np.testing.assert_array_equal(scores.compute(), one)
    unaligned = ganad.dask.score(model, da.from_array(images, chunks=(5, -1)), align_chunks=False)
    np.testing.assert_allclose(unaligned.compute(), one, rtol=1e-5)


def test_arrays_chunked_along_features_and_foreign_columns_are_refused(client, models, rows):
    with pytest.raises(ValueError, match=r"chunked along its features .*rechunk\({1: -1}\)"):
        ganad.dask.score(models["encoder"], da.from_array(rows.to_numpy(), chunks=(BATCH, 2)))
    with pytest.raises(ValueError, match=r"missing \['f4'\]; not expected \['other'\]"):
        ganad.dask.score(models["encoder"], dd.from_pandas(rows.rename(columns={"f4": "other"}), npartitions=2))
    filtered = da.from_array(rows.to_numpy(), chunks=(BATCH, -1))
    filtered = filtered[filtered[:, 0] > -100]  # row blocks of unknown sizes cannot be aligned
    with pytest.raises(ValueError, match=r"unknown sizes: call data.compute_chunk_sizes\(\)"):
        ganad.dask.score(models["encoder"], filtered)
    with pytest.raises(TypeError, match="dask.array.Array or a dask.dataframe.DataFrame"):
        ganad.dask.score(models["encoder"], rows)


def test_each_worker_loads_a_model_once_and_refuses_another_folder(client, models, rows):
    X = da.from_array(rows.to_numpy(), chunks=(BATCH, -1))
    for _ in range(3):
        ganad.dask.score(models["inversion"], X).compute()
    loads = [counts.get(str(models["inversion"].resolve())) for counts in client.run(ganad.dask.load_counts).values()]
    assert set(loads) - {None} == {1}  # every worker that scored it loaded it once
    path = str(models["inversion"].resolve())
    with pytest.raises(ValueError, match="not the one the client read"):
        client.submit(ganad.dask.cached_model, path, "0" * 64, "cpu", pure=False).result()


def test_cli_scores_on_the_cluster_as_without_it(client, models, rows, tmp_path):
    data = tmp_path / "rows.csv"
    rows.to_csv(data, index=False)
    common = ["score", str(models["encoder"]), str(data), "--chunk-rows", "100", "--device", "cpu", "--labels"]
    assert main([*common, "--out", str(tmp_path / "one.csv")]) == 0
    assert main([*common, "--out", str(tmp_path / "dask.csv"), "--dask", client.scheduler.address]) == 0
    assert (tmp_path / "dask.csv").read_text() == (tmp_path / "one.csv").read_text()
    assert main([*common, "--out", str(tmp_path / "bad.csv"), "--dask", "local:0"]) == 2
    assert main([*common, "--out", str(tmp_path / "bad.csv"), "--dask", "local:1", "--explain", "1"]) == 2
    assert not (tmp_path / "bad.csv").exists()


def test_bench_jobs_on_joblib_dask_backend_give_the_serial_rows(client, tmp_path):
    """``run_spec(..., jobs=2)`` inside ``joblib.parallel_config(backend="dask")``: the workers
    (other processes) fit and score every job; the rows' metrics equal a serial run's."""
    rng = np.random.default_rng(0)
    y = (np.arange(300) % 10 == 0).astype(np.float64)
    (tmp_path / "data" / "odds").mkdir(parents=True)  # an ODDS thyroid.mat the workers read from data_dir
    scipy.io.savemat(tmp_path / "data" / "odds" / "thyroid.mat",
                     {"X": rng.normal(size=(300, 6)) + 3.0 * y[:, None], "y": y[:, None]})
    spec = validate({
        "name": "tiny-dask", "title": "t", "paper": "p", "reference": "r", "metrics": list(METRICS), "choices": "c",
        "protocol": {"name": "contamination", "train_on": "normal", "scale": "minmax01"},
        "datasets": [{"name": "thyroid", "train_fraction": 0.5, "k_percent": 10.0}],
        "grid": {"methods": ["iforest", "wgan-critic"], "seeds": [0, 1]}, "budgets": {b: {} for b in BUDGETS},
        "methods": {"iforest": {"init_args": {"n_estimators": 10}},
                    "wgan-critic": {"init_args": {"n_epochs": 1, "hidden": [8, 8], "device": "cpu"}}},
        "published": {}})
    serial, _ = run_spec(spec, "smoke", tmp_path / "serial", data_dir=tmp_path / "data")
    with joblib.parallel_config(backend="dask"), get_task_stream(client) as tasks:
        on_dask, _ = run_spec(spec, "smoke", tmp_path / "dask", jobs=2, data_dir=tmp_path / "data")
    assert [row["status"] for row in serial] == ["ok"] * 4
    assert sum("run_job" in str(task["key"]) for task in tasks.data) == 4  # every job ran on a worker
    assert [{k: row[k] for k in ("key", "status", *METRICS)} for row in on_dask] == \
        [{k: row[k] for k in ("key", "status", *METRICS)} for row in serial]
