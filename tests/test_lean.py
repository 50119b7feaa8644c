"""The lean reader (`kscms.model.lean`) agrees with the pydantic models wherever it answers.

Wherever it vouches for an input, the models accept that input too, with the same fields, values,
types and behaviour; wherever the models find a problem, it declines (`NeedsModels`). Its table is
what the models' core schemas give, and `check --base` on a valid change never imports pydantic.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from git_helpers import COMPLIMENT, CONFIG, append_event, commit, git, make_repo, replace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from kscms.config import parse_config
from kscms.model import parse_record, record_models
from kscms.model.behaviour import ConfigBehaviour
from kscms.model.kinds import CHANNELS, KINDS, YEARS, Compliment, Improvement, Signal
from kscms.model.lean import CLASSES, LeanModel, NeedsModels, lean_config, lean_data, lean_record
from kscms.model.lean_derive import derive, model_classes
from kscms.model.lean_table import TABLE

PROJECT = Path(__file__).resolve().parent.parent
DEMO_RECORDS = sorted((PROJECT / "records").rglob("*.md"))
TEST_RECORDS = sorted((PROJECT / "tests" / "fixtures").rglob("*.md"))
CLASSES_BY_NAME = model_classes()


def fields_of(value: Any) -> Any:
    """A model (pydantic or lean) as nested plain data, with the type of every leaf value."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, {k: fields_of(getattr(value, k)) for k in type(value).model_fields})
    if isinstance(value, LeanModel):
        name = type(value).__name__.removeprefix("Lean")
        return (name, {k: fields_of(value.__dict__[k]) for k in value._fields})
    if isinstance(value, list):
        return [fields_of(v) for v in value]
    if isinstance(value, dict):
        return {k: fields_of(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat(), value.utcoffset())
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def field_names(value: Any) -> list[str]:
    """The fields in `__dict__`, in order (the workflow engine reads holders from there)."""
    return [k for k in value.__dict__ if not k.startswith("_")]


# ---- the table -------------------------------------------------------------------------------


def test_the_table_is_what_the_models_core_schemas_give() -> None:
    assert derive() == TABLE, "the models changed: run `make lean-table`"


def test_every_model_has_a_lean_class_with_the_same_behaviour() -> None:
    assert set(CLASSES) == set(TABLE) == set(CLASSES_BY_NAME)
    models = record_models()
    for kind, model in ((Signal, models["signal"]), (Compliment, models["compliment"])):
        assert issubclass(model, kind) and issubclass(CLASSES[model.__name__], kind)
    assert issubclass(models["improvement"], Improvement) and issubclass(CLASSES["Improvement"], Improvement)
    assert not issubclass(CLASSES["Signal"], Compliment) and not issubclass(CLASSES["Compliment"], Signal)
    assert issubclass(CLASSES["Config"], ConfigBehaviour) and issubclass(
        CLASSES_BY_NAME["Config"], ConfigBehaviour
    )


def test_the_vocabularies_and_years_match_the_models() -> None:
    from kscms.model.signal import Channel, Kind

    assert Kind.__args__ == KINDS and Channel.__args__ == CHANNELS  # type: ignore[attr-defined]
    model = record_models()["signal"]
    for year, valid in (
        (YEARS.start, True),
        (YEARS.stop - 1, True),
        (YEARS.start - 1, False),
        (YEARS.stop, False),
    ):
        data = {"id": "S-x", "type": "signal", "kind": "remark", "title": "t", "status": "new"}
        data["created"] = dt.date(year, 1, 1)
        if valid:
            assert fields_of(lean_data("Signal", data)) == fields_of(model.model_validate(data))
        else:
            with pytest.raises(NeedsModels):
                lean_data("Signal", data)
            with pytest.raises(ValidationError):
                model.model_validate(data)


def _odd_models() -> list[tuple[type[BaseModel], str]]:
    from pydantic import ConfigDict, Field, field_validator, model_validator

    forbid = ConfigDict(extra="forbid")

    class Longer(BaseModel):
        model_config = forbid
        name: str = Field(max_length=3)

    class Aliased(BaseModel):
        model_config = forbid
        name: str = Field(alias="naam")

    class Checked(BaseModel):
        model_config = forbid
        name: str

        @model_validator(mode="after")
        def _whole(self) -> Checked:
            return self

    class Lowered(BaseModel):
        model_config = forbid
        name: str

        @field_validator("name")
        @classmethod
        def _lower(cls, value: str) -> str:
            return value.lower()

    class Lax(BaseModel):
        name: str

    class Either(BaseModel):
        model_config = forbid
        value: int | str

    return [
        (Longer, "max_length"),
        (Aliased, "alias"),
        (Checked, "function-after"),
        (Lowered, "_lower"),
        (Lax, "extra='forbid'"),
        (Either, "union"),
    ]


@pytest.mark.parametrize(("model", "named"), _odd_models())
def test_a_model_change_the_lean_reader_does_not_know_stops_the_derivation(
    model: type[BaseModel], named: str
) -> None:
    from kscms.model.lean_derive import DeriveError, _Walker

    with pytest.raises(DeriveError, match=re.escape(named)):
        _Walker().model(dict(model.__pydantic_core_schema__))


# ---- records ---------------------------------------------------------------------------------


def test_every_demo_and_fixture_record_reads_the_same_or_is_left_to_the_models() -> None:
    lean_count = 0
    for path in DEMO_RECORDS + TEST_RECORDS:
        rel = path.relative_to(PROJECT).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        record, problems = parse_record(text, rel)
        try:
            lean = lean_record(text, rel)
        except NeedsModels:
            assert path not in DEMO_RECORDS, f"{rel}: the lean reader should read every demo record"
            continue
        lean_count += 1
        assert record is not None and problems == [], rel
        assert fields_of(lean) == fields_of(record), rel
        assert field_names(lean) == list(record.__dict__), rel
        assert (lean.path, lean.body, lean.body_line) == (record.path, record.body, record.body_line), rel
        assert (lean.workflow_name, lean.first_at, lean.status_at(None)) == (
            record.workflow_name,
            record.first_at,
            record.status_at(None),
        ), rel
        for field in ("id", "status", "history", "history.0", "history.0.by", "themes.1", "maker.display"):
            assert lean.line_of(field) == record.line_of(field), (rel, field)
    assert lean_count >= len(DEMO_RECORDS)


def test_an_invalid_fixture_record_is_always_left_to_the_models() -> None:
    for path in sorted((PROJECT / "tests" / "fixtures" / "records" / "invalid").glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        _record, problems = parse_record(text, path.name)
        if problems:
            with pytest.raises(NeedsModels):
                lean_record(text, path.name)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("created: 2026-11-02", 'created: "2026-11-02"'),
        ("at: 2026-11-02T09:00:00+01:00", "at: '2026-11-02T09:00:00+01:00'"),
        ("at: 2026-11-02T09:00:00+01:00", 'at: "2026-11-02 09:00Z"'),
        ("at: 2026-11-03T09:00:00+01:00", 'at: "2026-11-03T09:00:00.250000-02:30"'),
    ],
)
def test_quoted_dates_and_times_read_as_the_models_read_them(old: str, new: str) -> None:
    """SPEC 3: a time in quotes reads the same as a plain one."""
    from git_helpers import COMPLIMENT_TEXT

    text = COMPLIMENT_TEXT.replace(old, new, 1)
    assert text != COMPLIMENT_TEXT
    record, problems = parse_record(text, COMPLIMENT)
    assert record is not None, problems
    assert fields_of(lean_record(text, COMPLIMENT)) == fields_of(record)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("created: 2026-11-02", 'created: "2026-11-02T00:00:00"'),  # a date pydantic reads, in a rare form
        ("at: 2026-11-02T09:00:00+01:00", "at: '2026-11-02T09:00:00+0100'"),
        ("at: 2026-11-02T09:00:00+01:00", "at: '2026-11-02T09:00:00'"),  # no zone
        ("anonymous: false", "anonymous: no"),  # text, which StrictBool refuses
        ("giver: marja", "giver: [marja]"),
        ("source: email", "source: mail"),
        ("giver: marja", "giver: marja\nextra: 1"),
        ("at: 2026-11-02T09:00:00+01:00", "at: 2026-11-02T09:00:00"),  # no zone
        ("created: 2026-11-02", "created: 1850-11-02"),
    ],
)
def test_what_the_lean_reader_cannot_vouch_for_goes_to_the_models(old: str, new: str) -> None:
    from git_helpers import COMPLIMENT_TEXT

    text = COMPLIMENT_TEXT.replace(old, new, 1)
    assert text != COMPLIMENT_TEXT
    with pytest.raises(NeedsModels):
        lean_record(text, COMPLIMENT)


# ---- kscms.yaml ------------------------------------------------------------------------------

CONFIGS = [
    (PROJECT / "kscms.yaml").read_text(encoding="utf-8"),
    (PROJECT / "kscms" / "scaffold" / "kscms.yaml").read_text(encoding="utf-8"),
    CONFIG,
    *(
        p.read_text(encoding="utf-8")
        for p in sorted((PROJECT / "tests" / "fixtures" / "repos").glob("*/kscms.yaml"))
    ),
    CONFIG + "workflows:\n  compliment:\n    statuses: {gemeld: registered, doorgestuurd: forwarded}\n",
]


@pytest.mark.parametrize("text", CONFIGS)
def test_every_config_reads_the_same_both_ways(text: str) -> None:
    config, problems = parse_config(text)
    assert config is not None, problems
    lean = lean_config(text, "kscms.yaml")
    assert fields_of(lean) == fields_of(config)
    assert lean.tz == config.tz and lean.workflows_by_name == config.workflows_by_name
    for role in ("coordinator", "giver", "decider", "analyst"):
        assert lean.people_with_role(role) == config.people_with_role(role)
    for team in config.teams:
        assert lean.team_manager(team) == config.team_manager(team)


@pytest.mark.parametrize(
    "text",
    [
        CONFIG.replace("timezone: Europe/Amsterdam", "timezone: Mars/Olympus"),
        CONFIG.replace("roles: [analyst]", "roles: [boss]"),
        CONFIG.replace("manager: marja", "manager: nobody"),
        CONFIG + "colour: blue\n",
        CONFIG.replace("github: ali-y", "github: MSmit"),  # marja's login, twice
        CONFIG + "norms: {compliment_given_days: -1}\n",
        CONFIG.replace("language: en", "language: en\xa0"),  # not white space to YAML
        CONFIG.replace("language: en", "language: en\x0c"),  # a control character libyaml refuses
        CONFIG + "# gelezen\u2028colour: blue\n",  # a line break to libyaml, inside a comment to Python
        CONFIG.replace("organisation: Test BV\n", ""),
        CONFIG + "targets:\n  no.such_kpi: {min: 1}\n",
        CONFIG + "norms: {compliment_given_days: five}\n",
        "- a list\n",
        "organisation: [unclosed\n",
    ],
)
def test_a_config_with_a_problem_is_left_to_the_models(text: str) -> None:
    config, problems = parse_config(text)
    assert config is None and problems
    with pytest.raises(NeedsModels):
        lean_config(text, "kscms.yaml")


# ---- any data at all -------------------------------------------------------------------------

JUNK = st.sampled_from(
    [
        None,
        "",
        "x",
        "2026-01-01",
        "2026-01-01T09:00:00+01:00",
        "Europe/Amsterdam",
        0,
        1,
        -1,
        2**70,
        1.5,
        float("nan"),
        float("inf"),
        True,
        False,
        dt.date(2026, 1, 1),
        dt.date(1800, 1, 1),
        dt.datetime(2026, 1, 1, 9, 0),
        dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        [],
        {},
        ["a"],
        {"a": 1},
    ]
)
ZONES = [
    dt.UTC,
    dt.timezone(dt.timedelta(hours=1)),
    dt.timezone(dt.timedelta(hours=-9, minutes=-30)),
]


def _bounded(low: Any, high: Any, whole: bool) -> st.SearchStrategy[Any]:
    lo = -(2**40) if low is None else low - 1
    hi = 2**40 if high is None else high + 1
    ints = st.integers(lo, hi)
    return ints if whole else st.one_of(ints, st.floats(lo, hi, allow_nan=False))


def value_for(desc: tuple[Any, ...], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of the kind `desc` (in and just out of bounds), now and then something else."""
    tag = desc[0]
    fitting: st.SearchStrategy[Any]
    if tag == "str":
        fitting = st.text(max_size=4)
    elif tag == "bool":
        fitting = st.booleans()
    elif tag in ("int", "float"):
        fitting = _bounded(desc[1], desc[2], tag == "int")
    elif tag == "date":
        dates = st.dates(dt.date(1890, 1, 1), dt.date(3010, 12, 31))
        fitting = st.one_of(
            dates, dates.map(str), st.sampled_from(["2026-02-30", "2026-1-2", "2026-01-02T00:00"])
        )
    elif tag == "moment":
        moments = st.datetimes(
            dt.datetime(1890, 1, 1), dt.datetime(3010, 1, 1), timezones=st.sampled_from([None, *ZONES])
        )
        forms = st.sampled_from(["T", " ", "t"]).flatmap(
            lambda sep: st.sampled_from(["auto", "minutes", "seconds", "milliseconds"]).map(
                lambda spec: (sep, spec)
            )
        )
        texts = st.tuples(moments, forms).map(lambda m: m[0].isoformat(m[1][0], m[1][1]))
        fitting = st.one_of(moments, texts, texts.map(lambda t: t.replace("+00:00", "Z")))
    elif tag == "zone":
        fitting = st.sampled_from(["Europe/Amsterdam", "UTC", "Mars/Olympus", "", "Europe"])
    elif tag == "literal":
        fitting = st.sampled_from([*desc[1], "other", desc[1][0].upper()])
    elif tag == "list":
        fitting = st.lists(value_for(desc[1], depth + 1), max_size=2 if depth < 3 else 0)
    elif tag == "dict":
        keys = st.one_of(value_for(desc[1], depth + 1).filter(_hashable), st.sampled_from([0, None, True]))
        fitting = st.dictionaries(keys, value_for(desc[2], depth + 1), max_size=2)
    elif tag == "nullable":
        fitting = st.one_of(st.none(), value_for(desc[1], depth))
    elif tag == "union":
        fitting = st.one_of(*(value_for(d, depth) for d in desc[1]))
    elif tag == "model":
        fitting = data_for(desc[1], depth + 1)
    else:
        raise AssertionError(f"no strategy for {tag}: teach this test the new kind")
    return st.one_of(fitting, fitting, fitting, JUNK)


def _hashable(value: Any) -> bool:
    return not isinstance(value, list | dict)


@st.composite
def data_for(draw: st.DrawFn, name: str, depth: int = 0) -> dict[Any, Any]:
    """A mapping for the model `name`: most fields, most of them fitting, now and then a stray key."""
    out: dict[Any, Any] = {}
    for field, desc, default in TABLE[name]:
        if draw(st.integers(0, 9)) < (9 if default == ("required",) else 5):
            out[field] = draw(value_for(desc, depth))
    if draw(st.integers(0, 19)) == 0:
        out[draw(st.sampled_from(["extra", "Id", 1]))] = 1
    return out


@pytest.mark.parametrize("name", sorted(TABLE))
@settings(
    max_examples=int(os.environ.get("LEAN_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_whatever_the_lean_reader_vouches_for_the_models_accept_alike(name: str, data: st.DataObject) -> None:
    value = data.draw(data_for(name))
    try:
        lean = lean_data(name, value)
    except NeedsModels:
        return
    model = CLASSES_BY_NAME[name].model_validate(value)  # raises if the lean reader vouched wrongly
    assert fields_of(lean) == fields_of(model)
    assert field_names(lean) == list(model.__dict__)


def _demo_data() -> list[tuple[str, dict[str, Any]]]:
    from kscms.frontmatter import split
    from kscms.model.lean import RECORD_MODELS
    from kscms.yamlio import load

    out = []
    for path in DEMO_RECORDS:
        data = load(split(path.read_text(encoding="utf-8")).yaml).data
        out.append((RECORD_MODELS[data["type"]], data))
    return out


DEMO_DATA = _demo_data()


@settings(max_examples=int(os.environ.get("LEAN_EXAMPLES", "150")) * 2, deadline=None)
@given(data=st.data())
def test_a_demo_record_with_one_field_changed_reads_alike_or_goes_to_the_models(data: st.DataObject) -> None:
    name, original = data.draw(st.sampled_from(DEMO_DATA))
    value = copy.deepcopy(original)
    field, desc, _default = data.draw(st.sampled_from(TABLE[name]))
    if field in value and data.draw(st.integers(0, 4)) == 0:
        del value[field]
    else:
        value[field] = data.draw(value_for(desc))
    try:
        lean = lean_data(name, value)
    except NeedsModels:
        return
    model = CLASSES_BY_NAME[name].model_validate(value)
    assert fields_of(lean) == fields_of(model)


def test_the_lean_reader_vouches_for_typical_data_of_every_model() -> None:
    """The property test above is empty if the lean reader declines everything: it must not."""
    vouched = set()
    for name, fields in TABLE.items():
        sample = {f: _typical(desc) for f, desc, default in fields if default == ("required",)}
        lean_data(name, sample)
        vouched.add(name)
    assert vouched == set(TABLE)


TYPICAL = {
    "str": "x",
    "bool": True,
    "float": 0.5,
    "date": dt.date(2026, 1, 1),
    "moment": dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC),
    "zone": "UTC",
    "list": [],
    "dict": {},
    "nullable": None,
    "model": {},
}


def _typical(desc: tuple[Any, ...]) -> Any:
    """A value the model takes for a field of kind `desc` (a model: one with its defaults)."""
    if desc[0] == "int":
        return 1 if desc[1] is None else desc[1]
    if desc[0] == "literal":
        return desc[1][0]
    return TYPICAL[desc[0]]


# ---- check --base never imports pydantic for a valid change -----------------------------------

_PROBE = """
import sys
from kscms.cli import main
sys.argv = ["kscms", "--root", sys.argv[1], "check", "--base", "main", "--actor", "msmit"]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("pydantic" in sys.modules, "yaml" in sys.modules, code)
"""


def _probe(root: Path) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(root)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip(), done.stderr


def test_check_base_judges_a_valid_change_without_pydantic_or_pyyaml(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    # kscms.yaml in the plain style (marja's entry on one line), which needs no PyYAML either
    replace(root, "kscms.yaml", ",\n          manages:", ", manages:")
    commit(root, "kscms.yaml: one line a person")
    git(root, "switch", "-q", "-c", "feature")
    append_event(root, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: marja, status: given}", "given")
    commit(root, "Compliment given", author="marja")
    assert _probe(root) == ("False False 0", "1 records checked: no problems\n")


def test_check_base_reads_an_invalid_change_with_the_models(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    git(root, "switch", "-q", "-c", "feature")
    replace(root, COMPLIMENT, "source: email", "source: mail")
    out, err = _probe(root)
    problem, loaded = out.split("\n")
    assert problem.startswith(f"{COMPLIMENT}:7: error[bad-type]: `source` is 'mail', expected: ")
    assert loaded == "True True 1"
    assert err == "1 records checked: 1 error(s), 0 warning(s) in 1 file(s)\n"


def test_hostile_records_are_read_the_same_or_left_to_the_models_in_bounded_time() -> None:
    """The pathological cases of `test_robust_pathological` (deep nesting, 50k keys, 1 MiB bodies,
    control characters, NUL bytes...) never crash the lean reader: it declines, or agrees."""
    import time

    from test_robust_pathological import CASES, PATH

    from kscms.model import decode_record

    for name, (raw, _codes) in CASES.items():
        text, problems = decode_record(raw, PATH)
        if text is None:
            continue
        started = time.perf_counter()
        try:
            lean = lean_record(text, PATH)
        except NeedsModels:
            lean = None
        assert time.perf_counter() - started < 5, name
        record, problems = parse_record(text, PATH)
        if lean is not None:
            assert record is not None and not problems, name
            assert fields_of(lean) == fields_of(record), name
