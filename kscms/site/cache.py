"""Caches of the site build, in `.kscms-cache/` (or `--cache-dir`): rendered pages by key, and the
Markdown of the wall's quotes by text. Losing the cache only costs time."""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from pathlib import Path

from kscms import __version__


class PageCache:
    """Rendered pages by key in one SQLite file, `<cache>/pages.sqlite`.

    Writes are collected and stored in one transaction per `flush` (a page file each would cost
    more than rendering it); a cache that cannot be read or written only costs time.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / "pages.sqlite"
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, bytes]] = []
        self._broken = False
        self._empty = False
        """Nothing to look up (a cold cache): `get` does not ask SQLite."""
        self._pid = os.getpid()

    def _connect(self) -> sqlite3.Connection | None:
        if self._pid != os.getpid():  # a forked worker opens its own connection
            self._db, self._pid = None, os.getpid()
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # no fsync per commit: a cache only costs time
                db.execute("CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
                self._empty = db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None
                self._db = db
            except (OSError, sqlite3.Error):
                self._broken = True
        return self._db

    def get(self, key: str) -> bytes | None:
        db = self._connect()
        if db is None or self._empty:
            return None
        try:
            row = db.execute("SELECT data FROM pages WHERE key = ?", (f"{__version__}:{key}",)).fetchone()
            return bytes(row[0]) if row else None
        except sqlite3.Error:
            return None

    def put(self, key: str, data: bytes) -> None:
        self._pending.append((f"{__version__}:{key}", data))
        if len(self._pending) >= 1000:
            self.flush()

    def flush(self) -> None:
        """Store the pages put since the last flush."""
        pending, self._pending = self._pending, []
        db = self._connect() if pending else None
        if db is None:
            return
        try:
            with db:
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", pending)
        except sqlite3.Error:
            pass


class MarkdownMemo:
    """`render_with_text` remembered by text hash across builds (`<cache>/markdown.pickle`).

    Only the entries used by the last build are kept, so the file stays as large as the wall.
    """

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / "markdown.pickle" if folder is not None else None
        self.old: dict[str, tuple[str, str]] = {}
        self.used: dict[str, tuple[str, str]] = {}
        if self.path is not None:
            try:
                with open(self.path, "rb") as handle:
                    version, entries = pickle.load(handle)
                if version == __version__ and isinstance(entries, dict):
                    self.old = entries
            except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
                self.old = {}

    def __call__(self, text: str) -> tuple[str, str]:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = self.used.get(key) or self.old.get(key)
        if found is None:
            from kscms.site.markdown import render_with_text

            found = render_with_text(text)
        self.used[key] = found
        return found

    def save(self) -> None:
        if self.path is None or self.used == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".markdown.{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump((__version__, self.used), handle, protocol=5)
            os.replace(tmp, self.path)
        except OSError:
            pass


class WallStore:
    """Each consented compliment's wall item by a key of its inputs (`<cache>/wall.pickle`), so a
    build whose wall changed builds items only for the compliments that changed."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / "wall.pickle" if folder is not None else None
        self.old: dict[str, tuple[str, object, bool, str | None]] = {}
        if self.path is not None:
            try:
                with open(self.path, "rb") as handle:
                    version, entries = pickle.load(handle)
                if version == __version__ and isinstance(entries, dict):
                    self.old = entries
            except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError, AttributeError):
                self.old = {}

    def save(self, entries: dict[str, tuple[str, object, bool, str | None]]) -> None:
        if self.path is None or entries == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".wall.{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump((__version__, entries), handle, protocol=5)
            os.replace(tmp, self.path)
        except OSError:
            pass
