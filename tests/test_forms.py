"""`kscms forms`: GitHub issue forms generated from kscms.yaml, valid by GitHub's rules, read back by intake.

`form_problems` checks a form against the rules GitHub documents in "Syntax for issue forms" and
"Common validation errors when creating issue forms"; each rule has a test that feeds it a broken
form, so it cannot pass vacuously.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from intake_helpers import INTAKE_CONFIG, ROOT, form_data, make_data_repo, render_body

from kscms.cli import cli
from kscms.config import parse_config
from kscms.formfields import CHANNEL_TEXT, KIND_TEXT, MAKER_TEXT, SOURCE_TEXT, form_fields
from kscms.forms import FORMS_DIR, render_forms
from kscms.intake import parse_form
from kscms.model.compliment import Source
from kscms.model.signal import Channel, Kind

TOP_KEYS = {"name", "description", "title", "labels", "assignees", "body", "projects", "type"}
ATTRIBUTES = {
    "markdown": {"value"},
    "input": {"label", "description", "placeholder", "value"},
    "textarea": {"label", "description", "placeholder", "value", "render"},
    "dropdown": {"label", "description", "multiple", "options", "default"},
    "checkboxes": {"label", "description", "options"},
}
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def _nonempty_string(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _parameterize(label: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", label.lower()).strip("-")


def form_problems(form: Any) -> list[str]:  # noqa: C901 - one rule after the other, like GitHub's list
    """What GitHub would refuse in an issue form (as data)."""
    if not isinstance(form, dict):
        return ["the form is not a mapping"]
    problems = [f"`{k}` is not a permitted top-level key" for k in form if k not in TOP_KEYS]
    for key in ("name", "description"):
        if not _nonempty_string(form.get(key)):
            problems.append(f"top-level `{key}` must be a non-empty string")
    labels = form.get("labels", [])
    if not isinstance(labels, list) or not all(_nonempty_string(x) for x in labels):
        problems.append("`labels` must be a list of strings")
    body = form.get("body")
    if not isinstance(body, list) or not body:
        return [*problems, "body cannot be empty"]
    if all(isinstance(e, dict) and e.get("type") == "markdown" for e in body):
        problems.append("body must contain at least one non-markdown field")
    ids: list[str] = []
    seen_labels: list[str] = []
    for i, element in enumerate(body):
        where = f"body[{i}]"
        if not isinstance(element, dict) or element.get("type") not in ATTRIBUTES:
            problems.append(f"{where}: `type` is missing or not a valid input type")
            continue
        kind = element["type"]
        problems += [
            f"{where}: `{k}` is not a permitted key"
            for k in element
            if k not in {"type", "id", "attributes", "validations"}
        ]
        attributes = element.get("attributes")
        if not isinstance(attributes, dict):
            problems.append(f"{where}: `attributes` is missing")
            continue
        problems += [
            f"{where}: `{k}` is not a permitted attribute" for k in attributes if k not in ATTRIBUTES[kind]
        ]
        if "id" in element:
            if not isinstance(element["id"], str) or not _ID.match(element["id"]):
                problems.append(f"{where}: `id` can only contain numbers, letters, -, _")
            ids.append(str(element["id"]))
        validations = element.get("validations", {})
        if (
            not isinstance(validations, dict)
            or set(validations) - {"required"}
            or not all(isinstance(v, bool) for v in validations.values())
        ):
            problems.append(f"{where}: `validations` may only hold `required: true|false`")
        if kind == "markdown":
            if not _nonempty_string(attributes.get("value")):
                problems.append(f"{where}: required attribute key `value` is missing")
            continue
        label = attributes.get("label")
        if not _nonempty_string(label):
            problems.append(f"{where}: label must be a string")
            continue
        if "password" in label.lower():
            problems.append(f"{where}: `label` contains forbidden word")
        seen_labels.append(label)
        for key in ("description", "placeholder", "value"):
            if key in attributes and not _nonempty_string(attributes[key]):
                problems.append(f"{where}: `{key}` must be a non-empty string")
        if kind == "dropdown":
            options = attributes.get("options")
            if not isinstance(options, list) or not options:
                problems.append(f"{where}: `options` must be a non-empty list")
                continue
            if not all(isinstance(o, str) for o in options):
                problems.append(f"{where}: `options` must not include booleans")
            if len(set(map(str, options))) != len(options):
                problems.append(f"{where}: `options` must be unique")
            if any(str(o).strip().lower() == "none" for o in options):
                problems.append(f"{where}: `options` must not include the reserved word, none")
            if not isinstance(attributes.get("multiple", False), bool):
                problems.append(f"{where}: `multiple` must be a boolean")
        if kind == "checkboxes":
            options = attributes.get("options")
            if not isinstance(options, list) or not options:
                problems.append(f"{where}: `options` must be a non-empty list")
                continue
            for option in options:
                if (
                    not isinstance(option, dict)
                    or not _nonempty_string(option.get("label"))
                    or set(option)
                    - {
                        "label",
                        "required",
                    }
                ):
                    problems.append(f"{where}: a checkbox option is `{{label, required}}`")
                    continue
                seen_labels.append(option["label"])
    if len(set(ids)) != len(ids):
        problems.append("body must have unique ids")
    if len(set(seen_labels)) != len(seen_labels):
        problems.append("body must have unique labels")
    elif len({_parameterize(x) for x in seen_labels}) != len(seen_labels):
        problems.append("labels are too similar")
    return problems


def _config(text: str = INTAKE_CONFIG, language: str | None = None):  # type: ignore[no-untyped-def]
    if language:
        text = re.sub(r"(?m)^language: \w+", f"language: {language}", text)
    config, problems = parse_config(text)
    assert config is not None, problems
    return config


def _forms(config: Any) -> dict[str, dict[str, Any]]:
    return {Path(k).stem: form_data(v) for k, v in render_forms(config).items()}


GOOD = _forms(_config())["signal"]


def _mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    form = yaml.safe_load(yaml.safe_dump(GOOD))
    node = form
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return form  # type: ignore[no-any-return]


def _index(element_id: str) -> int:
    return next(i for i, e in enumerate(GOOD["body"]) if e.get("id") == element_id)


KIND, TITLE, PRIVACY = _index("kind"), _index("title"), _index("privacy")
BAD = {
    "no name": (_mutate(("name",), KeyError), "top-level `name`"),
    "blank description": (_mutate(("description",), "  "), "top-level `description`"),
    "unknown top key": (_mutate(("hello",), "world"), "`hello` is not a permitted top-level key"),
    "labels not a list": (_mutate(("labels",), [True]), "`labels` must be a list of strings"),
    "empty body": (_mutate(("body",), []), "body cannot be empty"),
    "markdown only": (_mutate(("body",), [GOOD["body"][0]]), "at least one non-markdown"),
    "unknown type": (_mutate(("body", TITLE, "type"), "x"), "not a valid input type"),
    "unknown element key": (_mutate(("body", TITLE, "x"), "woof"), "`x` is not a permitted key"),
    "unknown attribute": (
        _mutate(("body", TITLE, "attributes", "x"), "y"),
        "`x` is not a permitted attribute",
    ),
    "bad id": (_mutate(("body", TITLE, "id"), "first name"), "`id` can only contain"),
    "duplicate id": (_mutate(("body", KIND, "id"), "title"), "unique ids"),
    "duplicate label": (
        _mutate(("body", KIND, "attributes", "label"), GOOD["body"][TITLE]["attributes"]["label"]),
        "unique labels",
    ),
    "similar labels": (
        _mutate(("body", KIND, "attributes", "label"), "Titel / Title???"),
        "labels are too similar",
    ),
    "checkbox label clash": (
        _mutate(
            ("body", PRIVACY, "attributes", "options", 0, "label"), GOOD["body"][TITLE]["attributes"]["label"]
        ),
        "unique labels",
    ),
    "label not a string": (_mutate(("body", TITLE, "attributes", "label"), True), "label must be a string"),
    "forbidden word": (_mutate(("body", TITLE, "attributes", "label"), "Password"), "forbidden word"),
    "no markdown value": (_mutate(("body", 0, "attributes"), {}), "`value` is missing"),
    "none option": (_mutate(("body", KIND, "attributes", "options", 0), "None"), "reserved word, none"),
    "boolean option": (
        _mutate(("body", KIND, "attributes", "options", 0), True),
        "must not include booleans",
    ),
    "duplicate option": (
        _mutate(("body", KIND, "attributes", "options", 1), GOOD["body"][KIND]["attributes"]["options"][0]),
        "`options` must be unique",
    ),
    "empty options": (_mutate(("body", KIND, "attributes", "options"), []), "non-empty list"),
    "bad validations": (
        _mutate(("body", KIND, "validations"), {"required": "yes"}),
        "`validations` may only",
    ),
    "bad checkbox option": (
        _mutate(("body", PRIVACY, "attributes", "options", 0, "id"), "x"),
        "checkbox option",
    ),
}


def test_the_good_form_has_no_problems() -> None:
    assert form_problems(GOOD) == []


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_checker_flags_a_bad_form(case: str) -> None:
    form, expected = BAD[case]
    assert form != GOOD, "the mutation did not change the form"
    problems = form_problems(form)
    assert any(expected in p for p in problems), problems


# ---- the generated forms -----------------------------------------------------------------------------

CONFIGS = {
    "test-nl": INTAKE_CONFIG,
    "test-en": INTAKE_CONFIG.replace("language: nl", "language: en"),
    "demo": (ROOT / "kscms.yaml").read_text(encoding="utf-8"),
    "scaffold": (ROOT / "kscms" / "scaffold" / "kscms.yaml").read_text(encoding="utf-8"),
    "bare": "organisation: Kaal\n",
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_every_generated_form_passes_githubs_rules(name: str) -> None:
    files = render_forms(_config(CONFIGS[name]))
    assert set(files) == {f"{FORMS_DIR}/{t}.yml" for t in ("compliment", "signal", "improvement", "config")}
    for path, text in files.items():
        assert text.startswith("# Generated by `kscms forms`")
        if not path.endswith("config.yml"):
            assert form_problems(form_data(text)) == [], path


def test_the_chooser_disables_blank_issues() -> None:
    assert form_data(render_forms(_config())[f"{FORMS_DIR}/config.yml"]) == {"blank_issues_enabled": False}


@pytest.mark.parametrize("record_type", ["compliment", "signal", "improvement"])
def test_each_form_carries_its_label_and_the_intake_workflow_listens_to_it(record_type: str) -> None:
    form = _forms(_config())[record_type]
    assert form["labels"] == [record_type]
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "intake.yml").read_text(encoding="utf-8"))
    assert f"'{record_type}'" in workflow["jobs"]["intake"]["if"]


@pytest.mark.parametrize("record_type", ["compliment", "signal", "improvement"])
def test_each_form_warns_about_contact_details_and_asks_to_confirm(record_type: str) -> None:
    form = _forms(_config())[record_type]
    warning = form["body"][0]
    assert warning["type"] == "markdown"
    assert (
        "contactgegevens" in warning["attributes"]["value"]
        and "e-mail addresses" in warning["attributes"]["value"]
    )
    privacy = next(e for e in form["body"] if e.get("id") == "privacy")
    assert privacy["attributes"]["options"][0]["required"] is True
    assert "no contact details" in privacy["attributes"]["options"][0]["label"]


def test_dutch_forms_show_the_english_beside_and_english_forms_only_english() -> None:
    nl, en = _forms(_config())["compliment"], _forms(_config(language="en"))["compliment"]
    nl_labels = [e["attributes"]["label"] for e in nl["body"] if e["type"] != "markdown"]
    en_labels = [e["attributes"]["label"] for e in en["body"] if e["type"] != "markdown"]
    assert "Titel / Title" in nl_labels and "Title" in en_labels
    assert not any(" / " in label for label in en_labels)
    assert "Let op" not in en["body"][0]["attributes"]["value"]


def test_dropdowns_list_the_teams_themes_and_departments_of_the_config_by_key() -> None:
    form = _forms(_config())["compliment"]
    options = {e["id"]: e["attributes"]["options"] for e in form["body"] if e["type"] == "dropdown"}
    assert options["receiver_teams"] == [
        "Servicedesk (servicedesk)",
        "Web & Online (web)",
        "Hele organisatie (organisation)",
    ]
    assert options["themes"] == ["Bereikbaarheid (bereikbaarheid)", "Opzeggen (opzeggen)"]
    assert options["departments"] == ["Facturatie (facturatie)", "Operations (operations)"]
    assert "Lotte Janssen (lotte)" in options["receiver_people"]


def test_a_config_without_themes_or_departments_has_no_empty_dropdowns() -> None:
    form = _forms(_config("organisation: Kaal\n"))["signal"]
    ids = [e.get("id") for e in form["body"]]
    assert "themes" not in ids and "departments" not in ids and "segment" not in ids


@pytest.mark.parametrize(
    ("literal", "texts"),
    [
        (Source, SOURCE_TEXT),
        (Kind, KIND_TEXT),
        (Channel, CHANNEL_TEXT),
        (typing.Literal["customer", "employee", "partner", "public"], MAKER_TEXT),
    ],
    ids=["source", "kind", "channel", "maker"],
)
def test_every_model_value_has_words_in_both_languages(
    literal: Any, texts: dict[str, tuple[str, str]]
) -> None:
    assert set(typing.get_args(literal)) <= set(texts)


def test_dropdown_choices_follow_the_model() -> None:
    form = _forms(_config())["signal"]
    kinds = next(e for e in form["body"] if e.get("id") == "kind")["attributes"]["options"]
    assert [re.search(r"\((\w+)\)$", o)[1] for o in kinds] == list(typing.get_args(Kind))  # type: ignore[index]


HOSTILE_NAMES = 'organisation: X\nteams:\n  a: {name: "Yes"}\n  b: {name: "None"}\n  c: {name: "x: y # z"}\n  d: {name: "\\"quoted\\" & <b>"}\n  e: {name: "twee\\nregels"}\n'


def test_names_that_are_yaml_or_markdown_stay_plain_strings() -> None:
    text = render_forms(_config(HOSTILE_NAMES))[f"{FORMS_DIR}/compliment.yml"]
    form = form_data(text)
    assert form_problems(form) == []
    teams = next(e for e in form["body"] if e.get("id") == "receiver_teams")["attributes"]["options"]
    assert teams[:5] == ["Yes (a)", "None (b)", "x: y # z (c)", '"quoted" & <b> (d)', "twee regels (e)"]


# ---- read back by intake --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("record_type", ["compliment", "signal", "improvement"])
def test_every_choice_of_every_form_reads_back_as_its_key(record_type: str, language: str) -> None:
    config = _config(language=language)
    form = _forms(config)[record_type]
    answers: dict[str, Any] = {}
    for element in form["body"]:
        if element["type"] == "markdown":
            continue
        if element["type"] == "dropdown":
            options = element["attributes"]["options"]
            answers[element["id"]] = options if element["attributes"]["multiple"] else [options[-1]]
        elif element["type"] == "checkboxes":
            answers[element["id"]] = {o["label"] for o in element["attributes"]["options"]}
        else:
            answers[element["id"]] = "tekst"
    parsed = parse_form(render_body(form, answers), config, record_type)
    assert parsed.problems == []
    for f in form_fields(record_type, config):
        keys = [o.key for o in f.options]
        if f.type == "dropdown":
            assert parsed.values[f.id] == (keys if f.multiple else [keys[-1]])
        elif f.type == "checkboxes":
            assert parsed.values[f.id] == set(keys)
        else:
            assert parsed.values[f.id].strip() == "tekst"


# ---- the command -------------------------------------------------------------------------------------------


def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output
    return result


def test_forms_writes_the_files_and_check_reports_drift(tmp_path: Path) -> None:
    root = make_data_repo(tmp_path / "repo")
    assert run(root, "forms", "--check").exit_code == 1
    result = run(root, "forms")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        f"{FORMS_DIR}/{n}.yml" for n in ("compliment", "signal", "improvement", "config")
    ]
    assert run(root, "forms", "--check").exit_code == 0
    config = (root / "kscms.yaml").read_text(encoding="utf-8")
    (root / "kscms.yaml").write_text(
        config.replace("  web: {", "  kantine: {name: Kantine}\n  web: {"), encoding="utf-8"
    )
    stale = run(root, "forms", "--check")
    assert stale.exit_code == 1
    assert f"{FORMS_DIR}/compliment.yml is missing or out of date" in stale.output
    assert f"{FORMS_DIR}/signal.yml" not in stale.output
    run(root, "forms")
    assert "Kantine (kantine)" in (root / FORMS_DIR / "compliment.yml").read_text(encoding="utf-8")


def test_the_projects_own_forms_and_codeowners_match_the_demo_config() -> None:
    result = run(ROOT, "forms", "--check")
    assert result.exit_code == 0, f"{result.output}: run `kscms forms` and commit .github/ISSUE_TEMPLATE"
    result = run(ROOT, "codeowners", "--check")
    assert result.exit_code == 0, f"{result.output}: run `kscms codeowners` and commit .github/CODEOWNERS"
