"""Split a record's text into its YAML front matter and its Markdown body, strictly.

The splitter keeps offsets so that line numbers in the YAML map to lines in the file, and so that
a rewrite can change only the lines that changed.
"""

from __future__ import annotations

from dataclasses import dataclass

DELIMITER = "---"


class FrontMatterError(ValueError):
    """The text does not start with a well-formed `---` block."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Document:
    """A record file cut into its parts."""

    yaml: str
    """The text between the two `---` lines (ends with a newline when non-empty)."""
    body: str
    """Everything after the closing `---` line."""
    yaml_line: int
    """1-based file line of the first YAML line (always 2)."""
    body_line: int
    """1-based file line of the first body line."""

    def join(self, yaml_text: str | None = None, body: str | None = None) -> str:
        y = self.yaml if yaml_text is None else yaml_text
        b = self.body if body is None else body
        return join(y, b)


def join(yaml_text: str, body: str) -> str:
    if yaml_text and not yaml_text.endswith("\n"):
        yaml_text += "\n"
    return f"{DELIMITER}\n{yaml_text}{DELIMITER}\n{body}"


def split(text: str) -> Document:
    """Cut `text` into front matter and body; raise FrontMatterError with a line on any defect."""
    if text.startswith("\ufeff"):
        raise FrontMatterError("file starts with a byte-order mark: save it as UTF-8 without BOM", 1)
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip("\r") != DELIMITER:
        raise FrontMatterError(
            f"file starts with {first[:40]!r}, expected '---': a record begins with a front-matter block", 1
        )
    if first_end < 0:
        raise FrontMatterError("front matter is not closed: add a line '---' after the fields", 1)
    pos = first_end + 1
    line_no = 2
    while pos <= len(text):
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        stripped = line.rstrip("\r")
        if stripped == DELIMITER:
            yaml_text = text[first_end + 1 : pos]
            body = "" if nl < 0 else text[nl + 1 :]
            return Document(yaml_text, body, 2, line_no + 1)
        if stripped == "...":
            raise FrontMatterError("front matter ends with '...': end it with '---' instead", line_no)
        if nl < 0:
            break
        pos = nl + 1
        line_no += 1
    raise FrontMatterError("front matter is not closed: add a line '---' after the fields", 1)
