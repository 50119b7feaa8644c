"""Translations of the site: Babel catalogues beside the templates, compiled in memory at build time.

Templates use `{{ _("English text") }}`; labels of statuses, kinds and sources are marked here with
`N_` so that `python -m kscms.site.i18n` extracts them together with the template strings into
`site_templates/locales/messages.pot` and merges that into each language's `messages.po`. Nothing
compiled (`.mo`) is committed: `translations(language)` reads the `.po` and compiles it in memory.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("nl", "en")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


# Labels of values that records hold; translated when a page shows them.
LABELS: dict[str, str] = {
    # types
    "signal": N_("signal"),
    "compliment": N_("compliment"),
    "improvement": N_("improvement"),
    # statuses
    "new": N_("new"),
    "triaged": N_("triaged"),
    "acknowledged": N_("acknowledged"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
    "registered": N_("registered"),
    "forwarded": N_("forwarded"),
    "given": N_("given"),
    "reaction_recorded": N_("reaction recorded"),
    "maker_informed": N_("maker informed"),
    "withdrawn": N_("withdrawn"),
    "proposed": N_("proposed"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "in_progress": N_("in progress"),
    "implemented": N_("implemented"),
    "evaluated": N_("evaluated"),
    # signal kinds
    "survey": N_("survey"),
    "question": N_("question"),
    "remark": N_("remark"),
    "complaint": N_("complaint"),
    "focus_group": N_("focus group"),
    "forum": N_("forum"),
    "employee_idea": N_("employee idea"),
    "cap": N_("compliment acceleration plan"),
    # channels and sources
    "phone": N_("phone"),
    "email": N_("e-mail"),
    "letter": N_("letter"),
    "web": N_("web"),
    "chat": N_("chat"),
    "social": N_("social media"),
    "in_person": N_("in person"),
    "newspaper": N_("newspaper"),
    "internal": N_("internal"),
    # sentiments
    "positive": N_("positive"),
    "neutral": N_("neutral"),
    "negative": N_("negative"),
    # maker kinds
    "customer": N_("customer"),
    "employee": N_("employee"),
    "partner": N_("partner"),
    "public": N_("member of the public"),
    "organisation": N_("the whole organisation"),
    # severities
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    # roles
    "coordinator": N_("coordinator"),
    "giver": N_("giver"),
    "decider": N_("decider"),
    "analyst": N_("analyst"),
    "contributor": N_("contributor"),
    # strategies (kscms.yaml `strategy`) and how a segment hears back (`segments.*.feedback`)
    "customer_intimacy": N_("customer intimacy"),
    "product_leadership": N_("product leadership"),
    "operational_excellence": N_("operational excellence"),
    "personal": N_("personal"),
}

ANONYMOUS_MAKER = N_("a customer")
"""What the wall shows for a maker without a `display` or who wants to stay anonymous."""


def locales_dir(templates_dir: Path) -> Path:
    return templates_dir / "locales"


@lru_cache(maxsize=8)
def _compiled(po_path: str, mtime_ns: int) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translations(templates_dir: Path, language: str) -> gettext.NullTranslations:
    """The compiled catalogue of `language` (English msgids fall through untranslated)."""
    po = locales_dir(templates_dir) / language / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return gettext.NullTranslations()
    return _compiled(str(po), po.stat().st_mtime_ns)


def label(translate: gettext.NullTranslations, value: str | None) -> str:
    """The translated label of a stored value (the value itself when it has no label)."""
    if value is None:
        return ""
    message = LABELS.get(value)
    return translate.gettext(message) if message else value


def update_catalogues(templates_dir: Path) -> None:
    """Extract messages from the templates and this module into messages.pot; merge into each .po."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_from_file
    from babel.messages.pofile import read_po, write_po

    template = Catalog(project="kscms", charset="utf-8")
    method_map = [("**.html", "jinja2"), ("**.xml", "jinja2"), ("**.svg", "jinja2")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}, "**.xml": {"extensions": "jinja2.ext.i18n"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(templates_dir), method_map, options_map=options
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        for lineno, message, comments, context in extract_from_file(
            "python", str(source), keywords={"N_": None, "_": None}
        ):
            template.add(
                message,
                None,
                [(f"kscms/site/{source.name}", lineno)],
                auto_comments=comments,
                context=context,
            )
    locales = locales_dir(templates_dir)
    with open(locales / "messages.pot", "wb") as handle:
        write_po(handle, template, omit_header=True, sort_output=True, width=100, no_location=True)
    for language in LANGUAGES:
        po = locales / language / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.is_file():
            with open(po, "rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="kscms", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with open(po, "wb") as handle:
            write_po(
                handle,
                catalog,
                omit_header=True,
                sort_output=True,
                width=100,
                ignore_obsolete=True,
                no_location=True,
            )


KPI_LABELS: dict[str, str] = {
    "compliments.registered": N_("Compliments registered"),
    "compliments.median_days_to_given": N_("Median days until a compliment is given"),
    "compliments.given_within_norm_pct": N_("Compliments given within the norm (%)"),
    "compliments.maker_informed_pct": N_("Makers informed (%)"),
    "compliments.open_overdue": N_("Open compliments past the norm"),
    "compliments.caps": N_("Compliments with an acceleration plan"),
    "complaints.received": N_("Complaints received"),
    "complaints.acknowledged_within_norm_pct": N_("Complaints acknowledged within the norm (%)"),
    "complaints.resolved_within_norm_pct": N_("Complaints resolved within the norm (%)"),
    "complaints.median_days_to_resolve": N_("Median days to resolve a complaint"),
    "complaints.handling_satisfaction_avg": N_("Satisfaction with complaint handling (1-5)"),
    "signals.by_kind": N_("Signals by kind"),
    "signals.by_channel": N_("Signals by channel"),
    "questions.top_topics": N_("Top question topics"),
    "customers.top20_share_pct": N_("Share of signals from the top 20% of customers (%)"),
    "survey.priorities": N_("Survey priorities"),
    "threads.red_threads": N_("Common threads"),
    "improvements.implemented": N_("Improvements implemented"),
    "improvements.cross_department_implemented": N_("Cross-department improvements implemented"),
    "improvements.median_lead_time_days": N_("Median lead time of improvements (days)"),
    "improvements.results_communicated_pct": N_("Results communicated (%)"),
    "improvements.proposer_feedback_within_norm_pct": N_("Proposers heard back within the norm (%)"),
}

DUE_SECTIONS: dict[str, str] = {
    "compliment-not-given": N_("Compliments not given within the norm"),
    "complaint-not-acknowledged": N_("Complaints not acknowledged within the norm"),
    "complaint-not-resolved": N_("Complaints not resolved within the norm"),
    "proposer-waiting": N_("Proposers waiting for feedback"),
    "improvement-past-target": N_("Improvements past their target date"),
    "results-not-communicated": N_("Results of improvements never communicated"),
}


if __name__ == "__main__":
    update_catalogues(Path(__file__).resolve().parent.parent / "site_templates")
