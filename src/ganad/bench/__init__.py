"""Paper-table benchmarks: TOML spec -> jobs -> one row each -> JSONL/JSON/CSV -> Markdown.

    from ganad.bench import run_spec
    rows, paths = run_spec("haloui-t1", budget="smoke", out="bench_out")

Names are imported on first use, so that ``ganad bench --list`` loads no torch.
"""

from ..utils.lazy import lazy_attributes

_EXPORTS = {
    **{name: ("ganad.bench.results", name) for name in ("read_jsonl", "write_csv", "write_outputs")},
    **{name: ("ganad.bench.runner", name) for name in ("run_job", "run_spec")},
    **{name: ("ganad.bench.spec", name) for name in ("BUDGETS", "LOADERS", "Job", "Spec", "expand", "list_specs",
                                                    "load_spec")},
    **{name: ("ganad.bench.tables", name) for name in ("render_markdown", "summarize")},
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
