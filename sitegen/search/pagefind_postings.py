"""The word index's postings for a shard, encoded as Pagefind's CBOR a batch of pages at a time.

Why arrays: a shard of 1,000 articles has some 360,000 (word, page) entries
and 700,000 positions. Written one entry at a time in Python they took 3 of
the bundle's 4.4 s; here the entries are sorted and their CBOR items laid out
and encoded with numpy, and Python works only once per distinct word and batch.

A word's postings are, page by page in order, [page minus the word's previous
page, locs, meta locs]; locs are runs of positions by ascending weight, each
a marker -(weight + 1) then each position minus the one before it; meta locs
the same with -(field + 1) markers (see pagefind_bundle).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from ..arrays import run_starts
from .pagefind_words import Words

_ARRAY, _UINT, _NEGINT = 4, 0, 1  # CBOR major types
# A CBOR head holds a value below 24 itself, else in 1, 2, 4 or 8 more bytes (codes 24 to 27).
_LIMITS = np.array([24, 1 << 8, 1 << 16, 1 << 32], dtype=np.int64)
_EXTRA = np.array([0, 1, 2, 4, 8], dtype=np.uint8)


def _numbering() -> defaultdict[str, int]:
    """Numbers for strings in order of first sight: a defaultdict whose default is
    its own length, so a whole page is numbered by one C-level map."""
    numbers: defaultdict[str, int] = defaultdict()
    numbers.default_factory = numbers.__len__
    return numbers


class Occurrences:
    """Words as found, page by page: (written word's number, page, position, weight or field)."""

    def __init__(self) -> None:
        self.written = _numbering()  # written words, numbered in order of first sight
        self._words = array("q")
        self._runs: list[tuple[int, int, int]] = []  # (page, count, group) of each add

    def add(self, page: int, words: Sequence[str], group: int = 0) -> None:
        """The words of one page's text (`group` 0), or of one meta field (`group` its number)."""
        self._words.extend(map(self.written.__getitem__, words))
        self._runs.append((page, len(words), group))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(word, page, position, group) of every word found."""
        page, count, group = np.array(self._runs, dtype=np.int32).reshape(-1, 3).T
        first = np.cumsum(count, dtype=np.int32) - count
        position = np.arange(int(count.sum()), dtype=np.int32) - np.repeat(first, count)
        return np.frombuffer(self._words, dtype=np.int64), np.repeat(page, count), position, np.repeat(group, count)


class Postings:
    """Each key's postings: its number of page entries and their CBOR, by key
    number, filled a batch of pages at a time (`add`) so that a shard's
    arrays stay the size of a batch's, whatever the shard's."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.numbers = _numbering()  # keys, numbered in order of first sight over every batch
        self._entries: list[int] = []
        self._parts: list[list[bytes]] = []
        self._last = np.zeros(0, dtype=np.int64)  # each key's last page so far: its next entry's delta is from there

    @property
    def keys(self) -> list[str]:
        return list(self.numbers)

    def code(self, key: int) -> tuple[int, bytes]:
        return self._entries[key], b"".join(self._parts[key])

    def add(self, content: Occurrences, meta: Occurrences, first: int, pages: int) -> None:
        """The entries of pages first to first + pages - 1, found in `content`
        (groups: weights) and `meta` (groups: field numbers); pages come in order."""
        width = max(pages, 1)  # an entry's code: its key number * width + its page's place in the batch
        sides = [_expand(self.words, content, self.numbers, width, first, True), _expand(self.words, meta, self.numbers, width, first, False)]
        entries = np.sort(np.concatenate([code for code, _, _ in sides]))  # then unique: np.unique's hashing was 20 times slower
        entries = entries[run_starts(entries)]
        (c_items, c_count), (m_items, m_count) = (_runs(*side, entries) for side in sides)
        del sides  # let the rows go before the next arrays

        known = len(self._entries)
        self._entries += [0] * (len(self.numbers) - known)
        self._parts += [[] for _ in range(len(self.numbers) - known)]
        self._last = np.concatenate([self._last, np.zeros(len(self.numbers) - known, dtype=np.int64)])
        key, page = entries // width, entries % width + first
        first_of_key = run_starts(key)
        delta = page.copy()
        delta[1:] -= page[:-1]
        delta[first_of_key] = page[first_of_key] - self._last[key[first_of_key]]
        last_of_key = np.ones(len(entries), dtype=bool)
        last_of_key[:-1] = first_of_key[1:]
        self._last[key[last_of_key]] = page[last_of_key]

        # Each entry's items: [array(3), delta, array(locs), locs..., array(meta locs), meta locs...]
        start = np.concatenate([[0], np.cumsum(4 + c_count + m_count)])
        major = np.empty(start[-1], dtype=np.uint8)
        value = np.empty(start[-1], dtype=np.int64)
        head = start[:-1]
        major[head], value[head] = _ARRAY, 3
        major[head + 1], value[head + 1] = _UINT, delta
        major[head + 2], value[head + 2] = _ARRAY, c_count
        meta_head = head + 3 + c_count
        major[meta_head], value[meta_head] = _ARRAY, m_count
        for items, base in ((c_items, head + 3), (m_items, meta_head + 1)):
            _place(items, base, major, value)
        del c_items, m_items, items, head, meta_head

        data, offsets = _encode(major, value)
        key_starts = np.flatnonzero(first_of_key)
        byte_starts = offsets[start[np.concatenate([key_starts, [len(entries)]])]].tolist()
        for number, entries_of_key, begin, end in zip(key[key_starts].tolist(), np.diff(key_starts, append=len(entries)).tolist(), byte_starts, byte_starts[1:]):
            self._entries[number] += entries_of_key
            self._parts[number].append(data[begin:end])


def _place(items: tuple[np.ndarray, ...], base: np.ndarray, major: np.ndarray, value: np.ndarray) -> None:
    """Put one side's items (`_runs`) after their entries' `base`."""
    items_major, items_value, entry, index = items
    at = base[entry] + index
    major[at], value[at] = items_major, items_value


def _expand(words: Words, found: Occurrences, numbers: defaultdict[str, int], width: int, first: int, weighted: bool) -> tuple[np.ndarray, ...]:
    """Written words to the keys they are indexed as: (entry code, weight or field, position) rows."""
    counts, keys, weights = [], [], []
    for raw in found.written:  # in their numbers' order
        indexed = words.keyed(raw)
        counts.append(len(indexed))
        for k, weight in indexed:
            keys.append(numbers[k])
            weights.append(weight)
    word, page, position, group = found.arrays()
    count = np.array(counts, dtype=np.int32)[word]
    starts = np.concatenate([[0], np.cumsum(counts, dtype=np.int32)])[:-1].astype(np.int32)
    row = np.repeat(np.arange(len(word), dtype=np.int32), count)
    source = starts[word[row]] + (np.arange(len(row), dtype=np.int32) - np.repeat(np.cumsum(count, dtype=np.int32) - count, count))
    del count, starts
    code = np.array(keys, dtype=np.int64)[source] * width + (page[row] - first)
    group = np.array(weights, dtype=np.int32)[source] if weighted else group[row]
    return code, group.astype(np.int64), position[row].astype(np.int64)


def _runs(code: np.ndarray, group: np.ndarray, position: np.ndarray, entries: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """One side's locs as CBOR items: ((major, value, entry, index in the entry's
    locs) of each item, each entry's count of items)."""
    code, group, position = _sorted(code, group, position)
    run_start = run_starts(code) | run_starts(group)
    gap = position.copy()
    gap[1:] -= np.where(run_start[1:], 0, position[:-1])
    del position

    n = len(code) + int(run_start.sum())
    at = np.arange(len(code)) + np.cumsum(run_start)  # each position's item, after its run's marker
    markers = at[run_start] - 1
    major = np.full(n, _UINT, dtype=np.uint8)
    value = np.empty(n, dtype=np.int64)
    value[at] = gap
    major[markers], value[markers] = _NEGINT, group[run_start]  # -(group + 1)
    del gap, group

    entry_of_row = np.searchsorted(entries, code).astype(np.int32)
    entry = np.empty(n, dtype=np.int32)
    entry[at] = entry_of_row
    entry[markers] = entry_of_row[run_start]
    count = np.bincount(entry, minlength=len(entries))
    first_item = np.concatenate([[0], np.cumsum(count)])[:-1]
    return (major, value, entry, (np.arange(n) - first_item[entry]).astype(np.int32)), count


def _sorted(code: np.ndarray, group: np.ndarray, position: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows in order of code, group, position: packed into one int64 and
    sorted as numbers when they fit (five times faster than a lexsort)."""
    widths = [int(a.max()).bit_length() if len(a) else 0 for a in (code, group, position)]
    if sum(widths) > 62:
        order = np.lexsort((position, group, code))
        return code[order], group[order], position[order]
    g, p = widths[1], widths[2]
    packed = np.sort(code << (g + p) | group << p | position)
    return packed >> (g + p), packed >> p & ((1 << g) - 1), packed & ((1 << p) - 1)


def _encode(major: np.ndarray, value: np.ndarray) -> tuple[bytes, np.ndarray]:
    """CBOR heads of (major type, value) items, back to back; and each item's byte offset (one more at the end).

    A shard has a few million items: the temporaries are kept to a byte each
    where they can be, as their int64 forms were the writer's peak memory."""
    size = (value >= 24).view(np.uint8)  # 0 for a value below 24, 1 below 256, 2, 3, 4 beyond 2**32
    for limit in _LIMITS[1:]:
        size += value >= limit
    extra = _EXTRA[size]
    offsets = np.empty(len(value) + 1, dtype=np.int64)
    offsets[0] = 0
    np.cumsum(extra + np.uint8(1), out=offsets[1:])  # summed as int64, the default for small ints
    out = np.zeros(int(offsets[-1]), dtype=np.uint8)
    at = offsets[:-1]
    heads = major << 5
    inline = size == 0
    heads[inline] |= value[inline].astype(np.uint8)
    heads[~inline] |= 23 + size[~inline]
    out[at] = heads
    del size, heads, inline
    for width in (1, 2, 4, 8):
        which = extra == width
        if which.any():
            base, v = at[which] + 1, value[which].astype(np.uint64)
            for i in range(width):
                out[base + i] = ((v >> np.uint64(8 * (width - 1 - i))) & np.uint64(255)).astype(np.uint8)
    return out.tobytes(), offsets


__all__ = ["Occurrences", "Postings"]
