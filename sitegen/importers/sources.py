"""Where articles come from: files, folders, zips, standard input; and how
their bytes become text (UTF-8 with or without BOM, UTF-16, Windows-1256)."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from ..arabic import clean_text
from .model import Failure

# In a folder, only files that can hold articles; a named file is always tried.
FOLDER_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xml", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".zip"})


@dataclass(frozen=True)
class Input:
    name: str  # how reports and `import.source` name it
    data: bytes


def iter_inputs(sources: Sequence[str], stdin: BinaryIO | None = None) -> Iterator[Input | Failure]:
    """Every input file under the given sources, in a stable order."""
    for source in sources:
        if source == "-":
            yield Input("<stdin>", (stdin or sys.stdin.buffer).read())
            continue
        path = Path(source)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if child.suffix.lower() in FOLDER_SUFFIXES:
                    yield from _file_inputs(child, display_name(child))
        elif path.is_file():
            yield from _file_inputs(path, display_name(path))
        else:
            yield Failure(source, "no such file or folder", "check the path")


def display_name(path: Path) -> str:
    """The path relative to the working folder where it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _file_inputs(path: Path, name: str) -> Iterator[Input | Failure]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Failure(name, f"cannot read: {exc.strerror or exc}")
        return
    if data[:4] == b"PK\x03\x04":
        yield from _zip_inputs(path, name)
    else:
        yield Input(name, data)


def _zip_inputs(path: Path, name: str) -> Iterator[Input | Failure]:
    try:
        with zipfile.ZipFile(path) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                inner = info.filename
                if info.is_dir() or inner.startswith("__MACOSX/") or Path(inner).name.startswith("."):
                    continue
                try:
                    yield Input(f"{name}/{inner}", archive.read(info))
                except (zipfile.BadZipFile, OSError) as exc:
                    yield Failure(f"{name}/{inner}", f"cannot read from the zip: {exc}")
    except zipfile.BadZipFile as exc:
        yield Failure(name, f"not a readable zip file: {exc}", "re-create the archive")


_ARABIC = range(0x0600, 0x0700)


def decode(data: bytes, name: str) -> str | Failure:
    """The text of a file, or why it cannot be read as text. Newlines become LF."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return Failure(name, "empty file", "remove it, or export the article again")
    text = _decode(data)
    if text is None:
        return Failure(name, "binary file, not text", "give a text, HTML, XML, JSON or CSV file (or a zip of them)")
    return clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))


def _decode(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return _try(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _try(data, "utf-16")
    if b"\x00" in data:
        # UTF-16 without a BOM: the byte order whose text reads as Arabic or
        # Latin script wins; binary data reads as neither.
        for encoding in ("utf-16-le", "utf-16-be"):
            text = _try(data[: len(data) // 2 * 2], encoding)
            if text is not None and _readable_share(text) >= 0.9:
                return text
        return None
    text = _try(data, "utf-8")
    if text is not None:
        return text
    # Arabic outlets' legacy encoding comes first: detectors often mistake it
    # for other single-byte code pages, which decode to plausible-looking junk.
    text = _try(data, "cp1256")
    if text is not None and _mostly_arabic(text):
        return text
    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    return text if _mostly_printable(text) else None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _mostly_printable(text) else None


def _mostly_arabic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(ord(c) in _ARABIC for c in letters) >= 0.5 * len(letters)


def _readable_share(text: str) -> float:
    sample = text[:4000]
    readable = sum(1 for c in sample if c.isspace() or 32 <= ord(c) < 127 or ord(c) in _ARABIC or 0xA0 <= ord(c) < 0x250 or 0x2000 <= ord(c) < 0x2070)
    return readable / max(1, len(sample))


def _mostly_printable(text: str) -> bool:
    sample = text[:20000]
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return control <= max(2, len(sample) // 200)
