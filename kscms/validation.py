"""Turn pydantic validation errors into located problems (shared by config and records)."""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from kscms.diagnostics import Problem
from kscms.yamlio import Parsed, Path, dotted


def _model_at(model: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at `path`, if any."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            current = _unwrap(current, list_item=True)
            continue
        if typing.get_origin(_strip_optional(current)) is dict:
            current = typing.get_args(_strip_optional(current))[1]
            continue
        current = _unwrap(current)
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _strip_optional(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(options) != 1:
                return tp
            tp = options[0]
        else:
            return tp


def _unwrap(tp: Any, list_item: bool = False) -> Any:
    """Strip Optional/Annotated/list/dict wrappers to reach a model class."""
    for _ in range(6):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else options[0]
        elif origin in (list, tuple) and list_item:
            tp = typing.get_args(tp)[0]
            list_item = False
        else:
            break
    return tp


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path:
    """The part of pydantic's `loc` that names real keys and indexes in `data`."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if (
            isinstance(node, dict)
            and isinstance(part, str)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]  # type: ignore[index]
        elif isinstance(node, dict) and isinstance(part, str) and out[-1:] != [part]:
            # a missing key: keep it (the line is its parent's)
            if part.startswith(("function-", "literal[", "union[")) or part[:1].isupper():
                continue
            out.append(part)
            node = None
        else:
            continue
    return tuple(out)


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


MAX_HINTS = 200
"""Unknown keys after this many problems get no "did you mean" hint (bounds the time on hostile input)."""


def problems_from_validation(
    exc: ValidationError, model: type[BaseModel], parsed: Parsed, path: str
) -> list[Problem]:
    """One problem per pydantic error, at the line of the offending key."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        kind = err["type"]
        fpath = _data_path(parsed.data, tuple(err["loc"]))
        name = dotted(fpath)
        if (name, kind) in seen:
            continue
        seen.add((name, kind))
        line = parsed.line_of(fpath)
        if kind == "missing":
            parent = _model_at(model, fpath[:-1])
            expected = ""
            if parent is not None and fpath:
                ann = parent.model_fields.get(str(fpath[-1]))
                if ann is not None and ann.description:
                    expected = f" ({ann.description})"
            problems.append(
                Problem(
                    path,
                    line,
                    "missing-field",
                    f"`{name}` is missing{expected}: add `{fpath[-1]}:`",
                    field=name,
                )
            )
        elif kind == "extra_forbidden":
            parent = _model_at(model, fpath[:-1])
            known = sorted(parent.model_fields) if parent is not None else []
            key = str(fpath[-1]) if fpath else name
            # a hint for the first MAX_HINTS unknown keys: difflib on 50,000 of them takes seconds
            close = difflib.get_close_matches(key, known, n=1) if len(problems) < MAX_HINTS else []
            hint = f"did you mean `{close[0]}`? " if close else ""
            problems.append(
                Problem(
                    path,
                    line,
                    "unknown-field",
                    f"unknown field `{name}`: {hint}known fields here: {', '.join(known)}",
                    field=name,
                )
            )
        else:
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            elif msg.startswith("Assertion failed, "):
                msg = msg[len("Assertion failed, ") :]
            problems.append(
                Problem(
                    path,
                    line,
                    "bad-type",
                    f"`{name}` is {_show(err.get('input'))}, expected: {msg[:1].lower()}{msg[1:]}",
                    field=name,
                )
            )
    return problems
