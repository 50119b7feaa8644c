"""Lay the records of a kscms repository out as a Hugo site, for the benchmark baseline.

Usage::

    python bench/to_hugo.py bench/work/repo-10000 bench/work/hugo-10000

Copies ``bench/hugo_site`` (config and layouts) to OUT and writes each record to
``content/<type>s/<YYYY>/<id>.md`` with the same YAML front matter and Markdown
body.  Only the keys that mean something else to Hugo are renamed: ``type``
(Hugo's layout type) becomes ``kscms_type`` and ``kind`` (Hugo's page kind)
becomes ``kscms_kind``; ``created`` is Hugo's date through ``[frontmatter]`` in
``hugo.toml``, and ``themes`` and ``departments`` are Hugo taxonomies.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

SITE = Path(__file__).resolve().parent / "hugo_site"
RENAMED = re.compile(r"^(type|kind):", re.MULTILINE)
SECTIONS = {"signals": "Signalen", "compliments": "Complimenten", "improvements": "Verbeteringen"}


def convert(text: str) -> str:
    """The Hugo version of one record file: front matter keys renamed, body untouched."""
    _, front, body = text.split("---\n", 2)
    return "---\n" + RENAMED.sub(r"kscms_\1:", front) + "---\n" + body


def to_hugo(repo: Path, out: Path) -> int:
    """Write the Hugo site for ``repo`` to ``out`` (replacing it); return the number of records."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(SITE, out)
    content = out / "content"
    content.mkdir()
    for section, title in SECTIONS.items():
        (content / section).mkdir()
        (content / section / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    count = 0
    made: set[Path] = set()
    for source in repo.glob("records/*/*/*.md"):
        target = content / source.relative_to(repo / "records")
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(convert(source.read_text(encoding="utf-8")), encoding="utf-8")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="kscms repository (holds records/)")
    parser.add_argument("out", type=Path, help="Hugo site directory to (re)create")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = to_hugo(args.repo, args.out)
    print(f"{count} records laid out for Hugo in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
