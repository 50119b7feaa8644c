"""Derive the lean reader's table (`kscms.model.lean_table`) from the pydantic models.

The table is what pydantic itself validates with: each model's core schema, reduced to a few kinds
of field (text, strict numbers and booleans within bounds, dates, aware times, literals, lists,
mappings, nullable and nested models, with their defaults). Anything else in a core schema (a new
constraint, validator, alias or union) stops the derivation with an error naming it, so a model
change that the lean reader does not understand cannot slip through: teach `kscms.model.lean` the
new kind, then regenerate.

    python -m kscms.model.lean_derive > kscms/model/lean_table.py      (make lean-table)

`tests/test_lean.py` fails while the committed table differs from what this derives.
"""

from __future__ import annotations

import pprint
import sys
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from kscms.model import config_models, record_models

Desc = tuple[Any, ...]
"""One field kind: a tag and its arguments (see `kscms.model.lean`)."""

_FUNCTIONS: dict[str, str] = {
    "kscms.model.base._date_only": "date-only",
    "kscms.model.base._moment_only": "moment-only",
    "kscms.model.base._in_years": "in-years",
    "kscms.model.config.Config._known_zone": "zone",
}
"""Validator functions the lean reader repeats, by module and qualified name."""
_IGNORED_KEYS = frozenset({"metadata", "ref", "serialization"})
"""Core-schema keys that describe documentation or output, not what validation accepts."""


class DeriveError(Exception):
    """A part of a model's core schema that the lean reader does not know."""


def derive() -> dict[str, tuple[tuple[str, Desc, Desc], ...]]:
    """Model name -> ((field, kind, default), ...) for every model a record or kscms.yaml uses."""
    return _walk().table


def model_classes() -> dict[str, type[BaseModel]]:
    """Model name -> the pydantic model of that name (the table's keys)."""
    return _walk().classes


def _walk() -> _Walker:
    walker = _Walker()
    for root in [*record_models().values(), config_models().Config]:
        root.model_rebuild(force=True)  # a deferred build: complete the core schema
        walker.model(dict(root.__pydantic_core_schema__))
    walker.table = dict(sorted(walker.table.items()))
    return walker


class _Walker:
    def __init__(self) -> None:
        self.table: dict[str, tuple[tuple[str, Desc, Desc], ...]] = {}
        self.classes: dict[str, type[BaseModel]] = {}
        self.definitions: dict[str, dict[str, Any]] = {}

    def model(self, schema: dict[str, Any]) -> str:
        """Add the model of a `model` (or `definitions`) core schema to the table; its name."""
        if schema["type"] == "definitions":
            for item in schema["definitions"]:
                self.definitions[item["ref"]] = item
            return self.model(schema["schema"])
        if schema["type"] == "definition-ref":
            return self.model(self.definitions[str(schema["schema_ref"])])
        _only(schema, "model", {"cls", "config", "custom_init", "root_model", "post_init", "schema"})
        cls = schema["cls"]
        name: str = cls.__name__
        if name in self.table:
            if self.classes[name] is not cls:
                raise DeriveError(f"two models are named {name}: the table needs unique names")
            return name
        self.classes[name] = cls
        if schema.get("custom_init") or schema.get("root_model"):
            raise DeriveError(f"{name}: a custom __init__ or a root model")
        post_init = getattr(cls.model_post_init, "__name__", "")
        if schema.get("post_init") not in (None, "model_post_init") or post_init not in (
            "model_post_init",  # BaseModel's, which does nothing
            "init_private_attributes",  # what pydantic puts there for private attributes: their defaults
        ):
            raise DeriveError(f"{name}: a model_post_init of its own ({post_init})")
        config = schema.get("config", {})
        if (
            set(config) - {"title", "extra_fields_behavior"}
            or config.get("extra_fields_behavior") != "forbid"
        ):
            raise DeriveError(f"{name}: config {config} (the lean reader knows extra='forbid' only)")
        fields_schema = schema["schema"]
        _only(fields_schema, "model-fields", {"fields", "computed_fields", "model_name"})
        if fields_schema.get("computed_fields"):
            raise DeriveError(f"{name}: computed fields")
        self.table[name] = ()  # a placeholder against recursion
        fields = []
        for field_name, field in fields_schema["fields"].items():
            _only(field, "model-field", {"schema"})
            where = f"{name}.{field_name}"
            kind, default = self.field(field["schema"], where)
            fields.append((field_name, kind, default))
        self.table[name] = tuple(fields)
        return name

    def field(self, schema: dict[str, Any], where: str) -> tuple[Desc, Desc]:
        """A field's kind and default: ("required",), ("value", v), ("factory", "list" | "dict")
        or ("model", name) for a nested model built from its own defaults."""
        if schema["type"] != "default":
            return self.kind(schema, where), ("required",)
        _only(schema, "default", {"schema", "default", "default_factory", "default_factory_takes_data"})
        kind = self.kind(schema["schema"], where)
        if "default" in schema:
            value = schema["default"]
            if value is not None and type(value) not in (str, int, float, bool):
                raise DeriveError(f"{where}: default {value!r} is not a plain value")
            return kind, ("value", value)
        if schema.get("default_factory_takes_data"):
            raise DeriveError(f"{where}: a default factory that takes data")
        factory = schema["default_factory"]
        if factory in (list, dict):
            return kind, ("factory", factory.__name__)
        made = factory()
        if not isinstance(made, BaseModel) or made != type(made).model_validate({}):
            raise DeriveError(f"{where}: default factory {factory!r} is not a model with its own defaults")
        return kind, ("model", type(made).__name__)

    def kind(self, schema: dict[str, Any], where: str) -> Desc:  # noqa: C901 - one branch per kind
        kind = schema["type"]
        if kind in ("str", "bool"):
            _only(schema, kind, {"strict"})
            return (kind,)
        if kind in ("int", "float"):
            _only(schema, kind, {"strict", "ge", "le"})
            return (kind, schema.get("ge"), schema.get("le"))
        if kind == "literal":
            _only(schema, kind, {"expected"})
            expected = tuple(schema["expected"])
            if not all(type(e) is str for e in expected):
                raise DeriveError(f"{where}: a literal that is not text: {expected}")
            return ("literal", expected)
        if kind == "list":
            _only(schema, kind, {"items_schema", "strict"})
            return ("list", self.kind(schema["items_schema"], where))
        if kind == "dict":
            _only(schema, kind, {"keys_schema", "values_schema", "strict"})
            return (
                "dict",
                self.kind(schema["keys_schema"], where),
                self.kind(schema["values_schema"], where),
            )
        if kind == "nullable":
            _only(schema, kind, {"schema", "strict"})
            return ("nullable", self.kind(schema["schema"], where))
        if kind == "union":
            _only(schema, kind, {"choices", "mode", "strict"})
            choices = tuple(self.kind(c, where) for c in schema["choices"])
            if schema.get("mode", "smart") != "smart" or [c[0] for c in choices] != ["float", "str"]:
                raise DeriveError(f"{where}: a union other than number | text: {choices}")
            return ("union", choices)
        if kind in ("model", "definitions", "definition-ref"):
            return ("model", self.model(schema))
        if kind.startswith("function-"):
            return self.function(schema, where)
        raise DeriveError(f"{where}: core schema type {kind!r}")

    def function(self, schema: dict[str, Any], where: str) -> Desc:
        """A validator function around a schema: the ones `_FUNCTIONS` names, in the known shapes."""
        _only(schema, schema["type"], {"function", "schema"})
        role = _FUNCTIONS.get(_qualified(schema["function"]["function"]))
        inner = schema.get("schema", {})
        if (
            schema["type"] == "function-after"
            and role == "in-years"
            and inner.get("type") == "function-before"
        ):
            before = _FUNCTIONS.get(_qualified(inner["function"]["function"]))
            target = inner["schema"]
            if before == "date-only" and target == {"type": "date"}:
                return ("date",)
            aware = {"type": "datetime", "tz_constraint": "aware", "microseconds_precision": "truncate"}
            if before == "moment-only" and {k: v for k, v in target.items() if k != "metadata"} == aware:
                return ("moment",)
        if schema["type"] == "function-after" and role == "zone" and self.kind(inner, where) == ("str",):
            return ("zone",)
        raise DeriveError(
            f"{where}: validator {_qualified(schema['function']['function'])} ({schema['type']})"
        )


def _qualified(function: Callable[..., Any]) -> str:
    target = getattr(function, "__func__", function)
    return f"{target.__module__}.{target.__qualname__}"


def _only(schema: dict[str, Any], kind: str, allowed: set[str]) -> None:
    """`schema` is of `kind` and has no keys beyond `allowed` (and the documentation ones)."""
    if schema.get("type") != kind:
        raise DeriveError(f"expected a {kind} core schema, found {schema.get('type')!r}")
    extra = set(schema) - allowed - _IGNORED_KEYS - {"type"}
    if extra:
        raise DeriveError(f"{kind} core schema with {sorted(extra)}: the lean reader does not know them")


HEADER = '''"""The lean reader's table: every model's fields, kinds and defaults, as pydantic validates them.

Generated by `make lean-table` (`python -m kscms.model.lean_derive`) from the pydantic models; do
not edit. `tests/test_lean.py` fails while this differs from what the models give.
"""

from __future__ import annotations

from typing import Any

TABLE: dict[str, tuple[tuple[str, tuple[Any, ...], tuple[Any, ...]], ...]] = '''


def render() -> str:
    """The text of `kscms/model/lean_table.py`."""
    return HEADER + pprint.pformat(derive(), width=108, sort_dicts=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
