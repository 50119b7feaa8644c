"""JSON Schema of the record types, generated from the pydantic models (`kscms schema`)."""

from __future__ import annotations

from typing import Any

from kscms.model import MODELS


def record_schema(record_type: str | None = None) -> dict[str, Any]:
    """The schema of one type, or `{"oneOf": [...]}` of all three."""
    if record_type:
        schema = MODELS[record_type].model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        return schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kscms record",
        "oneOf": [MODELS[t].model_json_schema(mode="validation") for t in MODELS],
    }
