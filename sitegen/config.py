"""The site configuration: declared once as typed, documented fields.

`load_config` reads site.yml, validates every key against this schema, and
reports all problems together, each with its key and line. Unknown keys are
errors with a "did you mean" hint, so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from .errors import ConfigError, ContentError, Problem
from .yamlio import key_lines, load_yaml


def doc(text: str, **kwargs: Any) -> Any:
    """A field with its documentation kept beside it (shown in errors)."""
    return field(metadata={"doc": text}, **kwargs)


@dataclass(frozen=True)
class Publisher:
    name: str = doc("the outlet's name; also the fallback author", default="")
    url: str = doc("the outlet's home page", default="")
    logo: str = doc("path or URL of the outlet's logo", default="")


@dataclass(frozen=True)
class PerPage:
    home: int = doc("articles on the home page", default=20)
    author: int = doc("articles per page of an author", default=20)
    topic: int = doc("articles per page of a topic", default=20)
    archive: int = doc("articles per page of a month in the archive", default=30)


@dataclass(frozen=True)
class Labels:
    """Names of the taxonomies as the reader sees them."""

    authors: str = doc("heading of the author index", default="الكتّاب")
    author: str = doc("one author", default="الكاتب")
    topics: str = doc("heading of the topic index", default="المواضيع")
    topic: str = doc("one topic", default="الموضوع")
    archive: str = doc("heading of the archive", default="الأرشيف")
    undated: str = doc("the archive section of undated articles", default="بدون تاريخ")


@dataclass(frozen=True)
class Importer:
    furniture: tuple[str, ...] = doc(
        "extra regular expressions for page furniture lines to drop on import", default=()
    )


@dataclass(frozen=True)
class Config:
    title: str = doc("the archive's name", default="أرشيف")
    description: str = doc("one sentence about the archive", default="")
    base_url: str = doc("where the site is published, e.g. https://user.github.io/archive/", default="/")
    language: str = doc("default language of articles (BCP 47)", default="ar")
    locale: str = doc("CLDR locale for dates: ar, ar_LB, ar_SY, ar_EG ...", default="ar")
    digits: Literal["latn", "arab"] = doc("digits for dates and counts: latn or arab", default="latn")
    publisher: Publisher = doc("the outlet", default_factory=Publisher)
    per_page: PerPage = doc("pagination sizes", default_factory=PerPage)
    domain: str = doc("custom domain for GitHub Pages, written to public/CNAME", default="")
    feed_entries: int = doc("entries in each Atom feed", default=20)
    theme: str = doc("theme folder name under themes/", default="default")
    labels: Labels = doc("taxonomy labels", default_factory=Labels)
    importer: Importer = doc("settings of `sitegen import`", default_factory=Importer)
    # Where the config file lives; content, templates and static resolve from here.
    root: Path = field(default=Path("."), metadata={"internal": True})

    @property
    def dir(self) -> str:
        """Text direction of the site's language."""
        return text_direction(self.language)

    # Cached: the renderer asks on every page and for every URL in its JSON-LD.
    @cached_property
    def absolute(self) -> bool:
        """Whether base_url is a full URL, as feeds, sitemaps and canonical links need."""
        return bool(urlsplit(self.base_url).netloc)

    @cached_property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"})


def text_direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0].split("_")[0].lower() in RTL_LANGUAGES else "ltr"


def load_config(path: Path | str, overrides: dict[str, Any] | None = None) -> Config:
    """Read and validate site.yml; raise ConfigError listing every problem.

    `overrides` replace top-level keys (from the command line) and are validated alike.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            Problem(str(path), "config file not found", "create site.yml or pass --config PATH")
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            Problem(str(path), f"not UTF-8 (byte {exc.start})", "save the file as UTF-8")
        ) from None
    try:
        data = load_yaml(text, path, what="site.yml") or {}
    except ContentError as exc:
        raise ConfigError(exc.problems) from None
    if not isinstance(data, dict):
        raise ConfigError(Problem(f"{path}:1", "site.yml must be a mapping of keys", "write `key: value` lines"))
    problems: list[Problem] = []
    lines = key_lines(text)
    data.update(overrides or {})
    values = _convert(Config, data, (), problems, path, lines)
    config = Config(**values, root=path.parent.resolve())
    problems.extend(_check_values(config, path, lines))
    if problems:
        raise ConfigError(problems)
    return config


def default_config(root: Path) -> Config:
    return Config(root=root.resolve())


def _where(path: Path, lines: dict[tuple[str, ...], int], key: tuple[str, ...]) -> str:
    line = lines.get(key)
    dotted = ".".join(key)
    return f"{path}:{line}: {dotted}" if line else f"{path}: {dotted}"


def _convert(
    cls: type, data: dict, prefix: tuple[str, ...], problems: list[Problem], path: Path, lines: dict
) -> dict[str, Any]:
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, raw in data.items():
        key = str(key)
        where = _where(path, lines, prefix + (key,))
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            fix = f"did you mean `{close[0]}`?" if close else "allowed: " + ", ".join(fields)
            problems.append(Problem(where, "unknown key", fix))
            continue
        values[key] = _coerce(hints[key], raw, prefix + (key,), problems, path, lines, fields[key])
    return values


def _coerce(hint: Any, raw: Any, key: tuple[str, ...], problems: list[Problem], path: Path, lines: dict, f: Any) -> Any:
    where = _where(path, lines, key)
    expected = f.metadata.get("doc", "")
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(raw, dict):
            problems.append(Problem(where, "must be a mapping", f"give the keys of {expected}"))
            return hint()
        return hint(**_convert(hint, raw, key, problems, path, lines))
    if origin is Literal:
        choices = typing.get_args(hint)
        if raw not in choices:
            problems.append(Problem(where, f"must be one of {', '.join(choices)}, not {raw!r}", expected))
        return raw
    if origin is tuple:
        items = raw if isinstance(raw, list) else None
        if items is None or not all(isinstance(i, str) for i in items):
            problems.append(Problem(where, "must be a list of strings", expected))
            return ()
        return tuple(items)
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            problems.append(Problem(where, f"must be a whole number of at least 1, not {raw!r}", expected))
        return raw
    if hint is str:
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            problems.append(Problem(where, f"must be text, not {type(raw).__name__}", expected))
            return ""
        return str(raw)
    return raw


def _check_values(config: Config, path: Path, lines: dict) -> list[Problem]:
    """Rules that span more than a type: URLs and locales."""
    problems = []
    parts = urlsplit(config.base_url)
    if config.base_url != "/" and (parts.scheme not in ("http", "https") or not parts.netloc):
        problems.append(
            Problem(
                _where(path, lines, ("base_url",)),
                f"{config.base_url!r} is not an absolute http(s) URL",
                "write it in full, e.g. https://user.github.io/archive/",
            )
        )
    if parts.query or parts.fragment:
        problems.append(
            Problem(_where(path, lines, ("base_url",)), "must not carry a query or fragment", "remove what follows ? or #")
        )
    domain = str(config.domain)
    if domain and (any(c.isspace() for c in domain) or "/" in domain or ":" in domain or "." not in domain):
        problems.append(
            Problem(_where(path, lines, ("domain",)), f"{domain!r} is not a bare domain name", "write it like archive.example.org: no scheme, path or spaces")
        )
    for key in ("locale", "language"):
        value = str(getattr(config, key))
        try:
            Locale.parse(value.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            problems.append(Problem(_where(path, lines, (key,)), f"unknown locale {value!r}", "use e.g. ar, ar_LB, ar_EG or en"))
    return problems
