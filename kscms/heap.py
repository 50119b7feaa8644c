"""Garbage-collector settings for work that makes many objects which all live on.

Two places make objects that form no garbage: importing pydantic and the record models (about a
hundred collections that find next to nothing, 6% of `check --base` when it still imported them;
see `kscms.model.record_models`), and a build that holds every
record it read (at 10,000 records a full collection walked them all, 1.8 s of a 13.5 s build).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def settled_heap() -> Iterator[None]:
    """Collect no garbage inside this block, then freeze what exists out of later collections.

    Inside the block the collector is off; after it, `gc.freeze()` moves every object there is to
    the permanent generation, so later collections (of the short-lived objects of the work that
    follows, such as rendering pages) scan only those. The collector's earlier state is restored.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
