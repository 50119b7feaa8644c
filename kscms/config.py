"""kscms.yaml: the organisation's configuration, validated with exact lines (SPEC section 2)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator

from kscms.diagnostics import Problem
from kscms.errors import ConfigError
from kscms.kpi.ids import KPI_IDS
from kscms.workflow.builtin import BUILTIN
from kscms.workflow.spec import Workflow
from kscms.yamlio import Parsed, load

CONFIG_NAME = "kscms.yaml"
ROLES = ("coordinator", "giver", "decider", "analyst")
"""Roles that grant something: the ones a workflow's `permissions` may name."""
CONTRIBUTOR = "contributor"
"""Everyone is a contributor (SPEC section 2): a person may list it, but it grants nothing more."""
Role = Literal["coordinator", "giver", "decider", "analyst", "contributor"]
Number = Annotated[float, Strict()]


class _Strict(BaseModel):
    # defer_build: a validator is built on first use, not at import (a command pays only for what it validates)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Person(_Strict):
    name: str = Field(description="full name, shown internally (and publicly only as a consenting receiver)")
    github: str | None = Field(None, description="GitHub login, for `check --actor` and CODEOWNERS")
    email: str | None = Field(None, description="internal contact address")
    roles: list[Role] = Field(
        default_factory=list,
        description="coordinator, giver, decider, analyst; contributor (everyone is one) grants nothing more",
    )
    team: str | None = Field(None, description="team key")
    manages: list[str] = Field(default_factory=list, description="team keys this person manages")


class Team(_Strict):
    name: str
    manager: str | None = Field(None, description="people key of the manager (the default giver)")


class Named(_Strict):
    name: str
    description: str | None = None


class Segment(_Strict):
    name: str | None = None
    feedback: str = Field("email", description="how this segment hears back: personal, email, ...")


class Site(_Strict):
    title: str = "Complimenten & verbeteringen"
    base_url: str = "/"


class Norms(_Strict):
    compliment_given_days: Number = 5
    complaint_acknowledge_days: Number = 1
    complaint_resolve_days: Number = 10
    proposer_feedback_days: Number = 7


class Target(_Strict):
    min: Number | None = None
    max: Number | None = None


class WorkflowOverride(_Strict):
    statuses: dict[str, str] | None = Field(
        None, description="custom status -> the built-in stage it stands for"
    )
    transitions: dict[str, list[str]] | None = Field(None, description="status -> next statuses")
    permissions: dict[str, list[str]] | None = Field(None, description="status -> roles, or @giver / @owner")


class Config(_Strict):
    """The validated contents of kscms.yaml."""

    organisation: str
    language: Literal["nl", "en"] = "nl"
    timezone: str = "Europe/Amsterdam"
    strategy: Literal["customer_intimacy", "product_leadership", "operational_excellence"] = (
        "customer_intimacy"
    )
    site: Site = Field(default_factory=Site)
    people: dict[str, Person] = Field(default_factory=dict)
    teams: dict[str, Team] = Field(default_factory=dict)
    departments: dict[str, Named] = Field(default_factory=dict)
    themes: dict[str, Named] = Field(default_factory=dict)
    segments: dict[str, Segment] = Field(default_factory=dict)
    norms: Norms = Field(default_factory=Norms)
    targets: dict[str, Target] = Field(default_factory=dict)
    workflows: dict[Literal["signal", "complaint", "compliment", "improvement"], WorkflowOverride] = Field(
        default_factory=dict
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"an IANA time zone such as Europe/Amsterdam, not {value!r}") from exc
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def workflows_by_name(self) -> dict[str, Workflow]:
        overrides: dict[str, WorkflowOverride] = {str(k): v for k, v in self.workflows.items()}
        return {name: _merge(BUILTIN[name], overrides.get(name)) for name in BUILTIN}

    def people_with_role(self, role: str) -> list[str]:
        return sorted(k for k, p in self.people.items() if role in p.roles)

    def person_by_github(self, login: str) -> str | None:
        low = login.lower()
        for key, person in self.people.items():
            if person.github and person.github.lower() == low:
                return key
        return None

    def team_manager(self, team: str) -> str | None:
        t = self.teams.get(team)
        if t and t.manager:
            return t.manager
        for key, person in self.people.items():
            if team in person.manages:
                return key
        return None

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()


def _merge(base: Workflow, override: WorkflowOverride | None) -> Workflow:
    """Apply a kscms.yaml `workflows:` override to a built-in workflow."""
    if override is None:
        return base
    stages = dict(override.statuses) if override.statuses else dict(base.stages)
    if override.transitions is not None:
        transitions = {k: tuple(v) for k, v in override.transitions.items()}
    else:
        transitions = {a: tuple(b for b in stages if stages[b] in base.allowed(stages[a])) for a in stages}
    permissions = {s: base.permissions.get(st, ()) for s, st in stages.items() if st in base.permissions}
    if override.permissions:
        permissions.update({k: tuple(v) for k, v in override.permissions.items()})
    initial = tuple(s for s, st in stages.items() if st in base.initial)
    return Workflow(base.name, initial, transitions, stages, permissions, base.guards)


def _references(config: Config, parsed: Parsed, path: str) -> list[Problem]:
    """People, teams and roles that point at nothing."""
    problems = []

    def bad(where: tuple[str | int, ...], message: str) -> None:
        problems.append(
            Problem(
                path, parsed.line_of(where), "unknown-reference", message, field=".".join(map(str, where))
            )
        )

    people = ", ".join(sorted(config.people)) or "(none)"
    teams = ", ".join(sorted(config.teams)) or "(none)"
    for key, person in config.people.items():
        if person.team and person.team not in config.teams:
            bad(
                ("people", key, "team"),
                f"team `{person.team}` of `{key}` is not in `teams`: use one of {teams}",
            )
        for team in person.manages:
            if team not in config.teams:
                bad(("people", key, "manages"), f"`{key}` manages unknown team `{team}`: use one of {teams}")
    for key, team_def in config.teams.items():
        if team_def.manager and team_def.manager not in config.people:
            bad(
                ("teams", key, "manager"),
                f"manager `{team_def.manager}` of team `{key}` is not in `people`: use one of {people}",
            )
    for kpi_id in config.targets:
        if kpi_id not in KPI_IDS:
            bad(("targets", kpi_id), f"unknown KPI `{kpi_id}` in `targets`: use one of {', '.join(KPI_IDS)}")
    for name, wf in config.workflows.items():
        base = BUILTIN[name]
        for status, stage in (wf.statuses or {}).items():
            if stage not in base.stages:
                bad(
                    ("workflows", name, "statuses", status),
                    f"status `{status}` stands for unknown stage `{stage}`: use one of {', '.join(base.stages)}",
                )
        known = set(wf.statuses or base.stages)
        for status, targets in (wf.transitions or {}).items():
            for s in [status, *targets]:
                if s not in known:
                    bad(
                        ("workflows", name, "transitions", status),
                        f"unknown status `{s}` in the {name} workflow",
                    )
        for status, who in (wf.permissions or {}).items():
            for w in who:
                if w == CONTRIBUTOR:
                    bad(
                        ("workflows", name, "permissions", status),
                        f"`{CONTRIBUTOR}` grants nothing (everyone is a contributor): "
                        "use `*` for anyone in `people`, or one of " + ", ".join(ROLES),
                    )
                elif w not in (*ROLES, "@giver", "@owner", "*"):
                    bad(
                        ("workflows", name, "permissions", status),
                        f"unknown role `{w}`: use one of {', '.join(ROLES)}, @giver, @owner",
                    )
    return problems


def parse_config(text: str, path: str = CONFIG_NAME) -> tuple[Config | None, list[Problem]]:
    """Validate the text of kscms.yaml: (config or None, problems)."""
    parsed = load(text)
    problems = [Problem(path, i.line, i.code, i.message, field=i.field) for i in parsed.issues]
    if parsed.data is None and not problems:
        problems.append(
            Problem(path, 1, "missing-field", "kscms.yaml is empty: add at least `organisation:`")
        )
    if problems:
        return None, problems
    if not isinstance(parsed.data, dict):
        return None, [Problem(path, 1, "bad-type", "kscms.yaml holds no mapping: write `key: value` lines")]
    try:
        config = Config.model_validate(parsed.data)
    except ValidationError as exc:
        from kscms.validation import problems_from_validation

        return None, problems_from_validation(exc, Config, parsed, path)
    problems = _references(config, parsed, path)
    return (None if problems else config), problems


def load_config(root: Path) -> Config:
    """Read and validate `root/kscms.yaml`; raise ConfigError listing every problem."""
    file = root / CONFIG_NAME
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {file}: {exc.strerror}") from exc
    if len(raw) > 1 << 20:
        raise ConfigError(f"{file} is larger than 1 MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{CONFIG_NAME}: not UTF-8 at byte {exc.start}: save it as UTF-8") from exc
    config, problems = parse_config(text)
    if config is None:
        raise ConfigError(f"{CONFIG_NAME} has {len(problems)} problem(s)", problems)
    return config
