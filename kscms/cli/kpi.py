"""`kscms kpi`: the KPIs of SPEC section 7 for a period, as of a date."""

from __future__ import annotations

import click

from kscms.cli._options import format_option
from kscms.cli._period import period_options


@click.command("kpi")
@period_options
@format_option("table", "json", "csv", "markdown")
@click.pass_obj
def kpi_command(obj, period, from_date, to_date, as_of, fmt):  # type: ignore[no-untyped-def]
    """Compute every KPI for a period, with targets from kscms.yaml.

    Records count in the period by `created` (implemented improvements by the date of their
    `implemented` event). The state is taken as of the end of --as-of: later events are ignored.
    Numbers are rounded to 1 decimal, half away from zero; percentages are empty (null) when
    there is nothing to divide by. --format markdown is a management report (ISO 10002 review).

    \b
    Example:
      kscms kpi --period 2026-Q3
      kscms kpi --period 2026 --as-of 2026-12-31 --format json > kpi.json
      kscms kpi --from 2026-07-01 --to 2026-09-30 --format csv
      kscms kpi --period 2026-Q3 --format markdown > review-2026-Q3.md
    """
    from kscms.cli._kpi_report import kpi_rows, management_report
    from kscms.cli._load import load_records
    from kscms.cli._output import csv_text, json_text, table
    from kscms.cli._period import resolve
    from kscms.kpi import compute
    from kscms.kpi.period import kpi_paths

    repo = obj.repo
    chosen, moment = resolve(repo, period, from_date, to_date, as_of)
    report = compute(load_records(repo, where=kpi_paths(chosen)), repo.config, chosen, moment)
    if fmt == "json":
        click.echo(json_text(report.to_json()), nl=False)
        return
    if fmt == "markdown":
        click.echo(management_report(report, repo.config), nl=False)
        return
    rows = kpi_rows(report, machine=fmt == "csv")
    columns = ("id", "value", "unit", "n", "target", "met")
    if fmt == "csv":
        click.echo(csv_text(rows, columns), nl=False)
    else:
        click.echo(f"KPIs {chosen.start} .. {chosen.end}, as of {report.as_of}")
        click.echo(table(rows, columns), nl=False)
