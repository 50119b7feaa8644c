"""Helpers for the site tests: small repositories written from Python data, builds, file walks."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from kscms.repository import Repository
from kscms.site import BuildResult, build

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "repos" / "minimal"
MINIMAL_AS_OF = dt.date(2026, 11, 20)
"""The as-of date of the golden output."""

SITE_CONFIG: dict[str, Any] = {
    "organisation": "Proefbedrijf BV",
    "language": "nl",
    "timezone": "Europe/Amsterdam",
    "strategy": "customer_intimacy",
    "site": {"title": "Complimenten", "base_url": "https://example.org/wall/"},
    "people": {
        "anne": {"name": "Anne de Boer", "roles": ["coordinator"]},
        "marja": {"name": "Marja Smit", "roles": ["giver", "decider"], "manages": ["alpha"]},
        "yusuf": {"name": "Yusuf Demir", "roles": ["analyst"]},
        "rita": {"name": "Rita Ontvanger", "team": "alpha"},
        "piet": {"name": "Piet Privemens", "team": "alpha"},
    },
    "teams": {
        "alpha": {"name": "Team Alfa", "manager": "marja"},
        "beta": {"name": "Team Beta", "manager": "marja"},
    },
    "departments": {"service": {"name": "Service"}, "ict": {"name": "ICT"}},
    "themes": {"snelheid": {"name": "Snelheid"}, "uitleg": {"name": "Uitleg"}},
}

COMPLIMENT_PATH = ["registered", "forwarded", "given", "reaction_recorded", "maker_informed", "closed"]
_BY = {
    "registered": "anne",
    "forwarded": "anne",
    "given": "marja",
    "reaction_recorded": "marja",
    "maker_informed": "anne",
    "closed": "anne",
    "withdrawn": "anne",
}


def history(
    created: dt.date,
    statuses: Iterable[str],
    by: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One event per status, an hour apart, starting at 09:00 on `created`."""
    events = []
    for i, status in enumerate(statuses):
        event: dict[str, Any] = {
            "at": f"{created.isoformat()}T{9 + i:02d}:00:00+01:00",
            "by": (by or _BY).get(status, "anne"),
            "status": status,
        }
        if notes and status in notes:
            event["note"] = notes[status]
        events.append(event)
    return events


def compliment(
    slug: str, created: dt.date, title: str, body: str, upto: str = "closed", **fields: Any
) -> tuple[dict[str, Any], str]:
    """A compliment that went through the workflow up to `upto` (or was withdrawn after it)."""
    path = (
        COMPLIMENT_PATH[: COMPLIMENT_PATH.index(upto) + 1]
        if upto != "withdrawn"
        else ["registered", "withdrawn"]
    )
    statuses = fields.pop("statuses", path)
    data: dict[str, Any] = {
        "id": f"C-{created:%Y%m%d}-{slug}",
        "type": "compliment",
        "title": title,
        "status": statuses[-1],
        "created": created,
        "source": "email",
        "maker": {"kind": "customer", "display": "een klant uit Zwolle", "anonymous": False},
        "receivers": ["team:alpha"],
        "giver": "marja",
        "coordinator": "anne",
        "consent": {"maker": True, "receivers": True},
        "themes": ["snelheid"],
    }
    if "reaction_recorded" in statuses:
        data["reaction"] = "Blij mee"
    if "maker_informed" in statuses:
        data["maker_feedback"] = "Teruggemeld"
    hist_notes = fields.pop("history_notes", None)
    data.update(fields)
    data["history"] = history(created, statuses, notes=hist_notes)
    return data, body


def write_record(root: Path, data: dict[str, Any], body: str) -> Path:
    kind = data["type"]
    path = root / "records" / f"{kind}s" / f"{data['created'].year}" / f"{data['id']}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return path


def make_site_repo(
    root: Path, records: Iterable[tuple[dict[str, Any], str]], config: dict[str, Any] | None = None
) -> Path:
    """A data repository at `root` with kscms.yaml and the given records; every record must be valid."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "kscms.yaml").write_text(
        yaml.safe_dump(config or SITE_CONFIG, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    for data, body in records:
        write_record(root, data, body)
    problems = Repository.open(root).check(now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert problems == [], "\n".join(f"{p.path}:{p.line}: {p.code}: {p.message}" for p in problems)
    return root


def copy_minimal(dest: Path) -> Path:
    shutil.copytree(MINIMAL, dest)
    return dest


def build_site(root: Path, out: Path, cache: Path | None = None, **options: Any) -> BuildResult:
    """Build with the cache in a folder of the test (never inside the fixtures)."""
    options.setdefault("use_cache", cache is not None)
    result = build(Repository.open(root), out, cache_dir=cache, **options)
    assert result.skipped == [], result.skipped
    return result


def site_files(folder: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under `folder`."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
