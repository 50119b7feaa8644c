"""Turn the Markdown that GitHub renders from a submitted issue form into a new record.

GitHub writes each answer under a `### <label>` heading, `_No response_` for a blank one, dropdown
choices joined by `, ` and checkboxes as `- [X] <label>`. The labels and choices come from the same
table as the forms (`kscms.forms.form_fields`). Everything read here is untrusted: it becomes plain
data in the record (quoted YAML, a Markdown body that the site renders with raw HTML off), or a
refusal that lists every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from kscms.config import Config
from kscms.errors import ConfigError, RecordError
from kscms.formfields import FORM_TYPES, ORGANISATION, FormField, Option, bilingual, form_fields, option_label
from kscms.yamlio import Path as DataPath

MAX_FORM_BYTES = 2 << 20
"""A form body larger than this is refused unread (GitHub itself stops at 65,536 characters)."""
NO_RESPONSE = frozenset({"_no response_", "none"})
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_HEADING = re.compile(r"^###[ \t]+(.*?)[ \t]*$")
_CHECKBOX = re.compile(r"^[-*][ \t]+\[([ xX])\][ \t]+(.*?)[ \t]*$")
_CHOSEN_KEY = re.compile(r"\(([^()\s,]+)\)(?=\s*(?:,|$))")
_ID_SPLIT = re.compile(r"[\s,;]+")
_INVISIBLE = {0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


@dataclass
class Answers:
    """What a form body says: field id -> text, list of option keys, or set of ticked box keys."""

    record_type: str
    values: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, FormField] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    """Ids of the fields with a problem."""

    def label(self, field_id: str, language: str = "nl") -> str:
        return bilingual(self.fields[field_id].label, language)

    def bad(self, field_id: str, message: str) -> None:
        self.failed.add(field_id)
        self.problems.append(message)


def read_form(path: Path) -> str:
    """The text of a body file: size-limited, strict UTF-8, newlines normalised."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FORM_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    return decode_form(raw)


def decode_form(raw: bytes) -> str:
    if len(raw) > MAX_FORM_BYTES:
        raise RecordError(f"the form is larger than {MAX_FORM_BYTES:,} bytes: shorten the answers")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"the form is not UTF-8 text (byte {exc.start})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _labels(record_type: str, config: Config) -> dict[str, FormField]:
    """Normalised heading -> field, for the labels of both languages."""
    out: dict[str, FormField] = {}
    for f in form_fields(record_type, config):
        for language in ("nl", "en"):
            out[_norm(bilingual(f.label, language))] = f
    return out


def _sections(
    text: str, labels: dict[str, FormField], language: str = "nl"
) -> tuple[dict[str, list[str]], list[str]]:
    """Field id -> answer lines, cut at the headings that are labels of this form."""
    sections: dict[str, list[str]] = {}
    problems: list[str] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        match = _HEADING.match(line)
        f = labels.get(_norm(match[1])) if match else None
        if f is None:
            if current is not None:
                current.append(line)
            continue
        if f.id in sections:
            problems.append(
                f"the heading «### {bilingual(f.label, language)}» appears twice: an answer may not hold "
                "a line that repeats a question of the form; remove it from your answer"
            )
            current = None
            continue
        current = sections[f.id] = []
    return sections, problems


def infer_type(text: str, config: Config) -> str:
    """Which form the body comes from, by its headings; ConfigError when that cannot be told."""
    scores = {t: len(_sections(text, _labels(t, config))[0]) for t in FORM_TYPES}
    best = max(scores.values())
    winners = [t for t, s in scores.items() if s == best]
    if best == 0 or len(winners) > 1:
        raise ConfigError(
            "cannot tell from its headings which form this is: pass --type compliment|signal|improvement"
        )
    return winners[0]


def _bad_character(text: str) -> str | None:
    for ch in text:
        code = ord(ch)
        if code in _INVISIBLE:
            return f"an invisible direction or line control character (U+{code:04X})"
        if (code < 0x20 and ch not in "\n\t") or 0x7F <= code <= 0x9F:
            return f"a control character (U+{code:04X})"
    return None


def _options(f: FormField) -> dict[str, Option]:
    return {o.key: o for o in f.options}


def _dropdown(f: FormField, value: str, say: str, report: Callable[[str], None]) -> list[str]:
    options = _options(f)
    exact = {_norm(option_label(o, lang)): o.key for o in f.options for lang in ("nl", "en")}
    if _norm(value) in exact:
        return [exact[_norm(value)]]
    keys = _CHOSEN_KEY.findall(value)
    choices = ", ".join(options)
    unknown = [k for k in keys if k not in options]
    if not keys or unknown:
        found = unknown[0] if unknown else value[:80]
        report(f"«{say}»: `{found}` is not one of the choices: choose from {choices}")
        return []
    if not f.multiple and len(keys) > 1:
        report(f"«{say}»: choose one, not {len(keys)}")
        return []
    return list(dict.fromkeys(keys))


def _checkboxes(f: FormField, lines: list[str], say: str, report: Callable[[str], None]) -> set[str]:
    texts: dict[str, str] = {}
    for o in f.options:
        for lang in ("nl", "en"):
            texts[_norm(option_label(o, lang, dropdown=False))] = o.key
        texts[_norm(o.text[0])] = texts[_norm(o.text[1])] = o.key
    ticked: set[str] = set()
    for line in lines:
        if not line.strip() or _norm(line) in NO_RESPONSE:
            continue
        match = _CHECKBOX.match(line.strip())
        key = texts.get(_norm(match[2])) if match else None
        if match is None or key is None:
            report(f"«{say}»: `{line.strip()[:80]}` is not one of the form's boxes")
        elif match[1] in "xX":
            ticked.add(key)
    return ticked


def parse_form(text: str, config: Config, record_type: str | None = None) -> Answers:
    """Read a rendered form body into answers; every problem found is in `answers.problems`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    record_type = record_type or infer_type(text, config)
    if record_type not in FORM_TYPES:
        raise ConfigError(f"--type {record_type}: use one of {', '.join(FORM_TYPES)}")
    labels = _labels(record_type, config)
    sections, problems = _sections(text, labels, config.language)
    others = {t: len(_sections(text, _labels(t, config))[0]) for t in FORM_TYPES if t != record_type}
    best_other = max(others, key=lambda t: others[t])
    if others[best_other] > len(sections):
        raise RecordError(
            f"this issue was written with the {best_other} form, not the {record_type} form: "
            "check the issue's label"
        )
    fields = {f.id: f for f in labels.values()}
    answers = Answers(record_type, fields=fields, problems=problems)
    lang = config.language
    for f in form_fields(record_type, config):
        say = bilingual(f.label, lang)
        report = partial(answers.bad, f.id)
        lines = sections.get(f.id)
        raw = "\n".join(lines).strip("\n") if lines else ""
        if bad := _bad_character(raw):
            report(f"«{say}» holds {bad}: retype the text without it")
        elif f.type == "checkboxes":
            answers.values[f.id] = _checkboxes(f, lines or [], say, report)
        elif not raw.strip() or _norm(raw) in NO_RESPONSE:
            if f.required:
                report(f"«{say}» is empty: fill it in")
        elif len(raw) > f.max_length:
            report(f"«{say}» is {len(raw):,} characters long, at most {f.max_length:,}: shorten it")
        elif f.type == "dropdown":
            answers.values[f.id] = _dropdown(f, raw.strip(), say, report)
        elif f.type == "input" and "\n" in raw.strip():
            report(f"«{say}» must be one line")
        elif f.type == "input":
            answers.values[f.id] = raw.strip()
        else:
            answers.values[f.id] = raw.rstrip() + "\n"
    return answers


# ---- answers -> record ---------------------------------------------------------------------------


def _personal_data(answers: Answers, lang: str) -> None:
    from kscms.checks.privacy import find_personal_data

    for fid, value in answers.values.items():
        if isinstance(value, str):
            found: Any = find_personal_data(value)
            what = found[0] if isinstance(found, tuple) else found
            if what:
                answers.bad(
                    fid,
                    f"«{answers.label(fid, lang)}» seems to hold {what}: leave contact details out of the "
                    "form (edit the issue to remove it too); the coordinator asks for them separately",
                )


def _ids(answers: Answers, fid: str, letter: str, lang: str) -> list[str]:
    from kscms.model.ids import id_problem

    out = []
    for item in _ID_SPLIT.split(answers.values.get(fid, "")):
        if not item:
            continue
        problem = id_problem(item)
        if problem or not item.startswith(f"{letter}-"):
            answers.bad(
                fid,
                f"«{answers.label(fid, lang)}»: `{item[:80]}` is not the id of a record "
                f"({letter}-YYYYMMDD-slug): `kscms list` shows the ids",
            )
        else:
            out.append(item)
    return out


def _compliment(answers: Answers, config: Config, sets: dict[DataPath, Any]) -> str:
    v, lang = answers.values, config.language
    teams = v.get("receiver_teams", [])
    receivers = [k if k == ORGANISATION and k not in config.teams else f"team:{k}" for k in teams]
    receivers += [f"person:{k}" for k in v.get("receiver_people", [])]
    if not receivers and not answers.failed & {"receiver_teams", "receiver_people"}:
        answers.bad(
            "receiver_teams",
            f"«{answers.label('receiver_teams', lang)}»: choose who receives the compliment "
            "(a team, the whole organisation, or an employee)",
        )
    sets[("receivers",)] = receivers
    if v.get("source"):
        sets[("source",)] = v["source"][0]
    if v.get("maker_kind"):
        sets[("maker", "kind")] = v["maker_kind"][0]
    if v.get("maker_display"):
        sets[("maker", "display")] = v["maker_display"]
    ticked = v.get("consent", set())
    if "maker.anonymous" in ticked:
        sets[("maker", "anonymous")] = True
    sets[("consent",)] = {"maker": "consent.maker" in ticked, "receivers": "consent.receivers" in ticked}
    return str(v.get("quote", ""))


def _signal(answers: Answers, config: Config, sets: dict[DataPath, Any], by: str) -> str:
    v, lang = answers.values, config.language
    kind = v["kind"][0] if v.get("kind") else None
    for fid in ("channel", "sentiment", "segment"):
        if v.get(fid):
            sets[(fid,)] = v[fid][0]
    if v.get("customer"):
        sets[("customer",)] = v["customer"]
    if v.get("topic") and kind == "question":
        sets[("question", "topic")] = v["topic"]
    elif v.get("topic") and kind:
        answers.bad(
            "topic",
            f"«{answers.label('topic', lang)}» is for a question, and this signal is a {kind}: "
            "empty it or choose the kind question",
        )
    if "complaint.customer_declared" in v.get("complaint", set()):
        if kind == "complaint":
            sets[("complaint", "customer_declared")] = True
        elif kind:
            answers.bad(
                "complaint",
                f"«{answers.label('complaint', lang)}» is ticked, and this signal is a {kind}: "
                "choose the kind complaint, or untick the box",
            )
    if kind == "employee_idea":
        sets[("employee_idea", "proposer")] = by
    return str(v.get("text", ""))


def _improvement(answers: Answers, config: Config, sets: dict[DataPath, Any], by: str) -> str:
    origin: dict[str, Any] = {"proposer": by}
    signals = _ids(answers, "origin_signals", "S", config.language)
    compliments = _ids(answers, "origin_compliments", "C", config.language)
    if signals:
        origin["signals"] = signals
    if compliments:
        origin["compliments"] = compliments
    sets[("origin",)] = origin
    return str(answers.values.get("proposal", ""))


def to_record(answers: Answers, config: Config, by: str) -> tuple[str | None, dict[DataPath, Any], str]:
    """(kind, fields to set, body) of the record the answers describe; adds to `answers.problems`."""
    v = answers.values
    sets: dict[DataPath, Any] = {}
    for key in ("themes", "departments"):
        if v.get(key):
            sets[(key,)] = v[key]
    if "privacy" not in v.get("privacy", set()):
        answers.bad(
            "privacy",
            f"«{answers.label('privacy', config.language)}»: tick the box to confirm the form holds "
            "no contact details or names a reader should not see",
        )
    if answers.record_type == "compliment":
        body = _compliment(answers, config, sets)
    elif answers.record_type == "signal":
        body = _signal(answers, config, sets, by)
    else:
        body = _improvement(answers, config, sets, by)
    _personal_data(answers, config.language)
    kind = v["kind"][0] if v.get("kind") else None
    return kind, sets, body


def person_for(config: Config, login: str) -> str:
    """The people key of a GitHub login; ConfigError saying what to do when there is none."""
    if not LOGIN.match(login or ""):
        raise ConfigError(
            f"--author {login[:80]!a} is not a GitHub login (letters, digits and hyphens, at most 39)"
        )
    key = config.person_by_github(login)
    if key is None:
        names = [config.people[k].name for k in config.people_with_role("coordinator")]
        coordinators = ", ".join(names) or "a coordinator"
        raise ConfigError(
            f"GitHub user `{login}` is not in kscms.yaml, so the form cannot be registered in their name: "
            f"ask {coordinators} to add `github: {login}` to your entry under `people:` in kscms.yaml "
            "(or to add you as a person), then open the form again"
        )
    return key


def intake(
    repo: Any, text: str, author: str, record_type: str | None = None, at: dt.datetime | None = None
) -> str:
    """Write the record a form body describes; return its relative path. Raises on any problem."""
    from kscms.authoring import new_record

    config = repo.config
    by = person_for(config, author)
    answers = parse_form(text, config, record_type)
    kind, sets, body = to_record(answers, config, by)
    rtype = answers.record_type
    if answers.problems:
        listed = "\n".join(f"  - {p}" for p in answers.problems)
        count = len(answers.problems)
        raise RecordError(f"the {rtype} form cannot be turned into a record, {count} problem(s):\n{listed}")
    try:
        return new_record(repo, rtype, answers.values["title"], by, kind=kind, sets=sets, body=body, at=at)
    except RecordError as exc:
        message = f"the form was read, but the new {rtype} has {len(exc.problems) or 'a'} problem(s)"
        if not exc.problems:
            message += f": {exc.message}"
        raise RecordError(message, exc.problems) from exc
