"""Compliments (complimentmanagement) and what of them may be shown publicly."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kscms.model.base import Block, Record, StrictBool
from kscms.model.behaviour import ComplimentBehaviour

Source = Literal["phone", "letter", "email", "newspaper", "survey", "forum", "in_person", "internal"]


class Maker(Block):
    kind: Literal["customer", "employee", "partner", "public"] | None = None
    name: str | None = Field(None, description="private")
    contact: str | None = Field(None, description="private")
    display: str | None = Field(None, description="what a wall may show, e.g. 'a customer from Utrecht'")
    anonymous: StrictBool = False


class Consent(Block):
    maker: StrictBool = False
    receivers: StrictBool = False


class Compliment(ComplimentBehaviour, Record):
    """A compliment, from registration to formal closure."""

    type: Literal["compliment"] = "compliment"
    source: Source | None = None
    maker: Maker = Field(default_factory=lambda: Maker())
    receivers: list[str] = Field(default_factory=list, description="team:<key>, person:<key> or organisation")
    giver: str | None = None
    coordinator: str | None = None
    consent: Consent = Field(default_factory=lambda: Consent())
    dossier: StrictBool = False
    reaction: str | None = None
    maker_feedback: str | None = None
    cap: str | None = None
