"""The pydantic schema of kscms.yaml (SPEC section 2): validates it and explains every problem.

Imported only when a configuration has to be validated by pydantic: `kscms.config` reads kscms.yaml,
and reads a valid one without this module (`kscms.model.lean`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from kscms.model.behaviour import ConfigBehaviour, is_known_zone

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


class Config(ConfigBehaviour, _Strict):
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
        if not is_known_zone(value):
            raise ValueError(f"an IANA time zone such as Europe/Amsterdam, not {value!r}")
        return value
