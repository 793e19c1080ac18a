"""What each page depends on, as one hash: a page is rendered again exactly when
its fingerprint changes (Nikola's lesson: inputs and settings, not mtimes).

And what a whole build depends on (`input_digest`): when it matches the last
build's and public/ is as that build left it, there is nothing to do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import sys
from collections.abc import Container, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cache import digest
from .config import Config
from .theme import static_dirs, template_dirs

if TYPE_CHECKING:  # render and link pull in Jinja and the linker, which a no-op build never needs
    from .content.model import Library
    from .link import Linked
    from .render import Page

PACKAGE = Path(__file__).resolve().parent
INPUTS_SCHEME = "inputs-1"  # bump when input_digest changes what it covers
# What stands for a file's hash when it cannot be read as a regular file; never a SHA-256.
UNREADABLE, NOT_A_FILE = b"unreadable", b"not a file"


def _settings(config: Config) -> str:
    return repr({f.name: getattr(config, f.name) for f in dataclasses.fields(config) if f.name != "root"})


def site_digest(config: Config, include_drafts: bool) -> str:
    """Everything every page reads: sitegen itself, the config and all templates."""
    parts: list[bytes | str] = [__version__, _settings(config), str(include_drafts)]
    for folder in template_dirs(config):
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                parts += [file.relative_to(folder).as_posix(), file.read_bytes()]
    parts.append(Path(__file__).parent.joinpath("render.py").read_bytes())  # how contexts are built
    return digest(*parts)


def _hash_tree(
    parts: list[bytes | str], label: str, folder: Path, skip: frozenset[str] = frozenset(), found: dict[str, bytes] | None = None,
    defer: Container[str] = frozenset(), prefix: str = "",
) -> None:
    """Every file under `folder`, name and bytes, as parts of a digest; into `found`, the
    SHA-256 of each readable file, by its path in `folder`. A file whose `prefix` + path
    is in `defer` is not read: that path stands in the parts for its SHA-256, to be
    given later (`finish_digest`).

    Symlinked folders are entered, `folder` itself too, each real folder once: the build
    reads through them (articles kept on a shared drive and linked into content/, a
    linked theme), and a digest that did not would call a site with an edit there
    unchanged."""
    parts.append(f"{label}\0".encode())
    _hash_folder(parts, os.path.realpath(folder), ".", skip, found, defer, prefix, set())


def _hash_folder(
    parts: list[bytes | str], top: str, at: str, skip: frozenset[str], found: dict[str, bytes] | None, defer: Container[str], prefix: str,
    seen: set[tuple[int, int]],
) -> None:
    """`_hash_tree` of the real folder `top`, found at `at` in the tree ("." for its top)."""
    linked = []
    # fwalk, not walk: each file is opened from its folder's descriptor, not looked up from the root.
    for parent, subdirs, names, folder_fd in os.fwalk(top):
        here = os.fstat(folder_fd)
        if (here.st_dev, here.st_ino) in seen:  # a link back into the tree: walked already
            subdirs[:] = []
            continue
        seen.add((here.st_dev, here.st_ino))
        subdirs[:] = sorted(d for d in subdirs if d not in skip)  # sorted in place: walk order is hash order
        rel = os.path.relpath(parent, top)
        rel = at if rel == "." else rel if at == "." else f"{at}/{rel}"
        for name in sorted(names):
            path = name if rel == "." else f"{rel}/{name}"
            parts.append(f"{rel}/{name}\0".encode())
            if prefix + path in defer:
                parts.append(prefix + path)
                continue
            one = _file_hash(name, folder_fd)
            parts.append(one)
            if found is not None and one not in (UNREADABLE, NOT_A_FILE):
                found[path] = one
        # fwalk lists a symlinked folder among the folders but does not enter it.
        linked += [(os.path.join(parent, d), d if rel == "." else f"{rel}/{d}") for d in subdirs if os.path.islink(os.path.join(parent, d))]
    for target, path in linked:
        _hash_folder(parts, os.path.realpath(target), path, skip, found, defer, prefix, seen)


def _file_hash(name: str, folder_fd: int) -> bytes:
    """SHA-256 of a file's bytes, or a fixed mark for anything that is not a readable
    regular file (the build itself reads only regular files, and reports the rest)."""
    try:
        # Non-blocking, so that a named pipe cannot hang the build; regular files ignore it.
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError:
        return UNREADABLE
    # os.read on the descriptor, not open().read(): a third less time over 10,000 small files.
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            return NOT_A_FILE
        block = found.st_size + 1
        chunk = os.read(fd, block)
        one = hashlib.sha256(chunk)
        while len(chunk) == block:  # only if the file grew since fstat
            chunk = os.read(fd, block)
            one.update(chunk)
        return one.digest()
    except OSError:
        return UNREADABLE
    finally:
        os.close(fd)


def installed() -> list[str]:
    """Every package on sys.path as its installer recorded it, name and version
    ("pagefind-1.5.2.dist-info"): a listing of each folder, where importing
    importlib.metadata alone costs 50-90 ms of a no-op build."""
    found = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip, or a folder that is gone
            continue
        found += sorted(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return found


def input_digest(config: Config, include_drafts: bool, content: dict[str, bytes] | None = None) -> str:
    """Every input of a build as one hash: content, config (with any --base-url),
    templates and static files, sitegen's code and the versions it runs with.

    Content is hashed by its bytes, never judged by modification time. SHA-256,
    hardware-accelerated here, hashes 100 MB in ~0.08 s where BLAKE2b takes 0.14;
    reading the 10,000 files costs more than either.

    `content`, if given, receives the SHA-256 of every readable file under content/,
    by its path from the site root: the build takes article hashes from it rather
    than read all the files a second time.
    """
    return finish_digest(input_parts(config, include_drafts, content), {})


def input_parts(
    config: Config, include_drafts: bool, content: dict[str, bytes] | None = None, defer: Container[str] = frozenset()
) -> list[bytes | str]:
    """What `input_digest` hashes, in order, with the files under content/ whose paths
    from the site root are in `defer` left unread: each stands for its SHA-256 by
    that path (`finish_digest`). A build that cannot be a no-op defers its articles,
    whose parse workers hash each one as they read it; they are then read once, where
    the digest took ~0.2 s at 10,000 articles (~10-20 s at 100,000, from disk)."""
    head = [INPUTS_SCHEME, __version__, sys.version, _settings(config), str(include_drafts)]
    head += installed()  # Jinja, Markdown, Babel, Pagefind...: all shape the output
    parts: list[bytes | str] = ["\0".join(head).encode()]
    _hash_tree(parts, "code", PACKAGE, skip=frozenset({"__pycache__"}))  # compiled copies change with no edit
    trees = [("content", config.root / "content")]
    trees += [("templates", d) for d in template_dirs(config)] + [("static", d) for d in static_dirs(config)]
    found: dict[str, bytes] = {}
    for label, folder in trees:
        # The folder's name too: the same files moving from the theme to the site is a change.
        if label == "content":
            _hash_tree(parts, f"{label}:{folder}", folder, found=found, defer=defer, prefix="content/")
        else:
            _hash_tree(parts, f"{label}:{folder}", folder)
    if content is not None:
        content.update((f"content/{rel}", one) for rel, one in found.items())
    return parts


def finish_digest(parts: Sequence[bytes | str], hashes: Mapping[str, bytes]) -> str:
    """`input_digest` from its `input_parts`, the deferred files' SHA-256 given by path
    in `hashes`; "" (which no build's digest equals) if one is missing: a file that
    appeared meanwhile, say, so the next build looks again."""
    total = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            one = hashes.get(part)
            if one is None:
                return ""
            part = one
        total.update(part)
    return total.hexdigest()


def article_digests(lib: Library, hashes: Mapping[str, str]) -> dict[str, str]:
    """An article as others show it: its file, and the names its bylines and tags resolve to."""
    # Each profile's (id, name) written once, not once per article that names it; an
    # article's list is then the repr of its list of them, joined as repr would.
    authors = {i: repr((i, a.name)) for i, a in lib.authors.items()}
    topics = {i: repr((i, t.name)) for i, t in lib.topics.items()}
    return {
        article.id: digest(
            hashes[article.source],
            f"[{', '.join(map(authors.__getitem__, lib.article_authors[article.id]))}]",
            f"[{', '.join(map(topics.__getitem__, lib.article_topics[article.id]))}]",
        )
        for article in lib.articles
    }


def profile_digests(linked: Linked) -> dict[str, str]:
    lib = linked.library
    return {f"author:{i}": digest(repr(a)) for i, a in lib.authors.items()} | {
        f"topic:{i}": digest(repr(t)) for i, t in lib.topics.items()
    }


def page_fingerprint(site: str, page: Page, articles: dict[str, str], profiles: dict[str, str]) -> str:
    return digest(site, page.path, page.kind, repr(page.key), *map(articles.__getitem__, page.shows), *map(profiles.__getitem__, page.profiles))
