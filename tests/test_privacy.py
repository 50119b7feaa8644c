"""Privacy: nothing private reaches public/ — unique markers planted in every private field.

The structural half of the guarantee is that the wall renders only `PublicCompliment` view objects;
this is the other half: a build of records full of markers, and a search of every file and file
name under public/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from site_helpers import (
    SITE_CONFIG,
    build_site,
    compliment,
    history,
    make_site_repo,
    site_files,
    write_record,
)

from kscms.cli import cli

DAY = dt.date(2026, 11, 2)

# Markers that must never appear under public/ (upper-case, unique, not words of any template).
PRIVATE = {
    "maker name": "XMAKERNAMEX",
    "maker contact": "xmakercontactx@example.org",
    "reaction": "XREACTIONX",
    "maker feedback": "XMAKERFEEDBACKX",
    "notes": "XNOTESX",
    "history note": "XHISTORYNOTEX",
    "tag": "xtagx",
    "no maker consent": "XNOMAKERCONSENTX",
    "no receiver consent": "XNORECEIVERCONSENTX",
    "not yet given": "XNOTGIVENX",
    "withdrawn": "XWITHDRAWNX",
    "signal text": "XSIGNALTEXTX",
    "signal title": "XSIGNALTITLEX",
    "customer id": "K-990077",
    "improvement text": "XIMPROVEMENTTEXTX",
    "improvement title": "XIMPROVEMENTTITLEX",
    "giver (not a receiver)": "Marja Smit",
    "coordinator": "Anne de Boer",
    "team member who is not a receiver": "Piet Privemens",
    "analyst": "Yusuf Demir",
    "department": "XDEPARTMENTX",
}
# What the consented compliment may show, and must.
PUBLIC = {
    "title": "Zichtbare titel",
    "quote": "XQUOTEX",
    "maker display": "een klant uit Kampen",
    "receiving team": "Team Alfa",
    "receiving person": "Rita Ontvanger",
}


def _records() -> list[tuple[dict, str]]:
    public, body = compliment(
        "zichtbaar",
        DAY,
        PUBLIC["title"],
        f"Heel fijn geholpen. {PUBLIC['quote']}",
        maker={
            "kind": "customer",
            "name": PRIVATE["maker name"],
            "contact": PRIVATE["maker contact"],
            "display": PUBLIC["maker display"],
            "anonymous": False,
        },
        receivers=["team:alpha", "person:rita"],
        reaction=PRIVATE["reaction"],
        maker_feedback=PRIVATE["maker feedback"],
        notes=PRIVATE["notes"],
        dossier=True,
        tags=[PRIVATE["tag"]],
        departments=["service"],
        history_notes={"given": PRIVATE["history note"], "forwarded": PRIVATE["history note"]},
    )
    hidden = [
        compliment(
            "geen-maker",
            DAY,
            PRIVATE["no maker consent"],
            PRIVATE["no maker consent"],
            consent={"maker": False, "receivers": True},
        ),
        compliment(
            "geen-ontvanger",
            DAY,
            PRIVATE["no receiver consent"],
            PRIVATE["no receiver consent"],
            consent={"maker": True, "receivers": False},
            receivers=["person:piet"],
        ),
        compliment("nog-niet", DAY, PRIVATE["not yet given"], PRIVATE["not yet given"], upto="forwarded"),
        compliment("ingetrokken", DAY, PRIVATE["withdrawn"], PRIVATE["withdrawn"], upto="withdrawn"),
    ]
    signal = (
        {
            "id": "S-20261102-klacht",
            "type": "signal",
            "kind": "complaint",
            "title": PRIVATE["signal title"],
            "status": "new",
            "created": DAY,
            "channel": "phone",
            "customer": PRIVATE["customer id"],
            "notes": PRIVATE["notes"],
            "themes": ["snelheid"],
            "departments": ["service"],
            "history": history(DAY, ["new"], by={"new": "yusuf"}),
        },
        PRIVATE["signal text"],
    )
    improvement = (
        {
            "id": "I-20261102-verbeter",
            "type": "improvement",
            "title": PRIVATE["improvement title"],
            "status": "proposed",
            "created": DAY,
            "origin": {"signals": ["S-20261102-klacht"], "proposer": "piet"},
            "themes": ["snelheid"],
            "history": history(DAY, ["proposed"], by={"proposed": "piet"}),
        },
        PRIVATE["improvement text"],
    )
    return [(public, body), *hidden, signal, improvement]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("privacy") / "repo"
    config = {**SITE_CONFIG, "departments": {"service": {"name": PRIVATE["department"]}}}
    make_site_repo(root, _records(), config)
    out = root.parent / "out"
    build_site(root, out)
    return out


@pytest.mark.parametrize("field", sorted(PRIVATE))
def test_private_marker_appears_in_no_public_file_or_file_name(built: Path, field: str) -> None:
    marker = PRIVATE[field].lower().encode()
    files = site_files(built / "public")
    assert files, "the public site is empty"
    leaks = [
        name for name, data in files.items() if marker in data.lower() or marker in name.lower().encode()
    ]
    assert leaks == [], f"{field} ({PRIVATE[field]}) leaks into {leaks}"


@pytest.mark.parametrize("field", sorted(PUBLIC))
def test_consented_compliment_shows_its_public_fields(built: Path, field: str) -> None:
    page = (built / "public" / "c" / "C-20261102-zichtbaar.html").read_text(encoding="utf-8")
    assert PUBLIC[field] in page
    wall = (built / "public" / "index.html").read_text(encoding="utf-8")
    assert PUBLIC[field] in wall


def test_private_markers_do_reach_the_internal_site(built: Path) -> None:
    """The markers are real: the same build shows them internally (so the public check can fail)."""
    text = b"".join(site_files(built / "internal").values())
    for field in (
        "maker name",
        "reaction",
        "notes",
        "history note",
        "signal text",
        "improvement text",
        "no maker consent",
    ):
        assert PRIVATE[field].encode() in text, field


def test_only_the_consented_compliment_has_a_public_page(built: Path) -> None:
    pages = sorted(p.name for p in (built / "public" / "c").iterdir())
    assert pages == ["C-20261102-zichtbaar.html"]


def test_public_pages_never_link_into_the_internal_site(built: Path) -> None:
    for name, data in site_files(built / "public").items():
        assert b"internal/" not in data, name
        assert b"../internal" not in data, name


def test_dossier_is_not_mentioned_publicly(built: Path) -> None:
    text = b"".join(site_files(built / "public").values()).lower()
    assert b"dossier" not in text


def test_compliment_with_contact_details_in_public_fields_is_held_back(tmp_path: Path) -> None:
    """Defence in depth: even without `kscms check` first, the wall leaves such a compliment out."""
    leaky = compliment("bel-mij", DAY, "Bel mij terug", "Bel me op 06-12345678 of mail jan@example.org")
    fine = compliment("netjes", DAY, "Netjes geholpen", "Dank je wel")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "kscms.yaml").write_text(yaml.safe_dump(SITE_CONFIG), encoding="utf-8")
    for data, body in (leaky, fine):
        write_record(root, data, body)
    result = CliRunner().invoke(
        cli, ["--root", str(root), "build", "--out", str(tmp_path / "out"), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    assert "C-20261102-bel-mij" in result.output and "held back" in result.output
    public = b"".join(site_files(tmp_path / "out" / "public").values())
    assert b"06-12345678" not in public and b"jan@example.org" not in public
    assert b"Netjes geholpen" in public
