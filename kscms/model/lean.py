"""The lean reader: valid records and kscms.yaml read without importing pydantic.

`check --base` on a one-file change spends most of its time importing pydantic and building the
models (two thirds of it, measured), while what it reads is nearly always valid. The lean reader
validates such input against `lean_table.TABLE`, which `lean_derive` derives from the pydantic
models' own core schemas, and builds objects with the same fields, values and behaviour
(`kscms.model.behaviour`), on which every rule runs unchanged.

It vouches only for what it can prove valid: the native YAML value of each field (text for text,
an `int` or a `float` for a number, a `date` for a date, an aware `datetime` for a time, or a
date or time in quotes in the ISO forms that Python and pydantic read alike), within the model's
bounds and literals, no unknown keys, nothing required missing, and for a record or a kscms.yaml
nothing that `yamlio` reports. For anything else it raises `NeedsModels`, and the caller
reads the input again with the pydantic models, which explain every problem with its line. So
the lean reader changes how fast a valid input is judged, never what is said about any input;
`tests/test_lean.py` compares both readers field by field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from kscms.model.behaviour import (
    ComplimentBehaviour,
    ConfigBehaviour,
    ImprovementBehaviour,
    Positions,
    RecordBehaviour,
    SignalBehaviour,
    is_known_zone,
)
from kscms.model.kinds import YEARS
from kscms.model.lean_table import TABLE

if TYPE_CHECKING:
    from kscms.model.base import Record
    from kscms.model.config import Config

_EXACT_FLOAT = 1 << 53
"""Integers up to this size become floats exactly, as pydantic makes them."""


class NeedsModels(Exception):
    """The lean reader cannot vouch for this input: read it with the pydantic models instead."""


class LeanModel:
    """Fields as attributes in `__dict__` (as pydantic keeps them); frozen; equal by class and fields."""

    _fields: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        return all(mine[name] == theirs[name] for name in self._fields)

    def __hash__(self) -> int:
        return hash((type(self), *(self.__dict__[name] for name in self._fields)))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"


class LeanRecord(LeanModel, RecordBehaviour):
    """A record's file: path, body and key positions, beside its fields."""

    @property
    def path(self) -> str:
        """Path of the file, relative to the repository root."""
        return cast(str, self.__dict__["_path"])

    @property
    def body(self) -> str:
        """The Markdown body (for a compliment: the quote)."""
        return cast(str, self.__dict__["_body"])

    @property
    def body_line(self) -> int:
        return cast(int, self.__dict__["_body_line"])

    def _positions(self) -> Positions:
        return cast(Positions, self.__dict__["_locs"])


_BASES: dict[str, tuple[type, ...]] = {
    "Signal": (SignalBehaviour, LeanRecord),
    "Compliment": (ComplimentBehaviour, LeanRecord),
    "Improvement": (ImprovementBehaviour, LeanRecord),
    "Config": (LeanModel, ConfigBehaviour),
}
"""The behaviour each lean class shares with its pydantic model (a test checks both sides)."""
RECORD_MODELS = {"signal": "Signal", "compliment": "Compliment", "improvement": "Improvement"}

Check = Callable[[Any], Any]
"""Validates one value: returns it as pydantic would, or raises NeedsModels."""


def _refuse() -> Any:
    raise NeedsModels


def _text(value: Any) -> Any:
    return value if type(value) is str else _refuse()


def _flag(value: Any) -> Any:
    return value if type(value) is bool else _refuse()


_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""A quoted date the lean reader reads itself; pydantic reads more forms (`2026-11-20T00:00:00`,
a Unix time), which it leaves to pydantic."""
_MOMENT_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
"""A quoted time with its zone, in the forms where Python and pydantic read the same moment."""


def _date(value: Any) -> Any:
    # a `date` (not a `datetime`), or a quoted one in the one common form
    if type(value) is str and _DATE_TEXT.fullmatch(value):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise NeedsModels from None
    return value if type(value) is dt.date and value.year in YEARS else _refuse()


def _moment(value: Any) -> Any:
    if type(value) is str and _MOMENT_TEXT.fullmatch(value):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise NeedsModels from None
    if type(value) is dt.datetime and value.utcoffset() is not None and value.year in YEARS:
        return value
    return _refuse()


def _zone(value: Any) -> Any:
    return value if type(value) is str and is_known_zone(value) else _refuse()


def _whole(low: Any, high: Any) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not int or abs(value) >= 1 << 63:
            raise NeedsModels
        if (low is not None and value < low) or (high is not None and value > high):
            raise NeedsModels
        return value

    return check


def _number(low: Any, high: Any) -> Check:
    def check(value: Any) -> Any:
        kind = type(value)
        if kind is int and abs(value) <= _EXACT_FLOAT:
            value = float(value)
        elif kind is not float or not math.isfinite(value):
            raise NeedsModels
        if (low is not None and value < low) or (high is not None and value > high):
            raise NeedsModels
        return value

    return check


def _literal(expected: tuple[str, ...]) -> Check:
    allowed = frozenset(expected)
    return lambda value: value if type(value) is str and value in allowed else _refuse()


def _list(item: Check) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not list:
            raise NeedsModels
        return [item(v) for v in value]

    return check


def _dict(key: Check, item: Check) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not dict:
            raise NeedsModels
        return {key(k): item(v) for k, v in value.items()}

    return check


def _nullable(inner: Check) -> Check:
    return lambda value: None if value is None else inner(value)


def _union(choices: list[Check]) -> Check:
    def check(value: Any) -> Any:
        for choice in choices:
            try:
                return choice(value)
            except NeedsModels:
                continue
        raise NeedsModels

    return check


class _Builder:
    """Compiles the table into one check per model, and the lean class of each model."""

    def __init__(self) -> None:
        self.checks: dict[str, Check] = {}
        self.classes: dict[str, type[LeanModel]] = {}
        for name in TABLE:
            self.model(name)

    def model(self, name: str) -> Check:
        known = self.checks.get(name)
        if known is not None:
            return known
        holder: list[Check] = []
        self.checks[name] = lambda value: holder[0](value)  # resolved below; models may nest
        bases = _BASES.get(name, (LeanModel,))
        cls = cast(type[LeanModel], type(f"Lean{name}", bases, {"_fields": tuple(f[0] for f in TABLE[name])}))
        self.classes[name] = cls
        fields = [(field, self.kind(kind), self.default(default)) for field, kind, default in TABLE[name]]
        names = frozenset(f[0] for f in fields)
        new = object.__new__

        def check(value: Any) -> Any:
            if type(value) is not dict or not names.issuperset(value):
                raise NeedsModels  # not a mapping, or a key the model does not have (extra='forbid')
            instance = new(cls)
            values = instance.__dict__
            for field, validate, default in fields:
                if field in value:
                    values[field] = validate(value[field])
                elif default is None:
                    raise NeedsModels  # a required field is missing
                else:
                    values[field] = default()
            return instance

        holder.append(check)
        self.checks[name] = check
        return check

    def kind(self, desc: tuple[Any, ...]) -> Check:  # noqa: C901 - one branch per kind of the table
        tag = desc[0]
        if tag == "str":
            return _text
        if tag == "bool":
            return _flag
        if tag == "date":
            return _date
        if tag == "moment":
            return _moment
        if tag == "zone":
            return _zone
        if tag == "int":
            return _whole(desc[1], desc[2])
        if tag == "float":
            return _number(desc[1], desc[2])
        if tag == "literal":
            return _literal(desc[1])
        if tag == "list":
            return _list(self.kind(desc[1]))
        if tag == "dict":
            return _dict(self.kind(desc[1]), self.kind(desc[2]))
        if tag == "nullable":
            return _nullable(self.kind(desc[1]))
        if tag == "union":
            return _union([self.kind(d) for d in desc[1]])
        if tag == "model":
            return self.model(desc[1])
        raise ValueError(f"unknown kind {tag!r} in the lean table: regenerate it (make lean-table)")

    def default(self, desc: tuple[Any, ...]) -> Callable[[], Any] | None:
        """A maker of the default value (a fresh one for lists, mappings and models), or None."""
        tag = desc[0]
        if tag == "required":
            return None
        if tag == "value":
            value = desc[1]
            return lambda: value
        if tag == "factory":
            return list if desc[1] == "list" else dict
        if tag == "model":
            check = self.model(desc[1])
            return lambda: check({})
        raise ValueError(f"unknown default {tag!r} in the lean table: regenerate it (make lean-table)")


_BUILT = _Builder()
CHECKS = _BUILT.checks
CLASSES = _BUILT.classes


def lean_data(model: str, data: Any) -> Any:
    """`data` validated as the model named `model` (a key of the table), or NeedsModels."""
    return CHECKS[model](data)


def lean_record(text: str, path: str) -> Record:
    """The record in a file's text, or NeedsModels when the text is not a valid record."""
    from kscms.frontmatter import FrontMatterError, split
    from kscms.model import PLAIN_MAX
    from kscms.yamlfast import load_plain_lines

    try:
        doc = split(text)
    except FrontMatterError:
        raise NeedsModels from None
    found = load_plain_lines(doc.yaml, doc.yaml_line - 1) if len(doc.yaml) <= PLAIN_MAX else None
    if found is None:
        data, locs = _yaml(doc.yaml, doc.yaml_line - 1)
    else:
        data, locs = found
    rtype = data.get("type")
    model = RECORD_MODELS.get(rtype) if type(rtype) is str else None
    if model is None:
        raise NeedsModels
    record = lean_data(model, data)
    values = record.__dict__
    values["_path"], values["_body"], values["_body_line"], values["_locs"] = (
        path,
        doc.body,
        doc.body_line,
        locs,
    )
    return cast("Record", record)


def lean_config(text: str, path: str) -> Config:
    """kscms.yaml's text as a configuration, or NeedsModels when it has any problem."""
    from kscms.config import config_problems
    from kscms.yamlfast import load_plain_lines
    from kscms.yamlio import Parsed

    found = load_plain_lines(text)
    data, locs = _yaml(text, 0) if found is None else found
    config = cast("Config", lean_data("Config", data))
    if config_problems(config, Parsed(data, cast(Any, locs)), path):
        raise NeedsModels
    return config


def _yaml(text: str, line_offset: int) -> tuple[dict[str, Any], Positions]:
    """A mapping read by `yamlio` (what the plain-style reader leaves), or NeedsModels."""
    from kscms.yamlio import load

    parsed = load(text, line_offset=line_offset)
    if parsed.issues or type(parsed.data) is not dict:
        raise NeedsModels
    return parsed.data, cast(Positions, parsed.locs)
