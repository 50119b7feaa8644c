"""`survey-weights`: a survey's `importance` weights sum to 1 within the tolerance `import survey` uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kscms import csvimport
from kscms.cli import cli
from kscms.model.signal import WEIGHT_TOLERANCE

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


def test_weights_summing_to_0_6_are_an_error_on_the_line_of_elements(
    make_repo: Callable[..., Path],
) -> None:
    result = check(make_repo, survey(weights(0.3, 0.2, 0.1)))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{REL}:11: error[survey-weights]: the `importance` weights of `survey.elements` sum to 0.6, "
        "expected 1 (within 0.02): change the weights so that they add up to 1\n"
    )


@pytest.mark.parametrize(
    "elements",
    [
        weights(0.3, 0.25, 0.15, 0.15, 0.1, 0.05),  # 0.9999999999999999 in floats
        weights(0.5, 0.49),  # within the tolerance
        weights(0.5, 0.51),
        "  elements: []\n",
        "",
    ],
    ids=["exact", "0.99", "1.01", "no-elements", "no-elements-key"],
)
def test_weights_summing_to_about_1_or_no_elements_pass(
    make_repo: Callable[..., Path], elements: str
) -> None:
    result = check(make_repo, survey(elements))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_check_and_import_share_one_tolerance() -> None:
    assert csvimport.WEIGHT_TOLERANCE is WEIGHT_TOLERANCE == 0.02
