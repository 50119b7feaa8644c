"""The plain-style reader (`kscms.yamlfast`) agrees with the full reader (`kscms.yamlio.load`)
wherever it answers: same keys in the same order, same values of the same types."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kscms.frontmatter import split
from kscms.yamlfast import load_plain, load_plain_lines
from kscms.yamlio import load

PROJECT = Path(__file__).resolve().parent.parent


def _agrees(text: str, offset: int = 3) -> bool:
    """True when the fast reader declines or gives exactly what the full reader gives: the same
    data and, for every key path, the same line (the reader with lines declines the same texts)."""
    fast = load_plain(text)
    with_lines = load_plain_lines(text, offset)
    if fast is None:
        assert with_lines is None, text
        return True
    full = load(text, line_offset=offset)
    assert not full.issues, (text, full.issues)
    assert repr(fast) == repr(full.data), text  # repr: order and types (1 != 1.0 != True) too
    assert with_lines is not None and repr(with_lines[0]) == repr(fast), text
    lines = with_lines[1]
    for path, loc in full.locs.items():
        assert _nearest(lines, path) == loc[0], (text, path)
    return False


def _nearest(lines: dict[tuple[str | int, ...], tuple[int]], path: tuple[str | int, ...]) -> int:
    """The line of `path` as `Record.line_of` finds it: that of its nearest ancestor listed."""
    while path not in lines:
        path = path[:-1]
    return lines[path][0]


def test_every_demo_and_fixture_record_reads_the_same_and_most_take_the_fast_path() -> None:
    files = sorted((PROJECT / "records").rglob("*.md")) + sorted((PROJECT / "tests").rglob("*.md"))
    fast = 0
    for path in files:
        try:
            text = split(path.read_text(encoding="utf-8")).yaml
        except (ValueError, UnicodeError):
            continue
        fast += not _agrees(text)
    assert fast > 0.75 * len(list((PROJECT / "records").rglob("*.md")))


def test_what_kscms_writes_takes_the_fast_path() -> None:
    text = (
        "id: S-20261103-bellen\ntype: signal\ntitle: Bellen over opzeggen\nstatus: registered\n"
        "created: 2026-11-03\nkind: complaint\ncustomer: {name: Jan, contact: jan@example.nl}\n"
        "departments: [klantenservice]\ncount: -3\nscore: 2.5\nflag: false\nnothing: ~\n"
        "quoted: \"Klant: boos\"\nsingle: 'a, b'\norigin: {signals: [S-1, S-2], compliments: []}\n"
        "decision:\n  outcome: accepted\n  reason: Weinig werk\n"
        "history:\n  - {at: 2026-11-03T09:00:00+01:00, by: anne, status: registered}\n"
        '  - {at: 2026-11-04T09:00:00Z, by: bram, status: acknowledged, note: "Gebeld"}\n'
    )
    assert load_plain(text) is not None
    assert not _agrees(text)


SCALARS = st.one_of(
    st.sampled_from(
        [
            "a",
            "true",
            "false",
            "True",
            "null",
            "~",
            "0",
            "-1",
            "+1",
            "007",
            "1.5",
            "1e3",
            ".5",
            "1e999",
            "2026-01-02",
            "2026-02-30",
            "2026-01-02T03:04:05+01:00",
            "2026-01-02 03:04",
            "a: b",
            "a #b",
            "a#b",
            "-",
            "- a",
            "-a",
            "?",
            "? a",
            ":a",
            "a:",
            "@a",
            "a@b",
            "&a",
            "*a",
            "!a",
            "a&b",
            "%a",
            "|",
            ">",
            "'a'",
            '"a"',
            "'a''b'",
            '"a\\"b"',
            '"a, b"',
            "[a]",
            "{a: b}",
            "a, b",
            "[",
            "}",
            "é",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "12345678901234567890",
            "0x10",
            "1_000",
            "yes",
            "on",
            "a\xa0",  # not white space to YAML, though Python's strip() takes it
            "\u3000a",
            "a\x1f",  # control characters, which libyaml refuses
            "a\x0cb",
            "a\u2028b",  # line breaks to libyaml
            "a\x85b",
        ]
    ),
    st.text(alphabet="ab :,-#&*!?[]{}'\"@%|>0123456789.\\", min_size=1, max_size=8),
)
KEYS = st.sampled_from(["a", "b", "id", "key_1", "_x", "1a", "a b", "a-b", "a.b", "x-", "c.d_e"])
COMMENTS = st.sampled_from(
    ["", "", " # c", "  #c", " #", "#x", " # 'q' \"x\"", " # a: b", " # c\u2028b: 2", " # c\x0c", " # c\x85"]
)
"""What may follow a line: nothing, a comment, or a `#` that is part of the value."""


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(KEYS)
        shape = draw(
            st.sampled_from(["scalar", "map", "seq", "nested", "block-seq", "block-map", "raw", "comment"])
        )
        if shape == "scalar":
            lines.append(f"{key}: {draw(SCALARS)}{draw(COMMENTS)}")
        elif shape == "comment":
            lines.append(draw(st.sampled_from(["# c", "  # c", "", "   ", "#", "# 'q' \"x\"", " #: x"])))
        elif shape == "map":
            entries = draw(st.lists(st.tuples(KEYS, SCALARS), max_size=3))
            lines.append(f"{key}: {{" + ", ".join(f"{k}: {v}" for k, v in entries) + "}" + draw(COMMENTS))
        elif shape == "seq":
            lines.append(f"{key}: [" + ", ".join(draw(st.lists(SCALARS, max_size=3))) + "]")
        elif shape == "nested":
            inner = ", ".join(draw(st.lists(SCALARS, max_size=2)))
            lines.append(f"{key}: {{{draw(KEYS)}: [{inner}], {draw(KEYS)}: {draw(SCALARS)}}}")
        elif shape == "block-seq":
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  ", " ", "    "]))
            for _ in range(draw(st.integers(0, 3))):
                item = draw(st.one_of(SCALARS, st.just("{a: 1, b: [x]}")))
                lines.append(f"{draw(st.sampled_from([indent, indent, '  ']))}- {item}")
        elif shape == "block-map":
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(0, 3))):
                lines.append(f"{draw(st.sampled_from(['  ', '   ', '']))}{draw(KEYS)}: {draw(SCALARS)}")
                if draw(st.booleans()):
                    lines.append(draw(st.sampled_from(["  # c", "", "# c", "    # c"])))
        else:
            lines.append(draw(st.text(alphabet="ab: -#[]{},'\"\n", max_size=12)))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=1500, deadline=None)
@given(documents())
def test_the_fast_reader_never_disagrees_with_libyaml(text: str) -> None:
    _agrees(text)


PLAIN = st.one_of(
    st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9 .@/:!&*#'\"?-]{0,12}[a-zA-Z0-9.]", fullmatch=True),
    st.sampled_from(
        [
            "1",
            "-2",
            "3.5",
            "2026-01-02",
            "2026-01-02T03:04:05+01:00",
            "true",
            "~",
            '"a: b"',
            "'x'",
            "team:x",
            "a.b@c.nl",
            "a  b",
            "-1.5e3",
            "2026-13-01",
            "1e999",
        ]
    ),
)


@st.composite
def plain_documents(draw: st.DrawFn) -> str:
    """Documents in (or near) the style kscms writes, so that most take the fast path."""
    keys = draw(
        st.lists(
            st.sampled_from(["a", "b", "c", "d", "e", "id", "x_1", "x-1", "k.p"]), min_size=1, unique=True
        )
    )
    lines = []
    for key in keys:
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# c", "  # c: d"])))
        shape = draw(st.sampled_from(["scalar", "map", "seq", "nested", "history", "block-map"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(PLAIN)}{draw(st.sampled_from(['', '  # c']))}")
        elif shape == "map":
            entries = draw(
                st.lists(st.tuples(st.sampled_from("pqrs"), PLAIN), max_size=4, unique_by=lambda e: e[0])
            )
            lines.append(f"{key}: {{" + ", ".join(f"{k}: {v}" for k, v in entries) + "}")
        elif shape == "seq":
            lines.append(f"{key}: [" + ", ".join(draw(st.lists(PLAIN, max_size=3))) + "]")
        elif shape == "nested":
            lines.append(f"{key}: {{p: [{', '.join(draw(st.lists(PLAIN, max_size=3)))}], q: {draw(PLAIN)}}}")
        elif shape == "history":
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  "]))
            for _ in range(draw(st.integers(1, 3))):
                lines.append(f"{indent}- {{at: {draw(PLAIN)}, by: {draw(PLAIN)}}}")
        else:
            lines.append(f"{key}:")
            for child in draw(st.lists(st.sampled_from(["p", "q", "r-s", "t.u"]), min_size=1, unique=True)):
                lines.append(f"  {child}: {draw(PLAIN)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=1500, deadline=None)
@given(plain_documents())
def test_the_fast_reader_agrees_on_documents_in_the_plain_style(text: str) -> None:
    _agrees(text)


def test_records_read_with_the_fast_path_validate_and_report_the_same() -> None:
    from kscms.model import parse_record_both

    files = sorted((PROJECT / "records").rglob("*.md")) + sorted(
        (PROJECT / "tests" / "fixtures" / "records").rglob("*.md")
    )
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(PROJECT).as_posix()
        fast_record, fast_data, fast_problems = parse_record_both(text, rel, fast=True)
        record, data, problems = parse_record_both(text, rel)
        assert fast_problems == problems, rel
        assert fast_data == data, rel
        if record is not None:
            assert fast_record is not None and fast_record.model_dump() == record.model_dump(), rel
            assert fast_record.body == record.body and fast_record.body_line == record.body_line


def test_records_rebuilt_in_the_build_process_equal_the_originals_and_share_their_field_sets() -> None:
    from kscms.model import parse_record_both, record_from_data

    rebuilt = []
    for path in sorted((PROJECT / "records").rglob("*.md")):
        rel = path.relative_to(PROJECT).as_posix()
        record, data, _problems = parse_record_both(path.read_text(encoding="utf-8"), rel)
        assert record is not None and data is not None
        again = record_from_data(data, rel, str(path))
        assert again.model_dump() == record.model_dump()
        assert again.model_dump(exclude_unset=True) == record.model_dump(exclude_unset=True)
        rebuilt.append(again)
    events = [e for r in rebuilt for e in r.history]
    assert len({id(e.__pydantic_fields_set__) for e in events}) < 10 < len(events)
    with pytest.raises(ValidationError):  # frozen: nothing can change a field, nor the shared set
        events[0].by = "iemand"  # type: ignore[misc]
    assert events[0].__pydantic_fields_set__ == {"at", "by", "status"} | (
        {"note"} if events[0].note else set()
    )
