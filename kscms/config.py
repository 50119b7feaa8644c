"""kscms.yaml: the organisation's configuration, read with exact lines (SPEC section 2).

A valid kscms.yaml is read by `kscms.model.lean` when the caller asks for it (`lean=True`), without
importing pydantic; otherwise, and whenever the lean reader cannot vouch for the file, the pydantic
schema in `kscms.model.config` validates it and explains every problem. The schema's classes are
also importable from here (`from kscms.config import Config`), loaded on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kscms.diagnostics import Problem
from kscms.errors import ConfigError
from kscms.kpi.ids import KPI_IDS, KPI_NOT_NUMBERS
from kscms.workflow.builtin import BUILTIN

if TYPE_CHECKING:
    from kscms.model.config import (  # re-exported (see __all__), loaded on first use by __getattr__
        Config,
        Named,
        Norms,
        Person,
        Segment,
        Site,
        Target,
        Team,
        WorkflowOverride,
    )
    from kscms.yamlio import Parsed

CONFIG_NAME = "kscms.yaml"
ROLES = ("coordinator", "giver", "decider", "analyst")
"""Roles that grant something: the ones a workflow's `permissions` may name."""
CONTRIBUTOR = "contributor"
"""Everyone is a contributor (SPEC section 2): a person may list it, but it grants nothing more."""
MAX_BYTES = 1 << 20

__all__ = [
    "CONFIG_NAME",
    "ROLES",
    "CONTRIBUTOR",
    "parse_config",
    "load_config",
    "config_problems",
    # the pydantic schema (kscms.model.config), imported on first use
    "Config",
    "Named",
    "Norms",
    "Person",
    "Segment",
    "Site",
    "Target",
    "Team",
    "WorkflowOverride",
]
_SCHEMA_NAMES = frozenset(__all__[__all__.index("Config") :])


def __getattr__(name: str) -> Any:
    """The pydantic schema's classes, imported when first asked for (PEP 562)."""
    if name in _SCHEMA_NAMES:
        from kscms.model import config_models

        return getattr(config_models(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def config_problems(config: Config, parsed: Parsed, path: str) -> list[Problem]:
    """What the schema cannot see: people, teams and roles that point at nothing, logins and
    addresses that name two people, and norms and targets that no number can meet."""
    problems = []

    def bad(where: tuple[str | int, ...], message: str, code: str = "unknown-reference") -> None:
        problems.append(Problem(path, parsed.line_of(where), code, message, field=".".join(map(str, where))))

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
    for field, what in (("github", "a GitHub login"), ("email", "an e-mail address")):
        holders: dict[str, str] = {}  # `--actor` and `audit` tie a login or address to one person
        for key, person in config.people.items():
            value = getattr(person, field)
            if value is None:
                continue
            first = holders.setdefault(value.lower(), key)
            if first != key:
                bad(
                    ("people", key, field),
                    f"`{field}: {value}` of `{key}` is also `{first}`'s: {what} names one person, "
                    "so that each change is tied to who made it",
                    "bad-type",
                )
    for norm, days in vars(config.norms).items():
        if isinstance(days, int | float) and days < 0:
            bad(
                ("norms", norm),
                f"`norms.{norm}` is {days:g}: expected a number of days, 0 or more",
                "bad-type",
            )
    for kpi_id, target in config.targets.items():
        if kpi_id in KPI_NOT_NUMBERS:
            bad(
                ("targets", kpi_id),
                f"`{kpi_id}` is not one number (it counts per key, or lists): a target cannot apply; "
                "remove it",
                "bad-type",
            )
        elif target.min is not None and target.max is not None and target.min > target.max:
            bad(
                ("targets", kpi_id),
                f"target of `{kpi_id}` has min {target.min:g} above max {target.max:g}: no value can meet it",
                "bad-type",
            )
    return problems


def parse_config(
    text: str, path: str = CONFIG_NAME, *, lean: bool = False
) -> tuple[Config | None, list[Problem]]:
    """Validate the text of kscms.yaml: (config or None, problems).

    `lean`: read a valid file without pydantic (`kscms.model.lean`); a file the lean reader cannot
    vouch for raises `NeedsModels`, and the caller reads it again without `lean`.
    """
    if lean:
        from kscms.model.lean import lean_config

        return lean_config(text, path), []
    from kscms.yamlio import load

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
    from kscms.model import config_models

    model = config_models().Config
    from pydantic import ValidationError

    try:
        config = model.model_validate(parsed.data)
    except ValidationError as exc:
        from kscms.validation import problems_from_validation

        return None, problems_from_validation(exc, model, parsed, path)
    problems = config_problems(config, parsed, path)
    return (None if problems else config), problems


def load_config(root: Path, *, lean: bool = False) -> Config:
    """Read and validate `root/kscms.yaml`; raise ConfigError listing every problem.

    `lean`: as in `parse_config`, and a file with any problem raises `NeedsModels` too.
    """
    file = root / CONFIG_NAME
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {file}: {exc.strerror}") from exc
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{file} is larger than 1 MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{CONFIG_NAME}: not UTF-8 at byte {exc.start}: save it as UTF-8") from exc
    config, problems = parse_config(text, lean=lean)
    if config is None:
        raise ConfigError(f"{CONFIG_NAME} has {len(problems)} problem(s)", problems)
    return config
