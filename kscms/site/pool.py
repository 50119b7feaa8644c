"""Record pages: keyed by what they are made from, reused when unchanged, else rendered (in the
worker processes that read the records, when there are many).

A record page is made from the record's file, the titles of the records it links to and of those
that link to it, and what every page shares: kscms's version, the templates and catalogues,
kscms.yaml and the as-of date (`base_fingerprint`). Its key hashes exactly those, so it is known
from the records' facts alone, without parsing: same key, same bytes. A page whose key is in the
previous build's manifest is linked from there; else one in the page cache is copied; else it is
rendered.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kscms import __version__
from kscms.site.cache import PageCache

if TYPE_CHECKING:
    import datetime as dt

    from jinja2 import Environment

    from kscms.config import Config
    from kscms.model.base import Record
    from kscms.site.formats import Formats
    from kscms.site.gather import Facts
    from kscms.site.records import RecordViews


def base_fingerprint(root: Path, language: str, site: dict[str, Any], public_only: bool) -> str:
    """What every page is made from besides its own data: version, templates, kscms.yaml, as-of."""
    from kscms.config import CONFIG_NAME
    from kscms.site.environment import templates_fingerprint

    digest = hashlib.sha256()
    for part in (
        __version__,
        language,
        templates_fingerprint(root),
        repr(sorted(site.items())),
        str(public_only),
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    with contextlib.suppress(OSError):
        digest.update((root / CONFIG_NAME).read_bytes())
    return digest.hexdigest()


def link_index(facts: Iterable[Facts]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(id -> title, id -> sorted ids of the records that point at it) of the records shown."""
    titles: dict[str, str] = {}
    found: dict[str, set[str]] = {}
    for f in facts:
        titles[f.id] = f.title
        for target in f.refs:
            found.setdefault(target, set()).add(f.id)
    return titles, {k: sorted(v) for k, v in found.items()}


def record_key(base: str, f: Facts, titles: dict[str, str], back: dict[str, list[str]]) -> str:
    """The key of a record's page (see the module docstring)."""
    links = [(ref, titles.get(ref)) for ref in f.refs]
    backs = [(ref, titles.get(ref)) for ref in back.get(f.id, ())]
    text = repr((base, f.type, f.front, f.body, links, backs))
    return "page:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def group_digest(base: str, name: str, items: Iterable[Any]) -> str:
    """A hash of the inputs of a group of pages (e.g. every index page of `internal/`)."""
    digest = hashlib.sha256(f"{base}\0{name}\0".encode())
    for item in items:
        digest.update(repr(item).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


class RecordPages:
    """Renders and writes record pages into the staging folder (in this process or a worker)."""

    def __init__(
        self, env: Environment, config: Config, formats: Formats, staging: Path, cache_dir: Path | None
    ) -> None:
        self.env = env
        self.config = config
        self.formats = formats
        self.staging = staging
        self.cache = PageCache(cache_dir) if cache_dir is not None else None
        self.views: RecordViews | None = None

    def load_templates(self) -> None:
        """Compile the record templates now (before workers fork, so that each need not)."""
        from kscms.site import select
        from kscms.site.records import record_templates

        for kind in ("signal", "compliment", "improvement"):
            select(self.env, record_templates(kind))

    def prepare(
        self, site: dict[str, Any], moment: dt.datetime, titles: dict[str, str], back: dict[str, list[str]]
    ) -> None:
        """Set what every record page of this build shares."""
        from kscms.site.records import RecordViews

        self.env.globals.update(site)
        self.views = RecordViews.from_index(self.config, self.formats, moment, titles, back)
        (self.staging / "internal" / "records").mkdir(parents=True, exist_ok=True)

    def write(self, record: Record, key: str) -> str:
        """Write the page of `record` (from the page cache when it has `key`); returns its path."""
        from kscms.site import render
        from kscms.site.context import Page
        from kscms.site.records import record_href, record_templates
        from kscms.site.writer import write_file

        assert self.views is not None
        rel = "internal/" + record_href(record.id)
        path = os.fspath(self.staging / rel)
        name = key.removeprefix("page:")
        if self.cache is not None and self.cache.fetch(name, path):
            return rel
        page = Page(
            record_href(record.id),
            record_templates(record.type),
            {"section": "records", "record": self.views.view(record)},
        )
        write_file(path, render(self.env, page, "internal"))
        if self.cache is not None:
            self.cache.keep(name, path)
        return rel


def render_job(
    pages: RecordPages, message: dict[str, Any], records: dict[str, Record], parse: Any
) -> list[tuple[str, str]]:
    """Write the pages of `message['jobs']` ((file, key) pairs): (page path, key) of each."""
    pages.prepare(message["site"], message["moment"], message["titles"], message["back"])
    done: list[tuple[str, str]] = []
    for rel, key in message["jobs"]:
        record = records.pop(rel, None)
        if record is None:
            record = parse(rel)[0]
        if record is not None:
            done.append((pages.write(record, key), key))
    return done


def chunks(items: list[Any], count: int) -> list[list[Any]]:
    """`items` dealt round-robin into `count` lists (similar work in each)."""
    return [items[n::count] for n in range(count)]


def cpu_count() -> int:
    return os.cpu_count() or 1
