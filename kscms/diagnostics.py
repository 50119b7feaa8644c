"""Problems as data, and the pure functions that format them (text, GitHub annotations, JSON)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a record, the config or a change."""

    path: str
    """Path of the file, relative to the repository root where possible."""
    line: int
    """1-based line of the offending key (0 when the whole file is meant)."""
    code: str
    """Stable kebab-case id from `kscms.checks.codes`."""
    message: str
    """found → expected → what to do; the field in backticks; no trailing period."""
    severity: str = "error"
    """`error` or `warning`."""
    field: str = ""
    """Dotted field path, e.g. `maker.name` or `history.2.by`."""

    def located(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


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
    """GitHub workflow commands: `::error file=PATH,line=LINE::message`."""
    out = []
    for p in problems:
        level = "warning" if p.severity == "warning" else "error"
        props = f"file={_escape_property(p.path)}"
        if p.line:
            props += f",line={p.line}"
        props += f",title={_escape_property(p.code)}"
        out.append(printable(f"::{level} {props}::{_escape_data(p.message)}") + "\n")
    return "".join(out)


def format_json(problems: Iterable[Problem]) -> str:
    """A JSON list of `{path, line, code, message, severity, field}`."""
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
