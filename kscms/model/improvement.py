"""Improvements and Compliment Acceleration Plans (CAPs)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from kscms.model.base import Block, Date, Number, Record, StrictBool, StrictInt
from kscms.model.behaviour import ImprovementBehaviour


class Origin(Block):
    signals: list[str] = Field(default_factory=list)
    compliments: list[str] = Field(default_factory=list)
    proposer: str | None = Field(None, description="people key of the employee who proposed it")


class StrategyFit(Block):
    fits: StrictBool
    note: str | None = None


class BusinessCase(Block):
    customers_affected: Annotated[StrictInt, Field(ge=0)] | None = None
    investment_eur: Number | None = None
    savings_eur_per_year: Number | None = None
    note: str | None = None


class Decision(Block):
    outcome: Literal["accepted", "rejected"] | None = None
    reason: str | None = None
    consequences: str | None = None
    communicated: Date | None = None


class Result(Block):
    metric: str | None = None
    before: Number | str | None = None
    after: Number | str | None = None
    measured: Date | None = None
    summary: str | None = None
    communicated: Date | None = None


class Improvement(ImprovementBehaviour, Record):
    """An improvement decided, carried out and measured (the six steps), or a CAP."""

    type: Literal["improvement"] = "improvement"
    kind: Literal["improvement", "cap"] = "improvement"
    origin: Origin = Field(default_factory=lambda: Origin())
    owner: str | None = None
    strategy_fit: StrategyFit | None = None
    business_case: BusinessCase | None = None
    decision: Decision = Field(default_factory=lambda: Decision())
    target_date: Date | None = None
    result: Result = Field(default_factory=lambda: Result())
    proposer_feedback: str | None = None
