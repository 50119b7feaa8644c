"""Signals (klantsignalen): survey, question, remark, complaint, focus group, forum, employee idea."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from kscms.model.base import Block, Date, Number, Record, StrictBool, StrictInt

Kind = Literal["survey", "question", "remark", "complaint", "focus_group", "forum", "employee_idea"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
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
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]
KIND_BLOCKS = ("survey", "question", "complaint", "focus_group", "forum", "employee_idea")
WEIGHT_TOLERANCE = 0.02
"""How far the `importance` weights that `import survey` reads may sum from 1 (else it writes nothing)."""
WEIGHT_WARNING = 0.05
"""How far a survey record's weights may sum from 1 before `check` warns (`survey-weights`): weights
written by hand or rounded to two decimals over many elements sum to 0.97 or 1.03, which is "~1"."""
WEIGHT_EPSILON = 1e-9
"""Float slack: 0.51 + 0.51 is 1.02 to the eye and 1.0200000000000000178 to Python."""


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


class Signal(Record):
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

    @property
    def workflow_name(self) -> str:
        return "complaint" if self.kind == "complaint" else "signal"

    @property
    def question_count(self) -> int:
        return self.question.count if self.question else 1
