"""Record ids: `S|C|I-YYYYMMDD-slug`, the only place that knows the type letters."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

ID_PATTERN = re.compile(r"^[SCI]-\d{8}-[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ID_LENGTH = 64
TYPE_LETTERS = {"signal": "S", "compliment": "C", "improvement": "I"}
LETTER_TYPES = {v: k for k, v in TYPE_LETTERS.items()}
TYPES = tuple(TYPE_LETTERS)
TYPE_DIRS = {t: f"{t}s" for t in TYPES}


def id_problem(record_id: str) -> str | None:
    """Why `record_id` is not a valid id, or None."""
    if len(record_id) > MAX_ID_LENGTH:
        return f"id is {len(record_id)} characters long, at most {MAX_ID_LENGTH} allowed: shorten the slug"
    if not ID_PATTERN.match(record_id):
        return f"id `{record_id}` does not match S|C|I-YYYYMMDD-slug (lowercase letters, digits, hyphens)"
    try:
        id_date(record_id)
    except ValueError:
        return f"id `{record_id}` holds no real date"
    return None


def id_date(record_id: str) -> dt.date:
    """The date in an id (raises ValueError when there is none)."""
    digits = record_id[2:10]
    if len(digits) != 8 or not digits.isdigit():
        raise ValueError(f"no date in {record_id!r}")
    return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def slugify(text: str, max_length: int = 40) -> str:
    """Lowercase ASCII words joined by hyphens: 'Printer snel gemaakt!' -> 'printer-snel-gemaakt'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "record")


def make_id(record_type: str, created: dt.date, title: str) -> str:
    return f"{TYPE_LETTERS[record_type]}-{created:%Y%m%d}-{slugify(title, MAX_ID_LENGTH - 11)}"


def relative_path(record_type: str, record_id: str, created: dt.date) -> str:
    """`records/<type>s/<YYYY>/<id>.md`."""
    return f"records/{TYPE_DIRS[record_type]}/{created.year:04d}/{record_id}.md"
