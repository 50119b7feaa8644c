"""`kscms init`: scaffold a data repository."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--no-git", is_flag=True, help="Do not run `git init`.")
def init_command(directory: Path, force: bool, no_git: bool) -> None:
    """Scaffold a fresh, data-only repository: kscms.yaml, empty records/, the GitHub workflows,
    issue forms, pull-request template and CODEOWNERS, for an organisation that installs kscms
    as a package. Existing files are kept unless --force.

    \b
    Example:
      kscms init klantsignalen && cd klantsignalen
      $EDITOR kscms.yaml          # people (with their GitHub logins), teams, themes
      kscms forms && kscms codeowners && kscms check
      git add -A && git commit -m "kscms repository"
    """
    from kscms.scaffold import scaffold

    directory.mkdir(parents=True, exist_ok=True)
    written = scaffold(directory, force)
    if not no_git and not (directory / ".git").exists():
        import subprocess

        subprocess.run(["git", "init", "-q", "-b", "main", str(directory)], check=False)
    from kscms.codeowners import CODEOWNERS_PATH, render_codeowners
    from kscms.forms import write_forms
    from kscms.repository import Repository, write_atomic

    repo = Repository(directory.resolve())
    write_atomic(directory / CODEOWNERS_PATH, render_codeowners(repo.config))
    written.append(CODEOWNERS_PATH)
    written += write_forms(repo)
    for path in sorted(written):
        click.echo(path)
    click.echo(
        f"initialised a kscms repository in {directory}: edit kscms.yaml, then `kscms check`", err=True
    )
