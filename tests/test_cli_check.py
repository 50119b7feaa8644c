"""`kscms check`: formats, exit codes, and the problems that need more than one file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kscms.cli import cli

VALID = Path(__file__).parent / "fixtures" / "records" / "valid"
C_REL = "records/compliments/2026/C-20261120-given.md"


def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output
    return result


def valid_text() -> str:
    return (VALID / "C-20261120-given.md").read_text(encoding="utf-8")


def test_clean_repository_exits_zero_with_a_summary(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(files={C_REL: valid_text()})
    result = run(root, "check")
    assert result.exit_code == 0
    assert result.stderr.strip() == "1 records checked: no problems"


def test_github_format_gives_annotations(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(files={C_REL: valid_text().replace("status: given", "status: forwarded", 1)})
    result = run(root, "check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"::error file={C_REL},line=5::[status-mismatch] `status` is `forwarded`")


def test_json_format_is_a_list_of_problems(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(files={C_REL: valid_text().replace("giver: marja", "giver: mario")})
    data = json.loads(run(root, "check", "--format", "json").stdout)
    assert {(p["path"], p["line"], p["code"], p["severity"]) for p in data} >= {
        (C_REL, 10, "unknown-reference", "error")
    }
    assert set(data[0]) == {"path", "line", "code", "message", "severity"}  # SPEC section 5, no more


def test_duplicate_ids_in_two_folders(make_repo) -> None:  # type: ignore[no-untyped-def]
    other = "records/compliments/2025/C-20261120-given.md"
    root = make_repo(files={C_REL: valid_text(), other: valid_text()})
    result = run(root, "check")
    assert f"{C_REL}:1: error[duplicate-id]: id `C-20261120-given` is also used by {other}" in result.stdout
    assert f"{other}:2: error[id-path-mismatch]" in result.stdout


def test_non_utf8_nul_bom_and_oversize_files_are_errors(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo()
    base = root / "records" / "compliments" / "2026"
    base.mkdir(parents=True)
    (base / "C-20261120-latin.md").write_bytes(valid_text().replace("Heel", "H\xe9\xe9l").encode("latin-1"))
    (base / "C-20261120-nul.md").write_bytes(b"---\nid: x\x00\n---\n")
    (base / "C-20261120-bom.md").write_bytes("\ufeff".encode() + valid_text().encode())
    (base / "C-20261120-big.md").write_bytes(valid_text().encode() + b"x" * (1 << 20))
    (base / "C-20261120-list.md").write_text("---\n- a\n- b\n---\n")
    (base / "C-20261120-empty.md").write_text("---\n---\nbody\n")
    result = run(root, "check")
    assert result.exit_code == 1
    lines = set(result.stdout.splitlines())
    expect = {
        "records/compliments/2026/C-20261120-latin.md:19: error[not-utf8]",
        "records/compliments/2026/C-20261120-nul.md:2: error[not-utf8]",
        "records/compliments/2026/C-20261120-bom.md:1: error[front-matter]",
        "records/compliments/2026/C-20261120-big.md:1: error[file-too-large]",
        "records/compliments/2026/C-20261120-list.md:2: error[front-matter]",
        "records/compliments/2026/C-20261120-empty.md:1: error[front-matter]",
    }
    for prefix in expect:
        assert any(line.startswith(prefix) for line in lines), prefix


def test_symlinks_under_records_are_refused(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "secret.md"
    outside.write_text(valid_text())
    root = make_repo(files={C_REL: valid_text()})
    os.symlink(outside, root / "records" / "compliments" / "2026" / "C-20261120-link.md")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "records/compliments/2026/C-20261120-link.md:1: error[symlink]" in result.stdout


def test_check_one_path_parses_only_that_record(make_repo) -> None:  # type: ignore[no-untyped-def]
    broken = "records/compliments/2026/C-20261120-broken.md"
    root = make_repo(files={C_REL: valid_text(), broken: "not a record"})
    assert run(root, "check", str(root / C_REL)).exit_code == 0
    assert run(root, "check", str(root / broken)).exit_code == 1


def test_config_errors_exit_two_with_file_and_line(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(config="organisation: X\npeople:\n  anne: {name: Anne, roles: [boss]}\n")
    result = run(root, "check")
    assert result.exit_code == 2
    assert "kscms.yaml:3: error[bad-type]: `people.anne.roles.0` is 'boss'" in result.output


def test_config_dangling_references_and_unknown_keys(make_repo) -> None:  # type: ignore[no-untyped-def]
    config = (
        "organisation: X\ncolour: blue\npeople:\n  anne: {name: Anne, team: nope}\n"
        "teams:\n  t: {name: T, manager: ghost}\n"
    )
    result = run(make_repo(config=config), "check")
    assert result.exit_code == 2
    assert "kscms.yaml:2: error[unknown-field]: unknown field `colour`" in result.output


def test_config_references_are_checked(make_repo) -> None:  # type: ignore[no-untyped-def]
    config = (
        "organisation: X\npeople:\n  anne: {name: Anne, team: nope}\n"
        "teams:\n  t: {name: T, manager: ghost}\ntargets:\n  compliments.bogus: {min: 1}\n"
    )
    result = run(make_repo(config=config), "check")
    assert result.exit_code == 2
    out = result.output
    assert (
        "kscms.yaml:3: error[unknown-reference]: team `nope` of `anne` is not in `teams`: use one of t" in out
    )
    assert "kscms.yaml:5: error[unknown-reference]: manager `ghost` of team `t`" in out
    assert "kscms.yaml:7: error[unknown-reference]: unknown KPI `compliments.bogus`" in out


def test_no_config_anywhere_exits_two(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 2 and "kscms.yaml" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", [("list",), ("export",), ("show", "S-20260101-x"), ("kpi",)])
def test_a_root_without_kscms_yaml_is_a_usage_error_for_every_command(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A mistyped --root must not read as an organisation without records (exit 0, nothing)."""
    (tmp_path / "records").mkdir()
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), *command])
    assert result.exit_code == 2
    assert f"no kscms.yaml in {tmp_path}" in result.output


def test_custom_workflow_statuses_map_to_stages(make_repo) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import CONFIG

    config = CONFIG + (
        "workflows:\n  compliment:\n    statuses: {ontvangen: registered, doorgestuurd: forwarded, gegeven: given,"
        " reactie: reaction_recorded, gemeld: maker_informed, afgesloten: closed, ingetrokken: withdrawn}\n"
    )
    text = (
        valid_text()
        .replace("status: registered}", "status: ontvangen}")
        .replace("status: forwarded}", "status: doorgestuurd}")
        .replace("status: given}", "status: gegeven}")
        .replace("status: given\n", "status: gegeven\n")
    )
    root = make_repo(files={C_REL: text}, config=config)
    result = run(root, "check")
    assert result.exit_code == 0, result.output
    skipped = text.replace("  - {at: 2026-11-21T09:00:00+01:00, by: anne, status: doorgestuurd}\n", "")
    (root / C_REL).write_text(skipped)
    result = run(root, "check")
    assert "error[illegal-transition]: step ontvangen → gegeven is not allowed" in result.stdout
    (root / C_REL).write_text(text)
    for wanted in ("gegeven", "given"):  # a custom status, or the built-in stage it stands for
        listed = json.loads(run(root, "list", "compliment", "--status", wanted, "--format", "json").stdout)
        assert [r["status"] for r in listed] == ["gegeven"], wanted


def test_schema_is_json_schema_of_each_type(empty_repo: Path) -> None:
    data = json.loads(run(empty_repo, "schema", "compliment").stdout)
    assert data["title"] == "Compliment" and "maker" in data["properties"]
    assert data["additionalProperties"] is False
    both = json.loads(run(empty_repo, "schema").stdout)
    assert len(both["oneOf"]) == 3


def test_list_and_show(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(files={C_REL: valid_text()})
    listed = json.loads(run(root, "list", "--format", "json").stdout)
    assert [r["id"] for r in listed] == ["C-20261120-given"]
    assert run(root, "list", "signal", "--format", "json").stdout.strip() == "[]"
    shown = run(root, "show", "C-20261120-given")
    assert shown.exit_code == 0 and "2026-11-22T09:00:00+01:00  given" in shown.stdout
    assert run(root, "show", "C-20261120-nope").exit_code == 2  # an unknown id is a usage error
    assert "  consent: {maker: true, receivers: true}\n" in shown.stdout  # as YAML, not a Python dict
    typo = run(root, "list", "compliment", "--status", "forwared")
    assert (
        typo.exit_code == 2
        and "unknown status `forwared`: use one of closed, forwarded, given" in typo.output
    )


def test_check_warns_when_issue_forms_drift_from_kscms_yaml(tmp_path: Path) -> None:
    root = tmp_path / "data"
    assert CliRunner().invoke(cli, ["init", str(root), "--no-git"]).exit_code == 0
    assert run(root, "check").stdout == ""
    config = root / "kscms.yaml"
    config.write_text(config.read_text().replace("name: Team 1", "name: Team Een"))
    result = run(root, "check")
    assert result.exit_code == 0
    assert result.stdout == (
        ".github/ISSUE_TEMPLATE/compliment.yml:1: warning[forms-outdated]: form does not match kscms.yaml: "
        "run `kscms forms`\n"
    )


def test_check_refuses_paths_outside_records(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "elsewhere.md"
    outside.write_text(valid_text())
    root = make_repo(files={C_REL: valid_text()})
    result = run(root, "check", str(outside))
    assert result.exit_code == 2 and "not a record under" in result.output
    assert run(root, "check", str(root / "kscms.yaml")).exit_code == 2


def test_whole_file_problems_still_name_a_line_in_every_format() -> None:
    """SPEC section 5: every problem reads PATH:LINE; a problem of the whole file points at line 1."""
    from kscms.diagnostics import FORMATTERS, Problem

    whole = Problem("records/x.md", 0, "file-too-large", "file is 2000000 bytes")
    assert FORMATTERS["text"]([whole]) == "records/x.md:1: error[file-too-large]: file is 2000000 bytes\n"
    assert (
        FORMATTERS["github"]([whole])
        == "::error file=records/x.md,line=1::[file-too-large] file is 2000000 bytes\n"
    )
    assert json.loads(FORMATTERS["json"]([whole])) == [
        {
            "path": "records/x.md",
            "line": 1,
            "code": "file-too-large",
            "message": "file is 2000000 bytes",
            "severity": "error",
        }
    ]


def test_a_folder_outside_records_is_a_usage_error(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`check /tmp` used to say "0 records checked: no problems" and exit 0, as if all were well."""
    root = make_repo(files={C_REL: valid_text()})
    (root / "docs").mkdir()
    for folder in (tmp_path, root / "docs"):
        result = run(root, "check", str(folder))
        assert result.exit_code == 2 and "not a folder of records under" in result.output, folder
    for folder in (root, root / "records", root / "records" / "compliments"):
        result = run(root, "check", str(folder))
        assert result.exit_code == 0 and "1 records checked" in result.stderr, folder


def test_list_filters_by_theme_and_department(make_repo) -> None:  # type: ignore[no-untyped-def]
    """The cross-sections a department needs (SPEC 8), from the command line too."""

    def signal(slug: str, extra: str) -> str:
        return (
            f"---\nid: S-20261104-{slug}\ntype: signal\nkind: remark\ntitle: {slug}\nstatus: new\n"
            f"created: 2026-11-04\n{extra}history:\n  - {{at: 2026-11-04T10:00:00+01:00, by: karel, status: new}}\n---\n"
        )

    files = {
        "records/signals/2026/S-20261104-beide.md": signal(
            "beide", "themes: [opzeggen]\ndepartments: [facturatie]\n"
        ),
        "records/signals/2026/S-20261104-thema.md": signal("thema", "themes: [opzeggen]\n"),
        "records/signals/2026/S-20261104-geen.md": signal("geen", ""),
    }
    root = make_repo(files=files)
    assert run(root, "check").exit_code == 0

    def ids(*args: str) -> list[str]:
        return sorted(r["id"] for r in json.loads(run(root, "list", *args, "--format", "json").stdout))

    assert ids("--theme", "opzeggen") == ["S-20261104-beide", "S-20261104-thema"]
    assert ids("--theme", "opzeggen", "--department", "facturatie") == ["S-20261104-beide"]
    assert ids("--theme", "bereikbaarheid") == []
    unknown = run(root, "list", "--department", "nope")
    assert unknown.exit_code == 2 and "use one of facturatie, operations" in unknown.output


def test_list_team_gives_the_weekly_meeting_s_records(make_repo) -> None:  # type: ignore[no-untyped-def]
    """`--team`: compliments the team (or a member) received and its members' proposals, as on the
    team's page of the internal site (one definition: kscms.teams)."""
    person = (
        valid_text()
        .replace("C-20261120-given", "C-20261120-persoon")
        .replace("receivers: [team:servicedesk]", "receivers: [person:karel]")
    )
    idea = (
        "---\nid: S-20261104-idee\ntype: signal\nkind: employee_idea\ntitle: Idee\nstatus: new\n"
        "created: 2026-11-04\nemployee_idea: {proposer: karel}\n"
        "history:\n  - {at: 2026-11-04T10:00:00+01:00, by: karel, status: new}\n---\n"
    )
    other = idea.replace("S-20261104-idee", "S-20261104-ander").replace("proposer: karel", "proposer: ali")
    root = make_repo(
        files={
            C_REL: valid_text(),
            C_REL.replace("given", "persoon"): person,
            "records/signals/2026/S-20261104-idee.md": idea,
            "records/signals/2026/S-20261104-ander.md": other,
        }
    )
    assert "receivers: [person:karel]" in person and run(root, "check").exit_code == 0
    listed = json.loads(run(root, "list", "--team", "servicedesk", "--format", "json").stdout)
    assert sorted(r["id"] for r in listed) == ["C-20261120-given", "C-20261120-persoon", "S-20261104-idee"]
    assert run(root, "list", "--team", "nope").exit_code == 2


def test_config_values_no_rule_can_meet_are_errors(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Two people with one login (which would `--actor` mean?), a negative norm, min above max."""
    config = (
        "organisation: X\npeople:\n  anne: {name: Anne, github: Anne-DB, email: a@x.nl}\n"
        "  bob: {name: Bob, github: anne-db}\n  cor: {name: Cor, email: A@X.nl}\n"
        "norms: {compliment_given_days: -2}\ntargets:\n  compliments.registered: {min: 5, max: 2}\n"
        "  signals.by_kind: {min: 3}\n"
    )
    result = run(make_repo(config=config), "check")
    assert result.exit_code == 2
    out = result.output
    assert "kscms.yaml:4: error[bad-type]: `github: anne-db` of `bob` is also `anne`'s: a GitHub login" in out
    assert (
        "kscms.yaml:5: error[bad-type]: `email: A@X.nl` of `cor` is also `anne`'s: an e-mail address" in out
    )
    assert (
        "kscms.yaml:6: error[bad-type]: `norms.compliment_given_days` is -2: expected a number of days" in out
    )
    assert "kscms.yaml:8: error[bad-type]: target of `compliments.registered` has min 5 above max 2" in out
    assert "kscms.yaml:9: error[bad-type]: `signals.by_kind` is not one number" in out


def test_an_empty_title_is_a_missing_field(make_repo) -> None:  # type: ignore[no-untyped-def]
    """SPEC 3: `title` is required; `title: ''` says nothing either."""
    root = make_repo(files={C_REL: valid_text().replace("title: Snel geholpen", 'title: "  "')})
    result = run(root, "check")
    assert result.exit_code == 1
    assert f"{C_REL}:4: error[missing-field]: `title` is empty" in result.stdout
