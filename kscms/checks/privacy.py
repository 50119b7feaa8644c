"""Likely personal data where it could become public."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kscms.checks.context import CheckContext
from kscms.diagnostics import Problem
from kscms.model.kinds import Compliment, Signal

if TYPE_CHECKING:
    from kscms.model.base import Record

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
"""Starts only where a local part can start: without the look-behind, a long run of letters was
tried from each of its positions (quadratic: 300 s for a 200,000-character word)."""
PHONE = re.compile(r"(?<![\w+])(?:\+|\()?\d(?:[\s().-]{0,3}\d){7,14}(?!\w)")
"""Digits with the separators phone numbers are written with: `(020) 123 45 67`, `020 - 123 45 67`,
`+31 6 1234 5678`; `is_phone_number` then asks whether the digits make one."""
IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}[ ]?[A-Z]{4}[ ]?(?:\d[ ]?){10}\b|\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}\b"
)
PATTERNS = (("an e-mail address", EMAIL), ("an IBAN", IBAN), ("a phone number", PHONE))
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(?!\d)|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?!\d)")


_DIGITS = re.compile(r"\d")


def is_phone_number(written: str) -> bool:
    """Do these digits make a phone number: international (`+` or `00` and 8 to 15 digits) or Dutch
    national (`0` and at least 9 more)? Dates and times (`2026-11-20 12:00`), invoice and order
    numbers (`2026001234`) and amounts do not."""
    if DATE_LIKE.match(written.lstrip("(")):
        return False
    digits = "".join(_DIGITS.findall(written))
    if written.startswith("+"):
        return 8 <= len(digits) <= 15
    if digits.startswith("00"):
        return 10 <= len(digits) <= 17
    return digits.startswith("0") and len(digits) >= 10


def find_personal_data(text: str) -> tuple[str, int] | None:
    """What kind of personal data `text` seems to hold and where, or None."""
    if "@" not in text and len(_DIGITS.findall(text)) < 9:
        return None
    for what, pattern in PATTERNS:
        if pattern is EMAIL and "@" not in text:
            continue
        for match in pattern.finditer(text):
            if what == "a phone number" and not is_phone_number(match.group()):
                continue
            return what, match.start()
    return None


def check_personal_data(record: Record, ctx: CheckContext) -> Iterator[Problem]:
    """Contact details in the public fields of a compliment with consent; names as customer ids."""
    if (
        isinstance(record, Signal)
        and record.customer
        and (EMAIL.search(record.customer) or " " in record.customer.strip())
    ):
        yield Problem(
            record.path,
            record.line_of("customer"),
            "personal-data",
            f"`customer` is `{record.customer}`: use a pseudonymous id such as K-1043, never a name or address",
            field="customer",
        )
    if not isinstance(record, Compliment) or not (record.consent.maker or record.consent.receivers):
        return
    fields = [
        ("title", record.title, record.line_of("title")),
        ("maker.display", record.maker.display or "", record.line_of("maker.display")),
    ]
    for field, text, line in fields:
        found = find_personal_data(text)
        if found:
            yield Problem(
                record.path,
                line,
                "personal-data",
                f"`{field}` seems to hold {found[0]}, and this compliment may be published: "
                "move contact details to `maker.contact`",
                field=field,
            )
    body = record.body
    lines = body.split("\n") if find_personal_data(body) else []
    for offset, line_text in enumerate(lines):
        found = find_personal_data(line_text)
        if found:
            line = record.body_line + offset
            yield Problem(
                record.path,
                line,
                "personal-data",
                f"the body seems to hold {found[0]}, and this compliment may be published: "
                "remove it or move it to `maker.contact`",
                field="body",
            )
