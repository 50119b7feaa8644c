"""Incremental builds: every cache (record facts, record pages, the wall and index-page groups, the
page cache) gives exactly what a build without any cache gives, and a change rebuilds what it
affects: a record's body, its front matter, a template, kscms.yaml, the language."""

from __future__ import annotations

import json
import marshal
import os
import shutil
from pathlib import Path

import pytest
from site_helpers import MINIMAL_AS_OF, build_site, copy_minimal, site_files

from kscms.repository import Repository
from kscms.site import build

SIGNAL = "records/signals/2026/S-20261103-bellen-opzeggen.md"
IMPROVEMENT = "records/improvements/2026/I-20261106-opzeggen-online.md"
ON_THE_WALL = "records/compliments/2026/C-20261102-printer-snel-gemaakt.md"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_minimal(tmp_path / "minimal")


def _incremental(root: Path, tmp_path: Path, **options: object) -> tuple[Path, object]:
    out = tmp_path / "out"
    result = build_site(root, out, cache=tmp_path / "cache", as_of=MINIMAL_AS_OF, **options)
    return out, result


def _fresh(root: Path, tmp_path: Path, name: str = "fresh") -> Path:
    out = tmp_path / name
    shutil.rmtree(out, ignore_errors=True)
    build(Repository.open(root), out, use_cache=False, as_of=MINIMAL_AS_OF)
    return out


def _same_as_fresh(root: Path, tmp_path: Path, out: Path) -> None:
    fresh = _fresh(root, tmp_path)
    for part in ("public", "internal"):
        assert site_files(out / part) == site_files(fresh / part), part


def _inode(out: Path, rel: str) -> int:
    return (out / rel).stat().st_ino


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_body_edit_rewrites_its_page_only(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    dashboard, wall = _inode(out, "internal/index.html"), _inode(out, "public/index.html")
    signal_page = _inode(out, "internal/records/S-20261103-bellen-opzeggen.html")
    (root / IMPROVEMENT).write_text(
        (root / IMPROVEMENT).read_text(encoding="utf-8") + "\nNieuwe alinea.\n", encoding="utf-8"
    )
    _, result = _incremental(root, tmp_path)
    assert result.written == 1  # type: ignore[attr-defined]
    assert "Nieuwe alinea." in (out / "internal/records/I-20261106-opzeggen-online.html").read_text()
    assert _inode(out, "internal/index.html") == dashboard and _inode(out, "public/index.html") == wall
    assert _inode(out, "internal/records/S-20261103-bellen-opzeggen.html") == signal_page
    _same_as_fresh(root, tmp_path, out)


def test_title_change_rewrites_the_pages_that_link_to_it_and_the_index_pages(
    root: Path, tmp_path: Path
) -> None:
    out, _ = _incremental(root, tmp_path)
    _edit(root, IMPROVEMENT, "title: ", "title: Hernoemd - ")
    _, result = _incremental(root, tmp_path)
    assert result.written > 2  # type: ignore[attr-defined]
    assert "Hernoemd -" in (out / "internal/records/S-20261103-bellen-opzeggen.html").read_text()
    assert "Hernoemd -" in (out / "internal/improvements.html").read_text()
    _same_as_fresh(root, tmp_path, out)


def test_wall_follows_a_consented_compliment(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    _edit(root, ON_THE_WALL, "Complimenten voor de servicedesk!", "Hulde aan de servicedesk!")
    _incremental(root, tmp_path)
    assert "Hulde aan de servicedesk!" in (out / "public/index.html").read_text()
    _same_as_fresh(root, tmp_path, out)
    _edit(root, ON_THE_WALL, "consent: {maker: true,", "consent: {maker: false,")
    _incremental(root, tmp_path)
    assert "Hulde" not in (out / "public/index.html").read_text()
    _same_as_fresh(root, tmp_path, out)


def test_template_change_rerenders_what_uses_it(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    own = root / "site_templates" / "internal"
    own.mkdir(parents=True)
    (own / "record.html").write_text(
        '{% extends "default:internal/record.html" %}{% block title %}EIGEN {{ record.title }}{% endblock %}',
        encoding="utf-8",
    )
    _incremental(root, tmp_path)
    assert "EIGEN" in (out / "internal/records/S-20261103-bellen-opzeggen.html").read_text()
    _same_as_fresh(root, tmp_path, out)


@pytest.mark.parametrize(
    ("old", "new", "seen"),
    [
        ("organisation: Voorbeeld BV", "organisation: Ander BV", "Ander BV"),
        ("language: nl", "language: en", "Wall of compliments"),
    ],
)
def test_config_and_language_changes_rebuild_everything(
    root: Path, tmp_path: Path, old: str, new: str, seen: str
) -> None:
    out, _ = _incremental(root, tmp_path)
    _edit(root, "kscms.yaml", old, new)
    _incremental(root, tmp_path)
    assert seen in (out / "public/index.html").read_text()
    _same_as_fresh(root, tmp_path, out)


def test_touched_but_unchanged_file_is_not_parsed_again(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    os.utime(root / SIGNAL, ns=(1, 1))
    _, result = _incremental(root, tmp_path)
    assert result.written == 0  # type: ignore[attr-defined]


def test_lost_output_is_rebuilt_from_the_page_cache_the_same(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    shutil.rmtree(out)
    _incremental(root, tmp_path)
    _same_as_fresh(root, tmp_path, out)


def test_broken_record_is_left_out_then_back_in_when_fixed(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    _edit(root, SIGNAL, "status: ", "status: [kapot\n")
    build(Repository.open(root), out, cache_dir=tmp_path / "cache", as_of=MINIMAL_AS_OF)
    assert not (out / "internal/records/S-20261103-bellen-opzeggen.html").exists()
    _edit(root, SIGNAL, "status: [kapot\n", "status: ")
    _incremental(root, tmp_path)
    _same_as_fresh(root, tmp_path, out)


def test_workers_give_what_one_process_gives(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = _incremental(root, tmp_path, jobs=2)
    _same_as_fresh(root, tmp_path, out)
    _edit(root, IMPROVEMENT, "title: ", "title: Anders - ")
    monkeypatch.setenv("KSCMS_PARALLEL_MIN", "2")
    _incremental(root, tmp_path, jobs=2)
    _same_as_fresh(root, tmp_path, out)


def test_a_template_error_in_a_worker_fails_the_build_and_keeps_the_old_site(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = _incremental(root, tmp_path)
    before = site_files(out)
    own = root / "site_templates" / "internal"
    own.mkdir(parents=True)
    (own / "record.html").write_text("{{ record.no_such_field.boom }}", encoding="utf-8")
    monkeypatch.setenv("KSCMS_PARALLEL_MIN", "2")
    with pytest.raises(Exception, match="no_such_field"):
        build(Repository.open(root), out, cache_dir=tmp_path / "cache", as_of=MINIMAL_AS_OF, jobs=2)
    assert site_files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_page_cache_keeps_one_page_per_record_of_the_last_build(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    pages = tmp_path / "cache" / "pages"
    before = {p.name for p in pages.iterdir()}
    assert len(before) == len(list(root.glob("records/*/*/*.md")))
    _edit(root, SIGNAL, "title: ", "title: Anders - ")
    _incremental(root, tmp_path)
    after = {p.name for p in pages.iterdir()}
    assert len(after) == len(before) and after != before  # the old versions were pruned


def test_a_removed_record_takes_its_page_and_empty_folders_with_it(root: Path, tmp_path: Path) -> None:
    out, _ = _incremental(root, tmp_path)
    page = out / "internal/records/S-20261103-bellen-opzeggen.html"
    assert page.is_file()
    (root / SIGNAL).unlink()
    (out / "public" / "stray" / "deep").mkdir(parents=True)
    (out / "public" / "stray" / "deep" / "left.txt").write_text("not ours", encoding="utf-8")
    _incremental(root, tmp_path)
    assert not page.exists()
    assert not (out / "public" / "stray").exists()  # DIR holds exactly what a fresh build holds
    _same_as_fresh(root, tmp_path, out)
    assert sorted(p.name for p in out.iterdir()) == [".kscms-build.json", "internal", "public"]


def test_the_previous_site_is_kept_as_the_spare_and_the_next_build_starts_from_it(
    root: Path, tmp_path: Path
) -> None:
    out, _ = _incremental(root, tmp_path)
    assert not (tmp_path / ".out.spare").exists()
    _edit(root, SIGNAL, "title: ", "title: Eerst - ")
    _incremental(root, tmp_path)
    spare = tmp_path / ".out.spare"
    assert (spare / ".kscms-build.json").is_file()  # the site before this one, whole
    dashboard = _inode(spare, "internal/index.html")
    _edit(root, SIGNAL, "title: Eerst - ", "title: Dan - ")
    (root / ON_THE_WALL).unlink()
    _incremental(root, tmp_path)
    assert _inode(out, "internal/index.html") != dashboard  # rewritten, not changed in place
    assert (spare / "internal/records/C-20261102-printer-snel-gemaakt.html").is_file()
    assert not (out / "internal/records/C-20261102-printer-snel-gemaakt.html").exists()
    _same_as_fresh(root, tmp_path, out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.") and p.name != ".out.spare"] == []


@pytest.mark.parametrize("damage", ["no manifest", "broken manifest", "stray file"])
def test_a_damaged_spare_is_not_trusted(root: Path, tmp_path: Path, damage: str) -> None:
    out, _ = _incremental(root, tmp_path)
    _edit(root, SIGNAL, "title: ", "title: Eerst - ")
    _incremental(root, tmp_path)
    spare = tmp_path / ".out.spare"
    if damage == "no manifest":
        (spare / ".kscms-build.json").unlink()
    elif damage == "broken manifest":
        (spare / ".kscms-build.json").write_text("{not json", encoding="utf-8")
    else:
        (spare / "internal" / "stray.html").write_text("not ours", encoding="utf-8")
    if damage != "stray file":  # without its manifest nothing in the spare is trusted
        page = spare / "internal/records/S-20261103-bellen-opzeggen.html"
        page.unlink()
        page.write_text("damaged", encoding="utf-8")
    (spare / "internal/records/I-20261106-opzeggen-online.html").unlink()  # listed, but gone
    _edit(root, IMPROVEMENT, "title: ", "title: Ander - ")
    _incremental(root, tmp_path)
    if damage == "stray file":  # a file the manifest does not name is not the site's: it goes
        assert not (out / "internal" / "stray.html").exists()
    _same_as_fresh(root, tmp_path, out)


def test_the_fact_store_reads_back_what_it_saved_in_parts_and_nothing_of_a_cut_off_file(
    tmp_path: Path,
) -> None:
    from kscms.site.gather import Facts, FactStore

    store = FactStore(tmp_path)
    store.SLICE = 3  # ten entries: four parts
    entries = {
        f"records/signals/2026/S-{i}.md": (
            100 + i,
            10**18 + i,
            f"{i:064x}",
            Facts(f"S-{i}", "signal", f"Titel {i}", ("I-1",), "2026-01-01", None, None, i % 2 == 0, "f", "b"),
        )
        for i in range(10)
    }
    store.save(entries)
    assert store.load() == entries
    assert list(store.load()) == list(entries)  # in the same order
    raw = (tmp_path / "records.marshal").read_bytes()
    for cut in (len(raw) - 5, len(raw) // 2, 20, 3):
        (tmp_path / "records.marshal").write_bytes(raw[:cut])
        assert store.load() == {}, cut
    header = raw[: 8 + int.from_bytes(raw[:8], "little")]  # (version, format), as saved
    for part in (marshal.dumps([1, 2]), marshal.dumps({"r.md": 7}), b"\xff" * 12):  # damaged, not cut off
        (tmp_path / "records.marshal").write_bytes(header + len(part).to_bytes(8, "little") + part)
        assert store.load() == {}, part


@pytest.mark.parametrize("slice_size", [1, 3, 7, 5000])
def test_the_manifest_written_in_slices_is_the_one_json_would_write_and_reads_back(
    tmp_path: Path, slice_size: int
) -> None:
    from kscms.site.writer import MANIFEST, _read_manifest, _write_manifest

    files = {f"internal/records/{name}.html": f"page:{n:064x}" for n, name in enumerate("qwertyuiop")}
    files['public/c/"é".html'] = "page:" + "0" * 64  # escaped the same way in every slice
    groups = {"public": {"digest": "d1", "pages": 3, "withheld": ["C-1"]}, "internal": {"pages": 7}}
    _write_manifest(tmp_path, files, groups, slice_size)
    expected = {"generator": "kscms", "files": files, "groups": groups}
    text = (tmp_path / MANIFEST).read_text(encoding="utf-8")
    assert text == json.dumps(expected, sort_keys=True, separators=(",", ":")) + "\n"
    assert _read_manifest(tmp_path) == (files, groups)
    assert not [p for p in tmp_path.iterdir() if p.name != MANIFEST]  # no temporary file left
