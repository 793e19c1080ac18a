"""Which Pagefind index (shard) each article's record goes into.

One Pagefind index of a whole large archive would be rewritten whole for one
edited article, and its first query would load word lists of the whole
archive. So a large archive is indexed in shards that are disjoint date ranges:

- up to SHARD_SIZE records: one shard, "all" (small sites are one index);
- otherwise buckets of `span` calendar years, aligned on years divisible by
  `span` (2016–2017, 2018–2019, …), `span` the largest of 1, 2, 4, 8 … that
  keeps every bucket within SHARD_SIZE. A year too big on its own is cut into
  runs of whole months; undated articles get their own shard.

Bucket edges come from the calendar, not from counts, so adding an article
changes one shard; only a change of `span` (the archive doubling) moves them.
Shards are listed newest first, "undated" last: each is sorted by date inside,
so results sorted by date are the shards' results one after the other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .records import Record

SHARD_SIZE = 2500  # records per shard: a few seconds to rewrite, ~130 KB for a first query
UNDATED = "undated"


@dataclass(frozen=True)
class Shard:
    name: str  # also its folder under pagefind/: ASCII, stable
    records: tuple[Record, ...]


def _year(record: Record) -> int:
    return int(record.year)


def _month(record: Record) -> int:
    return int(record.sort[5:7])


def _span(per_year: Counter[int]) -> int:
    span = 1
    while span < 64:
        wider = Counter()
        for year, n in per_year.items():
            wider[year - year % (span * 2)] += n
        if max(wider.values()) > SHARD_SIZE:
            break
        span *= 2
    return span


def _months(year: int, records: list[Record]) -> list[Shard]:
    """A year bigger than a shard, as runs of whole months (a month is never cut)."""
    per_month = Counter(_month(r) for r in records)
    runs: list[list[int]] = [[]]
    size = 0
    for month in sorted(per_month):
        if runs[-1] and size + per_month[month] > SHARD_SIZE:
            runs.append([])
            size = 0
        runs[-1].append(month)
        size += per_month[month]
    shards = []
    for run in runs:
        chosen = tuple(r for r in records if run[0] <= _month(r) <= run[-1])
        shards.append(Shard(f"{year}-{run[0]:02d}-{run[-1]:02d}", chosen))
    return shards


def plan_shards(records: Sequence[Record]) -> list[Shard]:
    """The shards, newest first; every record in exactly one, in its original order."""
    if len(records) <= SHARD_SIZE:
        return [Shard("all", tuple(records))]
    dated = [r for r in records if r.year]
    undated = tuple(r for r in records if not r.year)
    per_year = Counter(_year(r) for r in dated)
    span = _span(per_year) if per_year else 1
    buckets: dict[int, list[Record]] = defaultdict(list)
    for record in dated:
        buckets[_year(record) - _year(record) % span].append(record)
    shards: list[Shard] = []
    for start in sorted(buckets, reverse=True):
        members = buckets[start]
        if span == 1 and len(members) > SHARD_SIZE:
            shards.extend(reversed(_months(start, members)))
        else:
            shards.append(Shard(str(start) if span == 1 else f"{start}-{start + span - 1}", tuple(members)))
    if undated:
        shards.append(Shard(UNDATED, undated))
    return shards
