"""`kscms build`: the public wall and the internal site (SPEC section 8)."""

from __future__ import annotations

from pathlib import Path

import click

from kscms.cli._options import MOMENT, out_option


@click.command("build")
@out_option
@click.option("--public-only", is_flag=True, help="Only the public wall (e.g. for GitHub Pages).")
@click.option(
    "--as-of",
    "as_of",
    type=MOMENT,
    metavar="DATE",
    help="Show the state as of the end of this day. Default: the date of the newest event (reproducible); "
    "today without records.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KSCMS_CACHE_DIR",
    help="Cache of record facts and rendered pages. Default: .kscms-cache in the repository.",
)
@click.option("--no-cache", is_flag=True, help="Render every page, read and write no cache.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1, max=64),
    help="Processes that read records and render their pages, 1-64 (default: one per CPU when many).",
)
@click.pass_obj
def build_command(obj, out, public_only, as_of, cache_dir, no_cache, jobs):  # type: ignore[no-untyped-def]
    """Build the static sites: OUT/public/ (wall of compliments) and OUT/internal/.

    Both are self-contained (no external scripts, fonts or styles) and work from the file system
    or any web server. The same records and --as-of give byte-identical files. The public wall shows
    only compliments with the consent of maker and receivers, given or later, not withdrawn.

    \b
    Example:
      kscms build
      kscms build --out _site --as-of 2026-11-30
      kscms build --public-only --out pages
    """
    import datetime as dt

    from kscms.site import build

    repo = obj.repo
    day = as_of.date() if isinstance(as_of, dt.datetime) else as_of
    result = build(
        repo, out, public_only=public_only, as_of=day, cache_dir=cache_dir, use_cache=not no_cache, jobs=jobs
    )
    if result.skipped:
        click.echo(
            f"kscms: {len({p.path for p in result.skipped})} record file(s) could not be read and were left out: "
            "run `kscms check`",
            err=True,
        )
    if result.withheld:
        click.echo(
            f"kscms: {len(result.withheld)} compliment(s) held back from the wall because their public fields "
            f"seem to hold personal data: {', '.join(result.withheld)} (see `kscms check`)",
            err=True,
        )
    pages = result.public_pages + result.internal_pages
    click.echo(
        f"Built {pages} pages from {result.records} records as of {result.as_of} in {result.seconds:.2f} s "
        f"({result.written} files written, {result.unchanged} unchanged).",
        err=True,
    )
    click.echo(f"open {out / 'public' / 'index.html'}")
    if not public_only:
        click.echo(f"open {out / 'internal' / 'index.html'}")
