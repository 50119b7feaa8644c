"""Signals (klantsignalen): survey, question, remark, complaint, focus group, forum, employee idea."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from kscms.model.base import Block, Date, Number, Record, StrictBool, StrictInt
from kscms.model.behaviour import SignalBehaviour

Kind = Literal["survey", "question", "remark", "complaint", "focus_group", "forum", "employee_idea"]
Channel = Literal[
    "phone",
    "email",
    "letter",
    "web",
    "chat",
    "social",
    "in_person",
    "survey",
    "forum",
    "newspaper",
    "internal",
]


class SurveyElement(Block):
    element: str
    rating: Annotated[Number, Field(ge=0, le=10, description="0-10")]
    importance: Annotated[Number, Field(ge=0, le=1, description="0-1; the weights of a survey sum to ~1")]


class SurveyBlock(Block):
    period: str | None = None
    respondents: Annotated[StrictInt, Field(ge=0)] | None = None
    overall: Annotated[Number, Field(ge=0, le=10)] | None = None
    elements: list[SurveyElement] = Field(default_factory=list)


class QuestionBlock(Block):
    topic: str
    count: Annotated[StrictInt, Field(ge=1)] = 1


class ComplaintBlock(Block):
    customer_declared: StrictBool | None = None
    remedy_sought: str | None = None
    severity: Literal["low", "medium", "high"] | None = None
    root_cause: str | None = None
    resolution: str | None = None
    communicated: Date | None = None
    satisfaction: Annotated[StrictInt, Field(ge=1, le=5, description="1-5")] | None = None


class FocusGroupBlock(Block):
    participants: Annotated[StrictInt, Field(ge=0)] | None = None
    held: Date | None = None


class ForumBlock(Block):
    site: str | None = None
    url: str | None = None
    responded: StrictBool | None = None


class EmployeeIdeaBlock(Block):
    proposer: str = Field(description="people key of the employee who proposed it")


class Signal(SignalBehaviour, Record):
    """A customer signal of one of seven kinds."""

    type: Literal["signal"] = "signal"
    kind: Kind
    channel: Channel | None = None
    customer: str | None = Field(None, description="pseudonymous id such as K-1043, never a name")
    segment: str | None = None
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    improvements: list[str] = Field(default_factory=list)
    survey: SurveyBlock | None = None
    question: QuestionBlock | None = None
    complaint: ComplaintBlock | None = None
    focus_group: FocusGroupBlock | None = None
    forum: ForumBlock | None = None
    employee_idea: EmployeeIdeaBlock | None = None
