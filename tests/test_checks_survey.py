"""`survey-weights`: a warning when a survey's `importance` weights do not sum to about 1 (SPEC 3.1: "~1")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kscms import csvimport
from kscms.cli import cli
from kscms.model.kinds import WEIGHT_TOLERANCE, WEIGHT_WARNING

REL = "records/signals/2026/S-20261118-kto-q4.md"


def survey(elements: str) -> str:
    return (
        "---\n"
        "id: S-20261118-kto-q4\n"
        "type: signal\n"
        "kind: survey\n"
        "title: Klanttevredenheid Q4\n"
        "status: new\n"
        "created: 2026-11-18\n"
        "channel: survey\n"
        f"survey:\n  period: 2026-Q4\n{elements}"
        "history:\n"
        "  - {at: 2026-11-18T09:00:00+01:00, by: ali, status: new}\n"
        "---\n"
        "Uitkomsten.\n"
    )


def weights(*importances: float) -> str:
    rows = "".join(
        f"    - {{element: e{i}, rating: 7, importance: {w}}}\n" for i, w in enumerate(importances)
    )
    return f"  elements:\n{rows}"


def check(make_repo: Callable[..., Path], text: str):  # type: ignore[no-untyped-def]
    root = make_repo(files={REL: text})
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("importances", [(0.3, 0.2, 0.1), (0.5, 0.56)], ids=["0.6", "1.06"])
def test_weights_far_from_1_are_a_warning_on_the_line_of_elements(
    make_repo: Callable[..., Path], importances: tuple[float, ...]
) -> None:
    result = check(make_repo, survey(weights(*importances)))
    assert result.exit_code == 0  # a warning: SPEC's "~1" is not exact
    total = f"{sum(importances):.4g}"
    assert result.stdout == (
        f"{REL}:11: warning[survey-weights]: the `importance` weights of `survey.elements` sum to {total}, "
        "expected 1 (within 0.05): change the weights so that they add up to 1\n"
    )


@pytest.mark.parametrize(
    "elements",
    [
        weights(0.3, 0.25, 0.15, 0.15, 0.1, 0.05),  # 0.9999999999999999 in floats
        weights(0.5, 0.49),  # within the tolerance
        weights(0.5, 0.51),
        weights(0.51, 0.51),  # 1.0200000000000000178 in floats
        weights(0.2, 0.2, 0.2, 0.2, 0.15),  # 0.95: rounded by hand
        weights(0.26, 0.26, 0.26, 0.27),  # 1.05
        "  elements: []\n",
        "",
    ],
    ids=["exact", "0.99", "1.01", "1.02", "0.95", "1.05", "no-elements", "no-elements-key"],
)
def test_weights_summing_to_about_1_or_no_elements_pass(
    make_repo: Callable[..., Path], elements: str
) -> None:
    result = check(make_repo, survey(elements))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_import_is_stricter_than_check() -> None:
    """`import survey` makes the weights itself, so it holds them to 0.02; `check` warns outside 0.05."""
    assert csvimport.WEIGHT_TOLERANCE is WEIGHT_TOLERANCE == 0.02 < WEIGHT_WARNING == 0.05
