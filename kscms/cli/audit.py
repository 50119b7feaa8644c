"""`kscms audit`: replay the Git history of records/ and report illegal changes with their commits."""

from __future__ import annotations

import click

from kscms.cli._options import format_option


@click.command("audit")
@click.option(
    "--since", metavar="REF", help="Only the commits after this Git ref (e.g. the last audited tag)."
)
@format_option("text", "json")
@click.option("--quiet", "-q", is_flag=True, help="No summary line.")
@click.pass_obj
def audit_command(obj, since: str | None, fmt: str, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    """Replay the Git history of records/ and report every illegal change.

    For each commit, oldest first: rewritten or removed history, changed id/type/created,
    deleted records, skipped or unpermitted steps, events by someone other than the commit's
    author (unless a coordinator), and events dated more than 24 hours before their commit.
    Lines read COMMIT, AUTHOR, DATE: PATH:LINE: error[CODE]: message. Exit 1 when illegal
    changes are found, 2 when Git cannot answer.

    \b
    Example:
      kscms audit
      kscms audit --since v2026.10 --format json > audit.json
    """
    from kscms.audit import audit, format_json, format_text, summary
    from kscms.cli._output import terminal_safe

    repo = obj.repo
    _ = repo.config  # configuration errors first (exit 2)
    report = audit(repo, since)
    if fmt == "json":
        click.echo(format_json(report.findings), nl=False)
    elif report.findings:
        click.echo(terminal_safe(format_text(report.findings)), nl=False)
    if not quiet and fmt == "text":
        click.echo(summary(report), err=True)
    if report.errors:
        raise SystemExit(1)
