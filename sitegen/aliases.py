"""Aliases: variant spellings a profile folds into its one page (الكاظمي and مصطفى
الكاظمي; داعش and تنظيم الدولة). An article naming a variant lands on the
profile's page, and the variant's own URL redirects there (see Renderer).

An alias must name nothing else: not its own profile (pointless, and a redirect
to itself), not another profile (its page would both exist and redirect: a
loop), not the alias of a second profile (which page would it be?).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .arabic import slugify
from .content.model import Author, Topic
from .errors import Problem
from .yamlio import key_lines


def alias_line(root: Path, source: str, alias: str) -> str:
    """path:line of an alias in its profile (read again only to report a problem)."""
    try:
        text = (root / source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return source
    start = key_lines(text).get(("aliases",), 1)
    lines = text.splitlines()
    for number in range(start, len(lines) + 1):
        if alias in lines[number - 1]:
            return f"{source}:{number}"
    return f"{source}:{start}"


def alias_targets(
    profiles: dict[str, Author] | dict[str, Topic], name_key: Callable[[str], str], root: Path, problems: list[Problem]
) -> dict[str, str]:
    """name key or slug of each alias -> the profile id it folds into; problems appended."""
    owners: dict[str, str] = {}  # key -> profile id, for every profile's own name and id
    for ident, profile in profiles.items():
        owners[name_key(profile.name)] = ident
        owners[ident] = ident
    targets: dict[str, str] = {}
    claimed: dict[str, tuple[str, str]] = {}  # key -> (profile id, alias as written)
    for ident, profile in profiles.items():
        for alias in profile.aliases:
            where = alias_line(root, profile.source, alias)
            keys = {name_key(alias), slugify(alias)}
            owner = next((owners[k] for k in sorted(keys) if k in owners), None)
            if owner == ident:
                problems.append(Problem(where, f"alias `{alias}` is this profile's own name or id: it would point to itself",
                                        "remove it from `aliases`"))  # fmt: skip
                continue
            if owner is not None:
                other = profiles[owner].source or owner
                problems.append(Problem(where, f"alias `{alias}` names another profile, {other}: the two would redirect to each other",
                                        f"merge them: move what {other} says into this file, add its name to `aliases`, and delete it"))  # fmt: skip
                continue
            first = next((claimed[k] for k in sorted(keys) if k in claimed), None)
            if first is not None and first[0] != ident:
                earlier = alias_line(root, profiles[first[0]].source, first[1])
                problems.append(Problem(where, f"alias `{alias}` is also claimed by {earlier}",
                                        "keep it in one profile only (or merge the two profiles)"))  # fmt: skip
                continue
            for key in keys:
                claimed.setdefault(key, (ident, alias))
                targets[key] = ident
    return targets
