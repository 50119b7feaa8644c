"""Write a site into a staging folder next to the output and swap it in at the end.

A failed build never leaves a half-updated site: pages go to a staging folder beside DIR, and only
when every page is written does the staging folder replace DIR (one rename; the old one is kept
until that rename succeeded). So DIR is always the old site or the new one, never a mix.

Unchanged files are never rewritten: their inode and modification time stay as they were (rsync
and web caches see no change). The staging folder gets them in the cheapest way:

- The previous site, once replaced, is kept as `.<DIR>.spare` (with its manifest). The next build
  adopts it as its staging folder (a rename), so files that did not change in the last two builds
  are already there; only the files that changed are replaced and the ones that went are deleted.
  A rebuild after one changed record touches a handful of files instead of ten thousand.
- Files that changed in the previous build are hard-linked from DIR; new ones are written.

Files are only ever replaced (unlink, then create), never changed in place: DIR, the spare and the
page cache share inodes.
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
        self.spare = self.out.parent / f".{self.out.name}.spare"
        self.old, self.old_groups = _read_manifest(self.out)
        self.base: dict[str, str] = {}
        """Files in the staging folder from the adopted spare (file -> key) not yet claimed."""
        self.tmp = self._adopt_spare() or Path(
            tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".tmp", dir=self.out.parent)
        )
        os.chmod(self.tmp, 0o755)
        self.files: dict[str, str] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        """Named groups of files made from one set of inputs (their digest): reused as a whole."""
        self._group: list[str] | None = None
        self.written = 0
        self.unchanged = 0
        self._dirs: set[str] = set()
        self._out = os.fspath(self.out) + os.sep
        self._tmp = os.fspath(self.tmp) + os.sep

    def _adopt_spare(self) -> Path | None:
        """Take the spare (the site before DIR) as the staging folder; None when there is none."""
        if not self.spare.is_dir() or self.spare.is_symlink():
            return None
        staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".tmp", dir=self.out.parent))
        os.rmdir(staging)
        try:
            os.rename(self.spare, staging)  # from here on no other build can take it
        except OSError:
            return None
        files, _groups = _read_manifest(staging)
        try:
            os.unlink(staging / MANIFEST)  # a staging folder is never a complete site
        except OSError:
            files = {}
        if not files:
            shutil.rmtree(staging, ignore_errors=True)
            return None
        # what is really there: a listed file that is missing is not kept, an unlisted one goes
        present = _files_under(staging)
        self.base = {rel: key for rel, key in files.items() if rel in present}
        self.base.update((rel, "") for rel in present.difference(files))
        return staging

    def _target(self, rel: str) -> str:
        """The staging path of `rel` (plain strings: this runs for every file of a build)."""
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"unsafe output path {rel!r}")
        folder, _, _name = rel.rpartition("/")
        if folder not in self._dirs:
            os.makedirs(self._tmp + folder, exist_ok=True)
            self._dirs.add(folder)
        return self._tmp + rel

    def _claim(self, rel: str) -> str:
        """The staging path of `rel`, with the spare's file there (if any) removed."""
        target = self._target(rel)
        if self.base.pop(rel, None) is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        return target

    def _count(self, rel: str, key: str, changed: bool) -> None:
        self.files[rel] = key
        if changed:
            self.written += 1
        else:
            self.unchanged += 1
        if self._group is not None:
            self._group.append(rel)

    def reuse(self, rel: str, key: str) -> bool:
        """Keep the file made from `key` when the spare or the previous build has it; True when done."""
        if self.base.get(rel) == key:
            del self.base[rel]
            self._count(rel, key, self.old.get(rel) != key)
            return True
        if self.old.get(rel) != key:
            return False
        try:
            os.link(self._out + rel, self._claim(rel))
        except OSError:
            return False
        self._count(rel, key, False)
        return True

    def write(self, rel: str, data: bytes, key: str | None = None) -> None:
        """Add a file; unchanged bytes (or an unchanged `key`) reuse the previous build's file."""
        key = key or "sha256:" + hashlib.sha256(data).hexdigest()
        if self.reuse(rel, key):
            return
        write_file(self._claim(rel), data)
        self._count(rel, key, True)

    def reuse_group(self, name: str, digest: str) -> dict[str, Any] | None:
        """Keep every file of the previous build's group `name` when it was made from `digest`.

        Returns the group's record (its `files` and whatever `start_group` was given), or None
        when the group has to be made again (nothing of it is kept then).
        """
        group = self.old_groups.get(name)
        if not isinstance(group, dict) or group.get("digest") != digest:
            return None
        files = group.get("files")
        if not isinstance(files, list) or any(self.old.get(rel) is None for rel in files):
            return None
        kept: list[str] = []
        for rel in files:
            if not self.reuse(rel, self.old[rel]):
                for done in kept:  # all or nothing: the caller writes the group again
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self._tmp + done)
                    del self.files[done]
                    self.unchanged -= 1
                return None
            kept.append(rel)
        self.groups[name] = group
        return group

    def start_group(self, name: str, digest: str, **info: Any) -> None:
        """Files written from now until `end_group` form the group `name`, made from `digest`."""
        self._group = []
        self.groups[name] = {"digest": digest, "files": self._group, **info}

    def end_group(self) -> None:
        self._group = None

    def add(self, rel: str, key: str, written: bool = True) -> None:
        """Count a file that another process wrote into the staging folder (`write_file` replaced
        the spare's file there, if any)."""
        self.base.pop(rel, None)
        self.files[rel] = key
        if written:
            self.written += 1
        else:
            self.unchanged += 1

    def commit(self) -> None:
        """Write the manifest and put the staging folder in place of DIR; keep the old as the spare."""
        for rel in sorted(self.base):  # the spare's files that this site no longer has
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp + rel)
        for folder in sorted({rel.rpartition("/")[0] for rel in self.base}, key=len, reverse=True):
            while folder:  # folders left empty go too
                try:
                    os.rmdir(self._tmp + folder)
                except OSError:
                    break
                folder = folder.rpartition("/")[0]
        _write_manifest(self.tmp, self.files, self.groups)
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
            try:
                os.rename(backup, self.spare)  # fails when a spare is there (another build's)
            except OSError:
                shutil.rmtree(backup, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def write_file(path: str, data: bytes) -> None:
    """Write a new file of the staging folder: three system calls (Python's `open` makes six).

    A file already there (the spare's) is replaced, not overwritten: its inode may be shared.
    """
    try:
        fd = os.open(path, _CREATE, 0o666)
    except FileExistsError:
        os.unlink(path)
        fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


MANIFEST_SLICE = 5000
"""Files encoded at a time when the manifest is written."""


def _write_manifest(
    folder: Path, files: dict[str, str], groups: dict[str, Any], slice_size: int = MANIFEST_SLICE
) -> None:
    """Write the manifest (`{"files": {...}, "generator": "kscms", "groups": {...}}`, keys sorted, one
    line) into `folder` through a temporary file and a rename.

    The files are encoded a slice at a time: the manifest of 200,000 files as one string (and its
    sorted copy) was the build's peak of memory at its end.
    """
    tmp = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    compact = (",", ":")  # with `indent`, json falls back to its pure-Python encoder (5x slower)
    names = sorted(files)
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write('{"files":{')
        for start in range(0, len(names), slice_size):
            part = {name: files[name] for name in names[start : start + slice_size]}
            handle.write(("," if start else "") + json.dumps(part, separators=compact)[1:-1])
        handle.write('},"generator":"kscms","groups":')
        handle.write(json.dumps(groups, sort_keys=True, separators=compact) + "}\n")
    os.replace(tmp, folder / MANIFEST)


def _read_manifest(out: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """(file -> key, groups) of the build in `out` (nothing when there is none)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    files, groups = data.get("files"), data.get("groups")
    return (
        {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {},
        groups if isinstance(groups, dict) else {},
    )


def _files_under(folder: Path) -> set[str]:
    """Every file under `folder` (relative, `/`-separated)."""
    found: set[str] = set()
    base = len(os.fspath(folder)) + 1
    for where, _dirs, names in os.walk(folder):
        prefix = where[base:] + "/" if len(where) > base else ""
        found.update(prefix + name for name in names)
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
