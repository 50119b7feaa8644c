"""The sites as a person uses them, in Debian's chromium driven by Playwright: the wall (filter,
search, open a compliment), the dashboard and the process board, axe-core (WCAG 2.1 A/AA) on every
page type, a 375 px phone, and hostile records that must never open a dialog.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_helpers import build_site, make_site_repo, site_files
from test_xss import hostile_config, hostile_records

CHROMIUM = Path("/usr/bin/chromium")
PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts" / "browser"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's demo organisation, built into a temporary folder."""
    root = tmp_path_factory.mktemp("demo") / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "kscms.yaml", root / "kscms.yaml")
    shutil.copytree(PROJECT / "records", root / "records")
    out = root.parent / "site"
    build_site(root, out, cache=root.parent / "cache")
    return out


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "repo"
    make_site_repo(root, hostile_records(), hostile_config())
    out = root.parent / "site"
    build_site(root, out)
    return out


class Watched:
    """A page that records console errors, page errors and dialogs."""

    def __init__(self, browser: object, width: int = 1200) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def open(self, path: Path) -> object:
        self.page.goto(path.resolve().as_uri())
        return self.page

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.page.close()


def visible_cards(page: object) -> int:
    return int(page.locator("#wall > li.card:visible").count())  # type: ignore[attr-defined]


def test_wall_filter_search_and_open_a_compliment(browser: object, demo_site: Path) -> None:
    w = Watched(browser)
    page = w.open(demo_site / "public" / "index.html")
    total = visible_cards(page)
    assert total > 5
    w.shot("wall")
    team_select = page.locator("#wall-team")
    assert team_select.is_visible()
    options = team_select.locator("option").all()
    team_value = options[1].get_attribute("value")
    team_select.select_option(team_value)
    filtered = visible_cards(page)
    assert 0 < filtered < total
    assert page.locator("#wall-status").inner_text().strip() != ""
    for card in page.locator("#wall > li.card:visible").all():
        assert team_value in (card.get_attribute("data-teams") or "").split()
    w.shot("wall-team")
    team_select.select_option("")
    assert visible_cards(page) == total
    first_title = page.locator("#wall > li.card h2 a").first.inner_text()
    word = max(first_title.split(), key=len)
    page.fill("#wall-q", word)
    found = visible_cards(page)
    assert 1 <= found < total
    page.fill("#wall-q", "zzzqqxx-geen-treffer")
    assert visible_cards(page) == 0
    assert page.locator("#wall-status").inner_text().strip() != ""
    page.fill("#wall-q", "")
    page.locator("#wall > li.card h2 a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == first_title
    assert "/c/" in page.url
    w.shot("compliment")
    assert w.errors == [] and w.dialogs == []
    w.close()


def test_wall_without_javascript_shows_every_card(browser: object, demo_site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto((demo_site / "public" / "index.html").resolve().as_uri())
    assert not page.locator("#wall-filters").is_visible()
    assert page.locator("#wall > li.card:visible").count() == page.locator("#wall > li.card").count() > 0
    context.close()


def test_dashboard_and_process_board(browser: object, demo_site: Path) -> None:
    w = Watched(browser)
    page = w.open(demo_site / "internal" / "index.html")
    assert page.locator("svg[role=img] title").count() >= 2
    assert page.locator("table caption").count() >= 3
    w.shot("dashboard")
    page.locator("nav a[href$='board.html']").click()
    page.wait_for_load_state()
    columns = page.locator(".board .column")
    assert columns.count() >= 6
    w.shot("board")
    page.locator(".board-card a").first.click()
    page.wait_for_load_state()
    assert page.locator("ol.timeline li").count() >= 1
    w.shot("record")
    assert w.errors == [] and w.dialogs == []
    w.close()


def _page_types(site: Path) -> list[Path]:
    public, internal = site / "public", site / "internal"
    records = sorted((internal / "records").glob("*.html"))
    by_type = {}
    for p in records:
        if p.name[0] in "SCI" and p.name[0] not in by_type:
            by_type[p.name[0]] = p
    pages = [
        public / "index.html",
        next((public / "c").iterdir()),
        public / "months.html",
        public / "how.html",
        *(
            internal / name
            for name in (
                "index.html",
                "improvements.html",
                "rejected.html",
                "threads.html",
                "pareto.html",
                "questions.html",
                "survey.html",
                "board.html",
                "due.html",
                "people.html",
            )
        ),
        internal / "records" / "index.html",
        *by_type.values(),
        internal / "departments" / "index.html",
        next((internal / "departments").glob("[!i]*.html")),
        internal / "themes" / "index.html",
        next((internal / "themes").glob("[!i]*.html")),
        internal / "teams" / "index.html",
        next((internal / "teams").glob("[!i]*.html")),
    ]
    return pages


def test_every_page_type_has_no_wcag_21_aa_violations(browser: object, demo_site: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    failures = {}
    pages = _page_types(demo_site)
    assert len(pages) >= 20
    w = Watched(browser)
    for path in pages:
        page = w.open(path)
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
        )
        violations = results.response["violations"]
        if violations:
            failures[path.relative_to(demo_site).as_posix()] = [
                (v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations
            ]
    w.close()
    assert failures == {}


def test_axe_finds_violations_when_there_are_some(browser: object, tmp_path: Path) -> None:
    """The accessibility check can fail: a page with an unlabelled field and no lang has violations."""
    from axe_playwright_python.sync_playwright import Axe

    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><input type=text><img src=a.png></body></html>"
    )
    w = Watched(browser)
    results = Axe().run(w.open(bad), options={"runOnly": {"type": "tag", "values": WCAG}})
    assert {v["id"] for v in results.response["violations"]} >= {"html-has-lang", "label", "image-alt"}
    w.close()


@pytest.mark.parametrize(
    "name", ["public/index.html", "internal/index.html", "internal/board.html", "internal/improvements.html"]
)
def test_pages_are_usable_at_375_px(browser: object, demo_site: Path, name: str) -> None:
    w = Watched(browser, width=375)
    page = w.open(demo_site / name)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 375px"
    w.shot("phone-" + name.replace("/", "-").removesuffix(".html"))
    assert w.errors == []
    w.close()


def test_hostile_records_never_open_a_dialog(browser: object, hostile_site: Path) -> None:
    w = Watched(browser)
    pages = [name for name in site_files(hostile_site) if name.endswith(".html")]
    assert len(pages) > 20
    for name in pages:
        page = w.open(hostile_site / name)
        if name == "public/index.html":
            page.fill("#wall-q", "alert")
            page.locator("#wall > li.card h2 a").first.hover()
        page.mouse.move(10, 10)
        page.mouse.move(300, 300)
    w.shot("hostile-wall")
    assert w.dialogs == []
    assert w.errors == []
    w.close()


def test_hostile_dialog_would_be_caught(browser: object, tmp_path: Path) -> None:
    """The dialog watch can fail: a page that does open one is seen."""
    (tmp_path / "a.js").write_text("alert('caught');")
    (tmp_path / "a.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>a</title><script src="a.js"></script></html>'
    )
    w = Watched(browser)
    w.open(tmp_path / "a.html")
    assert w.dialogs == ["caught"]
    w.close()


def test_search_on_a_paged_wall_finds_compliments_on_other_pages(
    browser: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import datetime as dt

    from site_helpers import compliment

    day = dt.date(2026, 10, 1)
    records = [
        compliment(f"c{i:03d}", day + dt.timedelta(days=i % 40), f"Compliment {i}", f"Tekst {i}")
        for i in range(205)
    ]
    root = tmp_path_factory.mktemp("paged") / "repo"
    make_site_repo(root, records)
    out = root.parent / "site"
    build_site(root, out, as_of=dt.date(2026, 12, 31))
    public = out / "public"
    assert (public / "static" / "wall-index.js").is_file()  # one shared index, not one per page
    w = Watched(browser)
    last = w.open(public / "index-3.html")
    far_title = last.locator("#wall > li.card h2 a").first.inner_text()  # type: ignore[attr-defined]
    page = w.open(public / "index.html")
    page.fill("#wall-q", far_title)  # type: ignore[attr-defined]
    assert visible_cards(page) < 100  # the search hides the cards that do not match
    more = page.locator("#wall-more a")  # type: ignore[attr-defined]
    assert far_title in [a.inner_text() for a in more.all()]
    more.filter(has_text=far_title).first.click()
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == far_title  # type: ignore[attr-defined]
    assert w.errors == [] and w.dialogs == []
    w.close()
