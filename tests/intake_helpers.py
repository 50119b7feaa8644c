"""Helpers for the forms, intake, init and ci-dry tests: a data repository and GitHub's rendering of forms.

`render_body` does what GitHub does when an issue form is submitted: each input element becomes a
`### <label>` heading followed by the answer, `_No response_` when blank, dropdown choices joined by
`, ` and checkboxes as `- [X] <label>` / `- [ ] <label>`. The fixture bodies in
`tests/fixtures/intake/` are written in the same format (and a test checks their headings against the
forms).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from git_helpers import git

ROOT = Path(__file__).resolve().parent.parent
INTAKE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "intake"
AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
"""The moment every fixture is taken in (so expected records are exact)."""

INTAKE_CONFIG = """\
organisation: Testorganisatie
language: nl
timezone: Europe/Amsterdam
people:
  anne: {name: Anne de Boer, github: anne-db, roles: [coordinator]}
  marja: {name: Marja Smit, github: msmit, roles: [giver, decider], manages: [servicedesk]}
  karel: {name: Karel Visser, github: kvisser, team: servicedesk}
  lotte: {name: Lotte Janssen, team: servicedesk}
teams:
  servicedesk: {name: Servicedesk, manager: marja}
  web: {name: Web & Online, manager: marja}
departments: {facturatie: {name: Facturatie}, operations: {name: Operations}}
themes: {bereikbaarheid: {name: Bereikbaarheid}, opzeggen: {name: Opzeggen}}
segments: {zakelijk: {feedback: personal}, particulier: {feedback: email}}
"""


def make_data_repo(where: Path, config: str = INTAKE_CONFIG, files: dict[str, str] | None = None) -> Path:
    """A committed Git repository holding kscms.yaml, records/ and `files`."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "kscms.yaml").write_text(config, encoding="utf-8")
    (where / "records").mkdir(exist_ok=True)
    for rel, text in (files or {}).items():
        path = where / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "-A")
    git(where, "commit", "-q", "--allow-empty", "-m", "initial")
    return where


def form_data(text: str) -> dict[str, Any]:
    """An issue-form file (or rendered text) as data."""
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def render_body(form: dict[str, Any], answers: dict[str, Any]) -> str:
    """The issue body GitHub makes from `form` filled in with `answers` (element id -> answer).

    An answer is text (input, textarea), a list of option texts (dropdown) or a set of box labels
    (checkboxes); a missing answer is left blank.
    """
    parts = []
    for element in form["body"]:
        if element["type"] == "markdown":
            continue
        attributes = element["attributes"]
        answer = answers.get(element["id"])
        if element["type"] == "checkboxes":
            ticked = answer or set()
            text = "\n".join(
                f"- [{'X' if o['label'] in ticked else ' '}] {o['label']}" for o in attributes["options"]
            )
        elif element["type"] == "dropdown":
            text = ", ".join(answer) if answer else "_No response_"
        else:
            text = answer if answer else "_No response_"
        parts.append(f"### {attributes['label']}\n\n{text}")
    return "\n\n".join(parts)


def option(form: dict[str, Any], element_id: str, key: str) -> str:
    """The text of the option of `element_id` whose key is `key` (a dropdown: ends in `(key)`)."""
    element = next(e for e in form["body"] if e.get("id") == element_id)
    for choice in element["attributes"]["options"]:
        text = choice["label"] if isinstance(choice, dict) else choice
        if text.endswith(f"({key})") or (isinstance(choice, dict) and key in text):
            return str(text)
    raise KeyError(f"{element_id} has no option {key}")


def headings(body: str) -> list[str]:
    return [line[4:].strip() for line in body.splitlines() if line.startswith("### ")]
