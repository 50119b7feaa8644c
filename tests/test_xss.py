"""XSS: hostile text in every field of every record (and in kscms.yaml) builds to pages where none
of it is live: no foreign script elements, no event-handler attributes, no javascript:/data: links,
no evaluated template syntax. The browser half (no dialog ever opens) is in test_browser.py.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_helpers import SITE_CONFIG, build_site, compliment, history, make_site_repo, site_files

DAY = dt.date(2026, 11, 3)
HOSTILE = (
    '<script>alert("s")</script> </script><script>alert(1)</script> <img src=x onerror=alert(2)> '
    "[a](javascript:alert(3)) [b](data:text/html,<script>alert(4)</script>) <javascript:alert(5)> "
    "\"><svg onload=alert(6)> '><body onload=alert(7)> {{ 7*191 }} {% if true %}XTPLX{% endif %} "
    '<a href="javascript:alert(8)">x</a> <iframe src=javascript:alert(9)></iframe> \u2028'
)
ALLOWED_SCRIPTS = ("static/search.js", "static/wall-index.js")
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


def hostile_records() -> list[tuple[dict, str]]:
    c, body = compliment(
        "hostile",
        DAY,
        "Titel " + HOSTILE,
        HOSTILE + " control\x01character",
        maker={
            "kind": "customer",
            "name": HOSTILE,
            "contact": HOSTILE,
            "display": "Maker " + HOSTILE,
            "anonymous": False,
        },
        receivers=["team:alpha", "person:rita"],
        reaction=HOSTILE,
        maker_feedback=HOSTILE,
        notes=HOSTILE,
        tags=["tag"],
        history_notes={"given": HOSTILE},
        departments=["service"],
    )
    signal = (
        {
            "id": "S-20261103-hostile",
            "type": "signal",
            "kind": "forum",
            "title": HOSTILE,
            "status": "new",
            "created": DAY,
            "channel": "forum",
            "customer": "K-2",
            "notes": HOSTILE,
            "themes": ["snelheid"],
            "departments": ["service"],
            "forum": {"site": HOSTILE, "url": "javascript:alert(10)", "responded": False},
            "history": history(DAY, ["new"], by={"new": "yusuf"}, notes={"new": HOSTILE}),
        },
        HOSTILE,
    )
    question = (
        {
            "id": "S-20261103-vraag",
            "type": "signal",
            "kind": "question",
            "title": HOSTILE,
            "status": "new",
            "created": DAY,
            "channel": "phone",
            "customer": "K-1",
            "themes": ["snelheid"],
            "departments": ["ict"],
            "question": {"topic": HOSTILE, "count": 3},
            "history": history(DAY, ["new"], by={"new": "yusuf"}),
        },
        HOSTILE,
    )
    survey = (
        {
            "id": "S-20261103-onderzoek",
            "type": "signal",
            "kind": "survey",
            "title": HOSTILE,
            "status": "new",
            "created": DAY,
            "channel": "survey",
            "survey": {
                "period": HOSTILE,
                "respondents": 10,
                "overall": 7.0,
                "elements": [
                    {"element": HOSTILE, "rating": 6.0, "importance": 0.6},
                    {"element": "Rust", "rating": 8.0, "importance": 0.4},
                ],
            },
            "history": history(DAY, ["new"], by={"new": "yusuf"}),
        },
        HOSTILE,
    )
    improvement = (
        {
            "id": "I-20261103-hostile",
            "type": "improvement",
            "title": HOSTILE,
            "status": "rejected",
            "created": DAY,
            "origin": {"signals": ["S-20261103-hostile"], "proposer": "piet"},
            "themes": ["snelheid"],
            "departments": ["service", "ict"],
            "strategy_fit": {"fits": False, "note": HOSTILE},
            "business_case": {
                "customers_affected": 5,
                "investment_eur": 100.0,
                "savings_eur_per_year": 10.0,
                "note": HOSTILE,
            },
            "decision": {"outcome": "rejected", "reason": HOSTILE, "consequences": HOSTILE},
            "history": history(
                DAY,
                ["proposed", "rejected"],
                by={"proposed": "piet", "rejected": "marja"},
                notes={"rejected": HOSTILE},
            ),
        },
        HOSTILE,
    )
    return [(c, body), signal, question, survey, improvement]


def hostile_config() -> dict:
    config = {**SITE_CONFIG}
    config["organisation"] = "Org " + HOSTILE
    config["site"] = {"title": "Site " + HOSTILE, "base_url": "https://example.org/wall/"}
    config["teams"] = {"alpha": {"name": "Team " + HOSTILE, "manager": "marja"}}
    config["themes"] = {"snelheid": {"name": "Thema " + HOSTILE}}
    config["people"] = {**SITE_CONFIG["people"], "rita": {"name": "Rita " + HOSTILE, "team": "alpha"}}
    return config


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xss") / "repo"
    make_site_repo(root, hostile_records(), hostile_config())
    out = root.parent / "out"
    build_site(root, out)
    return out


class _Audit(HTMLParser):
    """Collects everything that could run: script elements, on* attributes, dangerous URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            scheme = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcdoc") and scheme.startswith(
                BAD_SCHEMES
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "img", "base", "meta") and not (
            tag == "meta" and set(values) & {"charset", "name", "http-equiv"}
        ):
            self.problems.append(f"<{tag}>")
        if tag == "script":
            src = values.get("src") or ""
            if values.get("type") == "application/json" and values.get("id") == "wall-index":
                return
            if not src.lstrip("./").endswith(ALLOWED_SCRIPTS):
                self.problems.append(f"<script {values}>")


def html_files(site: Path) -> dict[str, str]:
    return {name: data.decode("utf-8") for name, data in site_files(site).items() if name.endswith(".html")}


def test_hostile_records_build_to_pages_without_live_content(hostile_site: Path) -> None:
    problems = {}
    pages = html_files(hostile_site)
    assert len(pages) > 20
    for name, text in pages.items():
        audit = _Audit()
        audit.feed(text)
        audit.close()
        if audit.problems:
            problems[name] = audit.problems
    assert problems == {}


def test_hostile_text_is_shown_as_text(hostile_site: Path) -> None:
    """The payload reaches the pages (escaped): the audit above had something to find."""
    wall = (hostile_site / "public" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in wall
    record = (hostile_site / "internal" / "records" / "I-20261103-hostile.html").read_text(encoding="utf-8")
    assert record.count("&lt;img src=x onerror=alert(2)&gt;") >= 5


def test_template_syntax_in_records_is_not_evaluated(hostile_site: Path) -> None:
    text = "".join(html_files(hostile_site).values())
    assert "1337" not in text
    assert "{{ 7*191 }}" in text
    assert "{% if true %}XTPLX{% endif %}" in text


def test_embedded_search_index_cannot_close_its_script_element(hostile_site: Path) -> None:
    wall = (hostile_site / "public" / "index.html").read_text(encoding="utf-8")
    start = wall.index('<script type="application/json" id="wall-index">')
    body = wall[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body
    assert "\\u003c/script\\u003e" in body


def test_feed_is_well_formed_and_its_html_content_is_inert(hostile_site: Path) -> None:
    tree = ET.parse(hostile_site / "public" / "feed.xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    contents = [e.text or "" for e in tree.getroot().findall("a:entry/a:content", ns)]
    assert contents
    for html in contents:
        audit = _Audit()
        audit.feed(html)
        assert audit.problems == []
        assert "&lt;script&gt;" in html


def test_kpi_json_is_data_not_markup(hostile_site: Path) -> None:
    import json

    data = json.loads((hostile_site / "internal" / "kpi.json").read_text(encoding="utf-8"))
    assert "kpis" in data


def test_audit_finds_live_content() -> None:
    """The audit itself can fail: it flags each kind of live content."""
    audit = _Audit()
    audit.feed(
        '<script>x</script><a href=" JavaScript:x">a</a><div onclick="x"></div><img src="a.png"><script src="evil.js"></script>'
    )
    assert len(audit.problems) == 5
