"""Caches of the site build, in `.kscms-cache/` (or `--cache-dir`): rendered pages by key, and the
Markdown of the wall's quotes by text. Losing the cache only costs time."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from kscms import __version__
from kscms.site.markdown import render_with_text


class PageCache:
    """Rendered pages by key in `<cache>/pages/<xx>/<key>.html` (written atomically)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "pages"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written only costs time
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
