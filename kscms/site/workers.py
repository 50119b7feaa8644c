"""Forked worker processes that stay with their share of the records for a whole build.

A cold build reads every record and renders a page for each. Both are per-record work, so each
worker takes a fixed share of the record files: it reads and validates them, sends the parent the
small facts and the plain data it needs (cheap to pickle, unlike pydantic models), keeps its own
records, and later renders and writes their pages into the staging folder. Meanwhile the parent
builds the index pages. Workers are forked (they inherit the configuration, the Jinja environment
and the staging folder), talk over pipes, and send back an exception instead of a result when
anything fails; the parent then stops them all and the build fails as a whole.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

Handler = Callable[[Any, Callable[[Any], None]], None]
"""A worker's task: (message, send) -> None; `send` passes results to the parent."""


class WorkerError(RuntimeError):
    """A worker failed with an exception that could not be sent back as it was."""


def _serve(conn: Connection, start: Callable[[Callable[[Any], None]], Handler]) -> None:
    """The worker's loop: run `start`, then one handler call per message until `None` comes."""

    def send(item: Any) -> None:
        conn.send(("item", item))

    try:
        handler = start(send)
        conn.send(("done", None))
        while True:
            message = conn.recv()
            if message is None:
                break
            handler(message, send)
            conn.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            pickle.dumps(exc)
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle travels as text
            conn.send(("error", WorkerError("".join(traceback.format_exception(exc)))))
    finally:
        conn.close()


class Workers:
    """`count` forked processes; worker i runs `start(i, send)` first, then handles messages."""

    def __init__(self, count: int, start: Callable[[int, Callable[[Any], None]], Handler]) -> None:
        context = multiprocessing.get_context("fork")
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        for number in range(count):
            parent, child = context.Pipe()
            proc = context.Process(
                target=_serve, args=(child, lambda send, n=number: start(n, send)), daemon=True
            )
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)

    def __len__(self) -> int:
        return len(self.conns)

    def send(self, number: int, message: Any) -> None:
        """Give worker `number` a message for its handler."""
        self.conns[number].send(message)

    def all_results(self) -> Iterator[tuple[int, Any]]:
        """(worker, item) from every worker, as they come, until each has finished its step."""
        from multiprocessing.connection import wait

        waiting: dict[Any, int] = {conn: n for n, conn in enumerate(self.conns)}
        while waiting:
            for ready in wait(list(waiting)):
                conn: Any = ready
                number = waiting[conn]
                try:
                    kind, item = conn.recv()
                except EOFError:
                    raise WorkerError(
                        f"a build worker process stopped unexpectedly (exit {self._exit(number)})"
                    ) from None
                if kind == "item":
                    yield number, item
                elif kind == "done":
                    del waiting[conn]
                else:
                    raise item

    def _exit(self, number: int) -> Any:
        self.procs[number].join(1)
        return self.procs[number].exitcode

    def close(self) -> None:
        """Stop every worker (politely when it is waiting, by force otherwise)."""
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)
        for proc in self.procs:
            proc.join(2)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self.conns:
            conn.close()


def cpu_workers(jobs: int | None) -> int:
    """Processes to use: `jobs`, else KSCMS_WORKERS, else one per CPU (at most 8)."""
    if jobs is not None:
        return jobs
    env = int(os.environ.get("KSCMS_WORKERS", "0") or 0)
    return max(1, min(env or (os.cpu_count() or 1), 8))
