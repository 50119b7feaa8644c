"""The static site: gather → context → render → write (SPEC section 8).

`build(repo, out)` writes `out/public/` (the wall of compliments, from whitelisted view objects
only) and `out/internal/` (dashboards, improvement log, a page per record), both self-contained.
The output depends only on the records, the templates and the as-of date: the same inputs give
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kscms.diagnostics import Problem

if TYPE_CHECKING:
    from jinja2 import Environment, Template

    from kscms.model.base import Record
    from kscms.repository import Repository
    from kscms.site.context import Page
    from kscms.site.public import RawFile

__all__ = ["build", "BuildResult", "build_date"]

_SELECTED: weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], Any]] = weakref.WeakKeyDictionary()
"""Per environment: the template chosen for each tuple of candidates (misses are costly to repeat)."""
PARALLEL_THRESHOLD = 500
"""Above this many record pages to render, a process pool renders them."""


@dataclass
class BuildResult:
    """What a build did."""

    out: Path
    """The output folder."""
    as_of: dt.date
    """The as-of date the site shows (and its build timestamp)."""
    public_pages: int = 0
    internal_pages: int = 0
    written: int = 0
    """Files whose bytes changed (or are new)."""
    unchanged: int = 0
    """Files identical to the previous build (kept as they were)."""
    records: int = 0
    skipped: list[Problem] = field(default_factory=list)
    """Problems of records that could not be read (they are left out of the site)."""
    withheld: list[str] = field(default_factory=list)
    """Ids of consented compliments kept off the wall: their public fields seem to hold personal data."""
    seconds: float = 0.0
    public_only: bool = False


def build_date(records: Iterable[Record], config: Any) -> dt.date:
    """The default as-of date: the local date of the newest event (or `created`) in the records.

    Without records: today in the configured time zone.
    """
    newest: dt.date | None = None
    for record in records:
        day = config.local_date(record.history[-1].at) if record.history else record.created
        if newest is None or day > newest:
            newest = day
    return newest or config.local_date(dt.datetime.now(dt.UTC))


def _static_files(env_dirs: list[Path]) -> dict[str, bytes]:
    """static/ of the built-in theme, overlaid by the user's static/ files."""
    files: dict[str, bytes] = {}
    for folder in reversed(env_dirs):  # built-in first, the user's own win
        static = folder / "static"
        if static.is_dir():
            for path in sorted(p for p in static.rglob("*") if p.is_file()):
                files["static/" + path.relative_to(static).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))


def select(env: Environment, templates: tuple[str, ...]) -> Template:
    """The first of `templates` that exists (remembered per environment)."""
    chosen = _SELECTED.setdefault(env, {})
    template: Template | None = chosen.get(templates)
    if template is None:
        template = chosen[templates] = env.select_template(list(templates))
    return template


def render(env: Environment, page: Page, site_kind: str) -> bytes:
    """Render one page of the `public` or `internal` site with its relative root."""
    from kscms.site.context import relative_root

    template = select(env, page.templates)
    return template.render(
        root=relative_root(page.path), page_path=page.path, site_kind=site_kind, **page.context
    ).encode("utf-8")


def build(
    repo: Repository,
    out: Path,
    public_only: bool = False,
    as_of: dt.date | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
) -> BuildResult:
    """Build `out/public/` and (unless `public_only`) `out/internal/`; swap them in at the end.

    `as_of`: the date whose end the site shows (default: the newest event's date, not the clock;
    today in the configured time zone when there are no records).
    `cache_dir`: record facts and rendered pages between builds (default `<root>/.kscms-cache`).
    `jobs`: processes for reading records and rendering their pages (default: one per CPU when
    there are many records to read or pages to render).
    """
    from kscms.site.environment import make_environment, site_translations
    from kscms.site.formats import Formats
    from kscms.site.gather import FactStore
    from kscms.site.pool import RecordPages
    from kscms.site.writer import SiteWriter

    started = time.perf_counter()
    config = repo.config
    cache = (cache_dir if cache_dir is not None else repo.root / ".kscms-cache") if use_cache else None
    env = make_environment(repo.root, config.language, cache / "jinja" if cache else None)
    formats = Formats(config.language, config.tz, site_translations(repo.root, config.language))
    writer = SiteWriter(Path(out))
    store = FactStore(cache)
    pages = RecordPages(env, config, formats, writer.tmp, cache)
    live: list[Any] = []
    try:
        from kscms.site.assemble import gather_records, write_site

        gathered, workers = gather_records(repo, store, pages, jobs, PARALLEL_THRESHOLD)
        if workers is not None:
            live.append(workers)
        result = write_site(
            repo,
            writer,
            env,
            formats,
            pages,
            gathered,
            workers,
            public_only,
            as_of,
            jobs,
            PARALLEL_THRESHOLD,
            live,
            cache,
        )
        writer.commit()
        store.save(gathered.entries)
    except BaseException:
        writer.abort()
        raise
    finally:
        for workers in live:
            workers.close()
        gc.unfreeze()  # what the build froze (`kscms.heap.settled_heap`) is collectable again (`kscms serve`)
    result.written, result.unchanged = writer.written, writer.unchanged
    result.seconds = time.perf_counter() - started
    return result


def _site_globals(config: Any, formats: Any, day: dt.date) -> dict[str, Any]:
    return {
        "site_title": config.site.title,
        "organisation": config.organisation,
        "as_of": day.isoformat(),
        "as_of_label": formats.date(day),
    }


def _emit(writer: Any, env: Environment, site_kind: str, item: Page | RawFile, raw: type) -> None:
    if isinstance(item, raw):
        writer.write(f"{site_kind}/{item.path}", item.data)  # type: ignore[union-attr]
    else:
        writer.write(f"{site_kind}/{item.path}", render(env, item, site_kind))  # type: ignore[arg-type]
