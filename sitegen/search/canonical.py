"""Pagefind's output made the same bytes for the same input.

Pagefind 1.5 writes its filter files, and their list in the index's metadata,
in the order of a randomly seeded hash map (Pagefind issue #638): two builds
of one archive differ in those files, their content-hashed names, the
metadata that names them and the entry file that names the metadata. An
archive's builds must be reproducible, and a sync must move nothing when
nothing changed, so after Pagefind writes a shard its filter values and
filters are put in sorted order and the files renamed after their new bytes.

The files are gzip'd CBOR behind a "pagefind_dcd" signature; their structure
(read by Pagefind's own JavaScript) is not changed, only the order of entries
whose order carries no meaning.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
_FILTERS = 3  # the metadata's list of [filter name, filter file hash]


def _read(path: Path) -> object:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind data file")
    return cbor2.loads(data[len(SIGNATURE) :])


def _write(folder: Path, stem: str, suffix: str, value: object, digits: int) -> str:
    """Write `value` as `<stem><hash>.<suffix>`, named after its bytes; the hash part."""
    data = SIGNATURE + cbor2.dumps(value)
    name = f"{stem}{hashlib.sha256(data).hexdigest()[:digits]}"
    # mtime 0: the gzip header would otherwise carry the build's time.
    (folder / f"{name}.{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def canonicalise(folder: Path) -> None:
    """Rewrite one Pagefind bundle (a shard's folder) in sorted order, in place."""
    entry_path = folder / ENTRY
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = folder / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, old in meta[_FILTERS]:
            old_path = folder / "filter" / f"{old}.pf_filter"
            filter_name, values = _read(old_path)
            old_path.unlink()
            values.sort(key=lambda pair: pair[0])
            filters.append([name, _write(folder / "filter", f"{language}_", "pf_filter", [filter_name, values], 7)])
        meta[_FILTERS] = sorted(filters)
        meta_path.unlink()
        info["hash"] = _write(folder, f"pagefind.{language}_", "pf_meta", meta, 10).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
