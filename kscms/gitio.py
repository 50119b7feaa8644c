"""The Git layer: the only module that imports GitPython.

`GitRepo` answers what `check --base` and `audit` ask of Git: is a ref a commit
(`verify_commit`), which records changed since a commit, work tree included (`changed_paths`),
what a file held at a commit (`read_at`, `read_blob`), and the history of records/ as one
streamed `git log --raw` pass (`log`). Commands whose answer is a listing run `git` directly, one
process per question (many blobs stream through one `git cat-file --batch`, see `read_blobs`);
single objects come from GitPython's persistent `git cat-file --batch` process. GitPython is
imported on the first such read, so `check --base` (which needs none) starts without it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from subprocess import PIPE
from types import TracebackType
from typing import IO, Any

from kscms.errors import GitError

NULL_SHA = "0" * 40
RECORDS_PREFIX = "records/"
CONFIG_PATH = "kscms.yaml"
_HEADER = "\x1e"
_FIELD = "\x1f"
# %H %P %cI %ae %an: the free-text author name last, so a stray separator in it cannot shift fields.
_LOG_FORMAT = "--format=" + _HEADER + _FIELD.join(("%H", "%P", "%cI", "%ae", "%an"))
# machine-readable changes with full shas and renames, whatever the user's Git configuration says
_RAW_DIFF = (
    "--raw",
    "-z",
    "-M",
    "--no-abbrev",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--no-relative",
)


@dataclass(frozen=True)
class Change:
    """One file that differs between two trees (paths relative to the kscms root)."""

    status: str
    """`A` added, `M` modified, `D` deleted, `R` renamed (type changes count as `M`)."""
    path: str
    """The path after the change (for `D`: the deleted path)."""
    old_path: str | None
    """The path before the change; None for `A`."""
    old_blob: str | None
    """Blob sha of the old content; None for `A`."""
    new_blob: str | None
    """Blob sha of the new content; None for `D` and for files read from the work tree."""


@dataclass(frozen=True)
class Commit:
    """One commit of the history of records/, with the record and config files it changed."""

    sha: str
    parents: tuple[str, ...]
    date: dt.datetime
    """Committer date."""
    author: str
    email: str
    changes: tuple[Change, ...]

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


_NO_GIT = "the `git` program is not installed or not on PATH: install Git"


def _git(args: list[str], cwd: str | None = None, **popen: Any) -> subprocess.Popen[bytes]:
    """Start `git` with `args` (stdout and stderr piped); GitError when Git is not installed."""
    env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C"}  # Git's messages in English, as GitPython has them
    try:
        return subprocess.Popen(["git", *args], cwd=cwd, stdout=PIPE, stderr=PIPE, env=env, **popen)
    except FileNotFoundError as exc:
        raise GitError(_NO_GIT) from exc


def _answer(args: list[str], cwd: str | None = None) -> tuple[int, bytes, bytes]:
    """(exit status, stdout, stderr) of one `git` command."""
    proc = _git(args, cwd)
    out, err = proc.communicate()
    return proc.returncode, out, err


def _output(proc: subprocess.Popen[bytes], name: str) -> bytes:
    """The output of a started `git` command once it has finished; GitError when it failed."""
    out, err = proc.communicate()
    if proc.returncode:
        detail = os.fsdecode(err).strip()
        raise GitError(f"git {name} failed: {detail or f'exit status {proc.returncode}'}")
    return out


def _load_gitpython() -> Any:
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    try:
        import git
    except ImportError as exc:  # pragma: no cover - GitPython is a dependency
        raise GitError(f"GitPython cannot be loaded: {exc}") from exc
    return git


class GitRepo:
    """The Git repository that holds a kscms root (which may be a folder inside it)."""

    def __init__(self, root: Path) -> None:
        status, out, _ = _answer(
            ["-C", os.fspath(root), "rev-parse", "--is-bare-repository", "--show-toplevel"]
        )
        if status:
            if out.startswith(b"true"):
                raise GitError(f"{root} is in a bare Git repository: run kscms in a clone with a work tree")
            raise GitError(
                f"{root} is not in a Git repository: --base and audit read the Git history; "
                "run them in a clone of the records repository"
            )
        top = os.fsdecode(out.splitlines()[-1])
        self.top = top
        """The top folder of the work tree."""
        rel = Path(os.path.realpath(root)).relative_to(os.path.realpath(top)).as_posix()
        self.prefix = "" if rel == "." else rel + "/"
        """The kscms root relative to the top of the work tree ('' or 'sub/dir/')."""
        self.root = root

    @cached_property
    def _repo(self) -> Any:
        """The GitPython repository, opened on the first read of a single object."""
        return _load_gitpython().Repo(self.top)

    def close(self) -> None:
        """Stop the persistent `git cat-file` processes (if any were started)."""
        if "_repo" in self.__dict__:
            self._repo.close()

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- refs ----------------------------------------------------------------------------------

    def _run(self, *args: str) -> bytes:
        """The output of one `git` command in the work tree; GitError when it fails."""
        return _output(self._stream(*args), args[0])

    def _ask(self, *args: str) -> str:
        """The output of one `git` command as stripped text; '' when it fails."""
        status, out, _ = _answer(list(args), self.top)
        return "" if status else out.decode("utf-8", "replace").strip()

    def _stream(self, *args: str, **popen: Any) -> subprocess.Popen[bytes]:
        """One `git` command in the work tree whose output the caller reads as it comes."""
        return _git(list(args), self.top, **popen)

    def has_commits(self) -> bool:
        """False in a repository whose current branch has no commit yet."""
        return bool(self._ask("rev-parse", "--verify", "--quiet", "HEAD^{commit}"))

    def is_shallow(self) -> bool:
        return self._ask("rev-parse", "--is-shallow-repository") == "true"

    def verify_commit(self, ref: str) -> str:
        """The full sha of the commit `ref` names; GitError when it names none."""
        if not ref or ref.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in ref):
            raise GitError(
                f"`{ref}` is not a Git ref: expected a branch, tag or commit sha such as origin/main"
            )
        sha = self._ask("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        if not sha:
            if self.is_shallow():
                raise GitError(
                    f"`{ref}` is not in this clone, which is shallow: fetch the whole history "
                    "(actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"
                )
            raise GitError(
                f"`{ref}` is not a commit in this repository: use a branch, tag or commit sha "
                "(for a remote branch, `git fetch origin main` first and pass origin/main)"
            )
        return sha

    # ---- content -------------------------------------------------------------------------------

    def read_blob(self, sha: str) -> bytes:
        """The content of a blob (through the persistent `git cat-file --batch` process)."""
        git = _load_gitpython()
        try:
            return bytes(self._repo.git.get_object_data(sha)[3])
        except git.GitCommandNotFound as exc:
            raise GitError(_NO_GIT) from exc
        except (git.GitCommandError, ValueError) as exc:
            raise GitError(f"cannot read blob {sha[:7]}: {exc}") from exc

    def read_blobs(self, shas: Iterable[str]) -> Generator[tuple[str, bytes], None, None]:
        """(sha, content) of each blob, in order, from one buffered `git cat-file --batch`.

        A thread writes the requests while the caller reads the answers, so any number of blobs
        streams through one process without a round trip per blob.
        """
        proc = self._stream("cat-file", "--batch", "--buffer", stdin=PIPE)
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        writer = threading.Thread(target=_feed, args=(proc.stdin, shas), daemon=True)
        writer.start()
        out = proc.stdout
        try:
            while header := out.readline():
                sha, kind, *size = header.decode("ascii", "replace").split()
                if kind == "missing" or not size:
                    raise GitError(f"blob {sha[:7]} is missing from the repository: is this a partial clone?")
                data = out.read(int(size[0]))
                out.read(1)  # the newline after the content
                yield sha, data
        finally:
            out.close()
            if proc.poll() is None:
                proc.kill()  # the caller stopped early: unblock the writer
            writer.join()
            proc.stderr.close()
            proc.wait()

    def blob_at(self, sha: str, path: str) -> str | None:
        """The blob sha of `path` (relative to the kscms root) at commit `sha`; None when it is absent."""
        git = _load_gitpython()
        try:
            obj = self._repo.commit(sha).tree / (self.prefix + path)
        except KeyError:
            return None
        except git.GitCommandNotFound as exc:
            raise GitError(_NO_GIT) from exc
        except (git.BadName, ValueError) as exc:
            raise GitError(f"cannot read {path} at {sha[:7]}: {exc}") from exc
        return str(obj.hexsha) if obj.type == "blob" else None

    def read_at(self, sha: str, path: str) -> bytes | None:
        """What `path` (relative to the kscms root) held at commit `sha`; None when it did not exist."""
        blob = self.blob_at(sha, path)
        return None if blob is None else self.read_blob(blob)

    # ---- changes -------------------------------------------------------------------------------

    def _pathspecs(self) -> list[str]:
        return [self.prefix + RECORDS_PREFIX, self.prefix + CONFIG_PATH]

    def _strip(self, raw: bytes) -> str:
        path = os.fsdecode(raw)
        return path[len(self.prefix) :] if path.startswith(self.prefix) else path

    def changed_paths(self, base: str) -> list[Change]:
        """Record and config files that differ between commit `base` and the work tree.

        Uncommitted and untracked files count. Git's rename detection pairs deletions with
        additions; an untracked file whose name equals a deleted one's also counts as a rename.
        """
        listing = self._stream(  # the untracked files, listed while diff compares
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--",
            self.prefix + RECORDS_PREFIX,
        )
        try:
            out = self._run("diff", *_RAW_DIFF, base, "--", *self._pathspecs())
        except GitError:
            listing.kill()
            listing.communicate()
            raise
        changes = list(_parse_raw(iter(out.split(b"\0")), self._strip))
        untracked = _output(listing, "ls-files")
        deleted = {Path(c.path).name: c for c in changes if c.status == "D"}
        for raw in filter(None, untracked.split(b"\0")):
            path = self._strip(raw)
            gone = deleted.pop(Path(path).name, None)
            if gone is None:
                changes.append(Change("A", path, None, None, None))
            else:
                changes.remove(gone)
                changes.append(Change("R", path, gone.path, gone.old_blob, None))
        return sorted(changes, key=lambda c: c.path)

    # ---- history -------------------------------------------------------------------------------

    def log(self, since: str | None = None) -> Iterator[Commit]:
        """Every commit that changed records/ or kscms.yaml, oldest first, in one `git log` pass.

        Merges list only the files whose merged content differs from every parent (`-c`):
        the results that neither branch had.
        """
        args = [
            "log",
            "--parents",  # parents rewritten to the nearest commit listed, as the diffs are
            "--reverse",
            "--topo-order",
            "-c",
            *_RAW_DIFF,
            "--no-show-signature",
            _LOG_FORMAT,
        ]
        args += [f"{since}..HEAD"] if since else ["HEAD"]
        args += ["--", *self._pathspecs()]
        if not self.has_commits():
            return
        proc = self._stream(*args)
        assert proc.stdout is not None and proc.stderr is not None
        try:
            yield from _parse_log(_stream_tokens(proc.stdout), self._strip)
            stderr = proc.stderr.read()
            if proc.wait():
                detail = os.fsdecode(stderr).strip() or f"exit status {proc.returncode}"
                raise GitError(f"git log failed: {detail}")
        finally:
            if proc.poll() is None:
                proc.kill()  # the caller stopped early
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()


def _feed(stdin: IO[bytes], shas: Iterable[str]) -> None:
    """Write one request line per sha, then close stdin (runs in a thread)."""
    try:
        for sha in shas:
            stdin.write(sha.encode("ascii") + b"\n")
        stdin.close()
    except (BrokenPipeError, ValueError):  # the reader stopped early
        pass


def _stream_tokens(stream: IO[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    """NUL-separated tokens of a byte stream, read in chunks."""
    rest = b""
    while chunk := stream.read(size):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _parse_raw(tokens: Iterator[bytes], strip: Any) -> Iterator[Change]:
    """`--raw -z` entries (`:mode.. sha.. STATUS NUL path NUL [path NUL]`) to Changes."""
    for token in tokens:
        meta = token.lstrip(b"\n")
        if meta.startswith(b":"):
            yield _change(meta, tokens, strip)


def _change(meta: bytes, tokens: Iterator[bytes], strip: Any) -> Change:
    parents = len(meta) - len(meta.lstrip(b":"))
    fields = meta.lstrip(b":").split()
    shas = [f.decode() for f in fields[parents + 1 : 2 * parents + 2]]
    letters = fields[-1].decode()
    old = None if shas[0] == NULL_SHA else shas[0]
    new = None if shas[-1] == NULL_SHA else shas[-1]
    path = strip(next(tokens))
    if parents > 1:  # combined (merge) entry: old = first parent's content
        status = "A" if old is None else "D" if new is None else "M"
        return Change(status, path, None if old is None else path, old, new)
    letter = letters[0]
    if letter in "RC":
        new_path = strip(next(tokens))
        if letter == "C":
            return Change("A", new_path, None, None, new)
        return Change("R", new_path, path, old, new)
    if letter == "A":
        return Change("A", path, None, None, new)
    if letter == "D":
        return Change("D", path, path, old, None)
    return Change("M", path, path, old, new)


def _parse_log(tokens: Iterator[bytes], strip: Any) -> Iterator[Commit]:
    header: list[str] | None = None
    changes: list[Change] = []
    for token in tokens:
        text = token.lstrip(b"\n")
        if text.startswith(_HEADER.encode()):
            if header is not None:
                yield _commit(header, changes)
            header = text[1:].decode("utf-8", "replace").split(_FIELD, 4)
            changes = []
        elif text.startswith(b":") and header is not None:
            changes.append(_change(text, tokens, strip))
    if header is not None:
        yield _commit(header, changes)


def _commit(header: list[str], changes: list[Change]) -> Commit:
    sha, parents, date, email, author = (header + [""] * 5)[:5]
    return Commit(sha, tuple(parents.split()), dt.datetime.fromisoformat(date), author, email, tuple(changes))
