"""Exceptions of the kscms library; the CLI turns them into messages and exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from kscms.diagnostics import Problem


class KscmsError(Exception):
    """Base of every error kscms raises on purpose."""

    exit_code: ClassVar[int] = 2

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])


class ConfigError(KscmsError):
    """kscms.yaml is missing or invalid, or an option is unusable."""

    exit_code = 2


class UsageError(KscmsError):
    """An argument or option that cannot be used as given: `--set` without `=`, an unknown id or status."""

    exit_code = 2


class RecordError(KscmsError):
    """One or more records have problems."""

    exit_code = 1


class TransitionError(KscmsError):
    """A workflow step is not allowed or lacks what it needs."""

    exit_code = 1


class GitError(KscmsError):
    """Git could not answer: not a repository, unknown ref, shallow clone."""

    exit_code = 2
