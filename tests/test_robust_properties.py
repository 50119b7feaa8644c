"""Property tests (hypothesis) of the loader, the writer, the renderer and the append-only rule.

- Loading any bytes gives a record or located problems, never an exception; the checks never
  raise on whatever parses; `Repository.load` raises nothing but RecordError.
- Whatever the writer dumps reads back as the same value (scalars, flow, block, minimal rewrites).
- Rendering any text emits no tag, attribute or URL scheme outside the allow-lists.
- `check_append_only` accepts a new history exactly when the old one is a prefix of it.

Together they run in about a minute; the example counts are set per test below.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from robust_helpers import audit, compliment_text, href_allowed, make_repo, record_contract

from kscms.checks import run_checks
from kscms.checks.codes import CODES
from kscms.errors import RecordError
from kscms.model import decode_record, parse_record
from kscms.model.compliment import Compliment
from kscms.repository import Repository
from kscms.rewrite import apply
from kscms.yamlio import dump_block, dump_flow, dump_scalar, load

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
SCALE = float(os.environ.get("KSCMS_HYPOTHESIS_SCALE", "1"))
"""Multiplies every example count: `KSCMS_HYPOTHESIS_SCALE=50 pytest tests/test_robust_properties.py` for a long run."""


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def repo() -> Iterator[Repository]:
    folder = Path(
        tempfile.mkdtemp(prefix="kscms-props-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    )
    yield Repository.open(make_repo(folder / "repo", commit=False))
    shutil.rmtree(folder, ignore_errors=True)


def assert_record_or_problems(
    raw: bytes, repo: Repository, path: str = "records/compliments/2026/x.md"
) -> None:
    """The contract of the read path: a record and no problems, or no record and located problems."""
    text, problems = decode_record(raw, path)
    record = None
    if text is not None:
        record, problems = parse_record(text, path)
    assert (record is None) == bool(problems)
    for p in problems:
        assert p.code in CODES and p.path == path and p.line >= 0, p
    if record is not None:
        for p in run_checks([record], repo.context(NOW)):
            assert p.code in CODES and p.line >= 0, p


# ---- strategies ---------------------------------------------------------------------------------

TOKENS = [
    "---", "\n", " ", "  ", "\t", ":", ": ", "- ", "[", "]", "{", "}", ",", "#", "&a", "*a", "!!str", "!x", "|",
    ">", "'", '"', "\\", "%YAML 1.2", "...", "?", "~", "null", "true", "yes", "0o17", "0x1F", "1e400", "9" * 30,
    "2026-02-30", "2026-03-02", "2026-03-02T09:00:00+01:00", "2026-03-02 09:00:00", "24:00", "id", "type",
    "compliment", "signal", "improvement", "title", "status", "created", "history", "at", "by", "anne", "\x00",
    "\ufeff", "\u2028", "\x85", "\r", "é", "💥", "<script>", "C-20260302-x", "receivers", "maker", "consent",
]  # fmt: skip

yaml_soup = st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=60).map("".join)

STATUSES = ["registered", "forwarded", "given", "reaction_recorded", "maker_informed", "closed", "withdrawn",
            "new", "triaged", "acknowledged", "resolved", "proposed", "accepted", "rejected", "in_progress",
            "implemented", "evaluated", "bogus"]  # fmt: skip
PEOPLE = ["anne", "marja", "karel", "nobody"]
TIMES = [
    dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),  # the same instant, another offset
    dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 9, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    dt.datetime(2030, 1, 1, tzinfo=dt.UTC),  # in the future
]
events = st.fixed_dictionaries(
    {"at": st.sampled_from(TIMES), "by": st.sampled_from(PEOPLE), "status": st.sampled_from(STATUSES)},
    optional={"note": st.sampled_from(["", "ok", "again"])},
)
scalars = (
    st.none() | st.booleans() | st.integers(-5, 20) | st.floats(-1, 11, allow_nan=False) | st.text(max_size=8)
)
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                      max_leaves=6)  # fmt: skip

COMPLIMENT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "source": st.sampled_from(["email", "phone", "fax"]),
    "receivers": st.lists(st.sampled_from(["team:desk", "person:karel", "organisation", "team:x", "x"]), max_size=3),
    "maker": st.fixed_dictionaries({}, optional={"kind": st.sampled_from(["customer", "alien"]),
                                                 "display": st.text(max_size=20), "anonymous": st.booleans(),
                                                 "name": st.text(max_size=5)}),
    "giver": st.sampled_from(PEOPLE),
    "consent": st.fixed_dictionaries({}, optional={"maker": st.booleans(), "receivers": st.booleans()}),
    "reaction": st.text(max_size=10),
    "maker_feedback": st.text(max_size=10),
    "cap": st.sampled_from(["I-20260301-x", "nonsense"]),
    "themes": st.lists(st.sampled_from(["reach", "nope"]), max_size=2),
    "departments": st.lists(st.sampled_from(["ops", "nope"]), max_size=2),
    "notes": st.text(max_size=10),
}  # fmt: skip
SIGNAL_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "kind": st.sampled_from(["complaint", "question", "survey", "remark", "employee_idea", "odd"]),
    "channel": st.sampled_from(["phone", "email", "pigeon"]),
    "customer": st.sampled_from(["K-1043", "Jan Jansen", ""]),
    "segment": st.sampled_from(["private", "nope"]),
    "improvements": st.lists(st.sampled_from(["I-20260301-x", "S-1"]), max_size=2),
    "complaint": st.fixed_dictionaries({}, optional={"resolution": st.text(max_size=5),
                                                     "satisfaction": st.integers(0, 6),
                                                     "communicated": st.dates()}),
    "question": st.fixed_dictionaries({"topic": st.text(max_size=5)}, optional={"count": st.integers(-1, 3)}),
    "survey": st.fixed_dictionaries({}, optional={"elements": st.lists(st.fixed_dictionaries(
        {"element": st.text(max_size=4), "rating": st.floats(-1, 11), "importance": st.floats(-0.5, 1.5)}),
        max_size=3)}),
    "employee_idea": st.fixed_dictionaries({"proposer": st.sampled_from(PEOPLE)}),
    "themes": st.lists(st.sampled_from(["reach", "nope"]), max_size=2),
}  # fmt: skip
IMPROVEMENT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "kind": st.sampled_from(["improvement", "cap"]),
    "origin": st.fixed_dictionaries({}, optional={"signals": st.lists(st.sampled_from(["S-20260301-x"]), max_size=1),
                                                  "proposer": st.sampled_from(PEOPLE)}),
    "owner": st.sampled_from(PEOPLE),
    "strategy_fit": st.fixed_dictionaries({"fits": st.booleans()}),
    "business_case": st.fixed_dictionaries({}, optional={"customers_affected": st.integers(-1, 5)}),
    "decision": st.fixed_dictionaries({}, optional={"outcome": st.sampled_from(["accepted", "rejected", "maybe"]),
                                                    "reason": st.text(max_size=5), "communicated": st.dates()}),
    "result": st.fixed_dictionaries({}, optional={"metric": st.text(max_size=3), "before": scalars,
                                                  "after": scalars, "summary": st.text(max_size=3)}),
    "proposer_feedback": st.text(max_size=5),
    "departments": st.lists(st.sampled_from(["ops", "nope"]), max_size=2),
}  # fmt: skip
FIELDS = {"compliment": COMPLIMENT_FIELDS, "signal": SIGNAL_FIELDS, "improvement": IMPROVEMENT_FIELDS}
LETTERS = {"compliment": "C", "signal": "S", "improvement": "I"}


@st.composite
def record_texts(draw: st.DrawFn) -> str:
    """A record of any type with a random selection of right-looking and wrong-looking fields."""
    rtype = draw(st.sampled_from(sorted(FIELDS)))
    created = draw(st.sampled_from([dt.date(2026, 3, 2), dt.date(2026, 3, 1), dt.date(2031, 1, 1)]))
    data: dict[str, Any] = {
        "id": f"{LETTERS[rtype]}-{created:%Y%m%d}-x",
        "type": rtype,
        "title": draw(st.text(max_size=15)),
        "status": draw(st.sampled_from(STATUSES)),
        "created": created,
    }
    pool = FIELDS[rtype]
    for name in draw(st.lists(st.sampled_from(sorted(pool)), unique=True, max_size=len(pool))):
        data[name] = draw(pool[name])
    if draw(st.booleans()):
        data[draw(st.sampled_from(["extra", "maker", "history", "status"]))] = draw(values)
    data["history"] = draw(st.lists(events, max_size=5))
    return "---\n" + dump_block(data) + "---\n" + draw(st.text(max_size=40))


@st.composite
def mutated_records(draw: st.DrawFn) -> bytes:
    """A valid record with a few random edits: deletions, insertions of YAML tokens, swapped lines."""
    text = compliment_text(extra="notes: |\n  line one\n  line two\n", status="forwarded")[1]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "swap"]))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif action == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=4)) + text[at:]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text.encode("utf-8", "surrogatepass")


# ---- the read path ------------------------------------------------------------------------------


@settings(max_examples=examples(1000), **SETTINGS)
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_record_or_problems(repo: Repository, raw: bytes) -> None:
    assert_record_or_problems(raw, repo)


@settings(max_examples=examples(1000), **SETTINGS)
@given(yaml_soup, st.text(max_size=50))
def test_any_front_matter_gives_a_record_or_problems(repo: Repository, front: str, body: str) -> None:
    assert_record_or_problems(f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass"), repo)


@settings(max_examples=examples(800), **SETTINGS)
@given(mutated_records())
def test_any_edit_of_a_valid_record_gives_a_record_or_problems(repo: Repository, raw: bytes) -> None:
    assert_record_or_problems(raw, repo)


@settings(max_examples=examples(800), **SETTINGS)
@given(record_texts())
def test_the_checks_never_raise_on_any_record_that_parses(repo: Repository, text: str) -> None:
    assert_record_or_problems(text.encode("utf-8", "surrogatepass"), repo)


@settings(max_examples=examples(400), **SETTINGS)
@given(st.binary(max_size=500) | mutated_records())
def test_repository_load_raises_nothing_but_record_error(repo: Repository, raw: bytes) -> None:
    path = repo.root / "records/compliments/2026/C-20260302-printer-fixed.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    fresh = Repository.open(repo.root)
    try:
        record = fresh.load("C-20260302-printer-fixed")
    except RecordError as exc:
        assert exc.problems and all(p.code in CODES for p in exc.problems)
    else:
        assert isinstance(record, Compliment)
    assert all(p.code in CODES for p in fresh.check())


def test_the_fuzzing_seeds_keep_the_contract() -> None:
    """The committed seeds of `make fuzz` pass the harness's own contract (so the harness cannot rot)."""
    seeds = sorted((Path(__file__).parent / "fuzz" / "corpus").iterdir())
    assert len(seeds) >= 8
    for seed in seeds:
        record_contract(seed.read_bytes())


# ---- the write path -----------------------------------------------------------------------------

texts = st.text(max_size=30) | st.text(alphabet=":#-? []{},&*!|>'\"%@`\t\n\r\\ab0\x85\u2028", max_size=12)


@settings(max_examples=examples(1200), **SETTINGS)
@given(texts)
@example("b:")
@example("a:?b")
@example("・(￣∀￣)・:*:")
def test_every_scalar_the_writer_dumps_reads_back_the_same(text: str) -> None:
    """Regression: `x:` and `a:?b` were written plain and could not be read back (found with blns)."""
    for written in (
        f"k: {dump_scalar(text)}\n",
        f"k: [{dump_flow(text)}]\n",
        f"k: {{a: {dump_flow(text)}}}\n",
    ):
        parsed = load(written)
        assert parsed.issues == [] and parsed.data["k"] in (text, [text], {"a": text}), written


@settings(max_examples=examples(1000), **SETTINGS)
@given(st.dictionaries(st.text(min_size=1, max_size=6), texts, max_size=4))
@example({"k": "a\rb\n"})
@example({"k": " leading space\nx"})
@example({"k": "two final newlines\n\n"})
@example({"k": "line\u2028separator\n"})
@example({"k": "\tindented by a tab\nx"})
def test_every_block_the_writer_dumps_reads_back_the_same(data: dict[str, str]) -> None:
    """Regression: multi-line text with CR, NEL, LS, a leading space or extra final newlines."""
    parsed = load(dump_block(data))
    assert parsed.issues == [] and (parsed.data or {}) == data


@settings(max_examples=examples(400), **SETTINGS)
@given(st.dictionaries(st.sampled_from(["notes", "reaction", "title", "giver", "maker"]), texts, min_size=1))
def test_a_minimal_rewrite_gives_exactly_the_intended_data(changes: dict[str, str]) -> None:
    _rel, text = compliment_text(extra="notes: |\n  line one\n  line two\n")
    front = text.split("---\n")[1]
    expected = load(front).data
    expected.update(changes)
    rewritten = apply(front, {(k,): v for k, v in changes.items()})
    assert load(rewritten).data == expected


# ---- the renderer -------------------------------------------------------------------------------

MD_TOKENS = [
    "<", ">", "</", "<script>", "<a href=", "<img src=x onerror=alert(1)>", "<!--", "-->", "<?", "<![CDATA[",
    "[", "]", "(", ")", "![", "]:", " ", "\n", "\n\n", "    ", "\t", "*", "_", "`", "```", "#", ">", "-", "1.",
    "\\", "&", "&#", "&#x6a;", "&lt;", ";", ":", "//", "javascript:", "JaVaScRiPt:", "java\nscript:", "data:",
    "vbscript:", "mailto:", "http://", "https://", "ftp://", "file:", "x.org", '"', "'", "=", " onmouseover=",
    "%6a", "\x00", "\u202e", "💥",
]  # fmt: skip


@settings(max_examples=examples(1200), **SETTINGS)
@given(st.lists(st.sampled_from(MD_TOKENS) | st.text(max_size=3), max_size=40).map("".join))
def test_rendering_any_text_stays_within_the_allow_lists(text: str) -> None:
    from kscms.site.markdown import render_markdown

    found = audit(render_markdown(text))
    assert found.problems == []
    assert [h for h in found.hrefs if h and not href_allowed(h)] == []


# ---- the append-only rule -----------------------------------------------------------------------


def _record(history: list[dict[str, Any]]) -> Compliment:
    _rel, text = compliment_text()
    data = load(text.split("---\n")[1]).data
    data["history"] = history
    return Compliment.model_validate(data)


def _key(event: dict[str, Any]) -> tuple[str, str, str, str | None]:
    return (event["at"].isoformat(), event["by"], event["status"], event.get("note"))


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    old = draw(st.lists(events, max_size=4))
    how = draw(st.sampled_from(["extend", "same", "random", "edit", "drop", "swap"]))
    new = list(old)
    if how == "extend":
        new += draw(st.lists(events, min_size=1, max_size=3))
    elif how == "random":
        new = draw(st.lists(events, max_size=6))
    elif how == "edit" and new:
        i = draw(st.integers(0, len(new) - 1))
        new[i] = {
            **new[i],
            **draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "at": st.sampled_from(TIMES),
                        "by": st.sampled_from(PEOPLE),
                        "note": st.sampled_from(["x", "ok"]),
                    },
                )
            ),
        }
        new += draw(st.lists(events, max_size=2))
    elif how == "drop" and new:
        del new[draw(st.integers(0, len(new) - 1))]
        new += draw(st.lists(events, max_size=2))
    elif how == "swap" and len(new) > 1:
        i, j = draw(st.integers(0, len(new) - 1)), draw(st.integers(0, len(new) - 1))
        new[i], new[j] = new[j], new[i]
    return old, new  # fmt: skip


@settings(max_examples=examples(1000), **SETTINGS)
@given(histories())
def test_append_only_accepts_exactly_the_extensions_of_a_history(pair: tuple[list[Any], list[Any]]) -> None:
    from kscms.checks.changes import check_append_only

    old, new = pair
    problems = list(check_append_only(_record(old), _record(new), "at the base"))
    is_extension = [_key(e) for e in new[: len(old)]] == [_key(e) for e in old]
    assert (problems == []) == is_extension, (old, new, problems)
    assert all(p.code == "history-rewritten" for p in problems)
