"""Benchmark of the Git checks: `check --base` for a one-file change, and `audit` of the whole history.

Usage::

    python bench/git_bench.py                      # 10,000 records, 200 commits; medians of 9 runs (audit: 3)
    python bench/git_bench.py --records 2000 --commits 50 --runs 5 --reuse

Generates the repository with ``bench/generate.py`` (into ``bench/work/git-<N>``, kept with
``--reuse``), or with a small built-in generator when that script is missing, then times
``kscms --help``, ``kscms check --base HEAD`` after changing one record, and ``kscms audit``,
each as a separate process, and prints the medians as a table with their ratio to ``--help``.
Targets (issue 4): check --base under 1 s and within 3x of --help; audit under 10 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KSCMS = [sys.executable, "-m", "kscms"]


def generate(out: Path, records: int, commits: int) -> None:
    """A repository of `records` records over `commits` commits, with bench/generate.py when present."""
    script = HERE / "generate.py"
    if out.exists():
        shutil.rmtree(out)
    if script.exists():
        cmd = [sys.executable, str(script), str(records), str(out), "--commits", str(commits), "--force"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"bench/generate.py failed: {done.stderr.strip()}")
    else:
        _generate_simple(out, records, commits)


def _generate_simple(out: Path, records: int, commits: int) -> None:
    """Fallback: signals of kind remark, each added in one commit and triaged in a later one."""
    config = (
        "organisation: Bench BV\nlanguage: en\npeople:\n"
        "  anne: {name: Anne, github: anne, roles: [coordinator]}\n  karel: {name: Karel, github: karel}\n"
        "themes:\n  bereikbaarheid: {name: Bereikbaarheid}\n"
    )

    def text(n: int, triaged: bool) -> str:
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
        events = f"  - {{at: '{day}T09:00:00+01:00', by: karel, status: new}}\n"
        if triaged:
            events += f"  - {{at: '{day}T10:00:00+01:00', by: anne, status: triaged}}\n"
        return (
            f"---\nid: S-{day.replace('-', '')}-bench-{n}\ntype: signal\nkind: remark\ntitle: Bench {n}\n"
            f"status: {'triaged' if triaged else 'new'}\ncreated: {day}\nthemes: [bereikbaarheid]\n"
            f"history:\n{events}---\nBody {n}.\n"
        )

    def path(n: int) -> str:
        day = f"2025{1 + n % 12:02d}{1 + n % 28:02d}"
        return f"records/signals/2025/S-{day}-bench-{n}.md"

    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    stream = []
    adds = max(1, commits - commits // 4)
    for c in range(commits):
        files = [("kscms.yaml", config)] if c == 0 else []
        if c < adds:
            files += [(path(n), text(n, False)) for n in range(c, records, adds)]
        else:
            files += [(path(n), text(n, True)) for n in range(c - adds, records, commits - adds)]
        stamp = 1735718400 + c * 3600
        body = f"commit refs/heads/main\nauthor Bench <b@example.org> {stamp} +0000\n"
        body += f"committer Bench <b@example.org> {stamp} +0000\ndata 6\nbench\n"
        body += "".join(f"M 100644 inline {p}\ndata {len(t.encode())}\n{t}\n" for p, t in files)
        stream.append(body)
    subprocess.run(
        ["git", "-C", str(out), "fast-import", "--quiet"], input="".join(stream).encode(), check=True
    )
    subprocess.run(["git", "-C", str(out), "reset", "-q", "--hard", "main"], check=True)


def run_once(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Wall time and CPU time (user + system, child processes included) of one run of `cmd`, and
    its stderr. CPU time shows the cost on a busy machine too."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    err = done.stderr.strip()
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {err}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, err


def timed(cmd: list[str], cwd: Path, runs: int, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Median wall time and median CPU time of `runs` runs of `cmd`, and the last run's stderr."""
    results = [run_once(cmd, cwd, ok) for _ in range(runs)]
    return _medians(results)


def _medians(results: list[tuple[float, float, str]]) -> tuple[float, float, str]:
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results), results[-1][2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument(
        "--runs",
        type=int,
        default=9,
        help="runs of --help and check --base, alternating; the median counts (default 9)",
    )
    parser.add_argument("--audit-runs", type=int, default=3, help="runs of audit (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="repository folder (default bench/work/git-N)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing repository in --out")
    args = parser.parse_args(argv)
    out = args.out or HERE / "work" / f"git-{args.records}"
    if not (args.reuse and (out / ".git").is_dir()):
        print(f"generating {args.records} records in {args.commits} commits into {out} ...", file=sys.stderr)
        generate(out, args.records, args.commits)
    env_note = f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    # kscms's bytecode compiled ahead, as an installation does (PYTHONDONTWRITEBYTECODE would
    # otherwise make every run compile every module it imports)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "kscms")], check=True)

    records = sorted((out / "records").rglob("*.md"))
    record = records[len(records) // 2]
    original = record.read_bytes()
    load = os.getloadavg()[0]
    # --help and check --base alternate, so that both see the same moments of a noisy machine
    record.write_bytes(original + b"\nOne more line in the body.\n")
    helps, bases = [], []
    try:
        for _ in range(args.runs):
            helps.append(run_once([*KSCMS, "--help"], out))
            bases.append(run_once([*KSCMS, "check", "--base", "HEAD"], out))
    finally:
        record.write_bytes(original)
    help_s, help_cpu, _ = _medians(helps)
    base_s, base_cpu, base_err = _medians(bases)
    audit_s, audit_cpu, audit_err = timed([*KSCMS, "audit"], out, args.audit_runs, ok=(0, 1))

    rows = [
        ("kscms --help", help_s, help_cpu, "", ""),
        (
            "kscms check --base HEAD (1 file)",
            base_s,
            base_cpu,
            "< 1 s and <= 3x help",
            "ok" if base_s < 1 and base_s <= 3 * help_s else "MISSED",
        ),
        ("kscms audit (whole history)", audit_s, audit_cpu, "< 10 s", "ok" if audit_s < 10 else "MISSED"),
    ]
    print(
        f"{args.records} records, {args.commits} commits, median of {args.runs} runs, audit {args.audit_runs} ({env_note}, load {load:.1f})"
    )
    print(f"{'command':<34} {'wall s':>7} {'x help':>7} {'cpu s':>7}  {'target':<21} result")
    for name, seconds, cpu, target, verdict in rows:
        print(f"{name:<34} {seconds:>7.3f} {seconds / help_s:>7.1f} {cpu:>7.3f}  {target:<21} {verdict}")
    print(f"check --base: {base_err}")
    print(f"audit: {audit_err.splitlines()[-1] if audit_err else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
