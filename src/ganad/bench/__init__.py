"""Paper-table benchmarks: TOML spec -> jobs -> one row each -> JSONL/JSON/CSV -> Markdown.

    from ganad.bench import run_spec
    rows, paths = run_spec("haloui-t1", budget="smoke", out="bench_out")
"""

from .results import read_jsonl, write_csv, write_outputs
from .runner import run_job, run_spec
from .spec import BUDGETS, LOADERS, Job, Spec, expand, list_specs, load_spec
from .tables import render_markdown, summarize

__all__ = ["BUDGETS", "LOADERS", "Job", "Spec", "expand", "list_specs", "load_spec", "run_spec", "run_job",
           "read_jsonl", "write_csv", "write_outputs", "summarize", "render_markdown"]
