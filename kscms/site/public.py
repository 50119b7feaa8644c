"""The pages of the public wall of compliments, built only from `PublicCompliment` view objects."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kscms.config import Config
from kscms.model.compliment import Compliment
from kscms.site.charts import bar_chart
from kscms.site.context import (
    Link,
    MarkdownFunction,
    Names,
    Page,
    PublicCompliment,
    month_counts,
    paginate,
    search_index,
    wall_items,
)
from kscms.site.feed import build_feed
from kscms.site.formats import Formats
from kscms.site.markdown import render_with_text


@dataclass(frozen=True)
class RawFile:
    """A file written as it is (no template)."""

    path: str
    data: bytes


@dataclass(frozen=True)
class FilterOption:
    key: str
    name: str


def _options(
    items: Iterable[PublicCompliment], config: Config
) -> tuple[list[FilterOption], list[FilterOption]]:
    names = Names(config)
    teams = sorted({t for p in items for t in p.teams}, key=lambda k: (names.team(k).lower(), k))
    themes = sorted({t for p in items for t in p.theme_keys}, key=lambda k: (names.theme(k).lower(), k))
    return [FilterOption(k, names.team(k)) for k in teams], [FilterOption(k, names.theme(k)) for k in themes]


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element and a .js file (no `<`, `>`, `&` or line separators)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def public_pages(
    compliments: Iterable[Compliment],
    config: Config,
    moment: dt.datetime,
    formats: Formats,
    built: dt.date,
    markdown: MarkdownFunction = render_with_text,
) -> Iterator[Page | RawFile]:
    """Every page of `public/`: wall (paginated), one page per compliment, months, how-to, feed."""
    yield from wall_pages(wall_items(compliments, config, moment, formats, markdown), config, formats, built)


def wall_order(items: Iterable[PublicCompliment]) -> list[PublicCompliment]:
    """Newest first, ties by id (as `wall_items` orders them)."""
    ordered = sorted(items, key=lambda p: p.slug)
    ordered.sort(key=lambda p: p.created, reverse=True)
    return ordered


def wall_pages(
    items: list[PublicCompliment], config: Config, formats: Formats, built: dt.date
) -> Iterator[Page | RawFile]:
    """The pages of `public/` from the wall's items (newest first)."""
    from markupsafe import Markup

    pages = list(paginate(items, "index.html"))
    page_of = {p.slug: n for n, (_path, chunk, _pager) in enumerate(pages, 1) for p in chunk}
    index_json = _script_json(search_index(items, page_of))
    # A wall of one page embeds its search index; a longer wall writes it once, in
    # static/wall-index.js (a script file, not a fetch: it works from file:// too), instead of a copy
    # in every page (1,500 compliments made 16 pages of 3 MB each).
    embed = len(pages) == 1
    teams, themes = _options(items, config)
    months = month_counts(items)
    common = {"section": "wall", "total": len(items)}
    for path, chunk, pager in pages:
        yield Page(
            path,
            ("public/index.html",),
            {
                **common,
                "items": chunk,
                "pager": pager,
                "teams": teams,
                "themes": themes,
                "index_json": Markup(index_json) if embed else None,
                "months": months[:6],
            },
        )
    if not embed:
        yield RawFile("static/wall-index.js", f"window.kscmsWallIndex = {index_json};\n".encode())
    for item in items:
        yield Page(item.path, ("public/compliment.html",), {**common, "item": item})
    chart_rows = [(m.label, float(m.count), str(m.count)) for m in reversed(months[:24])]
    yield Page(
        "months.html",
        ("public/months.html",),
        {
            **common,
            "section": "months",
            "months": months,
            "chart": bar_chart("months-chart", formats._("Compliments per month"), chart_rows),
        },
    )
    yield Page("how.html", ("public/how.html",), {**common, "section": "how"})
    feed = build_feed(items, config.site.title, config.organisation, config.site.base_url, config.tz, built)
    yield Page("feed.xml", ("public/feed.xml",), {"feed": feed})


__all__ = ["public_pages", "wall_pages", "wall_order", "RawFile", "Link"]
