"""Render the record pages: reuse the previous build's file, else the page cache, else render
(in a process pool when there are many).

A page's key is a hash of everything it is made from: its view object, the templates and their
catalogues, the site's globals and the kscms version. Same key, same bytes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kscms import __version__
from kscms.site.cache import PageCache

if TYPE_CHECKING:
    from jinja2 import Environment

    from kscms.site.context import Page
    from kscms.site.writer import SiteWriter

CHUNK = 64
_WORKER: dict[str, Any] = {}


def _init_worker(root: str, language: str, site: dict[str, Any], bytecode: str | None) -> None:
    from kscms.site.environment import make_environment

    env = make_environment(Path(root), language, Path(bytecode) if bytecode else None)
    env.globals.update(site)
    _WORKER["env"] = env


def _render_in_worker(page: Page) -> bytes:
    from kscms.site import render

    return render(_WORKER["env"], page, "internal")


def _keyed(pages: Sequence[Page], fingerprint: str) -> Iterator[tuple[str, Page]]:
    for page in pages:
        digest = hashlib.sha256(fingerprint.encode())
        digest.update(pickle.dumps((page.templates, page.context), protocol=5))
        yield "page:" + digest.hexdigest(), page


def render_records(
    writer: SiteWriter,
    env: Environment,
    pages: Sequence[Page],
    root: Path,
    language: str,
    site: dict[str, Any],
    cache_dir: Path | None,
    jobs: int | None,
    threshold: int,
) -> int:
    """Write every record page under `internal/`; returns how many."""
    from kscms.site import render
    from kscms.site.environment import templates_fingerprint

    fingerprint = "\0".join([__version__, language, templates_fingerprint(root), repr(sorted(site.items()))])
    cache = PageCache(cache_dir) if cache_dir is not None else None
    misses: list[tuple[str, str, Page]] = []
    for key, page in _keyed(pages, fingerprint):
        rel = "internal/" + page.path
        if writer.reuse(rel, key):
            continue
        data = cache.get(key.removeprefix("page:")) if cache else None
        if data is not None:
            writer.write(rel, data, key)
            continue
        misses.append((rel, key, page))
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(misses) > threshold and workers > 1:
        with ProcessPoolExecutor(
            max_workers=workers,
            initializer=_init_worker,
            initargs=(str(root), language, site, str(cache_dir / "jinja") if cache_dir else None),
        ) as pool:
            rendered = pool.map(_render_in_worker, [p for _r, _k, p in misses], chunksize=CHUNK)
            for (rel, key, _page), data in zip(misses, rendered, strict=True):
                writer.write(rel, data, key)
                if cache:
                    cache.put(key.removeprefix("page:"), data)
    else:
        for rel, key, page in misses:
            data = render(env, page, "internal")
            writer.write(rel, data, key)
            if cache:
                cache.put(key.removeprefix("page:"), data)
    return len(pages)
