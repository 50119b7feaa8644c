"""The steps of `kscms.site.build`: read the records (in workers when many), then write the record
pages (workers again), the wall and the internal index pages, each only when its inputs changed.

Three kinds of output, each with its own inputs:

- a record page: its record's file and the titles around it (`pool.record_key`);
- the wall (`public/`): the compliments that have the consent of maker and receivers, front matter
  and body (no other record can reach it);
- the index pages of `internal/` (dashboard, logs, lists, sections, `kpi.json`): the front matter of
  every record, never a body.

Each also depends on what every page shares (`pool.base_fingerprint`: version, templates,
kscms.yaml, as-of date). When the digest of a group's inputs equals the previous build's, its files
are linked from there without computing anything; otherwise the group is made again (and within it,
pages whose context did not change are still linked, not rendered).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from kscms.heap import settled_heap
from kscms.site import BuildResult, _site_globals, _static_files, render
from kscms.site.gather import (
    FactStore,
    Gathered,
    exists,
    newest_day,
    ordered,
    read_one,
    stale,
    take,
)
from kscms.site.pool import (
    RecordPages,
    base_fingerprint,
    chunks,
    group_digest,
    link_index,
    record_key,
    render_job,
)
from kscms.site.workers import Workers, cpu_workers

if TYPE_CHECKING:
    from jinja2 import Environment

    from kscms.repository import Repository
    from kscms.site.formats import Formats
    from kscms.site.writer import SiteWriter


def parallel_min() -> int:
    """From this many files to read on, workers read them (as `kscms.repository.PARALLEL_MIN`)."""
    from kscms.repository import PARALLEL_MIN

    return int(os.environ.get("KSCMS_PARALLEL_MIN", PARALLEL_MIN))


def start_workers(
    count: int, shares: list[list[str]], root: Path, old: dict[str, Any], pages: RecordPages
) -> Workers:
    """Fork `count` workers; worker n reads `shares[n]`, keeps those records and renders on request."""
    pages.load_templates()

    def start(number: int, send: Any) -> Any:
        from kscms.repository import Repository

        mine: dict[str, Any] = {}
        batch: list[tuple[str, Any]] = []
        with settled_heap():
            for rel in shares[number] if number < len(shares) else []:
                outcome, record = read_one(root, rel, old.get(rel))
                if record is not None:
                    mine[rel] = record
                    (entry, (fields, _body, line)), problems = outcome[1], outcome[2]
                    if not entry[3].consent:  # the body stays here: only the wall needs it in the parent
                        outcome = ("ok", (entry, (fields, "", line)), problems)
                batch.append((rel, outcome))
                if len(batch) == 100:
                    send(batch)
                    batch = []
            if batch:
                send(batch)

        def handle(message: dict[str, Any], reply: Any) -> None:
            reply(render_job(pages, message, mine, Repository(root).parse))

        return handle

    return Workers(count, start)


def gather_records(
    repo: Repository, store: FactStore, pages: RecordPages, jobs: int | None, threshold: int
) -> tuple[Gathered, Workers | None]:
    """Every record's facts and problems; the workers that read them (when there were many)."""
    root = repo.root
    old = store.load()
    paths = repo.record_paths()
    gathered = Gathered(root, problems=list(repo._listing[1]))
    todo = stale(root, paths, old, gathered)
    count = cpu_workers(jobs)
    workers = None
    with settled_heap():
        if count > 1 and len(todo) > 1 and (len(todo) >= parallel_min() or (jobs or 0) > 1):
            gathered.shares = chunks(todo, count)
            workers = start_workers(count, gathered.shares, root, old, pages)
            for _number, batch in workers.all_results():
                for rel, outcome in batch:
                    take(gathered, rel, outcome, None)
        else:
            for rel in todo:
                outcome, record = read_one(root, rel, old.get(rel))
                take(gathered, rel, outcome, record)
        ordered(gathered, paths)
    return gathered, workers


def write_site(
    repo: Repository,
    writer: SiteWriter,
    env: Environment,
    formats: Formats,
    pages: RecordPages,
    gathered: Gathered,
    workers: Workers | None,
    public_only: bool,
    as_of: dt.date | None,
    jobs: int | None,
    threshold: int,
    live: list[Workers],
    cache: Path | None,
) -> BuildResult:
    """Write every file of the site into the writer's staging folder."""
    from kscms.kpi.period import as_of_moment
    from kscms.site.environment import template_dirs
    from kscms.site.records import record_href

    config = repo.config
    facts = gathered.facts
    day = as_of or newest_day(facts.values(), config.local_date)
    moment = as_of_moment(day, config.tz)
    result = BuildResult(
        writer.out, day, records=len(facts), skipped=gathered.problems, public_only=public_only
    )
    site = _site_globals(config, formats, day)
    env.globals.update(site)
    base = base_fingerprint(repo.root, config.language, site, public_only)
    statics = _static_files(template_dirs(repo.root))

    pending = False
    if not public_only:
        shown = {rel: f for rel, f in facts.items() if exists(f, moment, day)}
        titles, back = link_index(shown.values())
        misses: list[tuple[str, str]] = []
        keys: set[str] = set()
        for rel, f in shown.items():
            key = record_key(base, f, titles, back)
            keys.add(key.removeprefix("page:"))
            if not writer.reuse("internal/" + record_href(f.id), key):
                misses.append((rel, key))
        result.internal_pages += len(shown)
        message = {"site": site, "moment": moment, "titles": titles, "back": back}
        count = cpu_workers(jobs)
        if (
            workers is None
            and count > 1
            and (len(misses) > threshold or ((jobs or 0) > 1 and len(misses) > 1))
        ):
            workers = start_workers(count, [], repo.root, {}, pages)
            live.append(workers)
            for _item in workers.all_results():
                pass
        if workers is not None:
            owner = {rel: n for n, share in enumerate(gathered.shares) for rel in share}
            per_worker: list[list[tuple[str, str]]] = [[] for _ in range(len(workers))]
            spread = 0
            for rel, key in misses:
                number = owner.get(rel)
                if number is None:
                    number, spread = spread % len(workers), spread + 1
                per_worker[number].append((rel, key))
            for number, part in enumerate(per_worker):
                workers.send(number, {**message, "jobs": part})
            del per_worker, misses  # sent: the parent's peak comes later, with the index pages
            pending = True
        else:
            own = {rel: gathered.models[rel] for rel, _key in misses if rel in gathered.models}
            for rel, key in render_job(pages, {**message, "jobs": misses}, own, repo.parse):
                writer.add(rel, key)

    run = _Run(repo, writer, env, formats, gathered, base, moment, day, result, cache)
    _public(run)
    for rel, data in statics.items():
        writer.write("public/" + rel, data)
    if not public_only:
        _internal(run)
        for rel, data in statics.items():
            writer.write("internal/" + rel, data)
    if pending and workers is not None:
        for _number, done in workers.all_results():
            for rel, key in done:
                writer.add(rel, key)
    if not public_only and pages.cache is not None:
        pages.cache.prune(keys)
    return result


@dataclass(frozen=True)
class _Run:
    """What the wall and the index pages of one build are made with."""

    repo: Repository
    writer: SiteWriter
    env: Environment
    formats: Formats
    gathered: Gathered
    base: str
    """`pool.base_fingerprint` of this build."""
    moment: dt.datetime
    day: dt.date
    result: BuildResult
    cache: Path | None


def _public(run: _Run) -> None:
    """The wall: linked from the previous build when no consented compliment changed."""
    from kscms.site.public import wall_order, wall_pages

    writer, env, base, result = run.writer, run.env, run.base, run.result
    facts = run.gathered.entries
    consented = [rel for rel, e in facts.items() if e[3].type == "compliment" and e[3].consent]
    digest = group_digest(
        base, "public", [(rel, facts[rel][3].front, facts[rel][3].body) for rel in consented]
    )
    group = writer.reuse_group("public", digest)
    if group is not None:
        result.public_pages = int(group.get("pages", 0))
        result.withheld = [str(i) for i in group.get("withheld", [])]
        return
    store, entries = _wall_entries(run, consented)
    items = wall_order(item for _key, item, _withheld, _card in entries.values() if item is not None)
    result.withheld = [facts[rel][3].id for rel, entry in entries.items() if entry[2]]
    card: Any = env.globals["card"]
    card.known.update((item, Markup(html)) for _k, item, _w, html in entries.values() if item and html)
    item_keys = {id(item): key for key, item, _w, _html in entries.values() if item is not None}
    writer.start_group("public", digest, withheld=result.withheld)
    for page in wall_pages(items, run.repo.config, run.formats, run.day):
        emit(writer, env, "public", page, base, item_keys)
        result.public_pages += 1
    writer.groups["public"]["pages"] = result.public_pages
    writer.end_group()
    store.save({rel: (k, item, w, card.known.get(item)) for rel, (k, item, w, _html) in entries.items()})
    card.known.clear()  # the wall's cards and items: the index pages do not need them (100 MB at 100,000 records)


def _wall_entries(
    run: _Run, consented: list[str]
) -> tuple[Any, dict[str, tuple[str, Any, bool, str | None]]]:
    """file -> (key, wall item or None, held back for personal data, card HTML) of consented
    compliments, and the wall store they come from.

    Items come from the wall store when the compliment's file and `base` are unchanged; the
    others are parsed and built now.
    """
    from kscms.site.cache import MarkdownMemo, WallStore
    from kscms.site.context import holds_personal_data, is_public, public_compliment

    gathered = run.gathered
    store = WallStore(run.cache)
    entries: dict[str, tuple[str, Any, bool, str | None]] = {}
    need: dict[str, str] = {}
    for rel in consented:
        f = gathered.entries[rel][3]
        key = hashlib.sha256(f"{run.base}\0{f.front}\0{f.body}".encode()).hexdigest()
        hit = store.old.get(rel)
        if isinstance(hit, tuple) and len(hit) == 4 and hit[0] == key:
            entries[rel] = hit
        else:
            need[rel] = key
            entries[rel] = (key, None, False, None)  # keeps the path order; replaced below
    if need:
        config = run.repo.config
        memo = MarkdownMemo(run.cache)
        gathered.records(list(need), run.repo._parse_many)
        for rel, key in need.items():
            c: Any = gathered.models.get(rel)
            if c is None:
                del entries[rel]
                continue
            public = is_public(c, config, run.moment)
            withheld = public and holds_personal_data(c)
            item = public_compliment(c, config, run.formats, memo) if public and not withheld else None
            entries[rel] = (key, item, withheld, None)
        memo.save()
    return store, entries


def _internal(run: _Run) -> None:
    """The index pages of `internal/`: linked from the previous build when no front matter changed."""
    from kscms.site.internal import internal_pages

    writer, base, result = run.writer, run.base, run.result
    facts = run.gathered.entries
    digest = group_digest(base, "internal", [(rel, e[3].front) for rel, e in facts.items()])
    group = writer.reuse_group("internal", digest)
    if group is not None:
        result.internal_pages += int(group.get("pages", 0))
        return
    records = run.gathered.records(list(facts), run.repo._parse_many)
    writer.start_group("internal", digest)
    count = 0
    for item in internal_pages(records, run.repo.config, run.moment, run.formats, run.day):
        emit(writer, run.env, "internal", item, base)
        count += 1
    writer.groups["internal"]["pages"] = count
    writer.end_group()
    result.internal_pages += count


KEYED_TEMPLATES = frozenset({"public/compliment.html"})
"""Pages made in their thousands from small view objects: keyed by their context, rendered only
when it changed. Other pages are rendered and kept when their bytes are unchanged."""


def emit(
    writer: SiteWriter,
    env: Environment,
    site_kind: str,
    item: Any,
    base: str,
    item_keys: dict[int, str] | None = None,
) -> None:
    """Write a page or a raw file (linked from the previous build when unchanged).

    `item_keys`: id of a wall item -> the key of its inputs (it stands for the item in page keys).
    """
    from kscms.site.public import RawFile

    rel = f"{site_kind}/{item.path}"
    if isinstance(item, RawFile):
        writer.write(rel, item.data)
        return
    if item.templates[0] in KEYED_TEMPLATES:  # repr of frozen dataclasses: stable across runs
        context = dict(item.context)
        known = (item_keys or {}).get(id(context.get("item")))
        if known is not None:
            context["item"] = known
        text = repr((base, site_kind, item.path, item.templates, sorted(context.items())))
        key = "page:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
        if not writer.reuse(rel, key):
            writer.write(rel, render(env, item, site_kind), key)
        return
    writer.write(rel, render(env, item, site_kind))
