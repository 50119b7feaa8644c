"""Minimal rewrites: the edited front matter reads back as intended and only the edited lines change."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest

from kscms.frontmatter import split
from kscms.rewrite import apply
from kscms.yamlio import load

DEMO = sorted((Path(__file__).resolve().parent.parent / "records").rglob("*.md"))
AT = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.mark.parametrize("path", DEMO[:: max(1, len(DEMO) // 40)], ids=lambda p: p.stem)
def test_edits_on_demo_records_touch_only_their_lines(path: Path) -> None:
    yaml_text = split(path.read_text(encoding="utf-8")).yaml
    before = load(yaml_text).data
    changes = {("status",): "zz_new", ("notes",): "Intern: nagebeld", ("result", "summary"): "Beter"}
    event = {"at": AT, "by": "anne", "status": "zz_new", "note": "Let op: test"}
    after_text = apply(yaml_text, changes, append={("history",): event})
    after = load(after_text).data
    expected = dict(before)
    expected["status"] = "zz_new"
    expected["notes"] = "Intern: nagebeld"
    expected["result"] = {**before.get("result", {}), "summary": "Beter"}
    expected["history"] = [*before["history"], event]
    assert after == expected
    diff = [d for d in difflib.ndiff(yaml_text.splitlines(), after_text.splitlines()) if d[:1] in "+-"]
    # status line replaced (2), notes (1-2), result (1-2), one history line added
    assert len(diff) <= 8, diff


def test_block_scalar_is_replaced_whole() -> None:
    text = (
        "title: x\nnotes: |\n  regel een\n  regel twee\nstatus: a\nhistory:\n  - {at: 1, by: a, status: a}\n"
    )
    out = apply(text, {("notes",): "kort"})
    assert out == "title: x\nnotes: kort\nstatus: a\nhistory:\n  - {at: 1, by: a, status: a}\n"


def test_new_nested_key_goes_into_its_block_mapping() -> None:
    text = "title: x\ncomplaint:\n  severity: low\nstatus: a\n"
    out = apply(text, {("complaint", "resolution"): "Creditnota"})
    assert out == "title: x\ncomplaint:\n  severity: low\n  resolution: Creditnota\nstatus: a\n"


def test_null_parent_becomes_a_mapping() -> None:
    text = "title: x\ndecision:\nstatus: a\n"
    out = apply(text, {("decision", "reason"): "Te duur"})
    assert load(out).data == {"title": "x", "decision": {"reason": "Te duur"}, "status": "a"}


def test_comments_elsewhere_survive() -> None:
    text = "# kop\ntitle: x  # titel\nstatus: a\n"
    out = apply(text, {("status",): "b"})
    assert out == "# kop\ntitle: x  # titel\nstatus: b\n"


def test_history_in_block_style_gets_a_flow_item_in_the_same_indentation() -> None:
    text = "status: a\nhistory:\n- at: 1\n  by: a\n  status: a\n"
    out = apply(text, {("status",): "b"}, append={("history",): {"at": 2, "by": "b", "status": "b"}})
    assert out == "status: b\nhistory:\n- at: 1\n  by: a\n  status: a\n- {at: 2, by: b, status: b}\n"
