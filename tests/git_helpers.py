"""Real temporary Git repositories for the tests of `check --base`, `audit` and `codeowners`.

`make_repo(path)` writes a small organisation (kscms.yaml plus two records) and commits it on
branch `main`; `commit(...)` commits with a fixed author and date, so audit output is exact.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CONFIG = """\
organisation: Test BV
language: en
timezone: Europe/Amsterdam
people:
  anne:  {name: Anne de Boer, github: anne-db, email: anne@test.example, roles: [coordinator]}
  marja: {name: Marja Smit, github: msmit, email: marja@test.example, roles: [giver, decider],
          manages: [servicedesk]}
  karel: {name: Karel Visser, github: karel-v, email: karel@test.example, team: servicedesk}
  ali:   {name: Ali Yilmaz, github: ali-y, roles: [analyst]}
teams:
  servicedesk: {name: Servicedesk, manager: marja}
themes:
  bereikbaarheid: {name: Bereikbaarheid}
"""

COMPLIMENT = "records/compliments/2026/C-20261102-printer-snel.md"
COMPLIMENT_TEXT = """\
---
id: C-20261102-printer-snel
type: compliment
title: Printer snel gemaakt
status: forwarded
created: 2026-11-02
source: email
maker: {kind: customer, name: Jan Jansen, contact: jan@example.nl, display: een klant, anonymous: false}
receivers: [team:servicedesk]
giver: marja
consent: {maker: false, receivers: false}
history:
  - {at: 2026-11-02T09:00:00+01:00, by: karel, status: registered}
  - {at: 2026-11-03T09:00:00+01:00, by: anne, status: forwarded}
---
De printer was binnen een uur gemaakt.
"""
"""Line 13 is the first event, line 14 the second; a new event appended goes on line 15."""

SIGNAL = "records/signals/2026/S-20261104-wachttijd.md"
SIGNAL_TEXT = """\
---
id: S-20261104-wachttijd
type: signal
kind: remark
title: Lange wachttijd
status: new
created: 2026-11-04
channel: phone
history:
  - {at: 2026-11-04T10:00:00+01:00, by: karel, status: new}
---
Klant wachtte twintig minuten.
"""

NEW_COMPLIMENT = "records/compliments/2026/C-20261105-snelle-reactie.md"
NEW_COMPLIMENT_TEXT = """\
---
id: C-20261105-snelle-reactie
type: compliment
title: Snelle reactie
status: registered
created: 2026-11-05
source: phone
maker: {kind: customer, display: een klant, anonymous: true}
receivers: [team:servicedesk]
consent: {maker: false, receivers: false}
history:
  - {at: 2026-11-05T11:00:00+01:00, by: karel, status: registered}
---
Heel snel geholpen.
"""

AUTHORS = {
    "anne": ("Anne de Boer", "anne@test.example"),
    "marja": ("Marja Smit", "marja@test.example"),
    "karel": ("Karel Visser", "karel@test.example"),
    "bot": ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
}


def git(root: Path, *args: str, date: str = "2026-11-10T12:00:00+01:00", author: str = "anne") -> str:
    """Run git in `root` with a fixed author, committer and date; return its stdout."""
    name, email = AUTHORS.get(author, (author, f"{author}@test.example"))
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def append_event(root: Path, rel: str, event: str, status: str | None = None) -> None:
    """Append a flow-style history event (and set `status`, when given) the way `kscms move` does."""
    path = root / rel
    head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    if status is not None:
        lines = head.split("\n")
        lines = [f"status: {status}" if line.startswith("status:") else line for line in lines]
        head = "\n".join(lines)
    path.write_text(f"{head}\n  - {event}{sep}{body}", encoding="utf-8")


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit(root: Path, message: str, *, author: str = "anne", date: str = "2026-11-10T12:00:00+01:00") -> str:
    """Stage everything under the repository and commit it; return the new sha."""
    git(root, "add", "--all", ".")
    git(root, "commit", "-q", "-m", message, date=date, author=author)
    return git(root, "rev-parse", "HEAD").strip()


def make_repo(root: Path) -> Path:
    """A Git repository on branch main with kscms.yaml, a compliment and a signal.

    Three commits, each made by the person and at the time of the step it records, so that
    `kscms audit` finds nothing in this history: karel registers the compliment, anne forwards
    it, karel logs the signal.
    """
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write(root, "kscms.yaml", CONFIG)
    registered = COMPLIMENT_TEXT.replace(
        "  - {at: 2026-11-03T09:00:00+01:00, by: anne, status: forwarded}\n", ""
    )
    write(root, COMPLIMENT, registered.replace("status: forwarded", "status: registered"))
    commit(root, "Compliment registered", author="karel", date="2026-11-02T09:30:00+01:00")
    write(root, COMPLIMENT, COMPLIMENT_TEXT)
    commit(root, "Compliment forwarded", author="anne", date="2026-11-03T09:30:00+01:00")
    write(root, SIGNAL, SIGNAL_TEXT)
    commit(root, "Signal logged", author="karel", date="2026-11-04T10:30:00+01:00")
    return root
