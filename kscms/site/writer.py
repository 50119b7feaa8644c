"""Write a site into a staging folder next to the output and put it in place at the end.

A failed build never changes DIR: new and changed pages go to `.<DIR>.<random>.tmp` beside DIR,
and only when every page is written are they put in place. Two ways:

- DIR is new (or not a complete kscms build): the staging folder holds the whole site and replaces
  DIR with one rename (the old folder is kept until that rename succeeded).
- DIR is a complete earlier build (its manifest says so): the staging folder holds only the files
  that changed. Each is renamed over its old version (atomic per file), files the new build no
  longer has are deleted, and the new manifest is written last. While that runs the manifest says
  "partial", so a build interrupted by a crash is not trusted by the next one. A rebuild after one
  changed record thus touches a handful of files instead of re-linking ten thousand.

Unchanged files are never rewritten, so their inode and modification time stay as they were (rsync
and web caches see no change).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from kscms.errors import ConfigError

MANIFEST = ".kscms-build.json"
"""Written at the top of DIR: marks it as kscms output and maps each file to its content key."""


class SiteWriter:
    """Collects the files of one build in a staging folder; `commit()` swaps it in."""

    def __init__(self, out: Path) -> None:
        self.out = Path(os.path.abspath(out))
        _refuse_foreign(self.out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".tmp", dir=self.out.parent))
        os.chmod(self.tmp, 0o755)
        self.old, self.old_groups, complete = _read_manifest(self.out)
        self.update = complete and bool(self.old) and self.out.is_dir()
        """Put changed files into DIR one by one (DIR is a complete earlier build), else swap DIR."""
        self.present: set[str] = _site_files(self.out) if self.update else set()
        """Files in DIR now (update mode)."""
        self.staged: list[str] = []
        """Files in the staging folder (update mode moves these into DIR)."""
        self.files: dict[str, str] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        """Named groups of files made from one set of inputs (their digest): reused as a whole."""
        self._group: list[str] | None = None
        self.written = 0
        self.unchanged = 0
        self._dirs: set[str] = set()
        self._out = os.fspath(self.out) + os.sep
        self._tmp = os.fspath(self.tmp) + os.sep

    def _target(self, rel: str) -> str:
        """The staging path of `rel` (plain strings: this runs for every file of a build)."""
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"unsafe output path {rel!r}")
        folder, _, _name = rel.rpartition("/")
        if folder not in self._dirs:
            os.makedirs(self._tmp + folder, exist_ok=True)
            self._dirs.add(folder)
        return self._tmp + rel

    def reuse(self, rel: str, key: str) -> bool:
        """Link the previous build's file when it was made from the same `key`; True when done."""
        if self.old.get(rel) != key:
            return False
        if self.update:
            if rel not in self.present:
                return False
        else:
            try:
                os.link(self._out + rel, self._target(rel))
            except OSError:
                return False
        self.files[rel] = key
        self.unchanged += 1
        if self._group is not None:
            self._group.append(rel)
        return True

    def write(self, rel: str, data: bytes, key: str | None = None) -> None:
        """Add a file; unchanged bytes (or an unchanged `key`) reuse the previous build's file."""
        key = key or "sha256:" + hashlib.sha256(data).hexdigest()
        if self.reuse(rel, key):
            return
        write_file(self._target(rel), data)
        self.files[rel] = key
        self.staged.append(rel)
        self.written += 1
        if self._group is not None:
            self._group.append(rel)

    def reuse_group(self, name: str, digest: str) -> dict[str, Any] | None:
        """Link every file of the previous build's group `name` when it was made from `digest`.

        Returns the group's record (its `files` and whatever `start_group` was given), or None
        when the group has to be made again (nothing of it is linked then).
        """
        group = self.old_groups.get(name)
        if not isinstance(group, dict) or group.get("digest") != digest:
            return None
        files = group.get("files")
        if not isinstance(files, list) or any(self.old.get(rel) is None for rel in files):
            return None
        linked: list[str] = []
        for rel in files:
            if not self.reuse(rel, self.old[rel]):
                for done in linked:  # all or nothing: the caller writes the group again
                    if not self.update:
                        os.unlink(self.tmp / done)
                    del self.files[done]
                    self.unchanged -= 1
                return None
            linked.append(rel)
        self.groups[name] = group
        return group

    def start_group(self, name: str, digest: str, **info: Any) -> None:
        """Files written from now until `end_group` form the group `name`, made from `digest`."""
        self._group = []
        self.groups[name] = {"digest": digest, "files": self._group, **info}

    def end_group(self) -> None:
        self._group = None

    def add(self, rel: str, key: str, written: bool = True) -> None:
        """Count a file that another process wrote into the staging folder."""
        self.files[rel] = key
        if written:
            self.staged.append(rel)
            self.written += 1
        else:
            self.unchanged += 1

    def commit(self) -> None:
        """Put the new site in place of DIR (see the module docstring) with its manifest."""
        manifest = {
            "generator": "kscms",
            "files": dict(sorted(self.files.items())),
            "groups": {name: self.groups[name] for name in sorted(self.groups)},
        }
        if self.update:
            self._update(manifest)
        else:
            self._swap(manifest)

    def _swap(self, manifest: dict[str, Any]) -> None:
        _write_manifest(self.tmp, manifest)
        backup: Path | None = None
        if self.out.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".old", dir=self.out.parent))
            os.rmdir(backup)
            os.replace(self.out, backup)
        try:
            os.replace(self.tmp, self.out)
        except BaseException:
            if backup is not None:
                os.replace(backup, self.out)
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)

    def _update(self, manifest: dict[str, Any]) -> None:
        _write_manifest(self.out, {"generator": "kscms", "partial": True, "files": {}, "groups": {}})
        made: set[str] = set()
        for rel in self.staged:
            folder = rel.rpartition("/")[0]
            if folder not in made:
                os.makedirs(self._out + folder, exist_ok=True)
                made.add(folder)
            os.replace(self._tmp + rel, self._out + rel)
        gone = sorted(self.present.difference(self.files))
        for rel in gone:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._out + rel)
        for folder in sorted({rel.rpartition("/")[0] for rel in gone}, key=len, reverse=True):
            while folder:  # folders left empty go too
                try:
                    os.rmdir(self._out + folder)
                except OSError:
                    break
                folder = folder.rpartition("/")[0]
        _write_manifest(self.out, manifest)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write_file(path: str, data: bytes) -> None:
    """Write a new file of the staging folder: three system calls (Python's `open` makes six)."""
    fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest into `folder` through a temporary file and a rename."""
    tmp = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def _read_manifest(out: Path) -> tuple[dict[str, str], dict[str, Any], bool]:
    """(file -> key, groups, complete) of the build in `out` (nothing when there is none)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}, False
    if not isinstance(data, dict) or data.get("partial") is True:
        return {}, {}, False
    files, groups = data.get("files"), data.get("groups")
    return (
        {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {},
        groups if isinstance(groups, dict) else {},
        True,
    )


def _site_files(out: Path) -> set[str]:
    """Every file under `out` (relative, `/`-separated), but the manifest."""
    found: set[str] = set()
    base = len(os.fspath(out)) + 1
    for folder, _dirs, names in os.walk(out):
        prefix = (folder[base:] + "/") if len(folder) >= base else ""
        found.update(prefix + name for name in names)
    found.discard(MANIFEST)
    return found


def _refuse_foreign(out: Path) -> None:
    """Never replace a folder that is not an earlier kscms build (e.g. `--out .` or `--out records`)."""
    if not out.exists():
        return
    if not out.is_dir() or out.is_symlink():
        raise ConfigError(f"--out {out.name}: exists and is not a folder: choose another --out")
    if (out / MANIFEST).is_file():
        return
    if any(out.iterdir()):
        raise ConfigError(
            f"--out {out.name}: the folder exists, is not empty and was not written by `kscms build`: "
            "choose another --out or empty it"
        )
