"""Fields every record has, the history event, and the Record base class."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
)

from kscms.model.behaviour import Positions, RecordBehaviour
from kscms.model.kinds import YEARS

StrictBool = Annotated[bool, Strict()]
StrictInt = Annotated[int, Strict()]
Number = Annotated[float, Strict()]


def _date_only(value: Any) -> Any:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise ValueError("a date YYYY-MM-DD")
    return value


def _in_years(value: Any) -> Any:
    if value.year not in YEARS:
        raise ValueError(f"a year from {YEARS.start} to {YEARS.stop - 1}")
    return value


def _moment_only(value: Any) -> Any:
    """A time as YAML reads it, or as written in quotes; not a number (pydantic would take 5 as
    1970-01-01T00:00:05Z)."""
    if not isinstance(value, dt.datetime | str):
        raise ValueError("an ISO 8601 time with zone, e.g. 2026-11-20T09:30:00+01:00")
    return value


Date = Annotated[dt.date, BeforeValidator(_date_only), AfterValidator(_in_years)]
Moment = Annotated[AwareDatetime, BeforeValidator(_moment_only), AfterValidator(_in_years)]


def _private(model: BaseModel) -> dict[str, Any]:
    """A model's private attribute values, read directly: pydantic's `__getattr__` for one costs
    microseconds, and `audit` reads record paths and positions hundreds of thousands of times."""
    return model.__pydantic_private__  # type: ignore[return-value]


class Block(BaseModel):
    """A nested mapping of a record: unknown keys are errors."""

    # defer_build: a record type's validator is built when the first record of that type is read,
    # so `check --base` on one improvement never builds the signal and compliment validators
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Event(Block):
    """One step in a record's history (append-only audit trail)."""

    at: Moment = Field(description="ISO 8601 time with zone, e.g. 2026-11-20T09:30:00+01:00")
    """When it happened."""
    by: str = Field(description="people key of who did it")
    """Who did it (a people key)."""
    status: str = Field(description="the status the record has after this event")
    """The status after the event."""
    note: str | None = None
    """Free text (internal)."""


class Record(RecordBehaviour, Block):
    """Common fields of signals, compliments and improvements."""

    id: str = Field(description="S|C|I-YYYYMMDD-slug")
    type: str = Field(description="signal, compliment or improvement")
    title: str
    status: str
    created: Date = Field(description="date received, YYYY-MM-DD")
    departments: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    history: list[Event] = Field(default_factory=list)
    notes: str | None = None

    _path: str = PrivateAttr(default="")
    _body: str = PrivateAttr(default="")
    _body_line: int = PrivateAttr(default=0)
    _locs: dict[tuple[str | int, ...], Any] | None = PrivateAttr(default=None)
    _file: str = PrivateAttr(default="")
    """Absolute path to re-read positions from when the record came without them (worker processes)."""

    @property
    def path(self) -> str:
        """Path of the file, relative to the repository root."""
        return _private(self)["_path"]  # type: ignore[no-any-return]

    @property
    def body(self) -> str:
        """The Markdown body (for a compliment: the quote)."""
        return _private(self)["_body"]  # type: ignore[no-any-return]

    @property
    def body_line(self) -> int:
        return _private(self)["_body_line"]  # type: ignore[no-any-return]

    def _positions(self) -> Positions:
        """Key positions, read again from the file if the record was built without them."""
        locs: dict[tuple[str | int, ...], Any] | None = _private(self)["_locs"]
        if locs is not None:
            return locs
        self._locs = {}
        if self._file:
            from kscms.frontmatter import FrontMatterError, split
            from kscms.yamlio import load

            try:
                with open(self._file, encoding="utf-8") as handle:
                    doc = split(handle.read())
                self._locs = load(doc.yaml, line_offset=doc.yaml_line - 1).locs
            except (OSError, UnicodeError, FrontMatterError):
                pass
        return self._locs
