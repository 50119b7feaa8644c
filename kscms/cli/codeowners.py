"""`kscms codeowners`: write .github/CODEOWNERS from people and roles."""

from __future__ import annotations

import click


@click.command("codeowners")
@click.option(
    "--check", "check_only", is_flag=True, help="Only report whether the file is up to date (exit 1 if not)."
)
@click.pass_obj
def codeowners_command(obj, check_only: bool) -> None:  # type: ignore[no-untyped-def]
    """Write .github/CODEOWNERS so that coordinators review records/ and kscms.yaml.

    \b
    Example:
      kscms codeowners
      kscms codeowners --check
    """
    from kscms.codeowners import CODEOWNERS_PATH, codeowners_problem, render_codeowners
    from kscms.repository import write_atomic

    repo = obj.repo
    if check_only:
        problem = codeowners_problem(repo)
        missing = not (repo.root / CODEOWNERS_PATH).is_file()
        if problem or missing:
            click.echo(
                f"{CODEOWNERS_PATH} is {'missing' if missing else 'out of date'}: run `kscms codeowners`",
                err=True,
            )
            raise SystemExit(1)
        click.echo(f"{CODEOWNERS_PATH} is up to date")
        return
    write_atomic(repo.root / CODEOWNERS_PATH, render_codeowners(repo.config))
    click.echo(CODEOWNERS_PATH)
    coordinators = repo.config.people_with_role("coordinator")
    if not any(repo.config.people[k].github for k in coordinators):
        click.echo(
            "warning: no coordinator has a `github` login in kscms.yaml, so nobody is asked to review "
            f"records/: add `github: <login>` to {', '.join(coordinators) or 'a coordinator'}",
            err=True,
        )
