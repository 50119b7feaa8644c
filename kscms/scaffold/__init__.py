"""Package data for `kscms init`, and the function that lays it out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kscms.errors import ConfigError


def _files() -> list[tuple[str, bytes]]:
    base = resources.files("kscms.scaffold")
    out: list[tuple[str, bytes]] = [
        ("kscms.yaml", base.joinpath("kscms.yaml").read_bytes()),
        (".gitignore", base.joinpath("gitignore").read_bytes()),
        ("README.md", base.joinpath("README.md").read_bytes()),
    ]
    github = base.joinpath("github")
    stack = [(github, ".github")]
    while stack:
        folder, rel = stack.pop()
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.name.startswith((".", "__")):
                continue
            if entry.is_dir():
                stack.append((entry, f"{rel}/{entry.name}"))
            else:
                out.append((f"{rel}/{entry.name}", entry.read_bytes()))
    for sub in ("signals", "compliments", "improvements"):
        out.append((f"records/{sub}/.gitkeep", b""))
    return sorted(out)


def scaffold(target: Path, force: bool = False) -> list[str]:
    """Write a fresh data repository into `target`; return the written paths (relative)."""
    if (target / "kscms.yaml").exists() and not force:
        raise ConfigError(f"{target / 'kscms.yaml'} already exists: this is a kscms repository already")
    from kscms.repository import write_atomic

    written = []
    for rel, data in _files():
        dest = target / rel
        if dest.exists() and not force:
            continue
        write_atomic(dest, data.decode("utf-8"))
        written.append(rel)
    return written
