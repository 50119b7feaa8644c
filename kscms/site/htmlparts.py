"""Small HTML builders the record template calls for its repeated parts (template globals).

A record page lists its themes, fields, references and history; written as Jinja loops they cost
more than the rest of the page (a loop context, `loop.last` and an escape per value). These give
byte for byte what those loops gave, escaping every value the same way autoescape does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape


def links(items: Iterable[Any], root: str, sep: str = ", ", before: str = "", after: str = "") -> Markup:
    """Links (`text`, `href` relative to the site root; no href: plain text), joined by `sep`."""
    prefix = escape(root)
    parts = [
        f'{before}<a href="{prefix}{escape(item.href)}">{escape(item.text)}</a>{after}'
        if item.href
        else f"{before}{escape(item.text)}{after}"
        for item in items
    ]
    return Markup(sep.join(parts))


def link(item: Any, root: str) -> Markup:
    """One link (`partials/_link.html`'s macro, without a macro call per row)."""
    return links((item,), root)


def field_rows(fields: Iterable[Any], root: str) -> Markup:
    """`<div><dt>name</dt><dd>values</dd></div>` lines of a record's fields."""
    return Markup(
        "".join(f"<div><dt>{escape(f.name)}</dt><dd>{links(f.values, root)}</dd></div>\n" for f in fields)
    )


def timeline_items(events: Iterable[Any], by_label: str) -> Markup:
    """`<li>` lines of a record's history; `by_label` is the translated 'by {name}'."""
    label = Markup(by_label)
    out = []
    for e in events:
        note = f'<br><span class="note">{escape(e.note)}</span>' if e.note else ""
        out.append(
            f'<li><time datetime="{escape(e.iso)}">{escape(e.when)}</time> '
            f'<span class="status">{escape(e.status)}</span> {label.replace("{name}", e.by)}{note}</li>\n'
        )
    return Markup("".join(out))


GLOBALS = {"link": link, "links": links, "field_rows": field_rows, "timeline_items": timeline_items}
