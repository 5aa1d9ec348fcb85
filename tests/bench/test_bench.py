"""Specs parse and name real loaders/protocols; the runner's grid, statuses, resume and outputs."""

import dataclasses
import json
import shutil
import warnings

import numpy as np
import pytest
import torch

from ganad.bench import expand, list_specs, load_spec, render_markdown, run_spec, summarize
from ganad.bench.runner import run_job
from ganad.bench.results import read_jsonl
from ganad.bench.spec import BUDGETS, LOADERS, validate
from ganad.data._cache import Dataset
from ganad.protocols import PROTOCOLS
from ganad.registry import DETECTORS
from ganad.training.collapse import GeneratorCoverageWarning


@pytest.mark.parametrize("name", list_specs())
def test_every_spec_parses_and_names_real_loaders_and_protocols(name):
    spec = load_spec(name)
    assert spec.protocol["name"] in PROTOCOLS
    assert all(dataset["name"] in LOADERS for dataset in spec.datasets)
    assert spec.choices.strip() and spec.published.get("source")
    for budget in BUDGETS:
        jobs = expand(spec, budget)
        assert jobs and len({job.key for job in jobs}) == len(jobs)
    published = [v for by_method in spec.published.get("values", {}).values() for cells in by_method.values()
                 for v in cells.values()]
    assert (published or spec.published.get("figure_only")) and all(0 <= v * spec.published.get("scale", 1.0) <= 1 for v in published)


@pytest.mark.parametrize("name", list_specs())
def test_registered_methods_accept_their_spec_arguments(name):
    for budget in BUDGETS:
        for job in expand(load_spec(name), budget):
            if job.detector in DETECTORS:
                unknown = set(job.init_args) - set(DETECTORS[job.detector]().get_params())
                assert not unknown, f"{name} ({budget}): {job.method} has no parameters {unknown}"


def test_expected_specs_are_bundled():
    assert {"haloui-t1", "haloui-har", "adgan-t1", "adgan-t2", "rcgan-t1", "survey-f5"} <= set(list_specs())


def test_published_values_are_stored_as_printed():
    spec = load_spec("haloui-t1")
    assert spec.published_value("auprc", "wgan-encoder", "mnist:0") == pytest.approx(0.97)
    assert load_spec("rcgan-t1").published_value("f1", "rcgan", "kddcup99") == pytest.approx(0.9592)


def test_a_spec_naming_an_unknown_loader_is_refused():
    raw = {"name": "x", "title": "x", "paper": "x", "reference": "x", "metrics": ["auroc"], "choices": "x",
           "protocol": {"name": "one-class"}, "datasets": [{"name": "nope"}], "grid": {"methods": ["a"], "seeds": [0]},
           "budgets": {b: {} for b in BUDGETS}, "published": {}}
    with pytest.raises(ValueError, match="nope"):
        validate(raw)


@pytest.fixture
def tiny_spec(monkeypatch):
    """A spec on a synthetic 3-class set (registered as loader 'tiny'), one real and one unknown method."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 60)
    X = (rng.normal(size=(180, 2)) + y[:, None] * 3).astype(np.float32)
    data = Dataset(X=X, y=y, name="tiny", image_shape=None, classes=("a", "b", "c"))
    monkeypatch.setitem(LOADERS, "tiny", (lambda data_dir: (data, data), "mnist"))
    raw = {"name": "tiny", "title": "t", "paper": "p", "reference": "r", "metrics": ["auroc", "auprc"],
           "choices": "c", "protocol": {"name": "leave-one-class-out", "splits": "train"},
           "datasets": [{"name": "tiny", "classes": [0, 2]}],
           "grid": {"methods": ["wgan-critic", "not-a-method"], "seeds": [0, 1]},
           "budgets": {b: {} for b in BUDGETS},
           "methods": {"wgan-critic": {"init_args": {"n_epochs": 1, "hidden": [8, 8], "device": "cpu"}}},
           "published": {"source": "made up", "values": {"auroc": {"wgan-critic": {"tiny:0": 0.9}}}}}
    return validate(raw)


def test_init_args_per_data_set_and_budget_most_specific_wins():
    datasets = [{"name": "thyroid"}, {"name": "arrhythmia"}]
    method = {"init_args": {"n_epochs": 1, "latent_dim": 2}, "budgets": {"cpu": {"n_epochs": 2, "batch_size": 4}},
              "datasets": {"arrhythmia": {"init_args": {"n_epochs": 3, "latent_dim": 64},
                                          "budgets": {"cpu": {"n_epochs": 4}}}}}
    raw = {"name": "x", "title": "x", "paper": "x", "reference": "x", "metrics": ["f1"], "choices": "x",
           "protocol": {"name": "contamination"}, "datasets": datasets, "grid": {"methods": ["rcgan"], "seeds": [0]},
           "budgets": {b: {} for b in BUDGETS}, "methods": {"rcgan": method}, "published": {}}
    args = {(job.budget, job.dataset): job.init_args for b in BUDGETS for job in expand(validate(raw), b)}
    assert args["smoke", "thyroid"] == {"n_epochs": 1, "latent_dim": 2}
    assert args["cpu", "thyroid"] == {"n_epochs": 2, "latent_dim": 2, "batch_size": 4}
    assert args["smoke", "arrhythmia"] == {"n_epochs": 3, "latent_dim": 64}
    assert args["cpu", "arrhythmia"] == {"n_epochs": 4, "latent_dim": 64, "batch_size": 4}
    method["datasets"]["musk"] = {"init_args": {}}
    with pytest.raises(ValueError, match="musk"):
        validate(raw)


def test_runner_rows_statuses_outputs_and_resume(tiny_spec, tmp_path):
    rows, paths = run_spec(tiny_spec, "smoke", tmp_path)
    assert len(rows) == 2 * 2 * 2
    statuses = {row["method"]: row["status"] for row in rows}
    assert statuses == {"wgan-critic": "ok", "not-a-method": "not implemented"}
    ok = [row for row in rows if row["status"] == "ok"]
    assert all(0 <= row["auroc"] <= 1 and row["git_sha"] and row["fit_s"] >= 0 for row in ok)
    assert ok[0]["param.n_epochs"] == 1 and ok[0]["protocol.splits"] == "train"
    assert all(paths[k].exists() for k in ("jsonl", "json", "csv", "markdown"))
    table = paths["markdown"].read_text()
    assert "not implemented" in table and "0.900" in table
    assert json.loads(paths["json"].read_text())["summary"]
    n_logged = len(paths["jsonl"].read_text().splitlines())
    rows_again, _ = run_spec(tiny_spec, "smoke", tmp_path)  # resume: ok jobs are not rerun
    logged = paths["jsonl"].read_text().splitlines()
    assert len(logged) == n_logged + 4  # only the 4 'not implemented' rows are checked again
    assert [r["auroc"] for r in rows_again if r["status"] == "ok"] == [r["auroc"] for r in ok]


def test_a_row_logged_after_a_torn_line_is_kept(tiny_spec, tmp_path):
    """A probe found the first row a resumed run logged glued to the line an interrupted run had cut short:
    both unreadable, the job lost from the table though the run said it was done."""
    rows, paths = run_spec(tiny_spec, "smoke", tmp_path, methods=["wgan-critic"])
    lines = paths["jsonl"].read_text().splitlines()
    paths["jsonl"].write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:60])  # the last row torn, no newline
    rows, _ = run_spec(tiny_spec, "smoke", tmp_path, methods=["wgan-critic"])
    assert [row["status"] for row in rows] == ["ok"] * 4
    assert read_jsonl(paths["jsonl"])[-1]["key"] == json.loads(lines[-1])["key"]


def test_a_resumed_run_warns_of_rows_logged_with_other_settings(tiny_spec, tmp_path, caplog):
    run_spec(tiny_spec, "smoke", tmp_path, methods=["wgan-critic"])
    tiny_spec.methods["wgan-critic"]["init_args"]["hidden"] = [4, 4]
    with caplog.at_level("WARNING", logger="ganad.bench.runner"):
        run_spec(tiny_spec, "smoke", tmp_path, methods=["wgan-critic"])
    assert "4 logged row(s) ran with other settings than the spec now gives" in caplog.text
    assert "param.hidden" in caplog.text


@pytest.mark.parametrize(("edit", "message"), [
    (lambda raw: raw["grid"].update(seeds=[0, 0]), "grid.seeds repeats an entry"),
    (lambda raw: raw["grid"].update(seeds=[0.5, 0.7]), "grid.seeds must be a list of ints"),
    (lambda raw: raw["grid"].update(seeds="01"), "grid.seeds must be a list of ints"),
    (lambda raw: raw.update(metrics="auroc"), "metrics must be a list of strs"),
    (lambda raw: raw["datasets"].append({"name": "tiny", "train_fraction": 0.5}), "datasets' cells repeats"),
    (lambda raw: raw["methods"]["wgan-critic"].update(init_arg={}), "unknown keys \\['init_arg'\\]"),
    (lambda raw: raw["budgets"]["smoke"].update(methods=["wgan-critc"]), "budgets.smoke.methods \\['wgan-critc'\\]"),
    (lambda raw: raw["datasets"][0].update(classes=[0, 0]), "tiny classes repeats an entry"),
], ids=["repeated seed", "float seeds", "string seeds", "string metrics", "repeated data set", "misspelt key",
        "budget method", "repeated class"])
def test_a_spec_that_would_mislabel_or_ignore_a_job_is_refused(edit, message, monkeypatch):
    raw = {"name": "tiny", "title": "t", "paper": "p", "reference": "r", "metrics": ["auroc"], "choices": "c",
           "protocol": {"name": "leave-one-class-out"}, "datasets": [{"name": "tiny", "classes": [0]}],
           "grid": {"methods": ["wgan-critic"], "seeds": [0, 1]}, "budgets": {b: {} for b in BUDGETS},
           "methods": {"wgan-critic": {"init_args": {}}}, "published": {}}
    monkeypatch.setitem(LOADERS, "tiny", None)
    edit(raw)
    with pytest.raises(ValueError, match=message):
        validate(raw)


def test_repeated_seeds_from_the_command_line_are_refused(tiny_spec):
    with pytest.raises(ValueError, match="seeds repeat an entry"):
        expand(tiny_spec, "smoke", seeds=[0, 0])


def test_rows_record_what_a_rerun_needs_to_give_the_same_floats(tiny_spec, monkeypatch):
    """torch's version, the CPU kernels' instruction set, and the threads the fit itself ran on."""
    job = next(job for job in expand(tiny_spec, "smoke") if job.method == "wgan-critic")
    monkeypatch.setenv("GANAD_NUM_THREADS", "3")
    row = run_job(job)
    assert row["status"] == "ok", row.get("error")
    assert row["torch"] == torch.__version__
    assert row["cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert row["threads"] == 3
    monkeypatch.delenv("GANAD_NUM_THREADS")
    row = run_job(dataclasses.replace(job, init_args={**job.init_args, "n_threads": 2}))
    assert row["threads"] == 2


def test_rows_name_each_warning_of_their_own_fit(tiny_spec, monkeypatch):
    """Every job's row lists its fit's warnings, also when an earlier job in the process raised the same one, and
    when the fit then fails."""
    class Warns(DETECTORS["wgan-critic"]):
        def fit(self, X, y=None):
            warnings.warn("the generator missed part of the data", GeneratorCoverageWarning, stacklevel=2)
            return super().fit(X, y)

    monkeypatch.setitem(DETECTORS, "wgan-critic", Warns)
    job = next(job for job in expand(tiny_spec, "smoke") if job.method == "wgan-critic")
    with pytest.warns(GeneratorCoverageWarning):
        rows = [run_job(job), run_job(job)]
    for row in rows:
        assert row["status"] == "ok", row.get("error")
        assert "GeneratorCoverageWarning: the generator missed part of the data" in row["fit_warnings"]

    class WarnsThenDiverges(Warns):
        def fit(self, X, y=None):
            warnings.warn("the generator missed part of the data", GeneratorCoverageWarning, stacklevel=2)
            raise FloatingPointError("the loss diverged")

    monkeypatch.setitem(DETECTORS, "wgan-critic", WarnsThenDiverges)
    with pytest.warns(GeneratorCoverageWarning):
        row = run_job(job)
    assert row["status"] == "failed" and "diverged" in row["error"]
    assert row["fit_warnings"] == ["GeneratorCoverageWarning: the generator missed part of the data"]


def test_missing_data_is_reported_with_the_fetch_hint(tmp_path):
    spec = load_spec("haloui-har")
    rows, paths = run_spec(spec, "smoke", tmp_path / "out", data_dir=tmp_path / "empty")
    assert [row["status"] for row in rows] == ["data missing"]
    assert "uci_har" in rows[0]["hint"] and "data missing" in paths["markdown"].read_text().lower()


def test_summary_gives_mean_std_and_difference(tiny_spec):
    rows = [{"cell": "tiny:0", "method": "wgan-critic", "status": "ok", "auroc": v, "auprc": 0.5} for v in (0.8, 1.0)]
    line = next(l for l in summarize(rows, tiny_spec) if l["metric"] == "auroc")
    assert line["mean"] == pytest.approx(0.9) and line["std"] == pytest.approx(0.1414, abs=1e-3)
    assert line["diff"] == pytest.approx(0.0) and "wgan-critic" in DETECTORS


def test_class_means_follow_the_classes(tiny_spec):
    rows = [{"cell": f"tiny:{c}", "method": "wgan-critic", "status": "ok", "auroc": v, "auprc": 0.5}
            for c, v in ((0, 0.8), (2, 0.6))]
    lines = summarize(rows + [{"cell": "tiny:2", "method": "wgan-critic", "status": "failed"}], tiny_spec)
    mean = next(l for l in lines if l["cell"] == "tiny (mean)" and l["metric"] == "auroc")
    assert lines[-2:] == [mean, next(l for l in lines if l["cell"] == "tiny (mean)" and l["metric"] == "auprc")]
    assert mean["mean"] == pytest.approx(0.7) and mean["n_seeds"] == 2
    assert mean["status"] == "incomplete classes: tiny:2"  # its class line rests on one seed of two, one failed
    assert next(l for l in summarize(rows, tiny_spec) if l["cell"] == "tiny (mean)")["status"] == "ok"
    assert mean["published"] is None  # the paper prints tiny:0 only: no mean of its classes
    tiny_spec.published["values"]["auroc"]["wgan-critic"]["tiny"] = 0.75  # a printed mean
    mean = next(l for l in summarize(rows, tiny_spec) if l["cell"] == "tiny (mean)" and l["metric"] == "auroc")
    assert mean["published"] == pytest.approx(0.75) and mean["diff"] == pytest.approx(-0.05)
    assert not [l for l in summarize(rows[:1], tiny_spec) if "(mean)" in l["cell"]]  # one class: no mean line
    tiny_spec.datasets[0]["classes"] = [0, 1, 2]  # the paper's mean is over three classes, two ran
    mean = next(l for l in summarize(rows, tiny_spec) if l["cell"] == "tiny (mean)" and l["metric"] == "auroc")
    assert (mean["n_seeds"], mean["seeds_planned"], mean["status"]) == (2, 3, "2 of 3 classes")


def test_a_cell_missing_seeds_of_its_budget_says_so_and_one_value_has_no_spread(tiny_spec):
    """A probe found a cell with 2 of its budget's 3 seeds logged read (2/2), ok, and one value shown as
    a spread of 0.000."""
    rows = [{"cell": "tiny:0", "method": "wgan-critic", "status": "ok", "auroc": v, "auprc": 0.5} for v in (0.8, 0.9)]
    line = next(l for l in summarize(rows, tiny_spec, seeds_planned=3) if l["metric"] == "auroc")
    assert (line["n_seeds"], line["seeds_planned"], line["status"]) == (2, 3, "1 of 3 seeds not run")
    line = next(l for l in summarize(rows[:1], tiny_spec) if l["metric"] == "auroc")
    assert line["std"] is None
    assert "| tiny:0 | wgan-critic | auroc | 0.800 (1/1) |" in render_markdown(summarize(rows[:1], tiny_spec), tiny_spec)


def test_noise_levels_get_no_mean_line(tiny_spec):
    tiny_spec.protocol["name"] = "noise"
    rows = [{"cell": f"tiny:{c}", "method": "wgan-critic", "status": "ok", "auroc": 0.8, "auprc": 0.5} for c in (0, 2)]
    assert not [l for l in summarize(rows, tiny_spec) if "(mean)" in l["cell"]]


def _shared_gan_spec(share, device="cpu"):
    gan = {"gan": "wgan-gp", "n_epochs": 2, "hidden": [8, 8], "latent_dim": 2, "device": device}
    methods = {"adgan": {"init_args": {**gan, "n_seeds": 2}},
               "anogan": {"init_args": {**gan, "search_steps": 3}},
               "adgan-1seed": {"detector": "adgan", "init_args": {**gan, "n_seeds": 1}}}
    if share:
        methods["anogan"]["gan_from"] = methods["adgan-1seed"]["gan_from"] = "adgan"
    raw = {"name": "shared", "title": "t", "paper": "p", "reference": "r", "metrics": ["auroc"], "choices": "c",
           "protocol": {"name": "leave-one-class-out", "splits": "train"}, "datasets": [{"name": "tiny", "classes": [0]}],
           "grid": {"methods": ["anogan", "adgan-1seed", "adgan"], "seeds": [0]},
           "budgets": {b: {} for b in BUDGETS}, "methods": methods, "published": {"source": "none"}}
    return validate(raw)


def test_methods_sharing_a_trained_gan_score_as_if_each_trained_its_own(tiny_spec, tmp_path):
    rows, _ = run_spec(_shared_gan_spec(share=False), "smoke", tmp_path / "own")
    shared, _ = run_spec(_shared_gan_spec(share=True), "smoke", tmp_path / "shared")
    assert [row["status"] for row in shared] == ["ok"] * 3
    assert {row["method"]: row.get("gan_from") for row in shared} == {"anogan": "adgan", "adgan-1seed": "adgan",
                                                                       "adgan": None}
    assert [row["auroc"] for row in shared] == [row["auroc"] for row in rows]
    assert (tmp_path / "shared" / "gans" / "tiny-0_adgan_0" / "config.json").exists()


def test_a_gan_kept_for_device_auto_is_reused(tiny_spec, tmp_path):
    """The kept GAN loads on the CPU, and its device ("cpu") differed from the jobs' "auto": every gan_from job of
    the paper budgets (device "auto") failed instead of reusing it (a probe's finding)."""
    shared, _ = run_spec(_shared_gan_spec(share=True, device="auto"), "smoke", tmp_path)
    assert [row["status"] for row in shared] == ["ok"] * 3
    assert {row["method"]: row.get("gan_from") for row in shared} == {"anogan": "adgan", "adgan-1seed": "adgan",
                                                                       "adgan": None}


def test_a_resumed_run_trains_the_shared_gan_once_when_its_source_is_done(tiny_spec, tmp_path):
    own, _ = run_spec(_shared_gan_spec(share=False), "smoke", tmp_path / "own")
    run_spec(_shared_gan_spec(share=True), "smoke", tmp_path / "shared", methods=["adgan"])
    shutil.rmtree(tmp_path / "shared" / "gans")  # a new session: the source's GAN is gone
    shared, _ = run_spec(_shared_gan_spec(share=True), "smoke", tmp_path / "shared")
    assert {row["method"]: row.get("gan_from") for row in shared} == {"anogan": None, "adgan-1seed": "adgan",
                                                                       "adgan": None}
    assert [row["auroc"] for row in shared] == [row["auroc"] for row in own]
    assert (tmp_path / "shared" / "gans" / "tiny-0_adgan_0" / "config.json").exists()


def test_a_gan_kept_from_other_training_rows_is_not_reused(tiny_spec, tmp_path):
    """A probe found a job scoring with a GAN that another spec's split had trained in the same folder."""
    spec = _shared_gan_spec(share=True)
    run_spec(spec, "smoke", tmp_path, methods=["adgan"])
    spec.budgets["smoke"]["max_train"] = 40  # other training rows, the same keys and folder
    rows, _ = run_spec(spec, "smoke", tmp_path, methods=["adgan-1seed"])
    assert next(row for row in rows if row["method"] == "adgan-1seed")["gan_from"] is None


def test_a_gan_source_with_other_gan_parameters_is_refused(tiny_spec, tmp_path):
    spec = _shared_gan_spec(share=True)
    spec.methods["anogan"]["init_args"]["n_epochs"] = 3
    rows, _ = run_spec(spec, "smoke", tmp_path)
    anogan = next(row for row in rows if row["method"] == "anogan")
    assert anogan["status"] == "failed" and "n_epochs" in anogan["error"]


def test_reconstruction_figure_for_image_detectors(tmp_path):
    from types import SimpleNamespace

    from ganad.bench.runner import _reconstruction_figure

    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(40, 784)).astype(np.float32)
    y = np.repeat([0, 1], 20)
    detector = DETECTORS["wgan-encoder"](image_shape=(1, 28, 28), conv_width=4, latent_dim=4, n_epochs=1,
                                         encoder_epochs=1, batch_size=20, random_state=0).fit(X[:20])
    _reconstruction_figure(SimpleNamespace(key="s|smoke|mnist:0|wgan-encoder|0"), detector, X, y, tmp_path)
    assert (tmp_path / "s_smoke_mnist-0_wgan-encoder_0_reconstructions.png").stat().st_size > 0
