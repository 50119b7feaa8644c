"""The only place that prints: problems, tables, JSON, CSV, markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import click

from kscms.diagnostics import FORMATTERS, Problem, printable
from kscms.errors import KscmsError


def echo_problems(problems: Sequence[Problem], fmt: str = "text", err: bool = False) -> None:
    text = FORMATTERS[fmt](problems)
    if text and text != "[]\n" or fmt == "json":
        click.echo(text, nl=False, err=err)


def report_error(ctx: click.Context, exc: KscmsError) -> None:
    """An error from the library: its problems (as text), then the message."""
    if exc.problems:
        echo_problems(exc.problems, "text", err=True)
    click.echo(f"kscms: {exc.message}", err=True)


def summary(problems: Sequence[Problem], records: int) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})
    if not problems:
        return f"{records} records checked: no problems"
    return f"{records} records checked: {errors} error(s), {warnings} warning(s) in {files} file(s)"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def safe_csv_cell(value: Any) -> str:
    """Neutralise spreadsheet formula injection: cells starting with = + - @ (or tab/CR) get a quote."""
    text = _cell(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def terminal_safe(text: str) -> str:
    """Control and bidi characters shown as inert escapes before printing to a terminal (as `check` does)."""
    return printable(text)


def table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None
) -> str:
    rows = list(rows)
    heads = list(headers or columns)
    cells = [[terminal_safe(_cell(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(heads)]
    widths = [min(w, 60) for w in widths]

    def fmt(values: Sequence[str]) -> str:
        return "  ".join(v[:60].ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    lines = [fmt(heads), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells]
    return "\n".join(lines) + "\n"


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def markdown_table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None
) -> str:
    def esc(v: Any) -> str:
        return _cell(v).replace("|", "\\|").replace("\n", " ")

    heads = list(headers or columns)
    lines = ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    lines += ["| " + " | ".join(esc(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"
