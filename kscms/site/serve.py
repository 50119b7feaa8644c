"""`kscms serve`: build, serve the output on localhost, and rebuild when a record, kscms.yaml or a
template changes (polling: no extra dependency, works on every file system)."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kscms.site import BuildResult, build

POLL_SECONDS = 0.5


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every input of the site: kscms.yaml, records/, site_templates/."""
    found: dict[str, tuple[int, int]] = {}
    for top in ("kscms.yaml", "records", "site_templates"):
        base = root / top
        paths = (
            [base] if base.is_file() else (p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []
        )
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            found[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the output folder; quiet, and never cached by the browser."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class SiteServer:
    """A built site served on localhost, rebuilt on change; `stop()` ends both."""

    def __init__(
        self,
        root: Path,
        out: Path,
        port: int = 8000,
        host: str = "127.0.0.1",
        as_of: dt.date | None = None,
        on_build: Callable[[BuildResult | Exception], None] | None = None,
    ) -> None:
        self.root = root
        self.out = Path(os.path.abspath(out))
        self.as_of = as_of
        self.on_build = on_build or (lambda _r: None)
        self._stop = threading.Event()
        self._seen: dict[str, tuple[int, int]] = {}
        self._parsed: dict[str, Any] = {}
        if self.rebuild() is None:  # nothing built: never serve what OUT held (e.g. --out records)
            from kscms.errors import ConfigError

            raise ConfigError(f"the first build into {out} failed (above): nothing to serve")
        handler = functools.partial(_Handler, directory=str(self.out))
        self.httpd = http.server.ThreadingHTTPServer((host, port), handler)
        self.port = int(self.httpd.server_address[1])
        self.host = host
        self.builds = 1

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def rebuild(self) -> BuildResult | None:
        """Build once; parse only the record files that changed since the last build."""
        from kscms.repository import Repository

        seen = snapshot(self.root)
        repo = Repository.open(self.root)
        if "kscms.yaml" not in self._seen or self._seen.get("kscms.yaml") == seen.get("kscms.yaml"):
            for rel, parsed in self._parsed.items():
                if self._seen.get(rel) == seen.get(rel):
                    repo._cache[rel] = parsed  # unchanged file: reuse its parse
        self._seen = seen
        try:
            result = build(repo, self.out, as_of=self.as_of)
        except Exception as exc:  # a broken record or template must not stop the server
            self.on_build(exc)
            return None
        self._parsed = dict(repo._cache)
        self.on_build(result)
        return result

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            if snapshot(self.root) != self._seen:
                self.rebuild()
                self.builds += 1

    def serve_forever(self) -> None:
        """Serve and watch until `stop()` (or Ctrl-C in the caller)."""
        watcher = threading.Thread(target=self._watch, name="kscms-watch", daemon=True)
        watcher.start()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self._stop.set()
            watcher.join(timeout=5)
            self.httpd.server_close()

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
