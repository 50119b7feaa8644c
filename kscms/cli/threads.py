"""`kscms threads`: common threads, Pareto of customers, top question topics, survey priorities."""

from __future__ import annotations

from typing import Any

import click

from kscms.cli._options import format_option
from kscms.cli._period import period_options


@click.command("threads")
@period_options
@click.option("--top", default=5, show_default=True, type=click.IntRange(1), help="How many question topics.")
@format_option("table", "markdown", "json")
@click.pass_obj
def threads_command(obj, period, from_date, to_date, as_of, top, fmt):  # type: ignore[no-untyped-def]
    """Common threads (rode draden) and the analyses behind the improvement agenda.

    A common thread is a theme carried by signals of two or more kinds or of two or more
    departments; each is listed with the signals behind it. Also: the share of signals from the
    top 20% of customers (Pareto), the top question topics by summed count, and the priorities of
    the period's latest survey (importance x (10 - rating)) beside the previous survey's.

    \b
    Example:
      kscms threads --period 2026-Q3
      kscms threads --period 2026 --format markdown > rode-draden-2026.md
      kscms threads --from 2026-01-01 --to 2026-06-30 --format json
    """
    from kscms.cli._load import load_records
    from kscms.cli._output import json_text
    from kscms.cli._period import resolve
    from kscms.kpi.threads import analysis

    repo = obj.repo
    chosen, moment = resolve(repo, period, from_date, to_date, as_of)
    data = analysis(load_records(repo, ("signal",)), repo.config, chosen, moment, top)
    if fmt == "json":
        click.echo(json_text(data), nl=False)
        return
    click.echo(_text(data, markdown=fmt == "markdown"), nl=False)


def _text(data: dict[str, Any], markdown: bool) -> str:
    from kscms.cli._kpi_report import plain_numbers
    from kscms.cli._output import markdown_table, table

    def block(
        title: str, rows: list[dict[str, Any]] | None, columns: tuple[str, ...], note: str = ""
    ) -> list[str]:
        head = [f"## {title}", ""] if markdown else [title, "-" * len(title), ""]
        if note:
            head += [note, ""]
        if not rows:
            return [*head, "(none)", ""]
        return [*head, (markdown_table if markdown else table)(plain_numbers(rows), columns), ""]

    period = data["period"]
    title = f"Common threads {period['from']} .. {period['to']}, as of {data['as_of']}"
    lines = [f"# {title}" if markdown else title, ""]
    if markdown:
        lines += block(
            "Common threads", data["threads"], ("theme", "signals", "kinds", "departments", "signal_ids")
        )
    else:
        lines += ["Common threads", "--------------", ""]
        for t in data["threads"]:
            lines.append(
                f"{t['theme']} ({t['name']}): {t['signals']} signals; kinds: {', '.join(t['kinds'])}; "
                f"departments: {', '.join(t['departments']) or '-'}"
            )
            lines += [f"    {i}" for i in t["signal_ids"]]
        lines += ["(none)", ""] if not data["threads"] else [""]
    c = data["customers"]
    pareto = (
        "No signals name a customer."
        if c["share_pct"] is None
        else (
            f"{c['share_pct']}% of {c['signals']} signals naming a customer come from the top {c['top']} "
            f"of {c['customers']} customers (20%)."
        )
    )
    lines += block("Pareto of customers", c["ranking"], ("customer", "signals"), pareto)
    lines += block("Top question topics", data["top_topics"], ("topic", "count", "share_pct"))
    survey = data["survey"]
    title = "Survey priorities"
    if survey:
        prev = survey["previous"]
        title += f" ({survey['id']}" + (f", previous {prev['id']})" if prev else ")")
    columns = ("element", "rating", "importance", "priority", "previous_rating", "previous_priority")
    lines += block(title, survey["elements"] if survey else None, columns)
    return "\n".join(lines).rstrip("\n") + "\n"
