"""kscms: customer-signal and compliment management on Git (library and CLI).

The public library surface is what `__all__` lists; everything is imported lazily so that
`import kscms` (and `kscms --help`) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "open_repository",
    "Repository",
    "Record",
    "Signal",
    "Compliment",
    "Improvement",
    "Problem",
    "KscmsError",
    "ConfigError",
    "RecordError",
    "TransitionError",
    "GitError",
    "__version__",
]

if TYPE_CHECKING:
    from pathlib import Path

    from kscms.repository import Repository

_LAZY = {
    "Repository": "kscms.repository",
    "Record": "kscms.model",
    "Signal": "kscms.model",
    "Compliment": "kscms.model",
    "Improvement": "kscms.model",
    "Problem": "kscms.diagnostics",
    "KscmsError": "kscms.errors",
    "ConfigError": "kscms.errors",
    "RecordError": "kscms.errors",
    "TransitionError": "kscms.errors",
    "GitError": "kscms.errors",
}


def open_repository(root: Path | None = None) -> Repository:
    """Open the kscms repository at `root` (default: the nearest folder upwards with kscms.yaml)."""
    from kscms.repository import Repository

    return Repository.open(root)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kscms' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
