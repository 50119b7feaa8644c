"""The strict YAML reader: scalars, positions, and refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from kscms.yamlio import MAX_DEPTH, dump_block, dump_flow, dump_scalar, load, parse_value


def test_only_true_and_false_are_booleans() -> None:
    data = load("a: true\nb: false\nc: yes\nd: on\ne: True\n").data
    assert data == {"a": True, "b": False, "c": "yes", "d": "on", "e": "True"}


def test_no_octal_or_sexagesimal_numbers() -> None:
    data = load("a: 017\nb: 0o17\nc: 1:30\nd: 0x1F\ne: 42\nf: -1.5\n").data
    assert data == {"a": "017", "b": "0o17", "c": "1:30", "d": "0x1F", "e": 42, "f": -1.5}


def test_dates_and_aware_datetimes() -> None:
    data = load("a: 2026-11-20\nb: 2026-11-20T09:30:00+01:00\nc: '2026-11-20'\n").data
    assert data["a"] == dt.date(2026, 11, 20)
    assert data["b"] == dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert data["c"] == "2026-11-20"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\nb: &x 2\nc: *x\n", "yaml-alias", 2),
        ("a: !!str 1\n", "yaml-tag", 1),
        ("a: 1\na: 2\n", "yaml-duplicate-key", 2),
        ("a: [1, 2\nb: 3\n", "yaml-syntax", 1),
        ("a: 2026-02-30\n", "bad-type", 1),
        ("a: 1234567890123456789012\n", "bad-type", 1),
        ("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "yaml-too-deep", 1),
        ("a: 1\n---\nb: 2\n", "yaml-syntax", 2),
    ],
)
def test_refusals_are_issues_with_lines(text: str, code: str, line: int) -> None:
    parsed = load(text, line_offset=10)
    assert [(i.code, i.line) for i in parsed.issues][:1] == [(code, line + 10)]


def test_duplicate_key_message_names_both_lines() -> None:
    issue = load("x: 1\ny: 2\nx: 3\n").issues[0]
    assert "first on line 1" in issue.message and issue.line == 3


def test_deep_nesting_is_refused_before_anything_recursive_runs() -> None:
    # libyaml's composer recurses and can crash on ~25,000 levels: the event scan must stop first
    parsed = load("a: " + "[" * 30000 + "]" * 30000 + "\n")
    assert parsed.data is None and parsed.issues[0].code == "yaml-too-deep"


def test_positions_of_nested_keys() -> None:
    parsed = load("a: 1\nb:\n  c: {d: 2}\nh:\n  - {x: 1}\n  - {x: 2}\n", line_offset=1)
    assert parsed.line_of(("b", "c", "d")) == 4
    assert parsed.line_of(("h", 1, "x")) == 7
    assert parsed.line_of(("nope",)) == 2


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "yes",
        "017",
        "a: b",
        "# not a comment",
        "line\nbreak",
        "",
        " padded ",
        "[x]",
        "@at",
        "€ ünïcode",
        True,
        3,
        2.5,
        None,
        dt.date(2026, 1, 2),
        dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
    ],
)
def test_dumped_scalars_read_back_as_the_same_value(value: object) -> None:
    assert load(f"k: {dump_scalar(value)}\n").data == {"k": value}


def test_dump_block_round_trips_the_record_style() -> None:
    data = {
        "title": "Snel: top",
        "consent": {"maker": True},
        "history": [{"at": "x", "by": "anne"}],
        "notes": "twee\nregels\n",
        "tags": [],
    }
    text = dump_block(data)
    assert "history:\n  - {at: x, by: anne}\n" in text
    assert load(text).data == data


def test_parse_value_reads_flow_collections() -> None:
    assert parse_value("[team:a, person:b]") == ["team:a", "person:b"]
    assert parse_value("{fits: true}") == {"fits": True}
    assert dump_flow({"a": [1, "b c"]}) == "{a: [1, b c]}"
    with pytest.raises(ValueError):
        parse_value("[unclosed")
