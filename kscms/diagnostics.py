"""Problems as data, and the pure functions that format them (text, GitHub annotations, JSON)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a record, the config or a change."""

    path: str
    """Path of the file, relative to the repository root where possible."""
    line: int
    """1-based line of the offending key (0 when the whole file is meant: shown as line 1)."""
    code: str
    """Stable kebab-case id from `kscms.checks.codes`."""
    message: str
    """found → expected → what to do; the field in backticks; no trailing period."""
    severity: str = "error"
    """`error` or `warning`."""
    field: str = ""
    """Dotted field path, e.g. `maker.name` or `history.2.by`."""

    @property
    def shown_line(self) -> int:
        """The line every format shows: a problem of the whole file (line 0) points at its first line,
        so that each one reads `PATH:LINE: ...` (SPEC section 5) and an annotation lands on the file."""
        return self.line or 1

    def located(self) -> str:
        return f"{self.path}:{self.shown_line}"


_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Control and bidi characters as `\\xNN` / `\\uNNNN` escapes, so a terminal or log shows them inertly."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def format_text(problems: Iterable[Problem]) -> str:
    """`PATH:LINE: error[CODE]: message`, one per line (control characters escaped)."""
    return "".join(printable(f"{p.located()}: {p.severity}[{p.code}]: {p.message}") + "\n" for p in problems)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Iterable[Problem]) -> str:
    """GitHub workflow commands, exactly as SPEC section 5 has them: `::error file=PATH,line=LINE::message`
    (the code leads the message, as `[CODE] message`, since the spec's form has no other place for it)."""
    out = []
    for p in problems:
        level = "warning" if p.severity == "warning" else "error"
        props = f"file={_escape_property(p.path)},line={p.shown_line}"
        out.append(printable(f"::{level} {props}::{_escape_data(f'[{p.code}] {p.message}')}") + "\n")
    return "".join(out)


def format_json(problems: Iterable[Problem]) -> str:
    """A JSON list of `{path, line, code, message, severity}` (SPEC section 5: those keys, no more)."""
    rows = [
        {"path": p.path, "line": p.shown_line, "code": p.code, "message": p.message, "severity": p.severity}
        for p in problems
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
