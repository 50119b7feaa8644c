"""Every problem code kscms reports, with a one-line description (the README documents each)."""

from __future__ import annotations

CODES: dict[str, str] = {
    # reading
    "file-too-large": "the file is larger than 1 MiB",
    "not-utf8": "the file is not UTF-8 text (or holds NUL bytes)",
    "front-matter": "the `---` front-matter block is missing, unclosed, empty, not a mapping, or starts with a BOM",
    "yaml-syntax": "the YAML cannot be parsed (including impossible dates and overlong integers)",
    "yaml-duplicate-key": "a key appears twice in one mapping",
    "yaml-alias": "an anchor (`&a`) or alias (`*a`): refused, to keep records plain and safe",
    "yaml-tag": "an explicit tag such as `!!python/object`: refused",
    "yaml-too-deep": "nesting deeper than 32 levels",
    "symlink": "a symbolic link under records/: refused",
    # fields
    "missing-field": "a required field is missing",
    "unknown-field": "a field that the record type does not have",
    "bad-type": "a field has the wrong type or an impossible value",
    "bad-id": "the id does not match S|C|I-YYYYMMDD-slug (at most 64 characters)",
    "id-path-mismatch": "id, file name, folder, type letter, year or created date disagree",
    "duplicate-id": "two records share an id",
    "unknown-reference": "a person, team, theme, department, segment or record id that does not exist",
    "survey-weights": "the `importance` weights of a survey's elements do not sum to about 1 (within 0.05; a warning)",
    # workflow
    "illegal-transition": "a history step that the workflow does not allow",
    "not-permitted": "a history step by someone whose role does not allow it",
    "time-order": "an event earlier than the one before it",
    "future-event": "an event later than now, or a date received (`created`) after today",
    "status-mismatch": "`status` differs from the status of the last history event",
    "status-needs-field": "a status was reached without a field it needs",
    # privacy
    "personal-data": "an e-mail address, phone number or IBAN in a public field of a consented compliment, or a name as customer id",
    # changes (--base, audit)
    "history-rewritten": "an existing history event was edited, removed or reordered",
    "immutable-field": "`id`, `type` or `created` changed",
    "record-deleted": "a record was deleted (withdraw it instead)",
    "actor-mismatch": "a new event's `by` is not the pull request's author",
    "backdated-event": "an event is much older than the commit that added it",
    "base-unparsable": "a changed record does not parse at the base ref, so its change cannot be checked",
    "codeowners-outdated": ".github/CODEOWNERS does not match kscms.yaml",
    "forms-outdated": "an issue form in .github/ISSUE_TEMPLATE/ does not match kscms.yaml (warning)",
}
