"""The Git layer: the only module that imports GitPython.

`GitRepo` answers what `check --base` and `audit` ask of Git: is a ref a commit
(`verify_commit`), which records changed since a commit, work tree included (`changed_paths`),
what a file held at a commit (`read_at`, `read_blob`), and the history of records/ as one
streamed `git log --raw` pass (`log`). Blob contents come from GitPython's persistent
`git cat-file --batch` process, so no call spawns one process per record.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
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
        git = _load_gitpython()
        self._git = git
        try:
            self._repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise GitError(
                f"{root} is not in a Git repository: --base and audit read the Git history; "
                "run them in a clone of the records repository"
            ) from exc
        top = self._repo.working_tree_dir
        if top is None:
            self.close()
            raise GitError(f"{root} is in a bare Git repository: run kscms in a clone with a work tree")
        rel = Path(os.path.realpath(root)).relative_to(os.path.realpath(top)).as_posix()
        self.prefix = "" if rel == "." else rel + "/"
        """The kscms root relative to the top of the work tree ('' or 'sub/dir/')."""
        self.root = root

    def close(self) -> None:
        """Stop the persistent `git cat-file` processes."""
        self._repo.close()

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- refs ----------------------------------------------------------------------------------

    def _run(self, *args: str, **kwargs: Any) -> Any:
        try:
            return self._repo.git.execute(["git", *args], **kwargs)
        except self._git.GitCommandNotFound as exc:
            raise GitError("the `git` program is not installed or not on PATH: install Git") from exc
        except self._git.GitCommandError as exc:
            detail = exc.stderr.strip().removeprefix("stderr: ").strip("'\n ") if exc.stderr else ""
            raise GitError(f"git {args[0]} failed: {detail or exc}") from exc

    def has_commits(self) -> bool:
        """False in a repository whose current branch has no commit yet."""
        try:
            return bool(self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}"))
        except GitError as exc:
            if isinstance(exc.__cause__, self._git.GitCommandNotFound):
                raise
            return False

    def is_shallow(self) -> bool:
        return bool(self._run("rev-parse", "--is-shallow-repository") == "true")

    def verify_commit(self, ref: str) -> str:
        """The full sha of the commit `ref` names; GitError when it names none."""
        if not ref or ref.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in ref):
            raise GitError(
                f"`{ref}` is not a Git ref: expected a branch, tag or commit sha such as origin/main"
            )
        try:
            sha = self._run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        except GitError:
            sha = ""
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
        return str(sha)

    # ---- content -------------------------------------------------------------------------------

    def read_blob(self, sha: str) -> bytes:
        """The content of a blob (through the persistent `git cat-file --batch` process)."""
        try:
            return bytes(self._repo.git.get_object_data(sha)[3])
        except (self._git.GitCommandError, ValueError) as exc:
            raise GitError(f"cannot read blob {sha[:7]}: {exc}") from exc

    def read_blobs(self, shas: Iterable[str]) -> Generator[tuple[str, bytes], None, None]:
        """(sha, content) of each blob, in order, from one buffered `git cat-file --batch`.

        A thread writes the requests while the caller reads the answers, so any number of blobs
        streams through one process without a round trip per blob.
        """
        proc = self._run("cat-file", "--batch", "--buffer", as_process=True, istream=PIPE)
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
            proc.proc.wait()

    def blob_at(self, sha: str, path: str) -> str | None:
        """The blob sha of `path` (relative to the kscms root) at commit `sha`; None when it is absent."""
        try:
            obj = self._repo.commit(sha).tree / (self.prefix + path)
        except KeyError:
            return None
        except (self._git.BadName, ValueError) as exc:
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
        out = self._run(
            "diff",
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--no-relative",
            base,
            "--",
            *self._pathspecs(),
            stdout_as_string=False,
        )
        changes = list(_parse_raw(iter(out.split(b"\0")), self._strip))
        untracked = self._run(
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--",
            self.prefix + RECORDS_PREFIX,
            stdout_as_string=False,
        )
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
            "--raw",
            "-c",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--no-relative",
            "--no-show-signature",
            _LOG_FORMAT,
        ]
        args += [f"{since}..HEAD"] if since else ["HEAD"]
        args += ["--", *self._pathspecs()]
        if not self.has_commits():
            return
        proc = self._run(*args, as_process=True)
        try:
            yield from _parse_log(_stream_tokens(proc.stdout), self._strip)
        finally:
            stderr = proc.stderr.read()
            proc.stdout.close()
            try:
                proc.wait(stderr=stderr)
            except self._git.GitCommandError as exc:
                raise GitError(f"git log failed: {os.fsdecode(stderr).strip() or exc}") from exc


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
