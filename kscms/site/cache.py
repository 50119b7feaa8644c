"""Caches of the site build, in `.kscms-cache/` (or `--cache-dir`): rendered record pages by key, the
Markdown of the wall's quotes by text and the wall's items. Losing the cache only costs time."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

from kscms import __version__


class PageCache:
    """Rendered record pages by key: `<cache>/pages/<key>`, hard links to the files a build wrote.

    Keeping a page costs one link (no second copy of its bytes); finding one links it into the
    staging folder. Builds never change a written file in place (see `kscms.site.writer`), so the
    output and the cache can share the file. When the cache is on another file system, pages are
    copied instead. A cache that cannot be read or written only costs time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "pages"
        self._prefix = os.fspath(self.folder) + os.sep
        self._empty: bool | None = None
        """No page to look up (a cold cache): `fetch` does not ask the file system."""

    def fetch(self, key: str, target: str) -> bool:
        """Put the page kept under `key` at `target`; False when there is none."""
        if self._empty is None:
            try:
                with os.scandir(self.folder) as entries:
                    self._empty = next(entries, None) is None
            except OSError:
                self._empty = True
        if self._empty:
            return False
        try:
            if os.path.lexists(target):  # the spare's older page (see kscms.site.writer)
                os.unlink(target)
            os.link(self._prefix + key, target)
        except FileNotFoundError:
            return False
        except OSError:
            try:
                shutil.copyfile(self._prefix + key, target)
            except OSError:
                return False
        return True

    def keep(self, key: str, path: str) -> None:
        """Keep the page just written at `path` under `key`."""
        try:
            os.link(path, self._prefix + key)
        except FileExistsError:
            pass
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                self.folder.mkdir(parents=True, exist_ok=True)
                os.link(path, self._prefix + key)
        except OSError:
            tmp = f"{self._prefix}.{key}.{os.getpid()}.tmp"
            with contextlib.suppress(OSError):
                shutil.copyfile(path, tmp)
                os.replace(tmp, self._prefix + key)

    def prune(self, keys: set[str]) -> None:
        """Forget the pages whose key is not in `keys` (those of the last build)."""
        with contextlib.suppress(OSError), os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name not in keys:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
        for old in ("pages.sqlite", "pages.sqlite-wal", "pages.sqlite-shm"):  # kscms 0.1's page cache
            with contextlib.suppress(OSError):
                os.unlink(self.folder.parent / old)


class MarkdownMemo:
    """`render_with_text` remembered by text hash across builds (`<cache>/markdown.pickle`).

    Only the entries used by the last build are kept, so the file stays as large as the wall.
    """

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / "markdown.pickle" if folder is not None else None
        self.old: dict[str, tuple[str, str]] = _load(self.path)
        self.used: dict[str, tuple[str, str]] = {}

    def __call__(self, text: str) -> tuple[str, str]:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = self.used.get(key) or self.old.get(key)
        if found is None:
            from kscms.site.markdown import render_with_text

            found = render_with_text(text)
        self.used[key] = found
        return found

    def save(self) -> None:
        if self.used != self.old:
            _save(self.path, self.used)


class WallStore:
    """Each consented compliment's wall item by a key of its inputs (`<cache>/wall.pickle`), so a
    build whose wall changed builds items only for the compliments that changed."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / "wall.pickle" if folder is not None else None
        self.old: dict[str, tuple[str, object, bool, str | None]] = _load(self.path)

    def save(self, entries: dict[str, tuple[str, object, bool, str | None]]) -> None:
        if entries != self.old:
            _save(self.path, entries)


def _load(path: Path | None) -> dict[str, Any]:
    """The entries pickled at `path` by this version of kscms ({} when absent, old or unreadable)."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as handle:
            version, entries = pickle.loads(handle.read())  # one read: load(handle) reads in pieces
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError, AttributeError):
        return {}
    return entries if version == __version__ and isinstance(entries, dict) else {}


def _save(path: Path | None, entries: dict[str, Any]) -> None:
    """Pickle `entries` at `path` through a temporary file and a rename (a failure only costs time)."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump((__version__, entries), handle, protocol=5)
        os.replace(tmp, path)
    except OSError:
        pass
