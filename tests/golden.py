"""Golden output of the site: `python -m tests.golden` (or `make golden`) regenerates tests/golden/.

The minimal fixture repository is built as of a fixed date, without cache, and its public/ and
internal/ folders are compared byte for byte by tests/test_site.py (pelican's functional tests).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "minimal"


def build_minimal(out: Path) -> None:
    """Build the minimal fixture into `out` (public/ and internal/)."""
    sys.path.insert(0, str(HERE))
    from site_helpers import MINIMAL, MINIMAL_AS_OF

    from kscms.repository import Repository
    from kscms.site import build

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "minimal"
        shutil.copytree(MINIMAL, root)
        build(Repository.open(root), out, as_of=MINIMAL_AS_OF, use_cache=False)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build_minimal(out)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        GOLDEN.mkdir(parents=True)
        for part in ("public", "internal"):
            shutil.copytree(out / part, GOLDEN / part)
    count = sum(1 for p in GOLDEN.rglob("*") if p.is_file())
    print(f"wrote {count} files to {GOLDEN.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
