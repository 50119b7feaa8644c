"""`kscms check`: validate records, and with --base every change since a Git ref."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kscms.cli._options import format_option


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--base", metavar="REF", help="Also check every change since this Git ref (append-only history, ...)."
)
@click.option("--actor", metavar="LOGIN", help="With --base: the GitHub login that made the change.")
@format_option("text", "github", "json")
@click.option("--quiet", "-q", is_flag=True, help="No summary line.")
@click.pass_obj
def check_command(
    obj: Any, paths: tuple[Path, ...], base: str | None, actor: str | None, fmt: str, quiet: bool
) -> None:
    """Validate records: YAML, fields, references, workflow history, privacy.

    Problems print as PATH:LINE: error[CODE]: message. Exit 0 when fine, 1 when records have
    problems, 2 for usage or configuration errors. With --base REF only the records changed since
    REF are parsed, and each change must append to the history (never rewrite it).

    \b
    Example:
      kscms check
      kscms check records/compliments/2026/C-20261120-printer-snel-gemaakt.md
      kscms check --base origin/main --actor anne-db --format github
    """
    from kscms.cli._output import echo_problems, summary

    if base is not None and not base.strip():
        raise click.UsageError("--base needs a Git ref, e.g. --base origin/main")
    if actor is not None and not actor.strip():
        raise click.UsageError("--actor needs the GitHub login that made the change")
    repo = obj.repo
    selected: list[str] | None = None
    if base:
        from kscms.changes import check_since

        problems, count = check_since(repo, base, actor)  # reads the config first, while Git answers
    else:
        _ = repo.config  # configuration errors first (exit 2)
        if actor:
            raise click.UsageError("--actor needs --base")
        if paths:
            selected = []
            for p in paths:
                full = p if p.is_absolute() else Path.cwd() / p
                if full.is_dir():
                    prefix = repo.rel(full).rstrip("/") + "/"
                    if prefix != "./" and not (
                        prefix.startswith("records/") or "records/".startswith(prefix)
                    ):
                        raise click.UsageError(f"{p}: not a folder of records under {repo.root / 'records'}")
                    selected += [r for r in repo.record_paths() if r.startswith(prefix) or prefix == "./"]
                elif not full.exists() and not full.is_symlink():
                    raise click.UsageError(f"{p}: no such file")
                else:
                    rel = repo.rel(full)
                    if rel.startswith(("/", "../")) or not rel.startswith("records/"):
                        raise click.UsageError(f"{p}: not a record under {repo.root / 'records'}")
                    selected.append(rel)
        problems = repo.check(selected)
        count = len(selected) if selected is not None else len(repo.record_paths())
    if base is None and selected is None:
        from kscms.codeowners import codeowners_problem

        stale = codeowners_problem(repo)
        if stale:
            problems.append(stale)
        problems.extend(_forms_problems(repo))
    echo_problems(problems, fmt)
    if not quiet and fmt == "text":
        click.echo(summary(problems, count), err=True)
    if any(p.severity == "error" for p in problems):
        raise SystemExit(1)


def _forms_problems(repo: Any) -> list[Any]:
    """A warning per issue form that no longer matches kscms.yaml (only where forms are in use)."""
    if not (repo.root / ".github" / "ISSUE_TEMPLATE").is_dir():
        return []
    from kscms.diagnostics import Problem
    from kscms.forms import outdated_forms

    return [
        Problem(
            rel, 1, "forms-outdated", "form does not match kscms.yaml: run `kscms forms`", severity="warning"
        )
        for rel in outdated_forms(repo)
    ]
