"""Bulk data out: every record with its fields and events, as JSON, CSV or an SQLite database.

Columns come from the record models (not from the data), so every export of a type has the same
columns: nested blocks are flattened (`maker.display` in CSV, `maker_display` in SQLite), lists of
keys are joined with ", " in CSV and kept as JSON text in SQLite (usable with SQLite's json
functions and Datasette). The SQLite file has one table per type (`signals`, `compliments`,
`improvements`) and an `events` table (one row per history event). Imports of CSV files live in
`kscms.csvimport`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kscms.model import MODELS
from kscms.model.base import Record
from kscms.model.ids import TYPE_DIRS, TYPES

Column = tuple[str, ...]
"""A flattened field: its path in the record's data, e.g. ("maker", "display")."""

LEADING: tuple[str, ...] = ("id", "type", "kind", "title", "status", "created")
EVENT_COLUMNS: tuple[str, ...] = ("record_id", "record_type", "seq", "at", "by", "status", "note")


def _block_model(annotation: Any) -> type[BaseModel] | None:
    """The nested model of a field (`Maker`, `SurveyBlock | None`), or None for a leaf."""
    candidates = (
        typing.get_args(annotation)
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union
        else (annotation,)
    )
    for arg in candidates:
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def model_columns(model: type[BaseModel], prefix: Column = ()) -> list[Column]:
    """Every leaf field of a record model, in declaration order (history left out: see events)."""
    out: list[Column] = []
    for name, field in model.model_fields.items():
        if not prefix and name == "history":
            continue
        nested = _block_model(field.annotation)
        if nested is not None:
            out += model_columns(nested, (*prefix, name))
        else:
            out.append((*prefix, name))
    leading = [c for c in out if c[0] in LEADING and len(c) == 1]
    leading.sort(key=lambda c: LEADING.index(c[0]))
    return leading + [c for c in out if c not in leading] if not prefix else out


def columns_for(record_types: Sequence[str] = TYPES) -> list[Column]:
    """The union of the columns of several types, in order of first appearance."""
    seen: dict[Column, None] = {}
    for t in record_types:
        for column in model_columns(MODELS[t]):
            seen.setdefault(column)
    leading = [(c,) for c in LEADING if (c,) in seen]
    return leading + [c for c in seen if c not in leading]


def record_data(record: Record) -> dict[str, Any]:
    """A record as JSON-ready data, with its `path` and `body` (history included)."""
    return {**record.model_dump(mode="json"), "path": record.path, "body": record.body}


def _get(data: dict[str, Any], column: Column) -> Any:
    value: Any = data
    for key in column:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def export_json(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Every record with all its fields, its history (events), path and body."""
    return [record_data(r) for r in records]


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        if all(isinstance(v, str | int | float) for v in value):
            return ", ".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def export_rows(records: Iterable[Record]) -> tuple[list[str], list[dict[str, Any]]]:
    """(column names, rows) for one flat CSV table of every type; `history` as compact JSON."""
    records = list(records)
    columns = columns_for()
    names = [".".join(c) for c in columns] + ["history", "path", "body"]
    rows = []
    for r in records:
        data = record_data(r)
        row = {".".join(c): _csv_value(_get(data, c)) for c in columns}
        row["history"] = json.dumps(data["history"], ensure_ascii=False, separators=(",", ":"))
        row.update(path=r.path, body=r.body)
        rows.append(row)
    return names, rows


def event_rows(records: Iterable[Record]) -> Iterator[dict[str, Any]]:
    """One row per history event: record_id, record_type, seq (from 1), at, by, status, note."""
    for r in records:
        for seq, event in enumerate(r.history, start=1):
            yield {
                "record_id": r.id,
                "record_type": r.type,
                "seq": seq,
                "at": event.at.isoformat(),
                "by": event.by,
                "status": event.status,
                "note": event.note,
            }


# ---- SQLite --------------------------------------------------------------------------------------


def _sql_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _sql_type(values: Iterable[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds and kinds <= {int, bool}:
        return "INTEGER"
    if kinds and kinds <= {int, float, bool}:
        return "REAL"
    return "TEXT"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_table(
    db: sqlite3.Connection, table: str, columns: list[str], rows: list[list[Any]], primary: str | None
) -> None:
    decls = []
    for i, name in enumerate(columns):
        decl = f"{_quote(name)} {_sql_type(row[i] for row in rows)}"
        decls.append(decl + (" PRIMARY KEY" if name == primary else ""))
    db.execute(f"CREATE TABLE {_quote(table)} ({', '.join(decls)})")
    marks = ", ".join("?" for _ in columns)
    db.executemany(f"INSERT INTO {_quote(table)} VALUES ({marks})", rows)


def export_sqlite(records: Sequence[Record], out: Path) -> dict[str, int]:
    """Write an SQLite database (replacing `out` atomically): a table per type and `events`.

    Returns the number of rows per table. Duplicate ids (which `check` reports) keep the first record.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    counts: dict[str, int] = {}
    try:
        db = sqlite3.connect(tmp)
        try:
            unique = list({r.id: r for r in reversed(records)}.values())[::-1]
            for rtype in TYPES:
                of_type = [r for r in unique if r.type == rtype]
                columns = model_columns(MODELS[rtype])
                names = ["_".join(c) for c in columns] + ["path", "body"]
                rows = []
                for r in of_type:
                    data = record_data(r)
                    rows.append([_sql_value(_get(data, c)) for c in columns] + [r.path, r.body])
                _create_table(db, TYPE_DIRS[rtype], names, rows, "id")
                counts[TYPE_DIRS[rtype]] = len(rows)
            events = [[e[c] for c in EVENT_COLUMNS] for e in event_rows(unique)]
            _create_table(db, "events", list(EVENT_COLUMNS), events, None)
            db.execute("CREATE INDEX events_record ON events (record_id, seq)")
            counts["events"] = len(events)
            db.commit()
        finally:
            db.close()
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return counts
