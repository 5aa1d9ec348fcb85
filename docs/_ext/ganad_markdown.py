"""Render the repository's Markdown in place: method READMEs and committed results tables.

MyST is not a dependency; the Markdown ganad writes is plain (headings, paragraphs, ``-``
lists, pipe tables, fenced code, inline code, emphasis, links), and this module turns it into
reStructuredText so that the pages quote the README's text and the results' numbers instead of
retyping them.

Directive::

    .. ganad-markdown:: results/defaults-quality/cpu/table.md
       :tables: 1, 2
       :rows: wgan-critic, wgan-encoder
       :committed:
       :missing: Not run yet.

``path`` is relative to the repository root (``ganad_markdown_root``). Options: ``skip-title``
(drop the first ``#`` heading), ``tables`` (keep only those pipe tables, 1-based, and nothing
else), ``rows`` (keep a table's header and the rows whose first cell is listed),
``sections`` / ``exclude-sections`` (``##`` sections whose title starts with one of the
comma-separated prefixes), ``committed`` (the file must be tracked by git, so that numbers of a
run still writing never show) and ``missing`` (reST shown instead when the file is absent or
not committed).
"""

import re
import subprocess
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

HEADING_CHARS = "=-~^\"'"
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
BEFORE_MARKUP = set(" \t'\"([{<-/:")
AFTER_MARKUP = set(" \t-.,:;!?\\/'\")]}>")
NESTED_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)((?:[^*`]|`[^`]*`)*`[^`]*`(?:[^*`]|`[^`]*`)*?)(?<=\S)\1")
LIST_ITEM = re.compile(r"^( *)([-*+]|\d+[.)]) +(.*)$")
INTERRUPTING_ITEM = re.compile(r"^([-*+]|1[.)]) +\S")
HEADING = re.compile(r"^(#{1,6}) +(.*?)#*\s*$")


def _escape_text(text):
    """Plain Markdown text (no code span) as reST text: links kept, reST's markup characters escaped."""
    links = []

    def keep(match, kind):
        links.append((kind, match.groups()))
        return f"\x00{len(links) - 1}\x00"

    text = LINK.sub(lambda m: keep(m, "link"), text)
    text = AUTOLINK.sub(lambda m: keep(m, "url"), text)
    text = text.replace("_", r"\_").replace("|", r"\|").replace("`", r"\`")  # a backtick here opens no code
    text = re.sub(r"(?:(?<=\s)|^)\*(?=\s|$)", r"\\*", text)  # a lone star is no emphasis

    def restore(match):
        kind, groups = links[int(match.group(1))]
        if kind == "url":
            return groups[0]
        label, url = groups
        return f"`{label.replace('`', '')} <{url}>`__"

    return re.sub(r"\x00(\d+)\x00", restore, text)


def inline(text):
    """One Markdown line or cell as reST inline markup.

    reST does not nest inline markup: emphasis around code (``**`x`**``) keeps the code only.
    """
    text = NESTED_EMPHASIS.sub(lambda match: match.group(2), text)
    out, position = [], 0
    for match in CODE_SPAN.finditer(text):
        out.append(_escape_text(text[position:match.start()]))
        code = match.group(2).strip() or match.group(2)
        literal = f"``{code}``"
        before = "".join(out)[-1:]
        if before and before not in BEFORE_MARKUP:
            literal = "\\ " + literal
        after = text[match.end():match.end() + 1]
        if after and after not in AFTER_MARKUP:
            literal += "\\ "
        out.append(literal)
        position = match.end()
    out.append(_escape_text(text[position:]))
    return "".join(out)


def _cells(line):
    """The cells of a pipe-table row: split at bars outside code spans; ``\\|`` is a literal bar."""
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    cells, current, index, fence = [], [], 0, None
    while index < len(line):
        char = line[index]
        if char == "\\" and line[index + 1:index + 2] == "|":
            current.append("|")
            index += 2
            continue
        if char == "`":
            run = len(line[index:]) - len(line[index:].lstrip("`"))
            fence = None if fence == run else (run if fence is None else fence)
            current.append("`" * run)
            index += run
            continue
        if char == "|" and fence is None:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    return cells + ["".join(current).strip()]


def _first_cell_key(cell):
    return cell.strip().strip("`*").strip()


def table_rst(lines, rows=None):
    """A pipe table as a reST ``list-table`` (header row first)."""
    header, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    if rows is not None:
        body = [row for row in body if _first_cell_key(row[0]) in rows]
    width = len(header)
    out = [".. list-table::", "   :header-rows: 1", "   :class: ganad-table", ""]
    for row in [header] + body:
        row = (row + [""] * width)[:width]
        for index, cell in enumerate(row):
            text = inline(cell) if cell else "\\"
            out.append(("   * - " if index == 0 else "     - ") + text)
    return out + [""]


def _blocks(text):
    """Markdown lines grouped into (kind, lines) blocks: heading, code, table, list, paragraph."""
    lines = text.splitlines()
    blocks, index = [], 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif line.lstrip().startswith("```"):
            end = index + 1
            while end < len(lines) and not lines[end].lstrip().startswith("```"):
                end += 1
            blocks.append(("code", lines[index:end + 1]))
            index = end + 1
        elif HEADING.match(line):
            blocks.append(("heading", [line]))
            index += 1
        elif line.lstrip().startswith("|"):
            end = index
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            blocks.append(("table", lines[index:end]))
            index = end
        else:
            kind = "list" if LIST_ITEM.match(line) else "paragraph"
            end = index + 1
            while end < len(lines) and lines[end].strip() and not lines[end].lstrip().startswith(("```", "|")) \
                    and not HEADING.match(lines[end]):
                if kind == "paragraph" and INTERRUPTING_ITEM.match(lines[end]):
                    break  # as in CommonMark: a bullet or "1." item ends a paragraph, "2018. The" does not
                end += 1
            # a list goes on past blank lines while the next line is an item or indented
            while kind == "list" and end + 1 < len(lines) and not lines[end].strip() \
                    and (LIST_ITEM.match(lines[end + 1]) or lines[end + 1].startswith("  ")):
                end += 1
                while end < len(lines) and lines[end].strip() and not HEADING.match(lines[end]):
                    end += 1
            blocks.append((kind, lines[index:end]))
            index = end
    return blocks


def list_rst(lines):
    """A Markdown list (items, nesting by indentation, continuation lines) as a reST list."""
    out, stack = [], []  # one (Markdown indent, reST indent, text column) per open nesting level
    for line in lines:
        if not line.strip():
            continue
        item = LIST_ITEM.match(line)
        if not item:
            out.append(" " * (stack[-1][2] if stack else 0) + inline(line.strip()))
            continue
        indent = len(item.group(1))
        while stack and indent < stack[-1][0]:
            stack.pop()
        if stack and indent == stack[-1][0]:
            rst_indent = stack.pop()[1]
        else:
            rst_indent = stack[-1][2] if stack else 0
        marker = "-" if item.group(2) in "-*+" else "#."
        stack.append((indent, rst_indent, rst_indent + len(marker) + 1))
        out += ["", " " * rst_indent + f"{marker} {inline(item.group(3))}"]
    return out + [""]


def markdown_to_rst(text, *, skip_title=False, tables=None, rows=None, sections=None, exclude_sections=None):
    """reST lines for a Markdown text (see the module docstring for the options)."""
    out, table_number, skipping, title_skipped = [], 0, False, False
    for kind, lines in _blocks(text):
        if kind == "heading":
            level, title = HEADING.match(lines[0]).groups()
            level = len(level)
            if level == 1 and skip_title and not title_skipped:
                title_skipped = True
                continue
            if level <= 2 and (sections or exclude_sections):
                plain = re.sub(r"[`*]", "", title).strip().lower()
                skipping = (sections is not None and not any(plain.startswith(s) for s in sections)) or \
                           (exclude_sections is not None and any(plain.startswith(s) for s in exclude_sections))
            if skipping or tables is not None:
                continue
            title = inline(title)
            out += ["", title, HEADING_CHARS[level - 1] * max(len(title), 4), ""]
            continue
        if skipping:
            continue
        if kind == "table":
            table_number += 1
            if tables is None or table_number in tables:
                out += [""] + table_rst(lines, rows)
        elif tables is not None:
            continue
        elif kind == "code":
            language = lines[0].strip().strip("`").strip() or "text"
            body = lines[1:-1] if lines[-1].lstrip().startswith("```") else lines[1:]
            out += ["", f".. code-block:: {language}", ""] + ["   " + line for line in body] + [""]
        elif kind == "list":
            out += list_rst(lines)
        else:
            out += [""] + [inline(line.strip()) for line in lines] + [""]
    return out


def _listed(value):
    return [part.strip() for part in value.split(",") if part.strip()]


def _is_committed(path, root):
    """True where git tracks ``path`` (outside a git checkout: where it exists)."""
    try:
        done = subprocess.run(["git", "ls-files", "--error-unmatch", str(path)], cwd=root,
                              capture_output=True, check=False)
    except OSError:
        return path.is_file()
    if done.returncode == 128 and b"not a git repository" in done.stderr:
        return path.is_file()
    return done.returncode == 0 and path.is_file()


class GanadMarkdown(SphinxDirective):
    required_arguments = 1
    option_spec = {
        "skip-title": directives.flag,
        "tables": lambda value: [int(part) for part in _listed(value)],
        "rows": lambda value: set(_listed(value)),
        "sections": lambda value: [part.lower() for part in _listed(value)],
        "exclude-sections": lambda value: [part.lower() for part in _listed(value)],
        "committed": directives.flag,
        "missing": directives.unchanged,
    }

    def run(self):
        root = Path(self.config.ganad_markdown_root)
        path = root / self.arguments[0]
        self.env.note_dependency(str(path))  # a missing file keeps the page rebuilt until it exists
        present = _is_committed(path, root) if "committed" in self.options else path.is_file()
        if not present:
            message = self.options.get("missing") or f"``{self.arguments[0]}`` is not committed yet."
            return [nodes.note("", *nested_parse_to_nodes(self.state, message, allow_section_headings=False))]
        rst = markdown_to_rst(path.read_text(encoding="utf-8"), skip_title="skip-title" in self.options,
                              tables=self.options.get("tables"), rows=self.options.get("rows"),
                              sections=self.options.get("sections"),
                              exclude_sections=self.options.get("exclude-sections"))
        return nested_parse_to_nodes(self.state, "\n".join(rst), source=str(path))


def setup(app):
    app.add_config_value("ganad_markdown_root", "..", "env")
    app.add_directive("ganad-markdown", GanadMarkdown)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
