"""Rendering: rows -> one line per cell x method x metric with ours, the paper's and the difference.

``ours`` is the mean over the seeds whose job finished (``± std``, the sample standard
deviation, ddof=1, shown with two or more seeds; a cell with rows of fewer seeds than its budget
plans says so in its status); ``published`` is the spec's transcribed
number, scaled to a fraction; ``diff = ours - published``. A cell without a finished job shows
the status of its rows instead ("not implemented", "data missing", "failed"). For one-class
protocols ("dataset:class" cells) with two or more classes, a "dataset (mean)" line follows: the
mean and standard deviation over the classes with a result (their count, out of the classes
the spec lists, in the seeds column; fewer than all is the line's status, as is a class whose own
line is not complete), beside the
paper's printed mean (a "dataset" cell of the spec's published values) or, where it prints
none, the mean of its class values.
"""

import statistics


def summarize(rows, spec, *, seeds_planned=None):
    """Summary lines: dicts with cell, method, metric, mean, std, n_seeds, published, diff, status.

    ``seeds_planned``: the seeds the run's budget plans per cell (the runner's grid); a cell with rows
    of fewer seeds says how many did not run. None: the seeds a cell has rows for."""
    groups = {}
    for row in rows:
        groups.setdefault((row["cell"], row["method"]), []).append(row)
    lines = []
    for (cell, method), group in groups.items():
        ok = [row for row in group if row.get("status") == "ok"]
        planned = max(seeds_planned or 0, len(group))
        statuses = sorted({row.get("status") for row in group if row.get("status") != "ok"})
        statuses += [f"{planned - len(group)} of {planned} seeds not run"] if len(group) < planned else []
        for metric in spec.metrics:
            values = [row[metric] for row in ok if row.get(metric) is not None]
            mean = statistics.fmean(values) if values else None
            published = spec.published_value(metric, method, cell)
            lines.append({"cell": cell, "method": method, "metric": metric, "mean": mean, "std": _std(values),
                          "n_seeds": len(values), "seeds_planned": planned, "published": published,
                          "published_std": spec.published_value(metric, method, cell, kind="std"),
                          "diff": None if mean is None or published is None else mean - published,
                          "status": "ok" if not statuses else ", ".join(statuses),
                          "hint": next((row.get("hint") for row in group if row.get("hint")), None)})
    return lines + class_means(lines, spec)


def _std(values):
    """The sample standard deviation (ddof=1); None for fewer than two values (no spread was measured)."""
    return statistics.stdev(values) if len(values) > 1 else None


def class_means(lines, spec):
    """One "dataset (mean)" line per data set, method and metric over its "dataset:class" lines (none under the
    noise protocol, whose "classes" are noise levels)."""
    if spec.protocol.get("name") == "noise":
        return []
    groups = {}
    for line in lines:
        if ":" in line["cell"]:
            dataset = line["cell"].split(":")[0]
            groups.setdefault((dataset, line["method"], line["metric"]), []).append(line)
    means = []
    for (dataset, method, metric), group in groups.items():
        if len(group) < 2:
            continue
        values = [line["mean"] for line in group if line["mean"] is not None]
        published = spec.published_value(metric, method, dataset)
        if published is None and all(line["published"] is not None for line in group):
            published = statistics.fmean(line["published"] for line in group)
        mean = statistics.fmean(values) if values else None
        n_classes = _n_classes(spec, dataset) or len(group)
        incomplete = [line["cell"] for line in group if line["mean"] is not None and line["status"] != "ok"]
        status = (f"{len(values)} of {n_classes} classes" if len(values) < n_classes
                  else f"incomplete classes: {', '.join(incomplete)}" if incomplete else "ok")
        means.append({"cell": f"{dataset} (mean)", "method": method, "metric": metric, "mean": mean,
                      "std": _std(values), "n_seeds": len(values), "seeds_planned": n_classes, "published": published,
                      "published_std": None, "diff": None if mean is None or published is None else mean - published,
                      "status": status, "hint": None})
    return means


def _n_classes(spec, dataset):
    """How many classes the spec lists for ``dataset`` (the paper's mean is over all of them); None if unknown."""
    counts = [len(entry["classes"]) for entry in spec.datasets if entry["name"] == dataset and entry.get("classes")]
    return counts[0] if len(counts) == 1 else None


def render_markdown(summary, spec):
    """A Markdown report: the table, then the paper's source, choices and data hints."""
    head = [f"# {spec.name}: {spec.title}", "", f"{spec.paper}, {spec.reference}.", "",
            "| cell | method | metric | ours (mean ± std, seeds) | published | ours − published | status |",
            "|---|---|---|---|---|---|---|"]
    body = []
    for line in summary:
        spread = "" if line["std"] is None else f" ± {line['std']:.3f}"
        ours = "—" if line["mean"] is None else f"{line['mean']:.3f}{spread} ({line['n_seeds']}/{line['seeds_planned']})"
        published = "—" if line["published"] is None else f"{line['published']:.3f}" + (
            "" if line["published_std"] is None else f" ± {line['published_std']:.3f}")
        diff = "—" if line["diff"] is None else f"{line['diff']:+.3f}"
        body.append(f"| {line['cell']} | {line['method']} | {line['metric']} | {ours} | {published} | {diff} "
                    f"| {line['status']} |")
    hints = sorted({line["hint"] for line in summary if line["hint"]})
    tail = ["", f"Published numbers: {spec.published.get('source', 'see spec')}."]
    if spec.published.get("notes"):
        tail += ["", "Transcription notes: " + " ".join(spec.published["notes"].split())]
    tail += ["", "Protocol choices: " + " ".join(spec.choices.split())]
    if hints:
        tail += ["", "Data missing; to obtain it:"] + [f"- {hint}" for hint in hints]
    return "\n".join(head + body + tail) + "\n"
