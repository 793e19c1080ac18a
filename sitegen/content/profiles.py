"""Author and topic profiles: content/authors/<id>.yml and content/topics/<id>.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..arabic import clean_text, slugify
from ..errors import ContentError, Problem
from ..yamlio import key_lines, load_yaml
from .model import Author, Topic

AUTHOR_KEYS = ("name", "bio", "image", "links", "aliases")
TOPIC_KEYS = ("name", "description", "aliases")
LIST_KEYS = ("links", "aliases")


def _read(root: Path, source: str, allowed: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    raw = (root / source).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(Problem(source, f"not UTF-8 (byte {exc.start})", "re-save the file as UTF-8")) from None
    data = load_yaml(text, source, what="profile") or {}
    if not isinstance(data, dict):
        raise ContentError(Problem(f"{source}:1", "a profile must be a mapping of keys", f"write {', '.join(allowed)} as `key: value` lines"))
    lines = key_lines(text)
    problems = []
    for key, value in data.items():
        line = lines.get((str(key),), 1)
        if key not in allowed:
            problems.append(Problem(f"{source}:{line}", f"unknown key `{key}`", "allowed: " + ", ".join(allowed)))
        elif key == "aliases" and not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
            problems.append(Problem(f"{source}:{line}", "`aliases` must be a list of names", "write `aliases: [الاسم الآخر, ...]`"))
        elif key not in LIST_KEYS and not isinstance(value, str):
            problems.append(Problem(f"{source}:{line}", f"`{key}` must be text", f"write `{key}: ...`"))
    if not str(data.get("name") or "").strip():
        problems.append(Problem(f"{source}:1", "missing name", "add `name: ...`"))
    if problems:
        raise ContentError(problems)
    profile_id = slugify(Path(source).stem)
    cleaned = {k: clean_text(v).strip() if isinstance(v, str) else v for k, v in data.items()}
    cleaned["aliases"] = tuple(dict.fromkeys(clean_text(v).strip() for v in data.get("aliases") or ()))
    return profile_id, cleaned


def read_author(root: Path, source: str) -> Author:
    author_id, data = _read(root, source, AUTHOR_KEYS)
    links = data.get("links") or {}
    if isinstance(links, list):  # a plain list of URLs is labelled by the URL itself
        links = {str(u): str(u) for u in links}
    if not isinstance(links, dict):
        raise ContentError(Problem(source, "`links` must be a mapping of label: URL", "write `links:` then `تويتر: https://...` lines"))
    return Author(
        id=author_id,
        name=data["name"],
        bio=data.get("bio", ""),
        image=data.get("image", ""),
        links=tuple((str(k), str(v)) for k, v in links.items()),
        source=source,
        aliases=data["aliases"],
    )


def read_topic(root: Path, source: str) -> Topic:
    topic_id, data = _read(root, source, TOPIC_KEYS)
    return Topic(id=topic_id, name=data["name"], description=data.get("description", ""), source=source, aliases=data["aliases"])
