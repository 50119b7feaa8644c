"""Seeded simulation of kscms records with histories that obey SPEC sections 3.1-3.4.

A record is simulated as a :class:`Draft`: its fixed front matter plus a list of
:class:`Step` s, one per history event, each carrying the fields that the new
status requires.  Any prefix of the steps is therefore itself a valid record,
which lets the generator commit a record as its events happen.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import corpus
from corpus import yaml_value

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CUTOFF = dt.datetime(2026, 11, 19, 18, 0, tzinfo=AMSTERDAM)
FIRST_DAY = dt.date(2024, 1, 2)
LAST_DAY = dt.date(2026, 11, 18)
CONTINUE = 0.88  # chance that a record moves on to its next step (when time allows)


@dataclass(frozen=True)
class Staff:
    """The people of the generated organisation, grouped by what they may do."""

    everyone: list[str]
    coordinators: list[str]
    deciders: list[str]
    analysts: list[str]
    givers: list[str]
    team_manager: dict[str, str]
    person_team: dict[str, str]


@dataclass
class Step:
    """One history event and the fields it sets (dotted paths for nested blocks)."""

    at: dt.datetime
    by: str
    status: str
    updates: list[tuple[str, object]] = field(default_factory=list)
    note: str | None = None


@dataclass
class Draft:
    """A record under construction: fixed fields, workflow steps, body, and the improvements citing it."""

    id: str
    type: str
    title: str
    created: dt.date
    fields: dict[str, Any]
    steps: list[Step]
    body: str
    links: list[str] = field(default_factory=list)
    """Ids of the improvements that cite this signal (its `improvements` field), oldest first."""

    @property
    def path(self) -> str:
        """Path of the record file inside the repository (SPEC section 1)."""
        return f"records/{self.type}s/{self.created.year}/{self.id}.md"

    def reached(self, status: str) -> dt.datetime | None:
        """Time of the step that moved the record to ``status``, if any."""
        return next((s.at for s in self.steps if s.status == status), None)

    def render(self, upto: int | None = None, links: list[str] | None = None) -> str:
        """The record file after ``steps[:upto]`` (all when None), naming ``links`` (all when None)."""
        steps = self.steps if upto is None else self.steps[:upto]
        data = {k: dict(v) if isinstance(v, dict) else v for k, v in self.fields.items()}
        for step in steps:
            for path, value in step.updates:
                head, _, tail = path.partition(".")
                if tail:
                    data.setdefault(head, {})[tail] = value
                else:
                    data[head] = value
        shown = self.links if links is None else links
        if shown:
            data["improvements"] = shown
        lines = [
            "---",
            f"id: {self.id}",
            f"type: {self.type}",
            f"title: {yaml_value(self.title)}",
            f"status: {steps[-1].status}",
            f"created: {self.created.isoformat()}",
        ]
        for key, value in data.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                lines.append(f"{key}:")
                lines.extend(f"  - {yaml_value(item)}" for item in value)
            else:
                lines.append(f"{key}: {yaml_value(value)}")
        lines.append("history:")
        for step in steps:
            event: dict[str, Any] = {"at": step.at, "by": step.by, "status": step.status}
            if step.note:
                event["note"] = step.note
            lines.append(f"  - {yaml_value(event)}")
        lines.append("---")
        return "\n".join(lines) + "\n" + self.body


@dataclass(frozen=True)
class Skeleton:
    """What is fixed before the simulation: type, first event time, title and id."""

    index: int
    type: str
    kind: str
    start: dt.datetime
    title: str
    subject: str
    id: str


class Timeline:
    """Advances event times in office hours, never past :data:`CUTOFF`."""

    def __init__(self, rng: random.Random, start: dt.datetime) -> None:
        """Start the clock at ``start`` (the record's first event)."""
        self.rng = rng
        self.now = start

    def advance(self, min_hours: float, max_hours: float) -> dt.datetime | None:
        """Move the clock on by a random delay; None when the next event would pass the cutoff."""
        moment = self.now + dt.timedelta(hours=self.rng.uniform(min_hours, max_hours))
        if moment.hour < 8 or moment.hour >= 18:
            next_day = moment.date() + dt.timedelta(days=1 if moment.hour >= 18 else 0)
            moment = dt.datetime.combine(next_day, dt.time(8, self.rng.randrange(60)), AMSTERDAM)
        moment = max(moment, self.now).replace(microsecond=0, second=0)
        if moment >= CUTOFF:
            return None
        self.now = moment
        return moment


def skeleton(rng: random.Random, index: int, type_: str, kind: str) -> Skeleton:
    """Draw the first event time, title and unique id of record number ``index``."""
    day = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    start = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randrange(60)), AMSTERDAM)
    title, subject = corpus.title_for(rng, "cap" if kind == "cap" else type_)
    slug = corpus.slugify(title)[:40].strip("-")
    record_id = f"{type_[0].upper()}-{day:%Y%m%d}-{slug}-{index}"
    return Skeleton(index, type_, kind, start, title, subject, record_id)


Plan = list[tuple[str, str, float, float, list[tuple[str, object]]]]


def _walk(rng: random.Random, clock: Timeline, plan: Plan) -> list[Step]:
    """Turn a plan of ``(status, by, min_h, max_h, updates)`` into steps, stopping at random or the cutoff.

    An update whose value is None is set to the date of its step (dates of communication, measurement).
    """
    steps: list[Step] = []
    for i, (status, by, low, high, updates) in enumerate(plan):
        if i and rng.random() > CONTINUE:
            break
        at = clock.now if i == 0 else clock.advance(low, high)
        if at is None:
            break
        steps.append(Step(at, by, status, [(p, at.date() if v is None else v) for p, v in updates]))
    return steps


def _common(rng: random.Random, departments: int) -> dict[str, Any]:
    """Departments and themes (at least one theme: triaging and resolving need it)."""
    return {
        "departments": rng.sample(sorted(corpus.DEPARTMENTS), rng.randint(1, departments)),
        "themes": rng.sample(sorted(corpus.THEMES), rng.randint(1, 2)),
    }


def _customer(rng: random.Random, pool: int) -> str:
    """A pseudonymous customer id, skewed so that a fifth of customers give most signals."""
    top = max(1, pool // 5)
    return f"K-{1000 + (rng.randrange(top) if rng.random() < 0.6 else rng.randrange(pool))}"


def _signal_block(rng: random.Random, sk: Skeleton, staff: Staff) -> dict[str, Any]:
    """The kind-specific block of a signal (SPEC 3.1)."""
    kind, day = sk.kind, sk.start.date()
    if kind == "survey":
        weights = [rng.random() + 0.2 for _ in range(5)]
        total = sum(weights)
        names = rng.sample(
            [
                "bereikbaarheid",
                "vriendelijkheid",
                "deskundigheid",
                "snelheid",
                "informatie",
                "prijs",
                "website",
            ],
            5,
        )
        elements = [
            {"element": n, "rating": round(rng.uniform(5, 9.5), 1), "importance": round(w / total, 2)}
            for n, w in zip(names, weights, strict=True)
        ]
        return {
            "survey": {
                "period": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
                "respondents": rng.randint(50, 2000),
                "overall": round(rng.uniform(6, 8.5), 1),
                "elements": elements,
            }
        }
    if kind == "question":
        return {
            "question": {"topic": rng.choice(corpus.SUBJECTS)[0], "count": rng.choice([1, 1, 1, 5, 20, 80])}
        }
    if kind == "complaint":
        return {
            "complaint": {
                "customer_declared": rng.random() < 0.7,
                "remedy_sought": "snelle oplossing en excuses",
                "severity": rng.choice(["low", "medium", "high"]),
            }
        }
    if kind == "focus_group":
        return {"focus_group": {"participants": rng.randint(6, 12), "held": day}}
    if kind == "forum":
        return {
            "forum": {
                "site": "klantenforum",
                "url": f"https://example.org/forum/{sk.index}",
                "responded": rng.random() < 0.6,
            }
        }
    if kind == "employee_idea":
        return {"employee_idea": {"proposer": rng.choice(staff.everyone)}}
    return {}  # a remark has no block of its own


CHANNEL_BY_KIND = {
    "survey": "survey",
    "forum": "forum",
    "employee_idea": "internal",
    "focus_group": "in_person",
}
OPEN_CHANNELS = [
    "phone",
    "phone",
    "phone",
    "email",
    "letter",
    "web",
    "chat",
    "social",
    "in_person",
    "newspaper",
]


def simulate_signal(rng: random.Random, sk: Skeleton, staff: Staff, customers: int) -> Draft:
    """A signal of any kind with a history through its workflow (complaint or the short one)."""
    fields: dict[str, Any] = {
        "kind": sk.kind,
        "channel": CHANNEL_BY_KIND.get(sk.kind) or rng.choice(OPEN_CHANNELS),
    }
    if sk.kind not in ("survey", "focus_group", "employee_idea"):
        fields["customer"] = _customer(rng, customers)
        fields["segment"] = rng.choice(sorted(corpus.SEGMENTS))
    fields["sentiment"] = (
        "negative" if sk.kind == "complaint" else rng.choice(["positive", "neutral", "negative"])
    )
    fields.update(_common(rng, 2))
    fields.update(_signal_block(rng, sk, staff))
    handler = rng.choice(staff.analysts + staff.coordinators)
    closer = rng.choice(staff.coordinators)
    clock = Timeline(rng, sk.start)
    first = rng.choice(staff.everyone)
    plan: Plan
    if sk.kind == "complaint":
        plan = [
            ("new", first, 0, 0, []),
            ("acknowledged", handler, 0.5, 30, []),
            (
                "resolved",
                handler,
                24,
                300,
                [
                    ("complaint.root_cause", "werkinstructie verouderd"),
                    ("complaint.resolution", "excuses gemaakt en opnieuw geregeld"),
                    ("complaint.communicated", None),
                    ("complaint.satisfaction", rng.randint(1, 5)),
                ],
            ),
            ("closed", closer, 2, 72, []),
        ]
    else:
        plan = [("new", first, 0, 0, []), ("triaged", handler, 2, 120, []), ("closed", closer, 4, 240, [])]
    return Draft(
        sk.id,
        "signal",
        sk.title,
        sk.start.date(),
        fields,
        _walk(rng, clock, plan),
        corpus.body_for(rng, "signal", sk.subject),
    )


def _receivers(rng: random.Random, staff: Staff) -> list[str]:
    """One to three receivers: teams, people or the whole organisation."""
    roll = rng.random()
    if roll < 0.6:
        return [f"team:{t}" for t in rng.sample(sorted(corpus.TEAMS), rng.randint(1, 2))]
    if roll < 0.9:
        person = rng.choice(sorted(staff.person_team))
        return [f"person:{person}", f"team:{staff.person_team[person]}"]
    return ["organisation"]


def _giver(rng: random.Random, receivers: list[str], staff: Staff) -> str:
    """The manager of the first receiver's team, or a giver for the organisation as a whole."""
    kind, _, key = receivers[0].partition(":")
    if kind == "team":
        return staff.team_manager[key]
    if kind == "person":
        return staff.team_manager[staff.person_team[key]]
    return rng.choice(staff.givers)


def _maker(rng: random.Random) -> dict[str, Any]:
    """The maker of a compliment: private name and contact, public display."""
    kind = rng.choice(["customer", "customer", "customer", "employee", "partner", "public"])
    city = rng.choice(corpus.CITIES)
    display = {
        "customer": f"een klant uit {city}",
        "employee": "een collega",
        "partner": "een partner",
        "public": f"iemand uit {city}",
    }[kind]
    if rng.random() < 0.15:
        return {"kind": kind, "name": "Anoniem", "display": display, "anonymous": True}
    name = corpus.person_name(rng)
    contact = corpus.slugify(name, 3).replace("-", ".") + "@example.org"
    return {"kind": kind, "name": name, "contact": contact, "display": display, "anonymous": False}


def simulate_compliment(rng: random.Random, sk: Skeleton, staff: Staff, caps: CapIndex) -> Draft:
    """A compliment through the five steps, sometimes withdrawn, sometimes tied to a CAP."""
    receivers = _receivers(rng, staff)
    giver = _giver(rng, receivers, staff)
    coordinator = rng.choice(staff.coordinators)
    maker = _maker(rng)
    fields: dict[str, Any] = {
        "source": rng.choice(
            ["phone", "letter", "email", "email", "newspaper", "survey", "forum", "in_person", "internal"]
        ),
        "maker": maker,
        "receivers": receivers,
        "giver": giver,
        "coordinator": coordinator,
        "consent": {"maker": rng.random() < 0.75, "receivers": rng.random() < 0.8},
    }
    fields.update(_common(rng, 1))
    if rng.random() < 0.2:
        fields["dossier"] = True
    cap = caps.accepted_before(rng, sk.start) if rng.random() < 0.08 else None
    if cap:
        fields["cap"] = cap
    plan: Plan = [
        ("registered", rng.choice(staff.everyone), 0, 0, []),
        ("forwarded", coordinator, 0.5, 30, []),
        ("given", giver, 4, 140, []),
        ("reaction_recorded", giver, 2, 120, [("reaction", "Het team is er erg blij mee")]),
        ("maker_informed", coordinator, 2, 96, [("maker_feedback", "Compliment doorgegeven aan het team")]),
        ("closed", coordinator, 2, 96, []),
    ]
    if maker["anonymous"] and rng.random() < 0.5:
        del plan[4]
    clock = Timeline(rng, sk.start)
    steps = _walk(rng, clock, plan)
    if steps[-1].status != "closed" and rng.random() < 0.04:
        at = clock.advance(1, 48)
        if at is not None:
            steps.append(Step(at, coordinator, "withdrawn", note="op verzoek van de melder ingetrokken"))
    return Draft(
        sk.id,
        "compliment",
        sk.title,
        sk.start.date(),
        fields,
        steps,
        corpus.body_for(rng, "compliment", sk.subject),
    )


class CapIndex:
    """Compliment Acceleration Plans on the accepted path, ordered by when they were accepted."""

    def __init__(self, drafts: list[Draft]) -> None:
        """Index the caps among ``drafts`` that were accepted and not rejected."""
        caps = [d for d in drafts if d.fields.get("kind") == "cap"]
        accepted = sorted((at, d.id) for d in caps if (at := d.reached("accepted")) is not None)
        self.times = [t for t, _ in accepted]
        self.ids = [i for _, i in accepted]

    def accepted_before(self, rng: random.Random, moment: dt.datetime) -> str | None:
        """A cap accepted (and so created) on a day before ``moment``'s day, or None."""
        day_start = dt.datetime.combine(moment.date(), dt.time(0), AMSTERDAM)
        n = bisect.bisect_left(self.times, day_start)
        return self.ids[rng.randrange(n)] if n else None


class OriginIndex:
    """Signals and compliments by first event, to pick an improvement's origin from earlier days."""

    def __init__(self, skeletons: list[Skeleton]) -> None:
        """Sort the signal and compliment skeletons by their first event."""
        self.by_type = {
            t: sorted((s.start, s.id) for s in skeletons if s.type == t) for t in ("signal", "compliment")
        }

    def before(self, rng: random.Random, type_: str, moment: dt.datetime, most: int) -> list[str]:
        """Up to ``most`` ids of ``type_`` created on a day before ``moment``'s day, among the latest."""
        items = self.by_type[type_]
        day_start = dt.datetime.combine(moment.date(), dt.time(0), AMSTERDAM)
        n = bisect.bisect_left(items, (day_start, ""))
        window = items[max(0, n - 200) : n]
        picks = rng.sample(window, min(len(window), rng.randint(1, most)))
        return sorted(i for _, i in picks)


def simulate_improvement(
    rng: random.Random, sk: Skeleton, staff: Staff, origins: OriginIndex, proposer_of: dict[str, str]
) -> Draft:
    """An improvement or CAP through the six steps: decided, carried out, measured, communicated."""
    origin: dict[str, Any] = {}
    if sk.kind == "cap":
        origin["compliments"] = origins.before(rng, "compliment", sk.start, 3)
    else:
        origin["signals"] = origins.before(rng, "signal", sk.start, 3)
    proposer = next((proposer_of[s] for s in origin.get("signals", []) if s in proposer_of), None)
    if proposer is None and rng.random() < 0.4:
        proposer = rng.choice(staff.everyone)
    if proposer:
        origin["proposer"] = proposer
    fields: dict[str, Any] = {"kind": sk.kind, "origin": {k: v for k, v in origin.items() if v}}
    fields.update(_common(rng, 3))
    owner, coordinator, decider = (
        rng.choice(staff.everyone),
        rng.choice(staff.coordinators),
        rng.choice(staff.deciders),
    )
    accept = rng.random() < 0.7
    fits = accept or rng.random() < 0.3
    decide = [
        ("strategy_fit", {"fits": fits, "note": "past bij klantintimiteit" if fits else "past niet"}),
        (
            "business_case",
            {
                "customers_affected": rng.randint(10, 5000),
                "investment_eur": float(rng.randrange(1, 80) * 500),
                "savings_eur_per_year": float(rng.randrange(0, 60) * 500),
            },
        ),
        ("decision.outcome", "accepted" if accept else "rejected"),
        ("decision.reason", "goede businesscase" if accept else "weegt niet op tegen de kosten"),
    ]
    feedback = [("proposer_feedback", "Indiener persoonlijk bijgepraat")] if proposer else []
    plan: Plan = [("proposed", proposer or rng.choice(staff.everyone), 0, 0, [])]
    if rng.random() < 0.05:
        plan.append(("withdrawn", coordinator, 4, 200, []))
    elif accept:
        before = round(rng.uniform(40, 80), 1)
        plan += [
            (
                "accepted",
                decider,
                24,
                300,
                [*decide, ("owner", owner), ("target_date", sk.start.date() + dt.timedelta(days=90))],
            ),
            ("in_progress", owner, 24, 400, []),
            ("implemented", owner, 100, 1500, []),
            (
                "evaluated",
                owner,
                100,
                1500,
                [
                    ("result.metric", "klanttevredenheid (%)"),
                    ("result.before", before),
                    ("result.after", round(before + rng.uniform(-3, 15), 1)),
                    ("result.measured", None),
                    ("result.summary", "minder onnodige contacten"),
                ],
            ),
            ("closed", coordinator, 24, 400, [("result.communicated", None), *feedback]),
        ]
    else:
        plan += [
            ("rejected", decider, 24, 300, [*decide, ("decision.consequences", "probleem blijft bestaan")]),
            ("closed", coordinator, 24, 400, [("decision.communicated", None), *feedback]),
        ]
    return Draft(
        sk.id,
        "improvement",
        sk.title,
        sk.start.date(),
        fields,
        _walk(rng, Timeline(rng, sk.start), plan),
        corpus.body_for(rng, "improvement", sk.subject),
    )
