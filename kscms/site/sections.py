"""Cross-sections of the internal site: a page per department, theme and team, and the people list.

A department or theme page holds its signals, the common threads that touch it and its
improvements; a team page is the agenda of the weekly team meeting: compliments received, and the
proposals of the team's members with the feedback on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kscms.model.base import Record
from kscms.model.compliment import Compliment
from kscms.model.improvement import Improvement
from kscms.model.signal import Signal
from kscms.site.context import Link, Page
from kscms.site.records import RecordSummary
from kscms.teams import members as team_members
from kscms.teams import proposer as proposer_of
from kscms.teams import received_by

if TYPE_CHECKING:
    from kscms.site.internal import Internal

LIST_LIMIT = 200
"""Lists on a section page show this many (newest); the page says how many there are."""


@dataclass(frozen=True)
class SectionLink:
    link: Link
    signals: int
    improvements: int
    compliments: int


@dataclass(frozen=True)
class Proposal:
    summary: RecordSummary
    proposer: str
    decision: str
    feedback: str


@dataclass(frozen=True)
class PersonRow:
    key: str
    name: str
    roles: str
    team: Link


def section_pages(site: Internal, day: dt.date) -> Iterator[Page]:
    from kscms.kpi.threads import red_threads
    from kscms.site.analysis import thread_views, year_scope

    config, names, formats = site.config, site.names, site.formats
    records = site.records
    signals = [r for r in records if isinstance(r, Signal)]
    improvements = [r for r in records if isinstance(r, Improvement)]
    compliments = [r for r in records if isinstance(r, Compliment)]
    scope = year_scope(site, day)
    threads = red_threads(scope.signals)

    def listed(items: Sequence[Record]) -> dict[str, object]:
        """The first LIST_LIMIT records as rows, and how many there are."""
        return {"rows": [site.views.summary(r) for r in items[:LIST_LIMIT]], "total": len(items)}

    for kind, folder, keys, name, field in (
        ("department", "departments", sorted(config.departments), names.department, "departments"),
        ("theme", "themes", sorted(config.themes), names.theme, "themes"),
    ):
        index = []
        grouped: dict[str, tuple[list[Record], list[Record], list[Record]]] = {}
        groups: tuple[Sequence[Record], ...] = (signals, improvements, compliments)
        for number, group in enumerate(groups):
            for r in group:
                for key in dict.fromkeys(getattr(r, field)):
                    grouped.setdefault(key, ([], [], []))[number].append(r)
        for key in keys:
            sig, imp, com = grouped.get(key, ([], [], []))
            index.append(SectionLink(Link(name(key), f"{folder}/{key}.html"), len(sig), len(imp), len(com)))
            touching = [t for t in threads if key in (t.departments if kind == "department" else (t.theme,))]
            yield Page(
                f"{folder}/{key}.html",
                ("internal/section.html",),
                {
                    "section": folder,
                    "kind": kind,
                    "title": name(key),
                    "period": scope.period.label,
                    "signals": listed(sig),
                    "improvements": listed(imp),
                    "compliments": listed(com),
                    "threads": thread_views(site, touching),
                },
            )
        yield Page(
            f"{folder}/index.html",
            ("internal/sections.html",),
            {"section": folder, "kind": kind, "rows": index},
        )

    team_index = []
    compliment_flow = config.workflows_by_name["compliment"]
    live = [c for c in compliments if compliment_flow.stage_of(site.views.status_at(c)) != "withdrawn"]
    taken_up = {s for r in improvements for s in r.origin.signals}  # ideas an improvement carries on
    for key in sorted(config.teams):
        members = team_members(config, key)
        received = [c for c in live if received_by(c, key, members)]
        proposals: list[Proposal] = []
        for r in records:
            proposer = proposer_of(r)
            if proposer not in members or r.id in taken_up:
                continue
            decision, feedback = "", ""
            if isinstance(r, Improvement):
                decision = " — ".join(
                    x for x in (formats.label(r.decision.outcome), r.decision.reason or "") if x
                )
                feedback = r.proposer_feedback or ""
            else:  # an idea closed without an improvement: what the closing step noted is the answer
                closed = r.reached("closed", site.moment)
                feedback = (closed.note or "") if closed else ""
            proposals.append(Proposal(site.views.summary(r), names.person(proposer), decision, feedback))
        team_index.append(
            SectionLink(Link(names.team(key), f"teams/{key}.html"), 0, len(proposals), len(received))
        )
        yield Page(
            f"teams/{key}.html",
            ("internal/team.html",),
            {
                "section": "teams",
                "title": names.team(key),
                "manager": names.person(config.team_manager(key)),
                "members": sorted(names.person(m) for m in members),
                "compliments": listed(received),
                "proposals": proposals[:LIST_LIMIT],
                "proposals_total": len(proposals),
            },
        )
    yield Page(
        "teams/index.html",
        ("internal/sections.html",),
        {"section": "teams", "kind": "team", "rows": team_index},
    )

    people = [
        PersonRow(
            key,
            person.name,
            ", ".join(formats.label(role) for role in person.roles),
            Link(names.team(person.team), f"teams/{person.team}.html" if person.team in config.teams else "")
            if person.team
            else Link(""),
        )
        for key, person in sorted(config.people.items())
    ]
    yield Page("people.html", ("internal/people.html",), {"section": "people", "rows": people})
