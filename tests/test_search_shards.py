"""The search index in shards (issue 7): which records go where, and a rebuild
that re-indexes only the shards whose articles changed."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from conftest import Site, article

from sitegen.search import pagefind, shards
from sitegen.search.records import UNDATED_SORT, Record
from sitegen.search.shards import plan_shards


def record(n: int, day: dt.date | None) -> Record:
    return Record(
        url=f"articles/a{n}/", title=f"t{n}", text="x", keys="", forms="", lang="ar", authors=(), topics=(),
        year=str(day.year) if day else "", date="", sort=day.isoformat() if day else UNDATED_SORT,
    )  # fmt: skip


def corpus(n: int, seed: int = 1, first: int = 2010, last: int = 2024, undated: int = 5) -> list[Record]:
    rng = random.Random(seed)
    start, end = dt.date(first, 1, 1).toordinal(), dt.date(last, 12, 31).toordinal()
    items = [record(i, dt.date.fromordinal(rng.randint(start, end))) for i in range(n)]
    return items + [record(n + i, None) for i in range(undated)]


def test_a_small_site_is_one_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_SIZE", 100)
    items = corpus(95)
    assert [(s.name, s.records) for s in plan_shards(items)] == [("all", tuple(items))]


@pytest.mark.parametrize(("n", "first", "last"), [(1000, 2010, 2024), (3000, 2010, 2024), (2000, 2023, 2023), (700, 1990, 2024)])
def test_every_record_once_in_disjoint_date_ranges_newest_first(monkeypatch: pytest.MonkeyPatch, n: int, first: int, last: int) -> None:
    monkeypatch.setattr(shards, "SHARD_SIZE", 250)
    items = corpus(n, first=first, last=last)
    planned = plan_shards(items)
    assert sorted(r.url for s in planned for r in s.records) == sorted(r.url for r in items)
    assert planned[-1].name == "undated" and all(not r.year for r in planned[-1].records)
    dated = planned[:-1]
    for newer, older in zip(dated, dated[1:]):
        assert min(r.sort for r in newer.records) > max(r.sort for r in older.records)
    for shard in dated:
        months = {r.sort[:7] for r in shard.records}
        # Within size, unless one month alone is bigger than a shard.
        assert len(shard.records) <= 250 or len(months) == 1
    assert len({s.name for s in planned}) == len(planned)
    assert all(s.name.isascii() for s in planned)


def test_adding_an_article_changes_only_its_own_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_SIZE", 250)
    items = corpus(2000)
    before = {s.name: s.records for s in plan_shards(items)}
    after = {s.name: s.records for s in plan_shards([*items, record(99_999, dt.date(2016, 5, 3))])}
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert len(changed) == 1
    assert any(r.url == "articles/a99999/" for r in after[changed.pop()])


SHARDED = {
    **{f"content/articles/y{year}-{i}.md": article(f"مقال {year} {i}", f"نص عن بيروت {i}", date=f"{year}-03-0{1 + i}") for year in (2019, 2020, 2021) for i in range(4)},
    "content/articles/no-date.md": article("بلا تاريخ", "نص عن بيروت"),
}


def test_a_rebuild_reindexes_only_the_shard_that_changed(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_SIZE", 5)
    site: Site = make_site(SHARDED)
    first = site.build()
    assert first.search is not None and first.search.shards == 4 and first.search.reused == []
    names = json.loads((site.out / "pagefind/shards.json").read_text())
    assert names == ["2021", "2020", "2019", "undated"]
    for name in names:
        assert (site.out / "pagefind" / name / "pagefind.js").is_file()
    other = site.out / "pagefind/2019/sitegen-shard.txt"
    stamp = other.stat().st_mtime_ns

    site.write({"content/articles/y2020-1.md": article("مقال معدل", "نص جديد عن دمشق", date="2020-03-02")})
    second = site.build()
    assert second.search is not None
    assert sorted(second.search.reused) == ["2019", "2021", "undated"]
    assert other.stat().st_mtime_ns == stamp
    assert (site.out / "pagefind/2020/sitegen-shard.txt").read_text() != ""

    # A file of a kept shard gone from public/ (a careless sync): that shard is indexed again.
    lost = next((site.out / "pagefind/2019/fragment").iterdir())
    lost.unlink()
    site.write({"content/articles/y2020-2.md": article("مقال معدل ثانية", "نص", date="2020-03-03")})
    third = site.build()
    assert third.search is not None and sorted(third.search.reused) == ["2021", "undated"]
    assert lost.is_file()

    # A whole new tree (no cache to vouch for public/) still carries the reused shards.
    (site.root / ".sitegen-cache").rename(site.root / ".old-cache")
    site.write({"content/articles/y2021-0.md": article("مقال آخر", "نص", date="2021-03-01")})
    fourth = site.build()
    assert fourth.search is not None and sorted(fourth.search.reused) == ["2019", "2020", "undated"]
    for name in names:
        assert (site.out / "pagefind" / name / "pagefind.js").is_file()


def test_a_new_article_leaves_the_offline_documents_of_older_ones_alone(make_site) -> None:
    site: Site = make_site(SHARDED)
    site.build()
    before = {p.name: p.read_bytes() for p in (site.out / "search-index/d").iterdir()}
    site.write({"content/articles/newest.md": article("أحدث مقال", "نص عن بيروت", date="2022-01-01")})
    site.build()
    after = {p.name: p.read_bytes() for p in (site.out / "search-index/d").iterdir()}
    # The newest article takes the next number: it joins the last file or starts one after it.
    def number(name: str) -> int:
        return int(name.removesuffix(".js"), 36)

    last = max(before, key=number)
    newest = max(after, key=number)
    assert number(newest) in (number(last), number(last) + 1) and set(after) == set(before) | {newest}
    assert "أحدث مقال".encode() in after[newest]
    assert {name: data for name, data in after.items() if name != last and name in before} == {n: d for n, d in before.items() if n != last}


def _pagefind_files(site: Site) -> dict[str, bytes]:
    return {name: data for name, data in site.files().items() if name.startswith("pagefind/")}


def test_a_rewritten_shard_keeps_its_unchanged_fragments_and_equals_a_clean_one(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_SIZE", 5)
    site: Site = make_site(SHARDED)
    site.build()
    fragments = {p.name: p.stat().st_mtime_ns for p in (site.out / "pagefind/2020/fragment").iterdir()}
    edits = [
        {"content/articles/y2020-1.md": article("مقال معدل", "نص جديد عن دمشق", date="2020-03-02")},
        {"content/articles/y2020-2.md": article("مقال معدل ثانية", "نص", date="2020-03-03")},
    ]
    for n, edit in enumerate(edits):
        if n:  # no cache to vouch for public/: the shard is written into a whole new tree
            (site.root / ".sitegen-cache").rename(site.root / ".old-cache")
        site.write(edit)
        report = site.build()
        assert report.search is not None and "2020" not in report.search.reused
        twin: Site = make_site(SHARDED)
        for earlier in edits[: n + 1]:
            twin.write(earlier)
        twin.build()
        assert _pagefind_files(site) == _pagefind_files(twin)
        listing = (site.out / "pagefind/2020/sitegen-shard.txt").read_text(encoding="utf-8").splitlines()[1:]
        assert all((site.out / "pagefind/2020" / name).is_file() for name in listing)
    # The fragments of the articles left alone are the first build's files, never written again.
    after = {p.name: p.stat().st_mtime_ns for p in (site.out / "pagefind/2020/fragment").iterdir()}
    assert sum(after.get(name) == stamp for name, stamp in fragments.items()) == len(fragments) - 2


def test_workers_take_the_shards_one_at_a_time_and_write_what_one_process_does(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large site's way (forked workers taking shards as they are free) on a small
    site: every shard written, to the same bytes as one process writes them."""
    monkeypatch.setattr(shards, "SHARD_SIZE", 5)
    written = {}
    for beside in (10**9, 0):  # in this process, then in workers
        monkeypatch.setattr(pagefind, "BESIDE_FROM", beside)
        site: Site = make_site(SHARDED)
        site.build()
        written[beside] = {p.relative_to(site.out).as_posix(): p.read_bytes() for p in (site.out / "pagefind").rglob("*") if p.is_file()}
    assert written[0] == written[10**9] and len({f.split("/")[1] for f in written[0] if f.count("/") > 1}) == 4


def test_shards_are_taken_largest_first_each_once() -> None:
    from multiprocessing import get_context

    jobs = [(shards.Shard(name, tuple(corpus(size, undated=0))), None, None) for name, size in (("a", 3), ("b", 9), ("c", 1), ("d", 5))]
    ordered, taken = pagefind._largest_first(jobs), get_context("fork").Value("i", 0)
    got = [job[0].name for job in iter(lambda: pagefind._take(ordered, taken), None)]
    assert got == ["b", "d", "a", "c"] and pagefind._take(ordered, taken) is None
