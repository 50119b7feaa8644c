"""`kscms forms`: write the GitHub issue forms from kscms.yaml."""

from __future__ import annotations

import click


@click.command("forms")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Only report whether the forms are up to date (exit 1 if not).",
)
@click.pass_obj
def forms_command(obj, check_only: bool) -> None:  # type: ignore[no-untyped-def]
    """Write .github/ISSUE_TEMPLATE/ (compliment, signal and improvement forms) from kscms.yaml.

    Teams, people, themes, departments and segments become dropdowns, so rerun this after
    changing them; `kscms intake` reads the issues the forms make.

    \b
    Example:
      kscms forms
      kscms forms --check
    """
    from kscms.forms import outdated_forms, write_forms

    repo = obj.repo
    if check_only:
        stale = outdated_forms(repo)
        for rel in stale:
            click.echo(f"{rel} is missing or out of date: run `kscms forms`", err=True)
        if stale:
            raise SystemExit(1)
        click.echo("the issue forms are up to date")
        return
    for rel in write_forms(repo):
        click.echo(rel)
