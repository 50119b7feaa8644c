"""The strict front-matter splitter."""

from __future__ import annotations

import pytest

from kscms.frontmatter import FrontMatterError, join, split


def test_split_keeps_body_and_lines() -> None:
    doc = split("---\na: 1\nb: 2\n---\nBody\n\nmore\n")
    assert doc.yaml == "a: 1\nb: 2\n"
    assert doc.body == "Body\n\nmore\n"
    assert doc.body_line == 5
    assert join(doc.yaml, doc.body) == "---\na: 1\nb: 2\n---\nBody\n\nmore\n"


def test_body_may_hold_its_own_rule_lines() -> None:
    doc = split("---\na: 1\n---\nx\n---\ny\n")
    assert doc.body == "x\n---\ny\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("\ufeff---\na: 1\n---\n", 1, "byte-order mark"),
        ("a: 1\n", 1, "expected '---'"),
        ("---\na: 1\n", 1, "not closed"),
        ("---\na: 1\n...\nbody", 3, "'...'"),
        ("", 1, "expected '---'"),
    ],
)
def test_defects_are_errors_with_lines(text: str, line: int, words: str) -> None:
    with pytest.raises(FrontMatterError) as info:
        split(text)
    assert info.value.line == line and words in str(info.value)
