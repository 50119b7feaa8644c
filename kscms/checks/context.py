"""What checks may consult beyond the record itself: config, the id index, other records on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.model.base import Record


@dataclass
class CheckContext:
    """Shared by every rule of one `check` run."""

    config: Config
    now: dt.datetime
    ids: dict[str, list[str]] = field(default_factory=dict)
    """id -> paths of the files with that stem (from file names only: no parsing)."""
    loader: Callable[[str], Record | None] | None = None
    """Parses the record with a given id on demand (for cross-record rules)."""
    paths_are_relative: bool = True

    def exists(self, record_id: str) -> bool:
        return record_id in self.ids

    def lookup(self, record_id: str) -> Record | None:
        return self.loader(record_id) if self.loader else None
