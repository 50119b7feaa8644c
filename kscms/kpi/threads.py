"""Common threads (rode draden): themes carried by signals of two or more kinds or departments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kscms.kpi.scope import Measure, Scope, kpi
from kscms.model.signal import Signal


@dataclass(frozen=True)
class Thread:
    """One common thread and the signals behind it."""

    theme: str
    """Theme key."""
    signal_ids: tuple[str, ...]
    """Ids of the signals that carry the theme, sorted."""
    kinds: tuple[str, ...]
    """Distinct signal kinds among them, sorted."""
    departments: tuple[str, ...]
    """Distinct departments named by them, sorted."""

    def to_json(self) -> dict[str, Any]:
        """The KPI form: `{theme, signals (a count), kinds (sorted list), departments (sorted list)}`."""
        return {
            "theme": self.theme,
            "signals": len(self.signal_ids),
            "kinds": list(self.kinds),
            "departments": list(self.departments),
        }


def themes_of(signals: Iterable[Signal]) -> list[Thread]:
    """Every theme named by the signals, as a Thread (qualifying or not), ranked like red threads."""
    by_theme: dict[str, list[Signal]] = {}
    for s in signals:
        for theme in dict.fromkeys(s.themes):
            by_theme.setdefault(theme, []).append(s)
    out = [
        Thread(
            theme,
            tuple(sorted(s.id for s in group)),
            tuple(sorted({s.kind for s in group})),
            tuple(sorted({d for s in group for d in s.departments})),
        )
        for theme, group in by_theme.items()
    ]
    out.sort(key=lambda t: (-len(t.signal_ids), t.theme))
    return out


def red_threads(signals: Iterable[Signal]) -> list[Thread]:
    """Themes carried by signals of two or more kinds or of two or more departments.

    Ranked by number of signals (descending), ties by theme key (ascending).
    """
    return [t for t in themes_of(signals) if len(t.kinds) >= 2 or len(t.departments) >= 2]


@kpi("threads.red_threads")
def threads_red_threads(scope: Scope) -> Measure:
    """The period's red threads: [{theme, signals, kinds, departments}]; n = distinct signals behind them."""
    threads = red_threads(scope.signals)
    behind = {i for t in threads for i in t.signal_ids}
    return Measure([t.to_json() for t in threads], len(behind))
