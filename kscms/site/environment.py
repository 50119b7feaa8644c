"""The Jinja environment of the site: user templates first, autoescape everywhere, StrictUndefined.

A data repository may override any built-in template by putting a file with the same name in its
own `site_templates/`; the built-in one stays reachable as `default:<name>` (datasette's recipe), so
an override can `{% extends "default:public/base.html" %}` and change one block.
"""

from __future__ import annotations

import contextlib
import copy
import gettext
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup

from kscms.site.htmlparts import GLOBALS
from kscms.site.i18n import translations


def builtin_templates() -> Path:
    """The built-in theme shipped inside the package (`kscms/site_templates`)."""
    return Path(str(resources.files("kscms") / "site_templates")).resolve()


def template_dirs(repo_root: Path | None) -> list[Path]:
    """Folders searched for templates, user's first (only existing ones)."""
    dirs: list[Path] = []
    builtin = builtin_templates()
    if repo_root is not None:
        user = (repo_root / "site_templates").resolve()
        if user.is_dir() and user != builtin:
            dirs.append(user)
    dirs.append(builtin)
    return dirs


def make_environment(repo_root: Path | None, language: str, bytecode_dir: Path | None = None) -> Environment:
    """A fresh environment for `language` with the user's templates before the built-in ones.

    `bytecode_dir`: where compiled templates are cached between builds (keyed by source checksum).
    """
    dirs = template_dirs(repo_root)
    builtin = FileSystemLoader(str(dirs[-1]))
    loaders: list[BaseLoader] = [
        FileSystemLoader([str(d) for d in dirs]),
        PrefixLoader({"default": builtin}, ":"),
    ]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True, enabled_extensions=()),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(bytecode_dir),
    )
    trans = site_translations(repo_root, language)
    env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _fast_gettext(trans)
    env.globals["language"] = language
    env.filters["label"] = _label_filter(trans)
    env.filters["markdown"] = _markdown_filter
    env.globals["fragment"] = _fragment_function(env)
    env.globals["card"] = CardRenderer(env)
    env.globals.update(GLOBALS)
    return env


def _bytecode_cache(folder: Path | None) -> BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TolerantBytecodeCache(str(folder))


class _TolerantBytecodeCache(FileSystemBytecodeCache):
    """A compiled-template cache whose failures (a cache folder removed or full mid-build, two builds
    sharing it) cost a recompile, never the build."""

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def site_translations(repo_root: Path | None, language: str) -> gettext.NullTranslations:
    """The catalogue for `language`: the user's own `site_templates/locales` first, then the built-in."""
    dirs = template_dirs(repo_root)
    trans = translations(dirs[-1], language)
    if len(dirs) > 1:
        user = translations(dirs[0], language)
        if isinstance(user, gettext.GNUTranslations):
            combined = copy.copy(user)
            combined._fallback = None  # type: ignore[attr-defined]
            combined.add_fallback(trans)
            return combined
    return trans


def _fast_gettext(trans: gettext.NullTranslations) -> Any:
    """`_()` as the i18n extension's new-style gettext gives it (autoescaped, `%` with the
    keyword values), remembered per message: templates call it a dozen times on every page."""
    done: dict[str, Markup] = {}

    def gettext_(message: str, **variables: Any) -> Markup:
        if variables:
            return Markup(trans.gettext(message)) % variables
        found = done.get(message)
        if found is None:
            found = done[message] = Markup(trans.gettext(message)) % {}
        return found

    return gettext_


class CardRenderer:
    """`card(item, root)`: a wall card, `partials/_card.html` rendered with `item` and `root`.

    Cards of the wall's pages (root '') are remembered by item in `known`; a build fills it from
    the wall store, so unchanged cards are not rendered again.
    """

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.known: dict[Any, Markup] = {}

    def __call__(self, item: Any, root: str) -> Markup:
        if root == "":
            found = self.known.get(item)
            if found is not None:
                return found
        html = Markup(self.env.get_template("partials/_card.html").render(item=item, root=root))
        if root == "":
            self.known[item] = html
        return html


def _fragment_function(env: Environment) -> Any:
    """`fragment(name, **values)`: a partial rendered once per distinct set of values, then reused.

    For parts that are the same on thousands of pages (the menu); the values must be plain strings.
    """
    rendered: dict[tuple[str, tuple[tuple[str, Any], ...]], Markup] = {}

    def fragment(name: str, **values: Any) -> Markup:
        key = (name, tuple(sorted(values.items())))
        found = rendered.get(key)
        if found is None:
            found = rendered[key] = Markup(env.get_template(name).render(**values))
        return found

    return fragment


def _markdown_filter(text: str) -> Markup:
    """Record text to safe HTML (raw HTML off, only http(s)/mailto links)."""
    from kscms.site.markdown import render_markdown

    return Markup(render_markdown(text))


def _label_filter(trans: Any) -> Any:
    from kscms.site.i18n import label

    def label_filter(value: str | None) -> str:
        return label(trans, value)

    return label_filter


def templates_fingerprint(repo_root: Path | None) -> str:
    """A hash of every template, static file and catalogue: part of the page-cache key."""
    import hashlib

    digest = hashlib.sha256()
    for folder in template_dirs(repo_root):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()
