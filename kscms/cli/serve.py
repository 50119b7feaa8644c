"""`kscms serve`: build, serve on localhost, rebuild on change."""

from __future__ import annotations

import click

from kscms.cli._options import MOMENT, out_option


@click.command("serve")
@click.option(
    "--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on localhost."
)
@out_option
@click.option(
    "--as-of", "as_of", type=MOMENT, metavar="DATE", help="Show the state as of the end of this day."
)
@click.pass_obj
def serve_command(obj, port, out, as_of):  # type: ignore[no-untyped-def]
    """Build the site, serve it on http://127.0.0.1:PORT/ and rebuild when records, kscms.yaml
    or templates change. Stop with Ctrl-C.

    \b
    Example:
      kscms serve
      kscms serve --port 8080 --out /tmp/kscms-site
    """
    import datetime as dt

    from kscms.site.serve import SiteServer

    repo = obj.repo
    _ = repo.config  # configuration errors first (exit 2)
    day = as_of.date() if isinstance(as_of, dt.datetime) else as_of

    def report(result):  # type: ignore[no-untyped-def]
        if isinstance(result, Exception):
            click.echo(f"kscms: build failed: {result}", err=True)
        else:
            click.echo(f"built {result.written} changed file(s) in {result.seconds:.2f} s", err=True)

    try:
        server = SiteServer(repo.root, out, port=port, as_of=day, on_build=report)
    except OSError as exc:
        raise click.UsageError(
            f"cannot listen on port {port}: {exc.strerror}; try --port {port + 1}"
        ) from exc
    click.echo(f"Serving {out} (Ctrl-C stops):")
    click.echo(f"  public:   {server.url}public/index.html")
    click.echo(f"  internal: {server.url}internal/index.html")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
