"""Run the shell steps of one GitHub workflow job on this machine, as GitHub would (for `scripts/ci-dry`).

The steps are read from the workflow file itself, so the dry run cannot drift from what CI runs.
`uses:` steps (checkout, setup-python, uploads) are skipped: the working directory stands in for the
checkout, and `kscms` comes from PATH, so steps that install kscms with pip are skipped too, as are
steps that call the GitHub API (`gh`). `${{ }}` expressions in `if:`, `env:` and `run:` are evaluated
against a context given as JSON (the subset of the expression language the kscms workflows use:
contexts, literals, `==`, `!=`, `!`, `&&`, `||`, parentheses, `contains`, `startsWith`, `endsWith`,
`success()`, `failure()`, `always()`, and `*` object filters). Each `run:` goes to
`bash --noprofile --norc -eo pipefail`, GitHub's default shell, with RUNNER_TEMP, GITHUB_OUTPUT and
GITHUB_ENV set; outputs feed `steps.<id>.outputs`.

Usage:
  workflow_steps.py run WORKFLOW JOB --context CONTEXT.json [--cwd DIR]
      exit code: that of the first failing step (0 when every step passed or was skipped)
  workflow_steps.py form-body FORM.yml
      print the issue body GitHub renders from that issue form, filled in with example answers
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!().,\[\]*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.S)


class ExpressionError(ValueError):
    """An expression that this dry run cannot evaluate."""


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:]!r}")
        pos = match.end()
        if match["str"] is not None:
            out.append(("lit", match["str"][1:-1].replace("''", "'")))
        elif match["num"] is not None:
            out.append(("lit", float(match["num"])))
        elif match["op"] is not None:
            out.append(("op", match["op"]))
        else:
            name = match["name"]
            literal = {"true": True, "false": False, "null": None}
            out.append(("lit", literal[name]) if name in literal else ("name", name))
    return out


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, 0.0, "") and value != []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class _Parser:
    """Recursive descent over the tokens; evaluates as it parses (no side effects)."""

    def __init__(self, text: str, context: dict[str, Any], status: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.context = context
        self.status = status

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, Any]:
        token = self.peek()
        if token is None or (op is not None and token != ("op", op)):
            raise ExpressionError(f"expected {op or 'more'} at token {self.pos}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if _truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.unary()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.unary()
            value = right if _truthy(value) else value
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not _truthy(self.unary())
        left = self.primary()
        token = self.peek()
        if token in (("op", "=="), ("op", "!=")):
            self.take()
            right = self.primary()
            same = _equal(left, right)
            return same if token == ("op", "==") else not same
        return left

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "lit":
            return value
        if (kind, value) == ("op", "("):
            inner = self.or_()
            self.take(")")
            return inner
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r}")
        if self.peek() == ("op", "("):
            return self.call(value)
        current: Any = self.context.get(value)
        while self.peek() in (("op", "."), ("op", "[")):
            _, op = self.take()
            if op == "[":
                key = self.primary()
                self.take("]")
                current = _index(current, _text(key))
            elif self.peek() == ("op", "*"):
                self.take()
                current = list(current.values()) if isinstance(current, dict) else list(current or [])
                current = _Filtered(current)
            else:
                _, name = self.take()
                current = _index(current, str(name))
        return list(current) if isinstance(current, _Filtered) else current

    def call(self, name: str) -> Any:
        self.take("(")
        args = []
        while self.peek() != ("op", ")"):
            args.append(self.or_())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        low = name.lower()
        if low == "success":
            return self.status == "success"
        if low == "failure":
            return self.status == "failure"
        if low in ("always", "cancelled"):
            return low == "always"
        if low == "contains":
            haystack, needle = args
            if isinstance(haystack, list):
                return any(_equal(item, needle) for item in haystack)
            return _text(needle).lower() in _text(haystack).lower()
        if low in ("startswith", "endswith"):
            text, part = _text(args[0]).lower(), _text(args[1]).lower()
            return text.startswith(part) if low == "startswith" else text.endswith(part)
        raise ExpressionError(f"function {name}() is not supported by the dry run")


class _Filtered(list):  # type: ignore[type-arg]
    """The result of a `.*` filter: further property access maps over the items."""


def _index(current: Any, key: str) -> Any:
    if isinstance(current, _Filtered):
        return _Filtered(_index(item, key) for item in current)
    if isinstance(current, dict):
        for k, v in current.items():
            if str(k).lower() == key.lower():
                return v
    return None


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return bool(left == right)


def evaluate(expression: str, context: dict[str, Any], status: str = "success") -> Any:
    """The value of one expression (without the `${{ }}`)."""
    return _Parser(expression, context, status).parse()


def substitute(text: str, context: dict[str, Any]) -> str:
    """Replace every `${{ expression }}` in `text` with its value."""
    return _TEMPLATE.sub(lambda m: _text(evaluate(m[1], context)), text)


def condition(raw: Any, context: dict[str, Any], status: str) -> bool:
    """An `if:` value (with or without `${{ }}`); status functions default to success()."""
    if raw is None:
        return status == "success"
    if isinstance(raw, bool):
        return raw and status == "success"
    text = str(raw).strip()
    match = _TEMPLATE.fullmatch(text)
    text = match[1] if match else text
    if not re.search(r"\b(success|failure|always|cancelled)\s*\(", text):
        text = f"success() && ({text})"
    return _truthy(evaluate(text, context, status))


def _read_outputs(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            name, delimiter = line.split("<<", 1)
            value = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            out[name] = value_text
        i += 1
    return out


def _skip_reason(step: dict[str, Any]) -> str | None:
    if "uses" in step:
        return f"action {step['uses'].split('@')[0]}: the dry run runs shell steps only"
    run = str(step.get("run", ""))
    if re.search(r"\bpip install\b", run):
        return "installs kscms: the dry run uses the kscms on PATH"
    if re.search(r"(^|[\s;&|(])gh\s", run):
        return "calls the GitHub API (gh)"
    return None


def run_job(workflow: Path, job_id: str, context: dict[str, Any], cwd: Path) -> int:
    """Run the shell steps of one job; return the exit code of the first failing step, else 0."""
    doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    job = (doc.get("jobs") or {}).get(job_id)
    if job is None:
        print(f"ci-dry: {workflow.name} has no job {job_id!r}", file=sys.stderr)
        return 2
    context = {"secrets": {}, "vars": {}, "inputs": {}, "steps": {}, "runner": {"os": "Linux"}, **context}
    if not condition(job.get("if"), context, "success"):
        print(f"   job {job_id}: skipped (its `if:` is false for this event)")
        return 0
    runner_temp = Path(tempfile.mkdtemp(prefix="runner-temp-"))
    base_env = {**os.environ, "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(runner_temp)}
    base_env["GITHUB_EVENT_NAME"] = str(context.get("github", {}).get("event_name", ""))
    env_layers = [doc.get("env") or {}, job.get("env") or {}]
    status, first_failure = "success", 0
    for number, step in enumerate(job.get("steps") or [], start=1):
        name = (
            step.get("name")
            or str(step.get("uses", "")).split("@")[0]
            or str(step.get("run", "")).split("\n")[0]
        )
        reason = _skip_reason(step)
        if reason:
            print(f"-- step {number}: {name}: skipped ({reason})")
            continue
        if not condition(step.get("if"), context, status):
            print(f"-- step {number}: {name}: skipped (`if: {step.get('if')}` is false)")
            continue
        env = dict(base_env)
        for layer in [*env_layers, step.get("env") or {}]:
            env.update({str(k): substitute(_text(v), context) for k, v in layer.items()})
        outputs = runner_temp / f"output-{number}"
        outputs.write_text("", encoding="utf-8")
        env["GITHUB_OUTPUT"] = str(outputs)
        env["GITHUB_ENV"] = str(runner_temp / "env")
        script = substitute(str(step["run"]), context)
        print(f"-- step {number}: {name}")
        print("   $ " + script.rstrip("\n").replace("\n", "\n   $ "), flush=True)
        code = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env
        ).returncode
        print(f"   (exit {code})", flush=True)
        if step.get("id"):
            context["steps"][step["id"]] = {
                "outputs": _read_outputs(outputs),
                "outcome": "success" if code == 0 else "failure",
            }
        if code != 0 and status == "success":
            status, first_failure = "failure", code
    return first_failure


def form_body(form: Path) -> str:
    """The Markdown GitHub renders from an issue form, with example answers."""
    doc = yaml.safe_load(form.read_text(encoding="utf-8"))
    parts = []
    for element in doc.get("body") or []:
        kind, attributes = element.get("type"), element.get("attributes") or {}
        if kind == "markdown":
            continue
        answer = "_No response_"
        if kind == "input" and element.get("id") == "title":
            answer = "ci-dry: voorbeeld uit het formulier"
        elif kind == "textarea":
            answer = "Een voorbeeld, ingevuld door ci-dry."
        elif kind == "dropdown" and (
            (element.get("validations") or {}).get("required") or element.get("id") == "receiver_teams"
        ):
            answer = attributes["options"][0]
        elif kind == "checkboxes":
            answer = "\n".join(
                f"- [{'X' if option.get('required') else ' '}] {option['label']}"
                for option in attributes["options"]
            )
        parts.append(f"### {attributes['label']}\n\n{answer}")
    return "\n\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "form-body":
        sys.stdout.write(form_body(Path(argv[1])))
        return 0
    if len(argv) >= 3 and argv[0] == "run":
        workflow, job_id, rest = Path(argv[1]), argv[2], argv[3:]
        options = dict(zip(rest[::2], rest[1::2], strict=False))
        context = (
            json.loads(Path(options["--context"]).read_text(encoding="utf-8"))
            if "--context" in options
            else {}
        )
        try:
            return run_job(workflow, job_id, context, Path(options.get("--cwd", ".")))
        except ExpressionError as exc:
            print(f"ci-dry: {workflow.name}: {exc}", file=sys.stderr)
            return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
