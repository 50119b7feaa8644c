"""The Repository facade: find the root, list and read records, check them, write atomically."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from functools import cached_property
from pathlib import Path

from kscms.config import CONFIG_NAME, Config, load_config
from kscms.diagnostics import Problem
from kscms.errors import ConfigError, RecordError
from kscms.model import decode_record, parse_record
from kscms.model.base import Record

RECORDS_DIR = "records"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder upwards from `start` (default: the cwd) that holds kscms.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(f"no {CONFIG_NAME} in {here} or any folder above it: run `kscms init` or pass --root DIR")


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temp file in the same folder, fsync and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


class Repository:
    """A kscms data repository on disk (a Git work tree with kscms.yaml and records/)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, tuple[Record | None, list[Problem]]] = {}

    @classmethod
    def open(cls, root: Path | None = None) -> Repository:
        return cls(root.resolve() if root else find_root())

    @cached_property
    def config(self) -> Config:
        return load_config(self.root)

    @property
    def records_dir(self) -> Path:
        return self.root / RECORDS_DIR

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.config.tz)

    # ---- listing -------------------------------------------------------------------------------

    @cached_property
    def _listing(self) -> tuple[list[str], list[Problem]]:
        """Relative paths of every record file (sorted), and symlinks refused on the way."""
        paths: list[str] = []
        problems: list[Problem] = []
        base = self.records_dir
        if not base.is_dir():
            return paths, problems
        stack = [base]
        while stack:
            folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError as exc:
                problems.append(Problem(self.rel(Path(folder)), 0, "not-utf8", f"cannot read folder: {exc.strerror}"))
                continue
            for entry in entries:
                if entry.is_symlink():
                    problems.append(
                        Problem(self.rel(Path(entry.path)), 0, "symlink",
                                "symbolic link under records/: replace it with the record file itself")
                    )
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    paths.append(self.rel(Path(entry.path)))
        paths.sort()
        return paths, problems

    def record_paths(self) -> list[str]:
        return self._listing[0]

    def rel(self, path: Path) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    @cached_property
    def ids(self) -> dict[str, list[str]]:
        """id (file stem) -> paths, from file names only."""
        index: dict[str, list[str]] = {}
        for path in self.record_paths():
            index.setdefault(Path(path).stem, []).append(path)
        return index

    def path_of(self, record_id: str) -> str:
        paths = self.ids.get(record_id)
        if not paths:
            close = [i for i in self.ids if record_id in i][:5]
            hint = f": did you mean {', '.join(close)}?" if close else ": `kscms list` shows the ids"
            raise RecordError(f"no record with id `{record_id}`{hint}")
        return paths[0]

    # ---- reading -------------------------------------------------------------------------------

    def read_text(self, rel_path: str) -> tuple[str | None, list[Problem]]:
        full = self.root / rel_path
        try:
            if full.is_symlink():
                return None, [Problem(rel_path, 0, "symlink", "symbolic link: replace it with the record file itself")]
            raw = full.read_bytes()
        except OSError as exc:
            return None, [Problem(rel_path, 0, "not-utf8", f"cannot read the file: {exc.strerror}")]
        return decode_record(raw, rel_path)

    def parse(self, rel_path: str) -> tuple[Record | None, list[Problem]]:
        """Read and validate one record file (cached for this Repository object)."""
        hit = self._cache.get(rel_path)
        if hit is not None:
            return hit
        text, problems = self.read_text(rel_path)
        result = (None, problems) if text is None else parse_record(text, rel_path)
        self._cache[rel_path] = result
        return result

    def load(self, record_id: str) -> Record:
        record, problems = self.parse(self.path_of(record_id))
        if record is None:
            raise RecordError(f"record `{record_id}` cannot be read", problems)
        return record

    def lookup(self, record_id: str) -> Record | None:
        paths = self.ids.get(record_id)
        return self.parse(paths[0])[0] if paths else None

    def load_all(self, types: tuple[str, ...] | None = None) -> tuple[list[Record], list[Problem]]:
        """Every record that parses, and the problems of those that do not."""
        from kscms.model.ids import TYPE_DIRS

        dirs = None if types is None else tuple(f"{RECORDS_DIR}/{TYPE_DIRS[t]}/" for t in types)
        records: list[Record] = []
        problems: list[Problem] = list(self._listing[1])
        for path in self.record_paths():
            if dirs is not None and not path.startswith(dirs):
                continue
            record, found = self.parse(path)
            problems.extend(found)
            if record is not None and (types is None or record.type in types):
                records.append(record)
        return records, problems

    def records(self, types: tuple[str, ...] | None = None) -> list[Record]:
        """Every record that parses (problems are for `check`)."""
        return self.load_all(types)[0]

    # ---- checking ------------------------------------------------------------------------------

    def context(self, now: dt.datetime | None = None):  # type: ignore[no-untyped-def]
        from kscms.checks import CheckContext

        return CheckContext(self.config, now or self.now(), self.ids, self.lookup)

    def check(self, paths: list[str] | None = None, now: dt.datetime | None = None) -> list[Problem]:
        """Every problem of the given record paths (default: all of them), sorted by file and line."""
        from kscms.checks import check_duplicates, run_checks

        ctx = self.context(now)
        selected = self.record_paths() if paths is None else paths
        problems: list[Problem] = list(self._listing[1]) if paths is None else []
        records = []
        for path in selected:
            record, found = self.parse(path)
            problems.extend(found)
            if record is not None:
                records.append(record)
        problems.extend(run_checks(records, ctx))
        only = None if paths is None else {Path(p).stem for p in selected}
        problems.extend(check_duplicates(ctx, only))
        return sorted(set(problems), key=lambda p: (p.path, p.line, p.code, p.message))

    # ---- writing -------------------------------------------------------------------------------

    def write(self, rel_path: str, text: str) -> None:
        write_atomic(self.root / rel_path, text)
        self._cache.pop(rel_path, None)
