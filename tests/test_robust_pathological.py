"""Pathological input within bounds (issue 9.4): a clear error, or a bounded time and memory.

Deeply nested YAML and Markdown, 1 MiB bodies, huge lists, long lines, control and bidi
characters, NUL bytes, symlinks under records/ and ids that try to leave the folder. Each record
is read, validated and rendered in under 5 seconds; `check`, `build` and `show` over all of them
stay under 200 MB of memory, measured in a real process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from robust_helpers import audit, compliment_text, href_allowed, make_repo, record_files

from kscms.checks import run_checks
from kscms.cli import cli
from kscms.model import MAX_BYTES, decode_record, parse_record
from kscms.repository import Repository

SECONDS_PER_RECORD = 5.0
MAX_RSS_MB = 200
HEAD = compliment_text()[1].split("---\n")[1]  # a valid compliment's front matter
PATH = "records/compliments/2026/C-20260302-printer-fixed.md"


CONSENTED = HEAD.replace("giver: marja\n", "giver: marja\nconsent: {maker: true, receivers: true}\n")


def record(front: str = HEAD, body: str = "Great help\n") -> bytes:
    return f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass")


def with_field(line: str) -> bytes:
    """The valid compliment with one more front-matter line (before `history:`)."""
    return record(HEAD.replace("history:\n", line + "\n" + "history:\n"))


def filled_to(size: int) -> bytes:
    """The valid compliment with a body that makes the file exactly `size` bytes."""
    head = record(body="")
    return head + b"x" * (size - len(head) - 1) + b"\n"


def nested_block(depth: int) -> str:
    return (
        "extra:\n" + "".join(" " * (2 * i + 2) + "a:\n" for i in range(depth)) + " " * (2 * depth + 2) + "x\n"
    )


# name -> (file bytes, the problem codes expected; () for a valid record)
CASES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "yaml nested 100k flow sequences": (with_field("extra: " + "[" * 100_000), ("yaml-too-deep",)),
    "yaml nested 50k flow mappings": (with_field("extra: " + "{a: " * 50_000), ("yaml-too-deep",)),
    "yaml nested 500 block mappings": (with_field(nested_block(500).rstrip("\n")), ("yaml-too-deep",)),
    "yaml nested 31 levels": (with_field(nested_block(30).rstrip("\n")), ("unknown-field",)),
    "yaml billion laughs": (with_field("extra: &a [x, x]\nmore: [*a, *a, *a]"), ("yaml-alias",)),
    "yaml 50k unknown keys": (with_field("\n".join(f"k{i}: {i}" for i in range(50_000))), ("unknown-field",)),
    "yaml 20k duplicate keys": (with_field("\n".join("title: again" for _ in range(20_000))), ("yaml-duplicate-key",)),
    "yaml 200k tags": (with_field("tags: [" + ", ".join(["t"] * 200_000) + "]"), ()),
    "yaml 5k history events": (
        record(HEAD + "".join("  - {at: 2026-03-02T10:00:00+01:00, by: anne, status: registered}\n"
                              for _ in range(5_000))),
        (),  # events that keep the status are notes
    ),
    "yaml 10k-digit integer": (with_field("dossier: " + "9" * 10_000), ("bad-type",)),
    "yaml huge float": (with_field("dossier: 1e999999"), ("bad-type",)),
    "yaml 900k-character title": (record(HEAD.replace('title: "Printer fixed"', "title: " + "é" * 450_000)), ()),
    "yaml 900k-character key": (with_field("k" * 900_000 + ": 1"), ("yaml-syntax",)),  # libyaml: keys < 1024
    "yaml control and bidi characters": (
        record(HEAD.replace('"Printer fixed"', '"Printer \\e[31mfixed\\e[0m \u202eexe.cod\u202c \\a\\b"')), ()),
    "yaml tab indentation": (with_field("maker:\n\tkind: customer"), ("yaml-syntax",)),
    "yaml explicit python tag": (with_field("extra: !!python/object/apply:os.system ['true']"), ("yaml-tag",)),
    "crlf line ends": (record().replace(b"\n", b"\r\n"), ()),
    "body of exactly 1 MiB": (filled_to(MAX_BYTES), ()),
    "body one byte over 1 MiB": (filled_to(MAX_BYTES + 1), ("file-too-large",)),
    "body one line of 1,000,000 characters": (record(body="x" * 1_000_000 + "\n"), ()),
    "body of 500k empty lines": (record(body="\n" * 500_000), ()),
    "body markdown nested 100k quotes": (record(body=">" * 100_000 + " x\n"), ()),
    "body markdown 700 nested lists": (record(body="".join(" " * (2 * i) + "- x\n" for i in range(700))), ()),
    "body markdown 20k brackets": (record(body="[" * 20_000 + "x" + "](" * 10_000), ()),
    "body markdown 20k emphasis": (record(body="*_" * 20_000 + "x\n"), ()),
    "body markdown 10k links": (record(body="[a](http://x.org/) " * 10_000), ()),
    "body markdown 100k raw tags": (record(body="<div><script>" * 50_000), ()),
    "body control and bidi characters": (record(body="\x1b[2J\x1b]0;pwned\x07 \u202e\u2066 \x08\x7f\n"), ()),
    # a compliment that may be published is searched for personal data: in linear time
    "consented body, one word of 1,000,000 characters": (
        record(CONSENTED, body="a" * 999_990 + "@x.nl\n"), ("personal-data",)),
    "consented body, 500k digits": (record(CONSENTED, body="0" * 500_000 + "\n"), ()),
    "consented body, 300k digits and spaces": (record(CONSENTED, body="1 " * 300_000 + "\n"), ()),
    "NUL byte in the body": (record(body="a\x00b\n"), ("not-utf8",)),
    "NUL byte in the front matter": (with_field("notes: a\x00b"), ("not-utf8",)),
    "invalid UTF-8": (record() + b"\xff\xfe\xc0\x80", ("not-utf8",)),
    "lone surrogate": (record(body="\ud800\n"), ("not-utf8",)),
    "byte-order mark": (b"\xef\xbb\xbf" + record(), ("front-matter",)),
    "no front matter at all": (b"x" * 1_000_000, ("front-matter",)),
    "front matter never closed": (b"---\n" + b"a: b\n" * 150_000, ("front-matter",)),
    "id that leaves the folder": (record(HEAD.replace("id: C-20260302-printer-fixed", "id: ../../../etc/passwd")),
                                  ("bad-id",)),
    "id with a NUL and slashes": (record(HEAD.replace("id: C-20260302-printer-fixed", 'id: "C-20260302-a/\\0/b"')),
                                  ("bad-id",)),
}  # fmt: skip


def problems_of(raw: bytes, repo: Repository) -> tuple[set[str], float]:
    """The problem codes of one record file's bytes (read, validate, check), and the seconds it took."""
    from kscms.site.markdown import render_markdown

    started = time.perf_counter()
    text, problems = decode_record(raw, PATH)
    if text is not None:
        rec, problems = parse_record(text, PATH)
        if rec is not None:
            problems = list(run_checks([rec], repo.context()))
            found = audit(render_markdown(rec.body))
            assert found.problems == [] and all(href_allowed(h) for h in found.hrefs)
    return {p.code for p in problems if p.severity == "error"}, time.perf_counter() - started


@pytest.fixture(scope="module")
def plain_repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    return Repository.open(make_repo(tmp_path_factory.mktemp("patho") / "repo", commit=False))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def peak_mb(action: Callable[[], object]) -> float:
    """Memory that `action` adds at its peak, in this process (Linux: the high-water mark is reset first)."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    action()
    return (_status_kb("VmHWM") - before) / 1024


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_pathological_record_gives_its_clear_error_in_bounded_time(
    plain_repo: Repository, name: str
) -> None:
    raw, expected = CASES[name]
    result: dict[str, tuple[set[str], float]] = {}
    added = peak_mb(lambda: result.update(out=problems_of(raw, plain_repo)))
    codes, seconds = result["out"]
    assert seconds < SECONDS_PER_RECORD, f"{name}: {seconds:.1f} s"
    assert added < MAX_RSS_MB, f"{name}: {added:.0f} MB"
    if expected:
        assert set(expected) <= codes, f"{name}: {codes}"
    else:
        assert codes == set(), f"{name}: {codes}"


# A paragraph of 1 MiB made of these takes markdown-it-py 15 to 35 s (superlinear inline parsing), and
# 1 MiB of plain links about 8 s (0.15 ms a link, in pure Python).
SLOW_MARKDOWN = ("[x](", "*_", "![", "[", "[a](http://x.org/) ")


def test_a_one_mebibyte_paragraph_of_link_or_emphasis_openers_renders_in_bounded_time() -> None:
    program = (
        "from kscms.site.markdown import render_markdown\n"
        f"render_markdown({SLOW_MARKDOWN[0]!r} * {MAX_BYTES // len(SLOW_MARKDOWN[0]) - 200})\n"
    )
    subprocess.run([sys.executable, "-c", "import kscms.site.markdown"], check=True, timeout=60)
    try:
        subprocess.run([sys.executable, "-c", program], check=True, timeout=SECONDS_PER_RECORD + 1)
    except subprocess.TimeoutExpired:
        pytest.fail(f"rendering 1 MiB of {SLOW_MARKDOWN[0]!r} took more than {SECONDS_PER_RECORD} s")


MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{proc.returncode} {peak:.1f} {time.perf_counter() - started:.2f}")
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
"""


def measured(root: Path, *args: str) -> tuple[int, float, float, str, str]:
    """Run `kscms` in a real process: exit code, peak memory (MB), seconds, stdout, stderr."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "kscms", "--root", str(root), *args],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    first, _, rest = out.stdout.partition("\n")
    code, peak, seconds = first.split()
    return int(code), float(peak), float(seconds), rest, out.stderr


@pytest.fixture(scope="module")
def patho_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Every case as its own record file in one repository: {path: case name}."""
    root = make_repo(tmp_path_factory.mktemp("patho-all") / "repo", commit=False)
    (root / "records/compliments/2026").mkdir(parents=True)
    paths = {}
    for n, (name, (raw, _codes)) in enumerate(sorted(CASES.items())):
        rid = f"C-20260302-case-{n:02d}-zzzzz"  # as long as `printer-fixed`: sizes stay exact
        rel = f"records/compliments/2026/{rid}.md"
        (root / rel).write_bytes(raw.replace(b"C-20260302-printer-fixed", rid.encode()))
        paths[rel] = name
    return root, paths


HEAVY = ["yaml 200k tags", "yaml 50k unknown keys", "body of exactly 1 MiB"]


@pytest.mark.slow
@pytest.mark.parametrize("name", HEAVY)
def test_the_heaviest_records_stay_within_memory_and_time_in_a_real_process(
    name: str, tmp_path: Path
) -> None:
    raw, expected = CASES[name]
    root = make_repo(tmp_path / "repo", {PATH: ""}, commit=False)
    (root / PATH).write_bytes(raw)
    startup = measured(root, "--version")[2]
    commands = [("check",), ("show", "C-20260302-printer-fixed"), ("build", "--out", str(tmp_path / "site"),
                "--no-cache", "--jobs", "1")] if not expected else [("check",)]  # fmt: skip
    for args in commands:
        code, peak, seconds, _stdout, stderr = measured(root, *args)
        assert code == (1 if expected else 0) and "internal error" not in stderr, (args, stderr[-500:])
        assert peak < MAX_RSS_MB, f"{name}: kscms {args[0]} peaked at {peak:.0f} MB"
        assert seconds - startup < SECONDS_PER_RECORD, f"{name}: kscms {args[0]} took {seconds:.1f} s"


@pytest.mark.slow
def test_check_and_build_over_every_case_report_each_and_never_crash(
    patho_repo: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, paths = patho_repo
    bound = SECONDS_PER_RECORD * len(paths)
    code, _peak, seconds, stdout, stderr = measured(root, "check", "--format", "json")
    assert code == 1 and "internal error" not in stderr, stderr
    assert seconds < bound
    reported = {p["path"] for p in json.loads(stdout)}
    invalid = {rel for rel, name in paths.items() if CASES[name][1]}
    assert invalid <= reported
    code, _peak, seconds, stdout, stderr = measured(
        root, "build", "--out", str(tmp_path / "site"), "--no-cache"
    )
    assert code == 0 and "internal error" not in stderr, stderr
    assert seconds < bound
    for page in (tmp_path / "site").rglob("*.html"):
        found = audit(page.read_text(encoding="utf-8"))
        assert [h for h in found.hrefs if h.startswith(("javascript", "data", "vbscript"))] == []


def run(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def test_show_and_list_never_print_control_or_bidi_characters(tmp_path: Path) -> None:
    raw, _ = CASES["yaml control and bidi characters"]
    body = "\x1b[2J\x1b]0;pwned\x07 \u202e\u2066 \x08\x7f\n"
    root = make_repo(tmp_path / "repo", {PATH: raw.decode() + body})
    for args in (("show", "C-20260302-printer-fixed"), ("list",)):
        result = run(root, *args)
        assert result.exit_code == 0
        assert not any(c in result.stdout for c in "\x1b\x07\x08\x7f\u202e\u2066\u202c"), args


# ---- symlinks -----------------------------------------------------------------------------------


def test_a_symlinked_record_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(compliment_text()[1].replace("Great help", "TOP-SECRET-MARKER"), encoding="utf-8")
    root = make_repo(tmp_path / "repo", commit=False)
    (root / PATH).parent.mkdir(parents=True, exist_ok=True)
    (root / PATH).symlink_to(secret)
    result = run(root, "check")
    assert result.exit_code == 1 and "error[symlink]" in result.output
    assert "TOP-SECRET-MARKER" not in result.output
    explicit = run(root, "check", str(root / PATH))
    assert explicit.exit_code == 1 and "symlink" in explicit.output
    shown = run(root, "show", "C-20260302-printer-fixed")
    assert shown.exit_code == 2 and "TOP-SECRET-MARKER" not in shown.output  # no such record: it is refused
    moved = run(root, "move", "C-20260302-printer-fixed", "forwarded", "--by", "anne")
    assert moved.exit_code == 2
    assert "TOP-SECRET-MARKER" in secret.read_text(encoding="utf-8") and "forwarded" not in secret.read_text()
    out = tmp_path / "site"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    assert not any("TOP-SECRET-MARKER" in p.read_text(encoding="utf-8", errors="replace")
                   for p in out.rglob("*") if p.is_file())  # fmt: skip
    exported = run(root, "export", "--format", "json")
    assert "TOP-SECRET-MARKER" not in exported.output


def test_a_symlinked_folder_under_records_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "2026"
    rel, text = compliment_text()
    outside.mkdir(parents=True)
    (outside / Path(rel).name).write_text(text.replace("Great help", "OUTSIDE-MARKER"), encoding="utf-8")
    root = make_repo(tmp_path / "repo", commit=False)
    (root / "records/compliments").rmdir()
    (root / "records/compliments").symlink_to(outside.parent, target_is_directory=True)
    result = run(root, "check")
    assert result.exit_code == 1 and "error[symlink]" in result.output
    listing = run(root, "list")
    assert "C-20260302-printer-fixed" not in listing.output


def test_records_itself_as_a_symlink_is_refused(tmp_path: Path) -> None:
    """Regression: a `records` link to another folder was followed, and its files were read."""
    outside = tmp_path / "outside" / "compliments" / "2026"
    outside.mkdir(parents=True)
    rel, text = compliment_text()
    (outside / Path(rel).name).write_text(text.replace("Great help", "OUTSIDE-MARKER"), encoding="utf-8")
    root = make_repo(tmp_path / "repo", commit=False)
    shutil.rmtree(root / "records")
    (root / "records").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = run(root, "check")
    assert result.exit_code == 1 and "records:1: error[symlink]" in result.output
    assert "C-20260302-printer-fixed" not in run(root, "list").output
    assert "OUTSIDE-MARKER" not in run(root, "export", "--format", "json").output


# ---- ids and paths that try to leave the folder -------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["../../../etc/passwd", "/etc/passwd", "..", "C-20260302-x/../../../x", "a\x00b"]
)
def test_ids_that_try_to_leave_the_folder_are_refused(tmp_path: Path, bad: str) -> None:
    rel, text = compliment_text()
    root = make_repo(tmp_path / "repo", {rel: text})
    before = {p: p.read_bytes() for p in record_files(root)}
    for args in (("show", bad), ("move", bad, "forwarded", "--by", "anne")):
        result = run(root, *args)
        assert result.exit_code in (1, 2), result.output
        assert "no record with id" in result.output or "Error" in result.output, result.output
    assert {p: p.read_bytes() for p in record_files(root)} == before
    assert sorted(os.listdir(tmp_path)) == ["repo"], "nothing written beside the repository"


def test_a_title_that_tries_to_leave_the_folder_stays_inside_records(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    result = run(root, "new", "compliment", "--title", "../../../../etc/passwd", "--by", "anne", "--no-input",
                 "--set", "receivers=[team:desk]", "--set", "source=email")  # fmt: skip
    assert result.exit_code == 0
    written = (root / result.stdout.strip()).resolve()
    assert written.is_relative_to((root / "records/compliments").resolve())
    assert written.name.endswith("-etc-passwd.md")
    refused = run(
        root, "new", "compliment", "--title", "x", "--by", "anne", "--no-input", "--set", "id=../../x"
    )
    assert refused.exit_code == 2 and "the id never changes" in refused.output


def test_a_record_whose_id_leaves_the_folder_is_left_out_of_the_site(tmp_path: Path) -> None:
    """Regression: `id: ../../x` in a record made `build` stop with an internal error."""
    raw, _ = CASES["id that leaves the folder"]
    root = make_repo(tmp_path / "repo", {PATH: raw.decode()})
    out = tmp_path / "site"
    result = run(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "left out" in result.output
    assert sorted(os.listdir(tmp_path)) == ["repo", "site"]
    assert run(root, "export", "--format", "json").exit_code == 0
    assert run(root, "list").exit_code == 0


# ---- bounded reports ----------------------------------------------------------------------------


def test_a_file_with_thousands_of_problems_reports_the_first_thousand_and_counts_the_rest() -> None:
    """Regression: 50,000 unknown keys took 8 s and 20 MB of JSON to report (difflib hints, every problem)."""
    from kscms.model import MAX_PROBLEMS

    text = with_field("\n".join(f"titel{i}: x" for i in range(2_500))).decode()
    rec, problems = parse_record(text, PATH)
    assert rec is None and len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == "1500 more problems in this file are not listed: fix the ones above first"
    assert "did you mean `title`?" in problems[0].message
    assert "did you mean" not in problems[MAX_PROBLEMS - 1].message, "hints only for the first ones"
    duplicates = with_field("\n".join("title: again" for _ in range(1_200))).decode()
    rec, problems = parse_record(duplicates, PATH)
    assert len(problems) == MAX_PROBLEMS + 1 and problems[0].code == "yaml-duplicate-key"


def test_a_number_too_large_for_a_float_is_refused_and_exports_stay_strict_json(tmp_path: Path) -> None:
    """Regression: `investment_eur: 1e999` was read as infinity, passed `check` and broke the JSON export."""
    improvement = (
        "---\nid: I-20260302-inf\ntype: improvement\nkind: improvement\ntitle: Inf\nstatus: proposed\n"
        "created: 2026-03-02\nbusiness_case: {investment_eur: 1e999, savings_eur_per_year: -1e999}\n"
        "history:\n  - {at: 2026-03-02T09:00:00+01:00, by: anne, status: proposed}\n---\n"
    )
    root = make_repo(tmp_path / "repo", {"records/improvements/2026/I-20260302-inf.md": improvement})
    checked = run(root, "check", "--format", "json")
    assert checked.exit_code == 1
    found = json.loads(checked.stdout)
    assert [p["line"] for p in found] == [8, 8]
    assert all(p["code"] == "bad-type" for p in found), found
    assert {m for p in found for m in ("investment_eur", "savings_eur_per_year") if m in p["message"]} == {
        "investment_eur",
        "savings_eur_per_year",
    }

    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    exported = run(root, "export", "--format", "json")
    json.loads(exported.stdout, parse_constant=refuse)


def test_new_and_move_never_write_what_check_would_refuse_to_read(tmp_path: Path) -> None:
    """Regression: a move of a record of exactly 1 MiB wrote 1 MiB + 64 bytes (then `file-too-large`)."""
    raw, _ = CASES["body of exactly 1 MiB"]
    root = make_repo(tmp_path / "repo", {PATH: raw.decode()})
    moved = run(root, "move", "C-20260302-printer-fixed", "forwarded", "--by", "anne")
    assert moved.exit_code == 1 and "error[file-too-large]" in moved.output
    assert (root / PATH).read_bytes() == raw
    args = [
        "new",
        "compliment",
        "--title",
        "x",
        "--by",
        "anne",
        "--no-input",
        "--set",
        "receivers=[team:desk]",
    ]
    made = run(root, *args, "--body", "a\x00b")
    assert made.exit_code == 1 and "error[not-utf8]" in made.output
    made = run(root, *args, "--body", "x" * MAX_BYTES)
    assert made.exit_code == 1 and "error[file-too-large]" in made.output
    assert [p.name for p in record_files(root)] == [Path(PATH).name]


# ---- what `check` prints ------------------------------------------------------------------------

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_file_names_with_control_or_bidi_characters_are_refused_and_shown_escaped(tmp_path: Path) -> None:
    """Regression: `check` printed such names raw (a newline could fake a GitHub workflow command)."""
    rel, text = compliment_text()
    root = make_repo(tmp_path / "repo", commit=False)
    folder = root / "records/compliments/2026"
    folder.mkdir(parents=True)
    for name in (
        "C-20260302-x\x1b]0;PWNED\x07\x1b[2J.md",
        "evil\n::error file=x::injected.md",
        "C-\u202edm.md",
    ):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "dir\u202e").mkdir()
    (folder / "dir\u202e" / Path(rel).name).write_text(text, encoding="utf-8")
    for fmt in ("text", "github", "json"):
        result = run(root, "check", "--format", fmt)
        assert result.exit_code == 1
        assert not UNSAFE.search(result.stdout), fmt
        assert result.stdout.count("bad-id") == 4, result.stdout
    assert "\\x1b]0;PWNED\\x07" in run(root, "check").stdout
    assert run(root, "list").stdout.count("C-20260302") == 0


def test_check_never_prints_control_or_bidi_characters_from_values(tmp_path: Path) -> None:
    rel, text = compliment_text()
    text = text.replace("giver: marja", 'giver: "\\e]0;PWNED\\a\\e[2Jx\\u202e"')
    root = make_repo(tmp_path / "repo", {rel: text}, commit=False)
    result = run(root, "check")
    assert result.exit_code == 1 and "unknown-reference" in result.stdout
    assert not UNSAFE.search(result.stdout)
