"""`kscms schema`: the exported JSON Schema requires what `kscms check` requires (SPEC §3).

jsonschema is not a dependency, so the required lists, `$ref`s and the id pattern are tested directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kscms.cli import cli
from kscms.model import parse_front
from kscms.model.ids import LETTER_TYPES

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((Path(__file__).parent / "fixtures" / "records" / "valid").glob("*.md"))
DEMO = sorted((ROOT / "records").rglob("*.md"))
TYPES = ("signal", "compliment", "improvement")


def schema(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["schema", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


@pytest.mark.parametrize("record_type", TYPES)
def test_schema_requires_type_and_history_and_patterns_the_id(record_type: str) -> None:
    data = schema(record_type)
    assert {"id", "type", "title", "status", "created", "history"} <= set(data["required"])
    assert ("kind" in data["required"]) is (record_type == "signal")
    assert data["properties"]["history"]["minItems"] == 1
    rule = data["properties"]["id"]
    letter = record_type[0].upper()
    assert rule["maxLength"] == 64
    assert rule["pattern"] == rf"^{letter}-\d{{8}}-[a-z0-9]+(-[a-z0-9]+)*$"
    for good in ("20261120-printer", "20261120-a-b-3"):
        assert re.search(rule["pattern"], f"{letter}-{good}")
    other = next(t for t in TYPES if t != record_type)[0].upper()
    for bad in ("2026112-printer", "20261120-Printer", "20261120-a--b", "20261120-printer-"):
        assert not re.search(rule["pattern"], f"{letter}-{bad}"), bad
    assert not re.search(rule["pattern"], f"{other}-20261120-printer")


def test_schema_of_all_types_has_every_ref_it_uses() -> None:
    data = schema()
    assert data["oneOf"] == [{"$ref": f"#/$defs/{t.title()}"} for t in TYPES]
    for ref in refs(data):
        assert ref.startswith("#/$defs/") and ref.removeprefix("#/$defs/") in data["$defs"], ref
    assert "history" in data["$defs"]["Compliment"]["required"]


@pytest.mark.parametrize("path", DEMO, ids=[p.stem for p in DEMO])
def test_demo_records_meet_the_required_fields_and_id_pattern(path: Path) -> None:
    parsed, _body, _line, problems = parse_front(path.read_text(encoding="utf-8"), str(path))
    assert parsed is not None, problems
    record = parsed.data
    data = schema(record["type"])
    assert [name for name in data["required"] if name not in record] == []
    assert re.search(data["properties"]["id"]["pattern"], record["id"])
    assert len(record["id"]) <= data["properties"]["id"]["maxLength"]
    assert len(record["history"]) >= data["properties"]["history"]["minItems"]


def _without(text: str, field: str) -> str:
    """The record's text without the top-level `field` (and its indented lines)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
    end = start + 1
    while lines[end].startswith(" "):
        end += 1
    return "\n".join(lines[:start] + lines[end:])


@pytest.mark.parametrize("fixture", VALID, ids=[f.stem for f in VALID])
def test_check_reports_each_field_the_schema_requires(make_repo, fixture: Path) -> None:  # type: ignore[no-untyped-def]
    stem = fixture.stem
    record_type = LETTER_TYPES[stem[0]]
    rel = f"records/{record_type}s/{stem[2:6]}/{stem}.md"
    text = fixture.read_text(encoding="utf-8")
    root = make_repo(files={rel: text})
    for field in schema(record_type)["required"]:
        (root / rel).write_text(_without(text, field), encoding="utf-8")
        result = CliRunner().invoke(cli, ["--root", str(root), "check", "--format", "json"])
        assert result.exit_code == 1, field
        found = [(p["code"], p["message"]) for p in json.loads(result.stdout)]
        assert any(
            code == "missing-field" and message.startswith(f"`{field}` is missing") for code, message in found
        ), (field, found)
