"""Place drafts in the output folder: never overwrite a hand edit, never
write a duplicate twice, never delete, never write outside the folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..arabic import slugify
from .markdown_out import content_hash, front_matter, render_document, stored_hash
from .model import Draft

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_SLUG_MAX = 80
_SHORT_TEXT_WORDS = 20  # below this, a body alone is too generic to call two articles the same


@dataclass(frozen=True)
class Outcome:
    status: str  # imported | updated | unchanged | duplicate | edited | failed
    origin: str
    path: str = ""
    message: str = ""


@dataclass
class _Existing:
    path: Path
    origin: str
    source_url: str
    text_key: str


def text_key(title: str, body: str) -> str:
    """Same normalised words, same article, whatever the punctuation or markup."""
    words = body.translate(_NOT_WORDS).split()
    if len(words) < _SHORT_TEXT_WORDS:
        words = title.translate(_NOT_WORDS).split() + words
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


# Punctuation, Markdown markup and tashkeel: none of it makes two texts different.
_NOT_WORDS = str.maketrans(
    {c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~،؛؟«»“”‘’„…–—•·\u00a0"}
    | {chr(c): None for c in [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, 0x0640]}
)


class Writer:
    """Decides, per draft, where it goes and whether it may be written."""

    def __init__(self, out: Path, *, force: bool = False, dry_run: bool = False, when: str) -> None:
        self.out = out
        self.root = out.resolve()
        self.shown = _shown_prefix(out)
        self.force = force
        self.dry_run = dry_run
        self.when = when
        self.by_origin: dict[str, _Existing] = {}
        self.by_url: dict[str, _Existing] = {}
        self.by_text: dict[str, _Existing] = {}
        self.names: set[str] = set()
        if out.is_dir():
            self._index()

    def _index(self) -> None:
        for path in sorted(self.out.glob("*.md")):
            self.names.add(path.name)
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            meta, body = _split(text)
            provenance = meta.get("import") if isinstance(meta.get("import"), dict) else {}
            entry = _Existing(
                path,
                str(provenance.get("source", "")),
                str(meta.get("source_url") or ""),
                text_key(str(meta.get("title") or ""), body),
            )
            self._remember(entry)

    def _remember(self, entry: _Existing) -> None:
        if entry.origin:
            self.by_origin.setdefault(entry.origin, entry)
        if entry.source_url:
            self.by_url.setdefault(entry.source_url, entry)
        self.by_text.setdefault(entry.text_key, entry)

    def place(self, draft: Draft) -> Outcome:
        slug = self._slug(draft)
        if slug is None:
            return Outcome("failed", draft.origin, message=f"slug {draft.slug!r} would escape the output folder")
        key = text_key(draft.title, draft.body)
        earlier = self.by_origin.get(draft.origin)
        if earlier is not None:
            # The file keeps its name; its slug is its name.
            return self._replace(earlier, self._render(draft, earlier.path.stem), draft)
        twin = self.by_url.get(draft.source_url) if draft.source_url else None
        reason = "same source_url as"
        if twin is None:
            twin, reason = self.by_text.get(key), "same text as"
        if twin is not None:
            return Outcome("duplicate", draft.origin, self._show(twin.path), f"{reason} {self._show(twin.path)} ({twin.origin or 'written by hand'})")
        path = self._free_path(slug)
        if path is None:
            return Outcome("failed", draft.origin, message=f"file name for slug {slug!r} would escape the output folder")
        self._write(path, self._render(draft, path.stem))
        entry = _Existing(path, draft.origin, draft.source_url, key)
        self.names.add(path.name)
        self._remember(entry)
        return Outcome("imported", draft.origin, self._show(path))

    def _render(self, draft: Draft, slug: str) -> str:
        return render_document(front_matter(draft, slug, self.when), draft.body)

    def _replace(self, earlier: _Existing, document: str, draft: Draft) -> Outcome:
        path = earlier.path
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = ""
        current_hash = content_hash(current)
        if stored_hash(_front(current)) != current_hash and not self.force:
            return Outcome("edited", draft.origin, self._show(path), "edited by hand since it was imported; kept (use --force to overwrite)")
        if stored_hash(_front(document)) == current_hash:
            return Outcome("unchanged", draft.origin, self._show(path))
        self._write(path, document)
        return Outcome("updated", draft.origin, self._show(path))

    def _show(self, path: Path) -> str:
        return f"{self.shown}/{path.name}"

    def _slug(self, draft: Draft) -> str | None:
        if draft.slug:
            if "/" in draft.slug or "\\" in draft.slug or ".." in draft.slug:
                return None
            return slugify(draft.slug)
        if draft.slug_hint:
            return draft.slug_hint
        return _shorten(slugify(draft.title))

    def _free_path(self, slug: str) -> Path | None:
        for n in range(1, 10_000):
            name = f"{slug}.md" if n == 1 else f"{slug}-{n}.md"
            if name in self.names:
                continue
            if not safe_name(name):
                return None
            path = self.out / name
            if not path.exists():
                return path
        return None

    def _write(self, path: Path, document: str) -> None:
        if self.dry_run:
            return
        if path.parent != self.out or not safe_name(path.name):
            raise ValueError(f"refusing to write outside {self.out}: {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # "x" mode: a file that appeared meanwhile is never clobbered.
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(document)
            return
        # Write beside the target, then rename: a crash never leaves half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(document)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def safe_name(name: str) -> bool:
    """A plain file name: it cannot climb out of, or reach beside, the folder."""
    return bool(name) and "/" not in name and "\\" not in name and "\x00" not in name and not name.startswith(".")


def _shorten(slug: str) -> str:
    if len(slug) <= _SLUG_MAX:
        return slug
    cut = slug[:_SLUG_MAX]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def _front(text: str) -> str:
    end = text.find("\n---\n", 4)
    return text[: end + 1] if text.startswith("---\n") and end > 0 else ""


def _split(text: str) -> tuple[dict[str, Any], str]:
    front = _front(text)
    if not front:
        return {}, text
    try:
        meta = yaml.load(front[4:], Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        meta = None
    return (meta if isinstance(meta, dict) else {}), text[len(front) + 4 :]


def _shown_prefix(out: Path) -> str:
    """How paths in --out are shown: relative to the working folder when inside it."""
    try:
        return out.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return out.as_posix()
