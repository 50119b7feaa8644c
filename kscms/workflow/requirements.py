"""What each stage needs of a record (SPEC 3.1-3.3): pure functions of the record, per stage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kscms.model.kinds import Compliment, Improvement, Signal

if TYPE_CHECKING:
    from kscms.model.base import Record

Need = tuple[str, str]
"""(field, what to do): one unmet requirement."""
Rule = Callable[["Record", str], Iterator[Need]]


def _themes(r: Record, stage: str) -> Iterator[Need]:
    if not r.themes:
        yield "themes", "add `themes: [<theme>]`"


def _resolution(r: Record, stage: str) -> Iterator[Need]:
    if isinstance(r, Signal) and not (r.complaint and r.complaint.resolution):
        yield "complaint.resolution", "add `complaint: {resolution: ...}`"


def _giver(r: Record, stage: str) -> Iterator[Need]:
    if isinstance(r, Compliment) and not r.giver:
        yield "giver", "add `giver: <person>`"


def _reaction(r: Record, stage: str) -> Iterator[Need]:
    if isinstance(r, Compliment) and not r.reaction:
        yield "reaction", "add `reaction: <what the receiver said>`"


def _maker_feedback(r: Record, stage: str) -> Iterator[Need]:
    if isinstance(r, Compliment) and not r.maker_feedback:
        yield "maker_feedback", "add `maker_feedback: <what was reported back to the maker>`"


def _decided(r: Record, stage: str) -> Iterator[Need]:
    if not isinstance(r, Improvement):
        return
    if r.strategy_fit is None:
        yield "strategy_fit", "add `strategy_fit: {fits: true|false, note: ...}`"
    if r.business_case is None:
        yield (
            "business_case",
            "add `business_case: {customers_affected: N, investment_eur: N, savings_eur_per_year: N}`",
        )
    if not r.decision.reason:
        yield "decision.reason", "add `decision: {reason: ...}`"
    if r.decision.outcome != stage:
        found = r.decision.outcome or "missing"
        yield "decision.outcome", f"set `decision.outcome: {stage}` (found {found})"
    if stage == "accepted" and r.strategy_fit is not None and not r.strategy_fit.fits:
        yield (
            "strategy_fit.fits",
            "an improvement that does not fit the strategy is rejected, not accepted: move it to rejected with the reason",
        )
    if stage == "rejected" and not r.decision.consequences:
        yield (
            "decision.consequences",
            "add `decision: {consequences: ...}` so the register shows what rejecting means",
        )


def _owner(r: Record, stage: str) -> Iterator[Need]:
    if isinstance(r, Improvement) and not r.owner:
        yield "owner", "add `owner: <person>`"


def _evaluated(r: Record, stage: str) -> Iterator[Need]:
    if not isinstance(r, Improvement):
        return
    for name in ("metric", "before", "after", "summary"):
        if getattr(r.result, name) in (None, ""):
            yield f"result.{name}", f"add `result: {{{name}: ...}}`"


def _closed_improvement(r: Record, stage: str) -> Iterator[Need]:
    if not isinstance(r, Improvement):
        return
    statuses = {e.status for e in r.history}
    if "rejected" in statuses and "accepted" not in statuses:
        if not r.decision.communicated:
            yield (
                "decision.communicated",
                "add `decision: {communicated: YYYY-MM-DD}` (when the decision was told)",
            )
    elif not r.result.communicated:
        yield "result.communicated", "add `result: {communicated: YYYY-MM-DD}` (when the result was told)"
    if r.origin.proposer and not r.proposer_feedback:
        yield "proposer_feedback", f"add `proposer_feedback: ...` (what {r.origin.proposer} was told)"


REQUIREMENTS: dict[tuple[str, str], tuple[Rule, ...]] = {
    ("signal", "triaged"): (_themes,),
    ("complaint", "resolved"): (_themes, _resolution),
    ("compliment", "forwarded"): (_giver,),
    ("compliment", "reaction_recorded"): (_reaction,),
    ("compliment", "maker_informed"): (_maker_feedback,),
    ("improvement", "accepted"): (_decided,),
    ("improvement", "rejected"): (_decided,),
    ("improvement", "in_progress"): (_owner,),
    ("improvement", "evaluated"): (_evaluated,),
    ("improvement", "closed"): (_closed_improvement,),
}


def needs(record: Record, workflow: str, stage: str) -> list[Need]:
    """Unmet requirements of `stage` for `record`."""
    return [need for rule in REQUIREMENTS.get((workflow, stage), ()) for need in rule(record, stage)]
