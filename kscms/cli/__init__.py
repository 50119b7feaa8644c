"""The `kscms` command line: a lazy root group and the one error boundary.

Commands live in their own modules and are imported only when run, so `kscms --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kscms import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:function, one-line help shown by `kscms --help` without importing the module)
    "init": ("init:init_command", "Scaffold a fresh data repository."),
    "new": ("new:new_command", "Create a record in its first status."),
    "move": ("move:move_command", "Move a record one workflow step."),
    "note": ("note:note_command", "Add a note (and set fields) without moving a record."),
    "check": ("check:check_command", "Validate records (and, with --base, every change)."),
    "audit": ("audit:audit_command", "Replay the Git history of records/ and report illegal changes."),
    "list": ("query:list_command", "List records, filtered by type, status or overdue."),
    "show": ("query:show_command", "Show one record with its history."),
    "kpi": ("kpi:kpi_command", "Compute the KPIs for a period."),
    "threads": (
        "threads:threads_command",
        "Common threads, Pareto of customers, top questions, survey priorities.",
    ),
    "due": ("due:due_command", "The weekly worklist: items past their norm."),
    "build": ("build:build_command", "Build the public wall and the internal site."),
    "serve": ("serve:serve_command", "Build, serve on localhost and rebuild on change."),
    "schema": ("schema:schema_command", "Print the JSON Schema of the record types."),
    "export": ("exchange:export_command", "Export every record as JSON, CSV or SQLite."),
    "import": ("exchange:import_command", "Import a contact-centre question log or survey results (CSV)."),
    "codeowners": ("codeowners:codeowners_command", "Write .github/CODEOWNERS from people and roles."),
    "forms": ("forms:forms_command", "Write the GitHub issue forms from kscms.yaml."),
    "intake": ("intake:intake_command", "Turn a submitted GitHub issue form into a record."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (pallets/click docs, 'complex' recipe)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, func = target[0].split(":")
        import importlib

        module = importlib.import_module(f"kscms.cli.{module_name}")
        command: click.Command = getattr(module, func)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from kscms.errors import KscmsError

        try:
            return super().invoke(ctx)
        except KscmsError as exc:
            from kscms.cli._output import report_error

            report_error(ctx, exc)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except OSError as exc:  # the file system said no (a read-only or virtual folder, a full disk)
            where = f" ({exc.filename})" if exc.filename else ""
            click.echo(f"kscms: {exc.strerror or exc}{where}", err=True)
            ctx.exit(2)
        except Exception as exc:  # a bug: say so briefly, never dump a traceback on a user
            if os.environ.get("KSCMS_DEBUG"):
                raise
            click.echo(
                f"kscms: internal error: {type(exc).__name__}: {exc} (set KSCMS_DEBUG=1 for details)",
                err=True,
            )
            ctx.exit(2)


class Context:
    """What the root group hands to commands (`ctx.obj`)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._repo: Any = None

    @property
    def repo(self) -> Any:
        if self._repo is None:
            from kscms.repository import Repository  # no pydantic: models load when first needed

            self._repo = Repository.open(self.root)
        return self._repo


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KSCMS_ROOT",
    help="Repository root (default: the nearest folder upwards holding kscms.yaml).",
)
@click.version_option(__version__, prog_name="kscms")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """kscms: learn from every customer signal and every compliment.

    Records (signals, compliments, improvements) are Markdown files with YAML front matter in Git.
    kscms validates them and their workflow steps, computes the KPIs, finds the common threads and
    builds a public wall of compliments and an internal improvement log.

    \b
    Example:
      kscms new compliment --title "Printer snel gemaakt" --by anne --set receivers=[team:servicedesk]
      kscms move C-20261120-printer-snel-gemaakt forwarded --by anne
      kscms check
      kscms build && open _site/internal/index.html
    """
    ctx.obj = Context(root)


def main() -> None:
    """Console-script entry point."""
    # kscms uses no pydantic plugins; looking them up costs ~30 ms of entry-point scanning per run
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    cli(prog_name="kscms")
