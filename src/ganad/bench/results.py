"""Benchmark rows on disk: the append-only JSONL log, and the JSON / CSV / Markdown outputs."""

import csv
import json
import math
from pathlib import Path

from .tables import render_markdown, summarize


def append_row(path, row):
    """Append one row to the JSONL log ``path`` (one JSON object per line), on a line of its own even after a
    line that an interrupted run left without its end."""
    line = json.dumps(jsonable(row), sort_keys=False) + "\n"
    with open(path, "a+b") as file:
        if file.seek(0, 2) > 0:
            file.seek(-1, 2)
            if file.read(1) != b"\n":  # the last line was torn: end it, so this row stays readable
                line = "\n" + line
        file.write(line.encode("utf-8"))


def read_jsonl(path):
    """Every row of the JSONL log ``path`` ([] when it does not exist); a torn line, and a line that is not a
    JSON object, are skipped."""
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by an interrupted run
        if isinstance(row, dict):
            rows.append(row)
    return rows


def latest_rows(rows, keys):
    """The last row logged for each key of ``keys``, in the order of ``keys``; an ``ok`` row wins."""
    latest = {}
    for row in rows:
        key = row.get("key")
        if key in latest and latest[key].get("status") == "ok" and row.get("status") != "ok":
            continue
        latest[key] = row
    return [latest[key] for key in keys if key in latest]


def write_csv(rows, path):
    """One CSV line per row; columns are the union of the rows' keys, in first-seen order."""
    columns = list(dict.fromkeys(key for row in rows for key in row if key != "traceback"))
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return Path(path)


def write_outputs(rows, spec, out, *, seeds_planned=None):
    """Write ``results.json`` (rows + summary), ``results.csv`` and ``table.md`` into ``out``
    (``seeds_planned``: as :func:`~ganad.bench.tables.summarize`)."""
    out = Path(out)
    summary = summarize(rows, spec, seeds_planned=seeds_planned)
    paths = {"jsonl": out / "results.jsonl", "json": out / "results.json", "csv": out / "results.csv",
             "markdown": out / "table.md"}
    paths["json"].write_text(json.dumps(jsonable({"spec": spec.name, "paper": spec.paper,
                                                   "reference": spec.reference, "rows": rows,
                                                   "summary": summary}), indent=1), encoding="utf-8")
    write_csv(rows, paths["csv"])
    paths["markdown"].write_text(render_markdown(summary, spec), encoding="utf-8")
    return paths


def jsonable(value):
    """``value`` as the log writes it: numpy scalars as Python numbers, non-finite floats as None."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
