"""JSON Schema of the record types, generated from the pydantic models (`kscms schema`).

The models give `type` and `history` defaults (so that code can build records field by field), but
`kscms check` requires both, and checks the id's form in a rule of its own (`bad-id`); the exported
schema says what `check` accepts, so editors and forms flag the same records. Runtime validation is
unchanged: only the exported schema is adjusted.
"""

from __future__ import annotations

from typing import Any

from kscms.model import MODELS
from kscms.model.ids import ID_PATTERN, MAX_ID_LENGTH, TYPE_LETTERS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
CHECK_REQUIRED = ("id", "type", "title", "status", "created", "history")
"""Fields every record needs for `kscms check`, defaults in the models notwithstanding (SPEC §3).
Fields required by one type only (a signal's `kind`) are required by its model already."""


def record_schema(record_type: str | None = None) -> dict[str, Any]:
    """The schema of one type, or `{"oneOf": [...]}` of all three (sharing one `$defs`)."""
    from pydantic.json_schema import models_json_schema

    if record_type:
        schema = MODELS[record_type].model_json_schema(mode="validation")
        _as_check_requires(schema, record_type)
        return {"$schema": DIALECT, **schema}
    refs, schema = models_json_schema([(MODELS[t], "validation") for t in MODELS])
    for t in MODELS:
        _as_check_requires(schema["$defs"][MODELS[t].__name__], t)
    return {
        "$schema": DIALECT,
        "title": "kscms record",
        "oneOf": [refs[(MODELS[t], "validation")] for t in MODELS],
        **schema,
    }


def id_pattern(record_type: str) -> str:
    """SPEC §3's id pattern with this type's letter: `^C-\\d{8}-...` for a compliment."""
    return ID_PATTERN.pattern.replace("[SCI]", TYPE_LETTERS[record_type], 1)


def _as_check_requires(schema: dict[str, Any], record_type: str) -> None:
    """Require what `check` requires, and give `id` its pattern and length (in place)."""
    properties: dict[str, Any] = schema["properties"]
    wanted = set(schema.get("required", ())) | set(CHECK_REQUIRED)
    schema["required"] = [name for name in properties if name in wanted]
    properties["id"] = {**properties["id"], "pattern": id_pattern(record_type), "maxLength": MAX_ID_LENGTH}
    properties["history"] = {**properties["history"], "minItems": 1}
