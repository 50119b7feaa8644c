"""The questions of the issue forms, as data: one table for `kscms forms` and `kscms intake`.

Each form field has a Dutch and an English text; dropdown options carry the key that intake reads
back. Choices that come from the record model (sources, kinds, channels, ...) are taken from its
Literal types, and those from kscms.yaml (teams, people, themes, ...) from the config, so that a new
value appears in the forms by itself.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field

from kscms.config import Config
from kscms.model.compliment import Maker, Source
from kscms.model.improvement import Improvement
from kscms.model.signal import Channel, Kind, Signal

FORM_TYPES = ("compliment", "signal", "improvement")
ORGANISATION = "organisation"

Text = tuple[str, str]
"""(Dutch, English)."""


@dataclass(frozen=True)
class Option:
    """One choice of a dropdown or one box of a checkbox group."""

    key: str
    """What intake reads back: a config key, a model value, or a dotted field for a checkbox."""
    text: Text
    """What the user sees (a dropdown option gets ` (key)` appended)."""
    required: bool = False
    """A checkbox that must be ticked."""


@dataclass(frozen=True)
class FormField:
    """One element of an issue form."""

    id: str
    """The element id in the form; also the name intake gives the answer."""
    type: str
    """input, textarea, dropdown or checkboxes."""
    label: Text
    description: Text | None = None
    placeholder: Text | None = None
    required: bool = False
    multiple: bool = False
    options: tuple[Option, ...] = field(default_factory=tuple)
    max_length: int = 200
    """Longest answer intake accepts (characters)."""


def bilingual(text: Text, language: str) -> str:
    """`Dutch / English` for language nl (or the Dutch alone when both are equal), English for en."""
    nl, en = text
    if language == "en":
        return en
    return nl if nl == en else f"{nl} / {en}"


def option_label(option: Option, language: str, dropdown: bool = True) -> str:
    text = option.text[1] if language == "en" else option.text[0]
    return f"{text} ({option.key})" if dropdown else bilingual(option.text, language)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# ---- the words -----------------------------------------------------------------------------------

SOURCE_TEXT: dict[str, Text] = {
    "phone": ("Telefoon", "Phone"),
    "letter": ("Brief", "Letter"),
    "email": ("E-mail", "E-mail"),
    "newspaper": ("Krant", "Newspaper"),
    "survey": ("Enquête", "Survey"),
    "forum": ("Internetforum", "Forum"),
    "in_person": ("Persoonlijk", "In person"),
    "internal": ("Intern (van een collega)", "Internal (from a colleague)"),
}
CHANNEL_TEXT: dict[str, Text] = {
    **SOURCE_TEXT,
    "web": ("Website", "Website"),
    "chat": ("Chat", "Chat"),
    "social": ("Sociale media", "Social media"),
    "internal": ("Intern", "Internal"),
}
KIND_TEXT: dict[str, Text] = {
    "survey": ("Klanttevredenheidsonderzoek", "Satisfaction survey"),
    "question": ("Vraag", "Question"),
    "remark": ("Opmerking", "Remark"),
    "complaint": ("Klacht", "Complaint"),
    "focus_group": ("Focusgroep", "Focus group"),
    "forum": ("Internetforum", "Internet forum"),
    "employee_idea": ("Verbetervoorstel van een medewerker", "Employee's idea"),
}
MAKER_TEXT: dict[str, Text] = {
    "customer": ("Klant", "Customer"),
    "employee": ("Medewerker", "Employee"),
    "partner": ("Partner", "Partner"),
    "public": ("Publiek", "Public"),
}
SENTIMENT_TEXT: dict[str, Text] = {
    "positive": ("Positief", "Positive"),
    "neutral": ("Neutraal", "Neutral"),
    "negative": ("Negatief", "Negative"),
}
IMPROVEMENT_KIND_TEXT: dict[str, Text] = {
    "improvement": ("Verbetering", "Improvement"),
    "cap": ("Compliment Acceleration Plan (CAP)", "Compliment Acceleration Plan (CAP)"),
}

WARNING: Text = (
    "**Let op:** iedereen die deze repository kan lezen, ziet wat je hier invult, en het record blijft in de "
    "Git-geschiedenis staan. Zet er **geen namen, e-mailadressen, telefoonnummers of adressen** "
    "in die een lezer niet mag zien; noem een klant alleen met een pseudoniem zoals `K-1043`. De coördinator "
    "vraagt contactgegevens zo nodig apart op.",
    "**Mind:** everyone who can read this repository sees what you enter here, and the record stays in the "
    "Git history. Do **not paste names, e-mail addresses, phone numbers or addresses** that "
    "a reader should not see; refer to a customer only by a pseudonymous id such as `K-1043`. "
    "The coordinator asks for contact details separately when needed.",
)
PRIVACY_OPTION = Option(
    "privacy",
    (
        "Ik heb geen contactgegevens of namen ingevuld die een lezer niet mag zien",
        "I have entered no contact details or names that a reader should not see",
    ),
    required=True,
)
FORM_TEXT: dict[str, tuple[Text, Text, str]] = {
    # type: (name, description, issue title prefix)
    "compliment": (
        ("Compliment", "Compliment"),
        (
            "Leg een compliment vast: een coördinator geeft het door aan de ontvangers.",
            "Log a compliment: a coordinator passes it on to the receivers.",
        ),
        "Compliment: ",
    ),
    "signal": (
        ("Klantsignaal", "Customer signal"),
        (
            "Leg een vraag, opmerking, klacht of ander klantsignaal vast.",
            "Log a question, remark, complaint or other customer signal.",
        ),
        "Signaal: ",
    ),
    "improvement": (
        ("Verbetervoorstel", "Improvement proposal"),
        (
            "Stel een verbetering voor; je hoort terug wat ermee gebeurt.",
            "Propose an improvement; you will hear back what is done with it.",
        ),
        "Voorstel: ",
    ),
}


def _literal_options(literal: typing.Any, texts: dict[str, Text]) -> tuple[Option, ...]:
    """Options for every value of a model Literal (so a new value shows up in the forms by itself)."""
    values: tuple[str, ...] = typing.get_args(literal)
    return tuple(Option(v, texts.get(v, (v, v))) for v in values)


def _named(key: str, name: str | None) -> Option:
    text = _one_line(name or key)
    return Option(str(key), (text, text))


def _keyed(items: dict[str, typing.Any]) -> tuple[Option, ...]:
    """Options from config entries with a `name` (teams, themes, departments, people)."""
    return tuple(_named(key, getattr(item, "name", None)) for key, item in items.items())


def _maker_kinds() -> typing.Any:
    annotation = Maker.model_fields["kind"].annotation
    return next(a for a in typing.get_args(annotation) if a is not type(None))


def _sentiments() -> typing.Any:
    annotation = Signal.model_fields["sentiment"].annotation
    return next(a for a in typing.get_args(annotation) if a is not type(None))


def _improvement_kinds() -> typing.Any:
    return Improvement.model_fields["kind"].annotation


# ---- the fields ----------------------------------------------------------------------------------


def _common_tail(config: Config) -> list[FormField]:
    fields = []
    if config.themes:
        fields.append(
            FormField(
                "themes",
                "dropdown",
                ("Thema's", "Themes"),
                ("Waar gaat het over? Meer dan één mag.", "What is it about? More than one is fine."),
                multiple=True,
                options=_keyed(config.themes),
            )
        )
    if config.departments:
        fields.append(
            FormField(
                "departments",
                "dropdown",
                ("Afdelingen", "Departments"),
                ("Welke afdelingen raakt het?", "Which departments does it touch?"),
                multiple=True,
                options=_keyed(config.departments),
            )
        )
    fields.append(FormField("privacy", "checkboxes", ("Privacy", "Privacy"), options=(PRIVACY_OPTION,)))
    return fields


def _title(example: Text) -> FormField:
    return FormField(
        "title",
        "input",
        ("Titel", "Title"),
        ("Kort en zonder namen of contactgegevens.", "Short, without names or contact details."),
        placeholder=example,
        required=True,
        max_length=200,
    )


def _compliment(config: Config) -> list[FormField]:
    receivers = _keyed(config.teams)
    if ORGANISATION not in config.teams:
        receivers += (Option(ORGANISATION, ("Hele organisatie", "Whole organisation")),)
    fields = [
        _title(("Printer binnen een uur gemaakt", "Printer fixed within the hour")),
        FormField(
            "quote",
            "textarea",
            ("Het compliment", "The compliment"),
            (
                "Het compliment zoals het gegeven is. Deze tekst kan op de complimentenmuur komen.",
                "The compliment as it was made. This text may appear on the wall of compliments.",
            ),
            required=True,
            max_length=20_000,
        ),
        FormField(
            "receiver_teams",
            "dropdown",
            ("Ontvangend team", "Receiving team"),
            (
                "Wie krijgt het compliment? Kies een team, een medewerker hieronder, of allebei.",
                "Who receives it? Choose a team, an employee below, or both.",
            ),
            multiple=True,
            options=receivers,
        ),
    ]
    if config.people:
        fields.append(
            FormField(
                "receiver_people",
                "dropdown",
                ("Ontvangende medewerker", "Receiving employee"),
                (
                    "Alleen als het compliment een bepaalde medewerker noemt.",
                    "Only when the compliment names an employee.",
                ),
                multiple=True,
                options=_keyed(config.people),
            )
        )
    fields += [
        FormField(
            "source",
            "dropdown",
            ("Hoe kwam het binnen?", "How did it come in?"),
            options=_literal_options(Source, SOURCE_TEXT),
        ),
        FormField(
            "maker_kind",
            "dropdown",
            ("Wie gaf het compliment?", "Who made it?"),
            options=_literal_options(_maker_kinds(), MAKER_TEXT),
        ),
        FormField(
            "maker_display",
            "input",
            ("Maker zoals de muur hem mag tonen", "Maker as the wall may show them"),
            (
                "Geen naam: bijvoorbeeld 'een klant uit Utrecht'.",
                "No name: for example 'a customer from Utrecht'.",
            ),
            placeholder=("een klant uit Utrecht", "a customer from Utrecht"),
            max_length=200,
        ),
        FormField(
            "consent",
            "checkboxes",
            ("Toestemming", "Consent"),
            (
                "Alleen aanvinken als het echt gevraagd en gegeven is.",
                "Tick only when it was asked and given.",
            ),
            options=(
                Option(
                    "consent.maker",
                    (
                        "De maker vindt het goed dat het compliment op de complimentenmuur komt",
                        "The maker agrees to the compliment being shown on the wall",
                    ),
                ),
                Option(
                    "consent.receivers",
                    (
                        "De ontvangers vinden het goed dat het op de complimentenmuur komt",
                        "The receivers agree to it being shown on the wall",
                    ),
                ),
                Option(
                    "maker.anonymous",
                    (
                        "De maker wil anoniem blijven en hoeft niets terug te horen",
                        "The maker wishes to stay anonymous and needs no feedback",
                    ),
                ),
            ),
        ),
    ]
    return fields + _common_tail(config)


def _signal(config: Config) -> list[FormField]:
    fields = [
        _title(("Opzeggen lukt niet online", "Cannot cancel online")),
        FormField(
            "kind",
            "dropdown",
            ("Soort signaal", "Kind of signal"),
            required=True,
            options=_literal_options(Kind, KIND_TEXT),
        ),
        FormField(
            "text",
            "textarea",
            ("Wat zei de klant?", "What did the customer say?"),
            (
                "In je eigen woorden of als citaat, zonder naam of contactgegevens.",
                "In your own words or quoted, without a name or contact details.",
            ),
            required=True,
            max_length=20_000,
        ),
        FormField(
            "channel", "dropdown", ("Kanaal", "Channel"), options=_literal_options(Channel, CHANNEL_TEXT)
        ),
        FormField(
            "sentiment",
            "dropdown",
            ("Toon", "Sentiment"),
            options=_literal_options(_sentiments(), SENTIMENT_TEXT),
        ),
        FormField(
            "customer",
            "input",
            ("Klant (pseudoniem)", "Customer (pseudonymous id)"),
            ("Een klantnummer zoals K-1043, nooit een naam.", "An id such as K-1043, never a name."),
            placeholder=("K-1043", "K-1043"),
            max_length=40,
        ),
    ]
    if config.segments:
        fields.append(
            FormField(
                "segment",
                "dropdown",
                ("Klantsegment", "Segment"),
                options=tuple(_named(k, s.name) for k, s in config.segments.items()),
            )
        )
    fields += [
        FormField(
            "topic",
            "input",
            ("Onderwerp van de vraag", "Topic of the question"),
            (
                "Alleen bij een vraag, bijvoorbeeld 'opzeggen'.",
                "Only for a question, for example 'cancelling'.",
            ),
            max_length=100,
        ),
        FormField(
            "complaint",
            "checkboxes",
            ("Klacht", "Complaint"),
            options=(
                Option(
                    "complaint.customer_declared",
                    ("De klant noemt het zelf een klacht", "The customer calls it a complaint"),
                ),
            ),
        ),
    ]
    return fields + _common_tail(config)


def _improvement(config: Config) -> list[FormField]:
    fields = [
        _title(("Opzeggen online mogelijk maken", "Allow cancelling online")),
        FormField(
            "kind",
            "dropdown",
            ("Soort voorstel", "Kind of proposal"),
            required=True,
            options=_literal_options(_improvement_kinds(), IMPROVEMENT_KIND_TEXT),
        ),
        FormField(
            "proposal",
            "textarea",
            ("Het voorstel", "The proposal"),
            (
                "Wat moet er beter, waarom, en welke klanten merken het?",
                "What should improve, why, and which customers notice it?",
            ),
            required=True,
            max_length=20_000,
        ),
        FormField(
            "origin_signals",
            "input",
            ("Naar aanleiding van signalen", "Prompted by signals"),
            ("Ids van signalen, met komma's ertussen.", "Signal ids, separated by commas."),
            placeholder=("S-20261120-bellen-opzeggen",) * 2,
            max_length=1000,
        ),
        FormField(
            "origin_compliments",
            "input",
            ("Naar aanleiding van complimenten", "Prompted by compliments"),
            (
                "Ids van complimenten, met komma's ertussen (bij een CAP).",
                "Compliment ids, separated by commas (for a CAP).",
            ),
            placeholder=("C-20261120-printer-snel-gemaakt",) * 2,
            max_length=1000,
        ),
    ]
    return fields + _common_tail(config)


def form_fields(record_type: str, config: Config) -> list[FormField]:
    """The input elements of the form for `record_type`, in order."""
    return {"compliment": _compliment, "signal": _signal, "improvement": _improvement}[record_type](config)
