"""The Repository facade: find the root, list and read records, check them, write atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kscms.config import CONFIG_NAME, load_config
from kscms.diagnostics import Problem
from kscms.errors import ConfigError, KscmsError, RecordError, UsageError
from kscms.model import decode_record, parse_record_both

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.model.base import Record

RECORDS_DIR = "records"
PARALLEL_MIN = 1500
"""From this many records on, reading and checking run in worker processes (one per core)."""


class Listing(NamedTuple):
    """What the records folder holds, from one walk of it."""

    paths: list[str]
    """Every record file, relative to the root, sorted."""
    problems: list[Problem]
    """Names refused on the way: symbolic links, control characters."""
    ids: dict[str, list[str]]
    """id (file stem) -> the paths of the files with that stem (more than one: a duplicate)."""


def find_root(start: Path | None = None) -> Path:
    """The nearest folder upwards from `start` (default: the cwd) that holds kscms.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_NAME} in {here} or any folder above it: run `kscms init` or pass --root DIR"
    )


def write_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write `text` to `path` via a temp file in the same folder, fsync and os.replace.

    With `exclusive`, the file must not exist yet: the temp file is hard-linked into place, which
    fails with FileExistsError (and writes nothing) when another process created `path` first.
    """
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
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


LOCK_STALE_SECONDS = 600
"""Without fcntl (Windows): a lock file older than this is taken to be left by a crashed process."""


@contextmanager
def record_lock(path: Path, label: str) -> Iterator[None]:
    """Hold an exclusive lock on one record while it is read, validated and replaced.

    The lock is `flock` on a dot-file beside the record (`.<name>.lock`, which `check` ignores); the
    kernel drops it when its process dies, even by SIGKILL, so a crash never leaves a record locked.
    A second process that finds the lock taken fails at once with a RecordError naming `label`.
    """
    lock = path.with_name(f".{path.name}.lock")
    busy = RecordError(
        f"{label} is being changed by another kscms process right now: try again when it has finished"
    )
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: an exclusive create, stale after a while
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                stale = dt.datetime.now().timestamp() - lock.stat().st_mtime > LOCK_STALE_SECONDS
            except OSError:
                stale = False
            if not stale:
                raise busy from None
            os.unlink(lock)
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        try:
            yield
        finally:
            os.close(fd)
            os.unlink(lock)
        return
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise busy from None
        try:  # the holder before us may have removed the file between our open and our flock
            if os.path.samestat(os.fstat(fd), os.stat(lock)):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with suppress(OSError):
            os.unlink(lock)
        os.close(fd)


class Repository:
    """A kscms data repository on disk (a Git work tree with kscms.yaml and records/)."""

    def __init__(self, root: Path, *, lean: bool = False) -> None:
        self.root = root
        self.lean = lean
        """Read kscms.yaml and records with the lean reader (`kscms.model.lean`, no pydantic): what
        it cannot vouch for (any invalid input) raises `NeedsModels` instead of giving problems."""
        self._cache: dict[str, tuple[Record | None, list[Problem]]] = {}

    @classmethod
    def open(cls, root: Path | None = None) -> Repository:
        """The repository at `root` (which must hold kscms.yaml), or the nearest one upwards."""
        if root is None:
            return cls(find_root())
        root = root.resolve()
        if not (root / CONFIG_NAME).is_file():  # a mistyped --root reads as no records at all
            raise ConfigError(
                f"no {CONFIG_NAME} in {root}: pass the folder that holds it, or run `kscms init`"
            )
        return cls(root)

    def twin(self, *, lean: bool) -> Repository:
        """The same repository read the other way; the file listing, when made, is shared."""
        other = Repository(self.root, lean=lean)
        if "_listing" in self.__dict__:
            other.__dict__["_listing"] = self.__dict__["_listing"]
        return other

    @cached_property
    def config(self) -> Config:
        return load_config(self.root, lean=self.lean)

    @property
    def records_dir(self) -> Path:
        return self.root / RECORDS_DIR

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.config.tz)

    # ---- listing -------------------------------------------------------------------------------

    @cached_property
    def _listing(self) -> Listing:
        """Relative paths of every record file (sorted), symlinks refused on the way, and the ids."""
        paths: list[str] = []
        problems: list[Problem] = []
        index: dict[str, list[str]] = {}
        base = os.fspath(self.records_dir)
        if os.path.islink(base):  # records/ itself may not point elsewhere either
            message = "records/ is a symbolic link: make it a folder that holds the record files"
            return Listing(paths, [Problem(RECORDS_DIR, 0, "symlink", message)], index)
        if not os.path.isdir(base):
            return Listing(paths, problems, index)
        cut = len(os.fspath(self.root)) + 1
        stack = [(base, RECORDS_DIR + "/")]
        while stack:
            folder, rel = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError as exc:
                problems.append(Problem(folder[cut:], 0, "not-utf8", f"cannot read folder: {exc.strerror}"))
                continue
            for entry in entries:
                name = entry.name
                # the common case first, in one test: a record file (no symlink, printable name)
                if name.endswith(".md") and entry.is_file(follow_symlinks=False) and name.isprintable():
                    path = rel + name
                    paths.append(path)
                    index.setdefault(name[:-3], []).append(path)
                elif not name.isprintable():  # ESC, BEL, newlines, bidi overrides, undecodable bytes
                    shown = entry.path[cut:].encode("unicode_escape", "backslashreplace").decode("ascii")
                    message = "name holds control or bidi characters (shown escaped): name it after its id"
                    problems.append(Problem(shown, 0, "bad-id", message))
                elif entry.is_symlink():
                    problems.append(
                        Problem(
                            entry.path[cut:],
                            0,
                            "symlink",
                            "symbolic link under records/: replace it with the record file itself",
                        )
                    )
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, rel + name + "/"))
        paths.sort()
        for same in index.values():
            same.sort()  # two files with one id (a duplicate): in path order
        return Listing(paths, problems, index)

    def record_paths(self) -> list[str]:
        return self._listing[0]

    def rel(self, path: Path) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def ids(self) -> dict[str, list[str]]:
        """id (file stem) -> paths, from file names only."""
        return self._listing.ids

    def path_of(self, record_id: str) -> str:
        paths = self.ids.get(record_id)
        if not paths:
            close = sorted(i for i in self.ids if record_id in i)[:5]
            hint = f": did you mean {', '.join(close)}?" if close else ": `kscms list` shows the ids"
            raise UsageError(f"no record with id `{record_id}`{hint}")
        return paths[0]

    # ---- reading -------------------------------------------------------------------------------

    def read_text(self, rel_path: str) -> tuple[str | None, list[Problem]]:
        full = self.root / rel_path
        try:
            if full.is_symlink():
                return None, [
                    Problem(rel_path, 0, "symlink", "symbolic link: replace it with the record file itself")
                ]
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
        if self.lean:
            from kscms.model.lean import NeedsModels, lean_record

            if text is None:
                raise NeedsModels
            result: tuple[Record | None, list[Problem]] = (lean_record(text, rel_path), [])
        elif text is None:
            result = (None, problems)
        else:
            record, _data, problems = parse_record_both(text, rel_path, fast=True)
            if record is not None:
                record._file = os.fspath(self.root / rel_path)  # positions, when a problem needs one
            result = (record, problems)
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
        """Every record that parses and has a well-formed id, and the problems of those that do not."""
        from kscms.model.ids import TYPE_DIRS, id_problem

        dirs = None if types is None else tuple(f"{RECORDS_DIR}/{TYPE_DIRS[t]}/" for t in types)
        selected = [p for p in self.record_paths() if dirs is None or p.startswith(dirs)]
        records: list[Record] = []
        problems: list[Problem] = list(self._listing[1])
        for record, found in self._parse_many(selected):
            problems.extend(found)
            if record is not None and (why := id_problem(record.id)):  # `id: ../../x` never reaches a path
                problems.append(Problem(record.path, record.line_of("id"), "bad-id", why, field="id"))
            elif record is not None and (types is None or record.type in types):
                records.append(record)
        return records, problems

    def _parse_many(self, paths: list[str]) -> list[tuple[Record | None, list[Problem]]]:
        """Parse many records, in worker processes when there are enough of them to pay off."""
        todo = [p for p in paths if p not in self._cache]
        workers = 1 if self.lean else _workers(len(todo))  # workers send back data for the models
        if workers > 1:
            from kscms.model import record_from_data

            for chunk in _in_pool(workers, _parse_chunk, self.root, todo):
                for path, data, problems in chunk:
                    record = (
                        None if data is None else record_from_data(data, path, os.fspath(self.root / path))
                    )
                    self._cache[path] = (record, problems)
        return [self.parse(p) for p in paths]

    def records(self, types: tuple[str, ...] | None = None) -> list[Record]:
        """Every record that parses (problems are for `check`)."""
        return self.load_all(types)[0]

    # ---- checking ------------------------------------------------------------------------------

    def context(self, now: dt.datetime | None = None):  # type: ignore[no-untyped-def]
        from kscms.checks import CheckContext

        return CheckContext(self.config, now or self.now(), self.ids, self.lookup)

    def check(self, paths: list[str] | None = None, now: dt.datetime | None = None) -> list[Problem]:
        """Every problem of the given record paths (default: all of them), sorted by file and line."""
        from kscms.checks import check_duplicates

        moment = now or self.now()
        selected = self.record_paths() if paths is None else paths
        problems: list[Problem] = list(self._listing[1]) if paths is None else []
        workers = _workers(len(selected))
        if workers > 1:
            _ = self.ids  # build the index once, before the workers fork
            for found in _in_pool(workers, _check_chunk, self.root, selected, moment, lean=self.lean):
                problems.extend(found)
        else:
            problems.extend(_check_paths(self, selected, moment))
        ctx = self.context(moment)
        only = None if paths is None else set(selected)
        problems.extend(check_duplicates(ctx, only))
        return sorted(set(problems), key=lambda p: (p.path, p.line, p.code, p.message))

    # ---- writing -------------------------------------------------------------------------------

    def write(self, rel_path: str, text: str, *, exclusive: bool = False) -> None:
        """Write one record atomically; a full disk or a file-size limit leaves the old file as it was."""
        try:
            write_atomic(self.root / rel_path, text, exclusive=exclusive)
        except FileExistsError:
            raise
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise KscmsError(f"{rel_path} was not written: {reason}; the file is unchanged") from exc
        finally:
            self._cache.pop(rel_path, None)

    def lock(self, rel_path: str) -> AbstractContextManager[None]:
        """The lock `move` holds on one record (see `record_lock`)."""
        return record_lock(self.root / rel_path, rel_path)


# ---- worker processes ------------------------------------------------------------------------

_WORKER_REPO: Repository | None = None


def _workers(count: int) -> int:
    minimum = int(os.environ.get("KSCMS_PARALLEL_MIN", PARALLEL_MIN))
    if count < minimum or os.environ.get("KSCMS_WORKERS") == "1":
        return 1
    return max(1, min(int(os.environ.get("KSCMS_WORKERS", "0")) or (os.cpu_count() or 1), 8))


def _in_pool(workers: int, func, root: Path, paths: list[str], *args, lean: bool = False):  # type: ignore[no-untyped-def]
    """Run `func(chunk, *args)` over chunks of `paths` in `workers` processes, in order (each with
    a Repository of `root`, lean or not)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(200, len(paths) // (workers * 4) + 1)
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(root, lean)
    ) as pool:
        yield from pool.map(func, chunks, *[[a] * len(chunks) for a in args])


def _init_worker(root: Path, lean: bool) -> None:
    global _WORKER_REPO
    _WORKER_REPO = Repository(root, lean=lean)


def _parse_chunk(paths: list[str]) -> list[tuple[str, Any, list[Problem]]]:
    """Read records in a worker; valid ones travel back as plain data (cheap to pickle)."""
    assert _WORKER_REPO is not None
    out: list[tuple[str, Any, list[Problem]]] = []
    for path in paths:
        text, problems = _WORKER_REPO.read_text(path)
        if text is None:
            out.append((path, None, problems))
        else:
            _record, data, problems = parse_record_both(text, path, fast=True)
            out.append((path, data, problems))
    return out


def _check_paths(repo: Repository, paths: list[str], now: dt.datetime) -> list[Problem]:
    from kscms.checks import run_checks

    problems: list[Problem] = []
    records = []
    for path in paths:
        record, found = repo.parse(path)
        problems.extend(found)
        if record is not None:
            records.append(record)
    problems.extend(run_checks(records, repo.context(now)))
    return problems


def _check_chunk(paths: list[str], now: dt.datetime) -> list[Problem]:
    assert _WORKER_REPO is not None
    return _check_paths(_WORKER_REPO, paths, now)
