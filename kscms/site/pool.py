"""Render the record pages: reuse the previous build's file, else the page cache, else render
(in a process pool when there are many).

A page's key is a hash of everything it is made from: its view object, the templates and their
catalogues, the site's globals and the kscms version. Same key, same bytes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kscms import __version__
from kscms.site.cache import PageCache

if TYPE_CHECKING:
    from jinja2 import Environment

    from kscms.site.context import Page
    from kscms.site.writer import SiteWriter

CHUNK = 64
"""Pages handed to a worker process at a time."""
BATCH = 2000
"""Record pages keyed, looked up and rendered together: bounds memory for very large repositories."""
_WORKER: dict[str, Any] = {}


def _init_worker(root: str, language: str, site: dict[str, Any], bytecode: str | None) -> None:
    from kscms.site.environment import make_environment

    env = make_environment(Path(root), language, Path(bytecode) if bytecode else None)
    env.globals.update(site)
    _WORKER["env"] = env


def _render_in_worker(page: Page) -> bytes:
    from kscms.site import render

    return render(_WORKER["env"], page, "internal")


def _keyed(pages: Iterable[Page], fingerprint: str) -> Iterator[tuple[str, Page]]:
    for page in pages:
        digest = hashlib.sha256(fingerprint.encode())
        digest.update(pickle.dumps((page.templates, page.context), protocol=5))
        yield "page:" + digest.hexdigest(), page


def render_records(
    writer: SiteWriter,
    env: Environment,
    pages: Iterable[Page],
    root: Path,
    language: str,
    site: dict[str, Any],
    cache_dir: Path | None,
    jobs: int | None,
    threshold: int,
) -> int:
    """Write every record page under `internal/`, `BATCH` pages at a time; returns how many.

    A process pool renders when a batch has more than `threshold` pages to render (or whenever
    `jobs` > 1 is asked for); the pool starts once and serves every later batch.
    """
    from kscms.site.environment import templates_fingerprint

    fingerprint = "\0".join([__version__, language, templates_fingerprint(root), repr(sorted(site.items()))])
    cache = PageCache(cache_dir) if cache_dir is not None else None
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    count = 0
    with ExitStack() as stack:
        pool: ProcessPoolExecutor | None = None
        for batch in _batches(_keyed(pages, fingerprint), BATCH):
            count += len(batch)
            misses: list[tuple[str, str, Page]] = []
            for key, page in batch:
                rel = "internal/" + page.path
                if writer.reuse(rel, key):
                    continue
                data = cache.get(key.removeprefix("page:")) if cache else None
                if data is not None:
                    writer.write(rel, data, key)
                else:
                    misses.append((rel, key, page))
            if pool is None and workers > 1 and misses and (len(misses) > threshold or (jobs or 0) > 1):
                bytecode = str(cache_dir / "jinja") if cache_dir else None
                pool = stack.enter_context(
                    ProcessPoolExecutor(
                        workers, initializer=_init_worker, initargs=(str(root), language, site, bytecode)
                    )
                )
            rendered = _render_all(env, pool, [page for _rel, _key, page in misses])
            for (rel, key, _page), data in zip(misses, rendered, strict=True):
                writer.write(rel, data, key)
                if cache:
                    cache.put(key.removeprefix("page:"), data)
    return count


def _render_all(env: Environment, pool: ProcessPoolExecutor | None, pages: list[Page]) -> Iterator[bytes]:
    from kscms.site import render

    if pool is not None and len(pages) > 1:
        return pool.map(_render_in_worker, pages, chunksize=CHUNK)
    return (render(env, page, "internal") for page in pages)


def _batches(items: Iterable[tuple[str, Page]], size: int) -> Iterator[list[tuple[str, Page]]]:
    batch: list[tuple[str, Page]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
