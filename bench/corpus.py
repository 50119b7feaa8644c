"""Vocabulary and text builders for the benchmark generator.

Everything here is pure: each function takes a ``random.Random`` and returns
plain data, so a seed fully determines the generated repository.  The texts
are Dutch (the demo organisation's language) and never contain e-mail
addresses, phone numbers or IBANs, so consented compliments stay publishable.
"""

from __future__ import annotations

import random
import re
import unicodedata

FIRST_NAMES = [
    "Anne",
    "Bram",
    "Carla",
    "Daan",
    "Eva",
    "Fleur",
    "Gijs",
    "Hanna",
    "Ilse",
    "Joost",
    "Karel",
    "Lotte",
    "Marja",
    "Niels",
    "Olga",
    "Pieter",
    "Quinten",
    "Rosa",
    "Sanne",
    "Thijs",
    "Ursula",
    "Vera",
    "Willem",
    "Xander",
    "Yara",
    "Zoë",
    "Ahmed",
    "Bas",
    "Chantal",
    "Dirk",
    "Esther",
    "Frank",
    "Greet",
    "Hugo",
    "Iris",
    "Jeroen",
    "Kim",
    "Lars",
    "Mila",
    "Noor",
    "Omar",
    "Petra",
    "Ruben",
    "Sophie",
    "Tom",
    "Wendy",
]
LAST_NAMES = [
    "de Boer",
    "Smit",
    "Visser",
    "Jansen",
    "de Vries",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Meijer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yilmaz",
    "El Amrani",
    "Kok",
    "Vermeulen",
    "van den Berg",
    "Schouten",
    "Willems",
    "Koster",
    "Prins",
]
CITIES = [
    "Utrecht",
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Zwolle",
    "Groningen",
    "Eindhoven",
    "Leiden",
    "Arnhem",
    "Breda",
    "Haarlem",
    "Maastricht",
    "Nijmegen",
    "Tilburg",
    "Delft",
]

TEAMS = {
    "servicedesk": "Servicedesk",
    "werkplekbeheer": "Werkplekbeheer",
    "netwerkbeheer": "Netwerkbeheer",
    "debiteuren": "Debiteurenbeheer",
    "klantcontact": "Klantcontactcentrum",
    "buitendienst": "Buitendienst",
    "applicatiebeheer": "Applicatiebeheer",
    "binnendienst": "Verkoop binnendienst",
}
DEPARTMENTS = {
    "facturatie": "Facturatie",
    "operations": "Operations",
    "klantenservice": "Klantenservice",
    "ict": "ICT",
    "verkoop": "Verkoop",
    "juridisch": "Juridische zaken",
}
THEMES = {
    "bereikbaarheid": "Bereikbaarheid",
    "opzeggen": "Opzeggen",
    "facturen": "Facturen",
    "snelheid": "Snelheid",
    "vriendelijkheid": "Vriendelijkheid",
    "deskundigheid": "Deskundigheid",
    "website": "Website",
    "informatie": "Informatievoorziening",
    "levering": "Levering",
    "storingen": "Storingen",
    "privacy": "Privacy",
    "betalen": "Betalen",
}
SEGMENTS = {"zakelijk": "personal", "particulier": "email", "overheid": "personal"}

# (noun for titles, phrase for sentences)
SUBJECTS = [
    ("factuur", "de factuur"),
    ("website", "de website"),
    ("app", "de app"),
    ("printer", "de printer"),
    ("laptop", "de laptop"),
    ("wachtwoord", "het wachtwoord"),
    ("vpn", "de VPN-verbinding"),
    ("opzegging", "de opzegging"),
    ("aanvraag", "de aanvraag"),
    ("levering", "de levering"),
    ("storing", "de storing"),
    ("telefoon", "de telefonische bereikbaarheid"),
    ("chat", "de chat"),
    ("brief", "de brief"),
    ("afspraak", "de afspraak"),
    ("klantportaal", "het klantportaal"),
    ("monteur", "het bezoek van de monteur"),
    ("betaling", "de betaling"),
    ("contract", "het contract"),
    ("verhuizing", "de verhuizing"),
    ("mailbox", "de mailbox"),
    ("werkplek", "de werkplek"),
]

TITLE_TEMPLATES = {
    "signal": [
        "{N} is onduidelijk",
        "Lange wachttijd bij {n}",
        "Vraag over {n}",
        "Klacht over {n}",
        "{N} werkt niet op mobiel",
        "Opzeggen via {n} lukt niet",
        "Idee om {n} eenvoudiger te maken",
        "Opmerking over {n}",
        "Onvrede over {n}",
        "Tevredenheid over {n} gemeten",
    ],
    "compliment": [
        "{N} binnen een uur weer aan de praat",
        "Snelle hulp bij {n}",
        "Vriendelijke uitleg over {n}",
        "Dank voor de hulp met {n}",
        "Geweldige service rond {n}",
        "{N} perfect geregeld",
    ],
    "improvement": [
        "{N} vereenvoudigen",
        "Online regelen van {n}",
        "Betere uitleg over {n}",
        "{N} sneller afhandelen",
        "Werkwijze rond {n} verbeteren",
        "{N} standaardiseren",
    ],
    "cap": [
        "Goede aanpak bij {n} breder invoeren",
        "Leren van complimenten over {n}",
        "{N} als voorbeeld delen",
    ],
}

SENTENCES = {
    "signal": [
        "De klant gaf aan dat {s} al weken voor verwarring zorgt.",
        "Volgens de melding duurde het lang voordat iemand reageerde op vragen over {s}.",
        "Het contactcentrum krijgt hier wekelijks meerdere vragen over.",
        "Een medewerker merkte op dat de uitleg op de website niet aansluit bij de praktijk.",
        "De klant wil graag weten wanneer {s} weer normaal werkt.",
        "Er is al eerder een vergelijkbaar signaal binnengekomen via een ander kanaal.",
        "Het lijkt erop dat de oorzaak in het proces zit en niet bij de medewerkers.",
        "De klant stelt voor om {s} eenvoudiger te maken, zodat minder mensen hoeven te bellen.",
        "Uit de gesprekken blijkt dat vooral nieuwe klanten hier tegenaan lopen.",
        "Het team heeft de situatie besproken in het wekelijkse overleg.",
        "De verwachting van de klant was dat alles binnen een werkdag geregeld zou zijn.",
        "Bij navraag bleek dat de informatie in de brief verouderd was.",
    ],
    "compliment": [
        "Ik wil jullie hartelijk bedanken voor de hulp met {s}.",
        "De medewerker nam echt de tijd om alles rustig uit te leggen.",
        "Binnen een uur was {s} weer helemaal in orde.",
        "Zo'n snelle en vriendelijke service had ik niet verwacht.",
        "Ook de terugkoppeling achteraf werd enorm gewaardeerd.",
        "Het voelde alsof er echt met mij werd meegedacht.",
        "Mijn collega's waren net zo enthousiast als ik.",
        "Dit is precies de manier waarop ik graag geholpen word.",
        "De afspraak werd keurig nagekomen en alles werkte meteen.",
        "Complimenten voor het hele team, ga zo door.",
    ],
    "improvement": [
        "Het voorstel is om {s} zo in te richten dat klanten het zelf kunnen regelen.",
        "Dit verlaagt naar verwachting het aantal onnodige contacten.",
        "De afdelingen die betrokken zijn, hebben de analyse samen besproken.",
        "De investering is beperkt en de besparing per jaar is aanzienlijk.",
        "We meten het resultaat met dezelfde enquête als vorig kwartaal.",
        "Na de invoering evalueren we samen met het team of het doel is gehaald.",
        "Het idee komt voort uit meerdere signalen over {s}.",
        "Medewerkers worden vooraf meegenomen in de nieuwe werkwijze.",
        "De uitkomst wordt gedeeld met de indiener en met de betrokken klanten.",
        "Zonder deze aanpassing blijft de wachttijd onnodig hoog.",
    ],
}

LIST_ITEMS = [
    "duidelijke uitleg vooraf",
    "één vast aanspreekpunt",
    "terugbellen op een afgesproken tijd",
    "een bevestiging per bericht",
    "een kortere doorlooptijd",
    "minder doorverbinden",
    "heldere informatie op de website",
    "een vriendelijke toon",
    "vooraf weten wat het kost",
    "een oplossing in één keer",
    "een overzicht van de status",
    "goede bereikbaarheid na vijf uur",
]

CONNECTORS = [
    "Kortom,",
    "Ter aanvulling:",
    "Overigens:",
    "Belangrijk:",
    "Samengevat:",
    "Eerlijk gezegd:",
    "Achteraf gezien:",
    "Tot slot:",
]

_SPECIAL_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}
_PLAIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f][\w .\-/'@:\u00c0-\u024f]*")


def slugify(text: str, max_words: int = 5) -> str:
    """Return a lowercase ASCII slug of the first ``max_words`` words of ``text``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words]) or "record"


def title_for(rng: random.Random, template_key: str) -> tuple[str, str]:
    """Return ``(title, subject phrase)`` for a record of the given template family."""
    noun, phrase = rng.choice(SUBJECTS)
    template = rng.choice(TITLE_TEMPLATES[template_key])
    title = template.format(n=noun, N=noun.capitalize())
    return title[0].upper() + title[1:], phrase


def body_for(rng: random.Random, family: str, subject: str) -> str:
    """Return a Markdown body of 100-400 words: paragraphs, a list, emphasis and a link."""
    target = rng.randint(100, 400)
    pool = SENTENCES[family]
    items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
    list_block = "\n".join(f"- {item}" for item in items)
    words = sum(len(item.split()) for item in items) + 8
    paragraphs: list[list[str]] = [[]]
    order: list[str] = []
    while words < target:
        if not order:
            order = rng.sample(pool, len(pool))
        sentence = order.pop().format(s=subject)
        if rng.random() < 0.3:
            sentence = f"{rng.choice(CONNECTORS)} {sentence[0].lower()}{sentence[1:]}"
        words += len(sentence.split())
        if len(paragraphs[-1]) >= 4:
            paragraphs.append([])
        paragraphs[-1].append(sentence)
    paragraphs[0][0] = f"*{paragraphs[0][0]}*"
    if len(paragraphs[-1]) > 1:
        paragraphs[-1][-1] = f"**{paragraphs[-1][-1]}**"
    texts = [" ".join(p) for p in paragraphs]
    link = "Zie ook [meer informatie](https://example.org) over de aanpak."
    middle = len(texts) // 2 or 1
    return "\n\n".join([*texts[:middle], "Wat belangrijk is:", list_block, *texts[middle:], link]) + "\n"


def person_name(rng: random.Random) -> str:
    """Return a random Dutch full name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def yaml_scalar(value: object) -> str:
    """Render a scalar for a YAML flow or block context (plain where safe, else double-quoted)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if not isinstance(value, str):  # date and datetime render in ISO form, which YAML reads back
        return value.isoformat()  # type: ignore[attr-defined, no-any-return]
    if (
        _PLAIN_RE.fullmatch(value)
        and value.lower() not in _SPECIAL_WORDS
        and ": " not in value
        and value[-1] not in " :"
    ):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_value(value: object) -> str:
    """Render a value in flow style: mappings as ``{k: v}``, lists as ``[a, b]``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return yaml_scalar(value)
