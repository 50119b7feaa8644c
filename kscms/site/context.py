"""Whitelisted view objects (DTOs) for the templates, and the public wall's pages.

Templates never see a Record: they get frozen dataclasses and plain values built here. For the
public wall this is the structural half of the privacy guarantee: `public_compliment` copies the
few fields a wall may show, and nothing else of a record can reach `public/`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from kscms.config import Config
from kscms.model.compliment import Compliment
from kscms.site.formats import Formats
from kscms.site.i18n import ANONYMOUS_MAKER, N_
from kscms.site.markdown import render_with_text

MarkdownFunction = Callable[[str], tuple[str, str]]
"""Markdown text -> (safe HTML, plain words)."""
PAGE_SIZE = 100
"""Items per page of an index (the wall, the record list); bigger lists paginate."""
PUBLIC_STAGES = ("given", "reaction_recorded", "maker_informed", "closed")
"""Compliment stages that may be on the wall: `given` or later, never withdrawn."""
GENERIC_MAKERS = {
    "customer": ANONYMOUS_MAKER,
    "employee": N_("a colleague"),
    "partner": N_("a partner"),
    "public": N_("someone"),
}


@dataclass(frozen=True)
class Page:
    """One file to write: its path under the site root, the templates to try, and their context."""

    path: str
    templates: tuple[str, ...]
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    """A link as templates render it: `href` is relative to the site root ('' for no link)."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class PageLink:
    """One entry of a pager: page `number` at `href`, or a gap (number 0) for pages left out."""

    number: int
    href: str = ""


@dataclass(frozen=True)
class Pager:
    """Position of one page in a paginated index."""

    number: int
    count: int
    previous: str
    next: str
    pages: tuple[Link, ...]
    """Every page (kept for templates written against it)."""
    shown: tuple[PageLink, ...] = ()
    """The pages a pager lists: all of a short index; of a long one the first, the last and
    `PAGER_REACH` either side of this page, with gaps between (1 … 7 8 9 10 11 … 1000)."""


PAGER_REACH = 2
"""Pages listed either side of the current one in a long index: a pager of every page made each of
the 1,000 record-index pages of 100,000 records list 1,000 links (a tenth of the main process's CPU
went to escaping them), and a long row of numbers on a phone."""


def shown_pages(number: int, count: int, path: Any) -> tuple[PageLink, ...]:
    """The entries of page `number`'s pager (see `Pager.shown`); `path(n)` is page n's path.

    A gap stands for two pages or more: a single page left out is listed instead.
    """
    low, high = max(1, number - PAGER_REACH), min(count, number + PAGER_REACH)
    wanted = sorted({1, count, *range(low, high + 1)})
    shown: list[PageLink] = []
    last = 0
    for n in wanted:
        if n - last == 2:
            shown.append(PageLink(n - 1, path(n - 1)))
        elif n - last > 2:
            shown.append(PageLink(0))
        shown.append(PageLink(n, path(n)))
        last = n
    return tuple(shown)


def relative_root(path: str) -> str:
    """The prefix from a page at `path` back to the site root: '' or '../' repeated."""
    return "../" * path.count("/")


def paginate(
    items: Sequence[Any], base: str, size: int = PAGE_SIZE
) -> Iterator[tuple[str, Sequence[Any], Pager]]:
    """Split `items` into pages `base.html`, `base-2.html`, ...: (path, items, pager)."""
    count = max(1, -(-len(items) // size))
    stem = base.removesuffix(".html")

    def path(n: int) -> str:
        return base if n == 1 else f"{stem}-{n}.html"

    links = tuple(Link(str(n), path(n)) for n in range(1, count + 1))
    for n in range(1, count + 1):
        chunk = items[(n - 1) * size : n * size]
        pager = Pager(
            n,
            count,
            path(n - 1) if n > 1 else "",
            path(n + 1) if n < count else "",
            links if count > 1 else (),
            shown_pages(n, count, path) if count > 1 else (),
        )
        yield path(n), chunk, pager


class Names:
    """Display names of the configuration's keys (falling back to the key)."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def person(self, key: str | None) -> str:
        if not key:
            return ""
        person = self.config.people.get(key)
        return person.name if person else key

    def team(self, key: str) -> str:
        team = self.config.teams.get(key)
        return team.name if team else key

    def theme(self, key: str) -> str:
        theme = self.config.themes.get(key)
        return theme.name if theme else key

    def department(self, key: str) -> str:
        dept = self.config.departments.get(key)
        return dept.name if dept else key


# ---- the public wall -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicCompliment:
    """Everything of a compliment that the public wall may show: nothing else reaches `public/`."""

    slug: str
    """The record id (its slug comes from the title, which is public for consented compliments)."""
    title: str
    """The compliment's title."""
    quote_html: Markup
    """The body (the compliment as made) rendered by the safe Markdown renderer."""
    quote_text: str
    """The body as plain words (search index, feed summary)."""
    receivers: tuple[str, ...]
    """Team names, 'the whole organisation', and names of receiving people (they consented)."""
    maker: str
    """`maker.display`, or a generic 'a customer' when anonymous or not given."""
    source: str
    """How the compliment came in (translated label)."""
    month: str
    """`YYYY-MM` of `created`."""
    month_label: str
    """The month in words, e.g. 'november 2026'."""
    created: dt.date
    """Date received (the feed's `updated`; the wall shows the month only)."""
    themes: tuple[str, ...]
    """Theme names."""
    theme_keys: tuple[str, ...]
    """Theme keys (for the filter)."""
    teams: tuple[str, ...]
    """Team keys of the receivers (for the filter)."""

    @property
    def path(self) -> str:
        return f"c/{self.slug}.html"


def is_public(compliment: Compliment, config: Config, moment: dt.datetime | None = None) -> bool:
    """Consent of maker and receivers, and (as of `moment`) given or later, not withdrawn."""
    if not (compliment.consent.maker is True and compliment.consent.receivers is True):
        return False
    status = compliment.status_at(moment) if compliment.history else compliment.status
    if status is None:
        return False
    stage = config.workflows_by_name[compliment.workflow_name].stage_of(status)
    return stage in PUBLIC_STAGES


def holds_personal_data(compliment: Compliment) -> bool:
    """True when a field the wall would show seems to hold an e-mail address, phone number or IBAN.

    `kscms check` reports these as `personal-data`; the wall holds such a compliment back even when
    the build runs without a check first.
    """
    from kscms.checks.privacy import find_personal_data

    texts = (compliment.title, compliment.maker.display or "", compliment.body)
    return any(find_personal_data(text) for text in texts)


def public_compliment(
    c: Compliment,
    config: Config,
    formats: Formats | None = None,
    markdown: MarkdownFunction = render_with_text,
) -> PublicCompliment:
    """The whitelisted public view of a compliment (call only for compliments that `is_public`)."""
    if formats is None:
        from kscms.site.environment import builtin_templates
        from kscms.site.i18n import translations

        formats = Formats(config.language, config.tz, translations(builtin_templates(), config.language))
    names = Names(config)
    receivers: list[str] = []
    teams: list[str] = []
    for receiver in c.receivers:
        kind, _, key = receiver.partition(":")
        if kind == "team":
            receivers.append(names.team(key))
            teams.append(key)
        elif kind == "person" and c.consent.receivers is True:
            receivers.append(names.person(key))
            person = config.people.get(key)
            if person and person.team:
                teams.append(person.team)
        elif receiver == "organisation":
            receivers.append(config.organisation)
    display = (c.maker.display or "").strip()  # what a wall may show (SPEC 3.2), also of an anonymous
    if not display:  # maker: `anonymous` means they want no feedback, and display names nobody
        maker = formats._(GENERIC_MAKERS.get(c.maker.kind or "customer", ANONYMOUS_MAKER))
    else:
        maker = display
    quote_html, quote_text = markdown(c.body)
    return PublicCompliment(
        slug=c.id,
        title=c.title,
        quote_html=Markup(quote_html),
        quote_text=quote_text,
        receivers=tuple(dict.fromkeys(receivers)),
        maker=maker,
        source=formats.label(c.source) if c.source else "",
        month=f"{c.created:%Y-%m}",
        month_label=formats.month(c.created),
        created=c.created,
        themes=tuple(names.theme(t) for t in dict.fromkeys(c.themes)),
        theme_keys=tuple(dict.fromkeys(c.themes)),
        teams=tuple(sorted(set(teams))),
    )


@dataclass(frozen=True)
class MonthCount:
    month: str
    label: str
    count: int


def wall_items(
    compliments: Iterable[Compliment],
    config: Config,
    moment: dt.datetime,
    formats: Formats,
    markdown: MarkdownFunction = render_with_text,
) -> list[PublicCompliment]:
    """The wall's compliments, newest first (ties by id)."""
    items = [
        public_compliment(c, config, formats, markdown)
        for c in compliments
        if is_public(c, config, moment) and not holds_personal_data(c)
    ]
    items.sort(key=lambda p: p.slug)
    items.sort(key=lambda p: p.created, reverse=True)
    return items


def month_counts(items: Sequence[PublicCompliment]) -> list[MonthCount]:
    counts: dict[str, list[PublicCompliment]] = {}
    for item in items:
        counts.setdefault(item.month, []).append(item)
    return [
        MonthCount(m, group[0].month_label, len(group)) for m, group in sorted(counts.items(), reverse=True)
    ]


def search_index(items: Sequence[PublicCompliment], page_of: dict[str, int]) -> list[dict[str, Any]]:
    """The wall's search index: only fields already shown on the cards."""
    return [
        {
            "id": p.slug,
            "url": p.path,
            "title": p.title,
            "page": page_of[p.slug],
            "teams": list(p.teams),
            "themes": list(p.theme_keys),
            "text": " ".join(
                [p.title, p.quote_text, " ".join(p.receivers), p.maker, " ".join(p.themes)]
            ).lower(),
        }
        for p in items
    ]
