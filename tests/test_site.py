"""The static site: golden output, reproducibility, kpi.json, links, atomic swap, caching, i18n, serve."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from golden import GOLDEN, build_minimal
from site_helpers import (
    MINIMAL_AS_OF,
    SITE_CONFIG,
    build_site,
    compliment,
    copy_minimal,
    history,
    make_site_repo,
    site_files,
    write_record,
)

from kscms.cli import cli
from kscms.repository import Repository
from kscms.site import build, build_date

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def minimal_root(tmp_path: Path) -> Path:
    return copy_minimal(tmp_path / "minimal")


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "site"
    build_minimal(out)
    return out


# ---- golden output and reproducibility -----------------------------------------------------------


def test_minimal_site_matches_golden_output(minimal_site: Path) -> None:
    """`make golden` regenerates tests/golden/ after an intended change."""
    for part in ("public", "internal"):
        expected, actual = site_files(GOLDEN / part), site_files(minimal_site / part)
        assert sorted(actual) == sorted(expected), f"{part}: files differ; run `make golden` if intended"
        changed = [name for name in expected if expected[name] != actual[name]]
        assert changed == [], f"{part}: {changed} differ from tests/golden; run `make golden` if intended"


def test_same_records_and_as_of_give_byte_identical_files(minimal_root: Path, tmp_path: Path) -> None:
    first = build_site(minimal_root, tmp_path / "a", as_of=MINIMAL_AS_OF)
    second = build_site(minimal_root, tmp_path / "b", cache=tmp_path / "cache", as_of=MINIMAL_AS_OF, jobs=2)
    third = build_site(minimal_root, tmp_path / "c", cache=tmp_path / "cache", as_of=MINIMAL_AS_OF)
    assert first.as_of == second.as_of == third.as_of == MINIMAL_AS_OF
    a, b, c = (site_files(tmp_path / n) for n in "abc")
    assert a == b == c


def test_default_as_of_is_the_newest_event_not_the_clock(minimal_root: Path, tmp_path: Path) -> None:
    result = build_site(minimal_root, tmp_path / "out")
    repo = Repository.open(minimal_root)
    newest = max(repo.config.local_date(r.history[-1].at) for r in repo.records())
    assert result.as_of == newest


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_default_as_of_without_records_is_today_in_the_configured_zone(tmp_path: Path, zone: str) -> None:
    """Not 2000-01-01: a freshly initialised repository is built as of today (UTC+14 and UTC-11 included)."""
    root = tmp_path / "fresh"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    config = root / "kscms.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("timezone: Europe/Amsterdam", f"timezone: {zone}"),
        encoding="utf-8",
    )
    before = dt.datetime.now(ZoneInfo(zone)).date()
    result = runner.invoke(cli, ["--root", str(root), "build", "--out", str(tmp_path / "out"), "--no-cache"])
    after = dt.datetime.now(ZoneInfo(zone)).date()
    assert result.exit_code == 0, result.output
    said = re.search(r"from 0 records as of (\S+) in", result.stderr)
    assert said is not None, result.stderr
    assert dt.date.fromisoformat(said[1]) in {before, after}
    kpi = json.loads((tmp_path / "out" / "internal" / "kpi.json").read_text(encoding="utf-8"))
    assert kpi["as_of"] == said[1]
    assert build_date([], Repository.open(root).config) in {before, after}  # the library's default too


def test_output_holds_no_absolute_paths(minimal_root: Path, tmp_path: Path) -> None:
    build_site(minimal_root, tmp_path / "out")
    for name, data in site_files(tmp_path / "out").items():
        assert str(tmp_path).encode() not in data, name
        assert b"file://" not in data, name


def test_kpi_json_equals_kscms_kpi_for_the_same_as_of(minimal_root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    built = runner.invoke(
        cli,
        [
            "--root",
            str(minimal_root),
            "build",
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-20",
            "--no-cache",
        ],
    )
    assert built.exit_code == 0, built.output
    kpi = runner.invoke(
        cli, ["--root", str(minimal_root), "kpi", "--format", "json", "--as-of", "2026-11-20"]
    )
    assert kpi.exit_code == 0, kpi.output
    assert (tmp_path / "out" / "internal" / "kpi.json").read_text(encoding="utf-8") == kpi.stdout
    assert json.loads(kpi.stdout)["period"] == {"from": "2026-10-01", "to": "2026-12-31"}


# ---- the command ---------------------------------------------------------------------------------


def test_build_command_writes_both_sites_and_says_where_to_open_them(
    minimal_root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "_site"
    result = CliRunner().invoke(cli, ["--root", str(minimal_root), "build", "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert f"open {out / 'public' / 'index.html'}" in result.output
    assert f"open {out / 'internal' / 'index.html'}" in result.output
    for page in (
        "public/index.html",
        "public/feed.xml",
        "public/how.html",
        "public/months.html",
        "internal/index.html",
        "internal/board.html",
        "internal/kpi.json",
        "internal/due.html",
        "internal/improvements.html",
        "internal/rejected.html",
        "internal/threads.html",
        "internal/pareto.html",
        "internal/questions.html",
        "internal/survey.html",
        "internal/records/index.html",
        "internal/departments/index.html",
        "internal/teams/servicedesk.html",
    ):
        assert (out / page).is_file(), page


def test_public_only_writes_no_internal_site(minimal_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--root", str(minimal_root), "build", "--out", str(tmp_path / "o"), "--public-only", "--no-cache"],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "public" / "index.html").is_file()
    assert not (tmp_path / "o" / "internal").exists()
    assert "internal" not in result.stdout


def test_build_refuses_to_replace_a_folder_it_did_not_write(minimal_root: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me")
    result = CliRunner().invoke(
        cli, ["--root", str(minimal_root), "build", "--out", str(precious), "--no-cache"]
    )
    assert result.exit_code == 2
    assert "not written by `kscms build`" in result.output
    assert (precious / "thesis.txt").read_text() == "keep me"


def test_help_of_build_and_serve_has_an_example() -> None:
    for name in ("build", "serve"):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_kscms_help_imports_no_jinja_or_markdown() -> None:
    code = "import sys; from kscms.cli import cli; cli(['--help'], standalone_mode=False); print(sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'markdown_it', 'git', 'babel')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")


# ---- atomic swap and incremental writes -----------------------------------------------------------


def test_failed_build_leaves_the_previous_site_untouched(minimal_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(minimal_root, out)
    before = site_files(out)
    broken = minimal_root / "site_templates" / "public"
    broken.mkdir(parents=True)
    (broken / "how.html").write_text(
        "{% extends 'default:public/how.html' %}{% block content %}{{ no_such_variable }}{% endblock %}"
    )
    with pytest.raises(Exception, match="no_such_variable"):
        build(Repository.open(minimal_root), out, use_cache=False)
    assert site_files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_unchanged_files_keep_their_inode_and_only_changed_pages_are_written(
    minimal_root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = build_site(minimal_root, out, cache=tmp_path / "cache")
    wall_inode = (out / "public" / "index.html").stat().st_ino
    second = build_site(minimal_root, out, cache=tmp_path / "cache")
    assert second.written == 0 and second.unchanged == first.written
    assert (out / "public" / "index.html").stat().st_ino == wall_inode
    path = next((minimal_root / "records" / "improvements").rglob("I-20261110-*.md"))
    path.write_text(
        path.read_text(encoding="utf-8").rstrip("\n") + "\n\nEen extra alinea.\n", encoding="utf-8"
    )
    third = build_site(minimal_root, out, cache=tmp_path / "cache", as_of=second.as_of)
    assert 1 <= third.written <= 3, third
    assert (out / "public" / "index.html").stat().st_ino == wall_inode
    assert "Een extra alinea." in (out / "internal" / "records" / f"{path.stem}.html").read_text(
        encoding="utf-8"
    )


def test_page_cache_gives_the_same_bytes_in_a_fresh_folder(minimal_root: Path, tmp_path: Path) -> None:
    build_site(minimal_root, tmp_path / "a", cache=tmp_path / "cache")
    kept = sorted((tmp_path / "cache" / "pages").iterdir())
    records = sorted(minimal_root.glob("records/*/*/*.md"))
    assert len(kept) == len(records) > 0
    build_site(minimal_root, tmp_path / "b", cache=tmp_path / "cache")
    assert site_files(tmp_path / "a" / "internal") == site_files(tmp_path / "b" / "internal")
    # the fresh folder's record pages came from the cache (the same files), not from rendering
    cached = {p.stat().st_ino for p in kept}
    fresh = {(tmp_path / "b/internal/records" / f"{p.stem}.html").stat().st_ino for p in records}
    assert fresh == cached


# ---- structure: links, pagination, feed, language, overrides --------------------------------------


def _links(site: Path) -> list[tuple[str, str]]:
    found = []
    for name, data in site_files(site).items():
        if name.endswith(".html"):
            for url in re.findall(r'(?:href|src)="([^"]+)"', data.decode("utf-8")):
                found.append((name, url))
    return found


def test_every_relative_link_resolves_inside_its_own_site(minimal_site: Path) -> None:
    for part in ("public", "internal"):
        site = minimal_site / part
        broken = []
        for name, url in _links(site):
            if url.startswith(("https://", "http://", "mailto:")):
                continue
            target = (site / name).parent / url.split("#")[0]
            if url.startswith("#"):
                continue
            resolved = target.resolve()
            if not resolved.is_file() or site.resolve() not in resolved.parents:
                broken.append((name, url))
        assert broken == [], f"{part}: {broken[:10]}"


def test_wall_paginates_and_search_index_covers_every_page(tmp_path: Path) -> None:
    day = dt.date(2026, 10, 1)
    records = [
        compliment(f"c{i:03d}", day + dt.timedelta(days=i % 40), f"Compliment {i}", f"Tekst {i}")
        for i in range(205)
    ]
    root = make_site_repo(tmp_path / "repo", records)
    build_site(root, tmp_path / "out", as_of=dt.date(2026, 12, 31))
    public = tmp_path / "out" / "public"
    assert [p.name for p in sorted(public.glob("index*.html"))] == [
        "index-2.html",
        "index-3.html",
        "index.html",
    ]
    page3 = (public / "index-3.html").read_text(encoding="utf-8")
    assert page3.count('class="card"') == 5
    assert 'id="wall-index"' not in page3 and '<script src="static/wall-index.js">' in page3
    script = (public / "static" / "wall-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.kscmsWallIndex = ") and script.endswith(";\n")
    index = json.loads(script.removeprefix("window.kscmsWallIndex = ").removesuffix(";\n"))
    assert len(index) == 205 and {e["page"] for e in index} == {1, 2, 3}
    assert len(list((public / "c").iterdir())) == 205
    feed = ET.parse(public / "feed.xml").getroot().findall(f"{ATOM}entry")
    assert len(feed) == 200  # the newest 200 of the 205 (it was 50)


def test_an_anonymous_maker_shows_with_their_display_text(tmp_path: Path) -> None:
    """`anonymous` means the maker wants no feedback (maker_informed may be skipped); `display` is what
    a wall may show (SPEC 3.2, 8), so it shows; without one, the wall says "een klant"."""
    shown = {"kind": "customer", "display": "een respondent van de enquête", "anonymous": True}
    bare = {"kind": "customer", "anonymous": True}
    records = [
        compliment("met", dt.date(2026, 11, 2), "Met tekst", "Tekst", maker=shown),
        compliment("zonder", dt.date(2026, 11, 3), "Zonder tekst", "Tekst", maker=bare),
    ]
    build_site(make_site_repo(tmp_path / "repo", records), tmp_path / "out")
    public = tmp_path / "out" / "public" / "c"
    assert "een respondent van de enquête" in (public / "C-20261102-met.html").read_text(encoding="utf-8")
    assert "een klant" in (public / "C-20261103-zonder.html").read_text(encoding="utf-8")


def test_feed_is_valid_atom(minimal_site: Path) -> None:
    root = ET.parse(minimal_site / "public" / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for tag in ("id", "title", "updated", "link", "content"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
        assert (entry.find(f"{ATOM}link").get("href") or "").startswith("https://example.org/minimal/c/")
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)


@pytest.mark.parametrize(
    ("language", "heading", "skip"),
    [("nl", "Complimentenmuur", "Naar de inhoud"), ("en", "Wall of compliments", "Skip to content")],
)
def test_site_speaks_the_configured_language(tmp_path: Path, language: str, heading: str, skip: str) -> None:
    root = make_site_repo(
        tmp_path / "repo",
        [compliment("a", dt.date(2026, 11, 2), "Titel", "Tekst")],
        {**SITE_CONFIG, "language": language},
    )
    build_site(root, tmp_path / "out")
    wall = (tmp_path / "out" / "public" / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in wall
    assert f"<h1>{heading}</h1>" in wall and skip in wall
    board = (tmp_path / "out" / "internal" / "board.html").read_text(encoding="utf-8")
    assert ("afgesloten" in board) is (language == "nl")


def test_every_message_has_a_dutch_translation() -> None:
    from babel.messages.pofile import read_po

    from kscms.site.environment import builtin_templates

    locales = builtin_templates() / "locales"
    with open(locales / "messages.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    with open(locales / "nl" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        dutch = {m.id: m.string for m in read_po(handle, locale="nl") if m.id}
    assert template, "messages.pot is empty"
    assert sorted(m for m in template if not dutch.get(m)) == []


def test_catalogue_is_up_to_date_with_the_templates(tmp_path: Path) -> None:
    import shutil

    from kscms.site.environment import builtin_templates
    from kscms.site.i18n import update_catalogues

    copy = tmp_path / "templates"
    shutil.copytree(builtin_templates(), copy)
    update_catalogues(copy)
    assert (copy / "locales" / "messages.pot").read_bytes() == (
        builtin_templates() / "locales" / "messages.pot"
    ).read_bytes(), "run `python -m kscms.site.i18n` and translate the new messages"


def test_repository_templates_override_the_built_in_ones(minimal_root: Path, tmp_path: Path) -> None:
    own = minimal_root / "site_templates" / "public"
    own.mkdir(parents=True)
    (own / "how.html").write_text(
        '{% extends "default:public/how.html" %}{% block content %}<h1>Bel ons: 0800-EIGEN</h1>{% endblock %}',
        encoding="utf-8",
    )
    build_site(minimal_root, tmp_path / "out")
    assert "0800-EIGEN" in (tmp_path / "out" / "public" / "how.html").read_text(encoding="utf-8")
    assert "Complimentenmuur" in (tmp_path / "out" / "public" / "index.html").read_text(encoding="utf-8")


def test_pages_carry_a_csp_that_forbids_inline_scripts_and_other_origins(minimal_site: Path) -> None:
    for name, data in site_files(minimal_site).items():
        if name.endswith(".html"):
            text = data.decode("utf-8")
            csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
            assert csp, name
            assert "default-src 'none'" in csp.group(1) and "script-src 'self'" in csp.group(1)
            assert "unsafe-inline" not in csp.group(1)
            inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
            assert inline == [], name
            assert re.search(r'(?:href|src)="(?:https?:)?//', text.split("<main", 1)[0]) is None, name


def test_record_with_problems_is_left_out_and_reported(minimal_root: Path, tmp_path: Path) -> None:
    bad = minimal_root / "records" / "signals" / "2026" / "S-20261101-kapot.md"
    bad.write_text("---\nid: S-20261101-kapot\ntype: signal\n---\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--root", str(minimal_root), "build", "--out", str(tmp_path / "o"), "--no-cache"]
    )
    assert result.exit_code == 0
    assert "could not be read" in result.output
    assert not (tmp_path / "o" / "internal" / "records" / "S-20261101-kapot.html").exists()


def test_internal_record_page_shows_its_history_as_a_timeline(minimal_site: Path) -> None:
    page = (minimal_site / "internal" / "records" / "C-20261102-printer-snel-gemaakt.html").read_text(
        encoding="utf-8"
    )
    assert '<ol class="timeline">' in page
    assert page.count("<time datetime=") >= 3


# ---- serve -----------------------------------------------------------------------------------------


def test_serve_builds_serves_and_rebuilds_on_change(tmp_path: Path) -> None:
    import threading

    from kscms.site.serve import SiteServer

    root = make_site_repo(tmp_path / "repo", [compliment("a", dt.date(2026, 11, 2), "Eerste titel", "Tekst")])
    server = SiteServer(root, tmp_path / "out", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:

        def fetch(path: str) -> str:
            with urllib.request.urlopen(server.url + path, timeout=5) as response:
                return response.read().decode("utf-8")

        assert "Eerste titel" in fetch("public/index.html")
        assert "<h1>Dashboard</h1>" in fetch("internal/index.html")
        data, body = compliment("a", dt.date(2026, 11, 2), "Tweede titel", "Tekst")
        write_record(root, data, body)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (
            "Tweede titel" not in fetch("public/index.html") or server.builds < 2
        ):
            time.sleep(0.2)  # the counter goes up just after the new files are in place
        assert "Tweede titel" in fetch("public/index.html")
        assert server.builds >= 2
    finally:
        server.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_plain_fields_equal_pydantics_dump_for_every_demo_and_fixture_record() -> None:
    from kscms.site.records import _SHOWN_APART, plain

    project = Path(__file__).resolve().parent.parent
    records, problems = Repository.open(project).load_all()
    assert not problems and len(records) > 100
    for path in sorted((project / "tests" / "fixtures" / "records" / "valid").glob("*.md")):
        from kscms.model import parse_record

        record, _ = parse_record(path.read_text(encoding="utf-8"), path.name)
        assert record is not None
        records.append(record)
    for record in records:
        for exclude in (_SHOWN_APART, frozenset({"history"})):
            expected = record.model_dump(
                mode="json", exclude_none=True, exclude_defaults=True, exclude=exclude
            )
            assert plain(record, exclude) == expected, record.id


@pytest.mark.parametrize(
    ("number", "count", "expected"),
    [
        (1, 1, [1]),
        (2, 3, [1, 2, 3]),
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        (1, 1000, [1, 2, 3, 0, 1000]),
        (4, 1000, [1, 2, 3, 4, 5, 6, 0, 1000]),
        (5, 1000, [1, 2, 3, 4, 5, 6, 7, 0, 1000]),  # page 2 is listed, not hidden behind a gap
        (500, 1000, [1, 0, 498, 499, 500, 501, 502, 0, 1000]),
        (1000, 1000, [1, 0, 998, 999, 1000]),
    ],
)
def test_a_long_pager_lists_first_last_and_neighbours(number: int, count: int, expected: list[int]) -> None:
    from kscms.site.context import shown_pages

    shown = shown_pages(number, count, lambda n: f"p{n}.html")
    assert [link.number for link in shown] == expected
    assert all(link.href == (f"p{link.number}.html" if link.number else "") for link in shown)


def test_the_pager_of_page_50_of_1000_links_its_neighbours_and_marks_itself() -> None:
    from kscms.site.context import paginate
    from kscms.site.environment import make_environment

    env = make_environment(None, "en")
    pages = list(paginate(list(range(10_000)), "records/index.html", size=10))
    assert len(pages) == 1000
    path, chunk, pager = pages[49]
    assert path == "records/index-50.html" and list(chunk) == list(range(490, 500))
    html = env.get_template("partials/_pager.html").render(pager=pager, root="../")
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs == [
        "../records/index-49.html",  # previous
        "../records/index.html",
        *[f"../records/index-{n}.html" for n in range(48, 53)],
        "../records/index-1000.html",
        "../records/index-51.html",  # next
    ]
    assert re.findall(r'<a href="([^"]+)" aria-current="page">50</a>', html) == ["../records/index-50.html"]
    assert html.count('class="gap"') == 2


def test_team_agenda_lists_an_idea_once_with_its_feedback_and_no_withdrawn_compliments(
    tmp_path: Path,
) -> None:
    """The team page is the weekly meeting's agenda (SPEC 8): a member's idea that became an
    improvement shows once, as the improvement, with the feedback the proposer got; an idea closed
    without one shows the closing note; a withdrawn compliment is not on the agenda."""
    day = dt.date(2026, 11, 2)

    def idea(slug: str, statuses: list[str], note: str = "") -> tuple[dict[str, Any], str]:
        data: dict[str, Any] = {
            "id": f"S-20261102-{slug}", "type": "signal", "kind": "employee_idea", "title": f"Idee {slug}",
            "status": statuses[-1], "created": day, "themes": ["uitleg"], "employee_idea": {"proposer": "piet"},
            "history": history(day, statuses, by={"triaged": "yusuf"}, notes={"closed": note} if note else None),
        }  # fmt: skip
        return data, "Idee."

    improvement: dict[str, Any] = {
        "id": "I-20261103-wachtmuziek", "type": "improvement", "kind": "improvement", "title": "Andere wachtmuziek",
        "status": "accepted", "created": dt.date(2026, 11, 3), "origin": {"signals": ["S-20261102-muziek"], "proposer": "piet"},
        "strategy_fit": {"fits": True}, "business_case": {"customers_affected": 10},
        "decision": {"outcome": "accepted", "reason": "Klanten klagen erover"}, "proposer_feedback": "Piet gebeld",
        "history": history(dt.date(2026, 11, 3), ["proposed", "accepted"], by={"proposed": "piet", "accepted": "marja"}),
    }  # fmt: skip
    records = [
        idea("muziek", ["new", "triaged"]),
        idea("koffie", ["new", "triaged", "closed"], note="Koffieautomaat komt in maart"),
        (improvement, "Voorstel."),
        compliment("weg", day, "Ingetrokken", "Tekst", upto="withdrawn"),
        compliment("blijft", day, "Blijft staan", "Tekst"),
    ]
    build_site(make_site_repo(tmp_path / "repo", records), tmp_path / "out", as_of=dt.date(2026, 12, 1))
    page = (tmp_path / "out" / "internal" / "teams" / "alpha.html").read_text(encoding="utf-8")
    assert "Idee muziek" not in page and page.count("Andere wachtmuziek") == 1
    assert "Piet gebeld" in page and "Koffieautomaat komt in maart" in page
    assert "Blijft staan" in page and "Ingetrokken" not in page


@pytest.mark.parametrize(
    ("language", "shown"),
    [("nl", ["640", "4,25", "0,5", "12 klanten", ""]), ("en", ["640", "4.25", "0.5", "12 klanten", ""])],
)
def test_measured_values_show_as_written_in_the_sites_language(language: str, shown: list[str]) -> None:
    """A result's before and after, and a record's numbers: 640 (not 640.0), every decimal, and a
    decimal comma on a Dutch site (was: "640.0 → 410.0" and "4.2" for 4.25)."""
    import gettext

    from kscms.site.formats import Formats

    formats = Formats(language, ZoneInfo("Europe/Amsterdam"), gettext.NullTranslations())
    assert [formats.measured(v) for v in (640.0, 4.25, 0.5, "12 klanten", None)] == shown


def test_questions_page_weighs_channels_by_question_count(tmp_path: Path) -> None:
    """DOMAIN: analyse the channel questions arrive by ("90% still phone while the organisation wants
    web"): an aggregated contact-centre log counts as its `question.count`, not as one record."""
    day = dt.date(2026, 11, 2)

    def question(slug: str, channel: str | None, count: int) -> tuple[dict[str, Any], str]:
        data: dict[str, Any] = {
            "id": f"S-20261102-{slug}", "type": "signal", "kind": "question", "title": f"Vraag {slug}",
            "status": "new", "created": day, "question": {"topic": "opzeggen", "count": count},
            "history": history(day, ["new"]),
        }  # fmt: skip
        if channel:
            data["channel"] = channel
        return data, ""

    records = [question("log", "phone", 8), question("web", "web", 1), question("los", None, 1)]
    build_site(make_site_repo(tmp_path / "repo", records), tmp_path / "out", as_of=dt.date(2026, 11, 30))
    page = (tmp_path / "out" / "internal" / "questions.html").read_text(encoding="utf-8")
    table = page[page.index('id="channels-caption"') :]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">([^<]+)</td>', table
    )
    assert rows == [("telefoon", "8", "80,0"), ("geen kanaal", "1", "10,0"), ("web", "1", "10,0")]


def test_record_pages_show_the_strategy_and_how_the_segment_hears_back(tmp_path: Path) -> None:
    """DOMAIN: strategy shapes the handling, segments shape feedback; an improvement's page shows the
    organisation's strategy beside its fit, a signal's page how its segment hears back."""
    day = dt.date(2026, 11, 2)
    signal: dict[str, Any] = {
        "id": "S-20261102-zakelijk", "type": "signal", "kind": "remark", "title": "Zakelijke klant",
        "status": "new", "created": day, "segment": "zakelijk", "history": history(day, ["new"]),
    }  # fmt: skip
    improvement: dict[str, Any] = {
        "id": "I-20261102-beter", "type": "improvement", "kind": "improvement", "title": "Beter",
        "status": "proposed", "created": day, "history": history(day, ["proposed"]),
    }  # fmt: skip
    config = {
        **SITE_CONFIG,
        "strategy": "operational_excellence",
        "segments": {"zakelijk": {"feedback": "personal"}},
    }
    root = make_site_repo(tmp_path / "repo", [(signal, ""), (improvement, "")], config)
    build_site(root, tmp_path / "out", as_of=dt.date(2026, 11, 30))
    pages = tmp_path / "out" / "internal" / "records"
    shown = (pages / "I-20261102-beter.html").read_text(encoding="utf-8")
    assert "<dt>Strategie van de organisatie</dt><dd>operationele uitmuntendheid</dd>" in shown
    shown = (pages / "S-20261102-zakelijk.html").read_text(encoding="utf-8")
    assert "<dt>Terugkoppeling aan het segment</dt><dd>persoonlijk</dd>" in shown
