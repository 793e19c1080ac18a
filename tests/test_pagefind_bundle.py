"""Our Pagefind bundle writer against Pagefind's own indexer: the same records
must give files that decode to the same index (words, positions, weights,
variants, meta fields, fragments, filters, sort orders), since the reader's
browser searches them with Pagefind's own code."""

from __future__ import annotations

import email.utils
import gzip
import json
from pathlib import Path

import cbor2
import pytest
from conftest import CORPUS

from sitegen.search import pagefind
from sitegen.search.pagefind_bundle import ENTRY, SIGNATURE, write_bundle


def _record(url: str, content: str, title: str, *, authors: str = "", sort: str = "2024-01-01", topic: str = "", extra: dict | None = None) -> dict:
    meta = {"title": title, **({"authors": authors} if authors else {}), **(extra or {})}
    filters = {"topic": [topic]} if topic else {}
    return {"url": url, "content": content, "meta": meta, "filters": filters, "sort": {"date": sort}}


EDGE_CASES = [
    _record("a/", "أشارت مصادر إلى أنّ الحكومةَ العراقية استدعت السفير، والتهدئة مطلوبة الآن", "الكاظمي يلتقي السفير", authors="مريم الليبي، هبة", topic="العراق"),
    _record("b/", "قال لـ120 صحافياً في تموز/يوليو 2021: الوضعُ «خطير» (جداً)... أليس كذلك؟", "تقرير: 2021", sort="2021-07-01", topic="لبنان"),
    _record("c/", "The minister's iPhone and COVID-19 WKWebViewComponent e-mail page.Find snake_case cloud🌦️cannon ΟΔΟΣ ΟΔΟΣ-ΟΔΟΣ İstanbul", "English Title", authors="Sam", sort="2023-05-05", topic="العراق"),
    _record("d/", "\u200b كلمة \u200b مكررة كلمة مكررة ـــ ٢٠٢١ ١٢٣ ؟", "عنوان مكرر مكرر", extra={"k": "والحكومة بالحكومة", "x": "⠁⠂"}),
    _record("e/", "", "بلا نص"),  # Pagefind drops a record without text
    _record("f/", "مسيّرة مفخخة إيران وإيران آخر", "Mustafa al-Kadhimi مصطفى", sort="10", topic="إيران"),
    # Parts repeated at one position; words and meta past CBOR's one-byte lengths;
    # positions past 255 and 65,535 apart.
    _record("g/", "بيروت-بيروت x-x " + "الاستخباراتيةوالعسكريةوالأمنية " + " ".join(["حشو"] * 300) + " نهاية " + " ".join(["ملء"] * 65_600) + " نهاية", "عنوان " * 60, authors="كاتب " * 40),
]


def _pagefind_files(fields: list[dict], language: str, folder: Path) -> None:
    """What Pagefind's own indexer writes for these records, through its service."""

    async def run() -> None:
        service = await pagefind._Service().launch()
        try:
            index = await service.create_index({})
            for item in fields:
                await index.add_custom_record(language=language, **item)
            for file in await index.get_files():
                path = folder / file["path"]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(file["content"])
        finally:
            await service.close()

    pagefind._run(run)


def _read(path: Path) -> object:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(SIGNATURE)
    return cbor2.loads(data[len(SIGNATURE) :])


def _runs(values: list[int]) -> tuple:
    out, marker, last = [], None, 0
    for value in values:
        if value < 0:
            marker, last = -value - 1, 0
        else:
            last += value
            out.append((marker, last))
    return tuple(out)


def decode(folder: Path) -> dict:
    """A bundle as plain data, free of file names and of the order of hash-named files."""
    entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
    ((language, info),) = entry["languages"].items()
    version, pages, chunks, filters, sorts, fields = _read(folder / f"pagefind.{info['hash']}.pf_meta")
    fragments = [json.loads(gzip.decompress((folder / "fragment" / f"{name}.pf_fragment").read_bytes())[len(SIGNATURE) :]) for name, _ in pages]
    urls = [f["url"] for f in fragments]

    def postings(encoded: list) -> dict:
        out, page = {}, 0
        for delta, locs, meta_locs in encoded:
            page += delta
            out[urls[page]] = (_runs(locs), _runs(meta_locs))
        return out

    words = {}
    for low, high, name in chunks:
        (listed,) = _read(folder / "index" / f"{name}.pf_index")
        for word, main, variants in listed:
            # Pagefind's search picks the file whose bounds hold the query's prefix.
            assert low <= word[: len(low)] and word[: len(high)] <= high, (word, low, high)
            words[word] = (postings(main), {spelling: postings(found) for spelling, found in variants})
    return {
        "entry": (entry["version"], language, info["wasm"], info["page_count"], entry["include_characters"]),
        "version": version,
        "pages": [(f, count) for f, (_, count) in zip(fragments, pages)],
        "words": words,
        "filters": {_read(folder / "filter" / f"{name}.pf_filter")[0]: {v: sorted(urls[p] for p in ps) for v, ps in _read(folder / "filter" / f"{name}.pf_filter")[1]} for _, name in filters},
        "sorts": {name: [urls[p] for p in order] for name, order in sorts},
        "fields": fields,
    }


def _compare(fields: list[dict], tmp_path: Path, language: str = "ar") -> dict:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    write_bundle(fields, language, ours, pagefind.assets(language))
    _pagefind_files(fields, language, theirs)
    mine, expected = decode(ours), decode(theirs)
    for key in expected:
        if key == "words":  # word by word, so that a failure names the word
            assert sorted(mine[key]) == sorted(expected[key])
            for word in expected[key]:
                assert mine[key][word] == expected[key][word], word
        assert mine[key] == expected[key], key
    return mine


def test_edge_cases_index_as_pagefind_indexes_them(tmp_path: Path) -> None:
    mine = _compare(EDGE_CASES, tmp_path)
    assert len(mine["pages"]) == len(EDGE_CASES) - 1  # the record without text is dropped, as Pagefind does
    assert "أشارت" in mine["words"]["اشار"][1]  # a word written with a hamza is kept as a variant of the bare stem
    assert "ل120" in mine["words"] and "120" not in mine["words"]  # no cut between an Arabic letter and a digit
    assert {"wk", "web", "view", "component", "🌦️"} <= set(mine["words"])  # camel case parts, emoji


def test_a_bundle_of_no_text_is_an_empty_index(tmp_path: Path) -> None:
    """A site whose one article is still empty (as `sitegen new` leaves it). Pagefind's
    indexer then names no language at all; ours is an index of no pages, which its
    browser code loads and searches like any other."""
    write_bundle([_record("e/", "", "بلا نص")], "ar", tmp_path, pagefind.assets("ar"))
    found = decode(tmp_path)
    assert found["pages"] == [] and found["words"] == {}


def test_an_english_site_stems_as_pagefind_does(tmp_path: Path) -> None:
    _compare([_record("a/", "Ministers were running; the runner's shoes", "Running Ministers", topic="x"), _record("b/", "ministerial runs", "Run")], tmp_path, "en")


def test_the_same_records_give_the_same_bytes(tmp_path: Path) -> None:
    kit = pagefind.assets("ar")
    write_bundle(EDGE_CASES, "ar", tmp_path / "one", kit)
    write_bundle(EDGE_CASES, "ar", tmp_path / "two", kit)
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two and any(p.suffix == ".pf_index" for p in one)


def test_a_bundle_names_every_file_it_wrote(tmp_path: Path) -> None:
    # The build lists a shard's files from these names, not from the folder.
    kit = pagefind.assets("ar")
    bundle = write_bundle(EDGE_CASES, "ar", tmp_path / "one", kit)
    found = sorted(p.relative_to(tmp_path / "one").as_posix() for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert sorted(bundle.written) == found and not bundle.kept
    assert {"filter", "fragment", "index"} <= {name.split("/")[0] for name in found}


def test_pages_put_in_the_index_in_batches_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A word's entries continue across batches: its page deltas run on from its last page in the batch before."""
    from sitegen.search import pagefind_bundle

    kit = pagefind.assets("ar")
    fields = EDGE_CASES + [{**item, "url": f"again/{item['url']}"} for item in EDGE_CASES]  # every word again, batches later
    write_bundle(fields, "ar", tmp_path / "whole", kit)
    monkeypatch.setattr(pagefind_bundle, "BATCH_PAGES", 2)
    write_bundle(fields, "ar", tmp_path / "batched", kit)
    whole, batched = ({p.relative_to(tmp_path / d): p.read_bytes() for p in (tmp_path / d).rglob("*") if p.is_file()} for d in ("whole", "batched"))
    assert whole == batched and len(decode(tmp_path / "whole")["pages"]) == 2 * (len(EDGE_CASES) - 1)


def test_a_rewritten_bundle_takes_unchanged_fragments_from_the_last_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.search import pagefind_bundle

    kit = pagefind.assets("ar")
    write_bundle(EDGE_CASES, "ar", tmp_path / "last", kit)
    damaged = sorted((tmp_path / "last" / "fragment").iterdir())[0]
    damaged.write_bytes(damaged.read_bytes()[:-9])  # a truncated file is compressed again, not copied
    edited = [{**EDGE_CASES[0], "content": EDGE_CASES[0]["content"] + " تعديل"}, *EDGE_CASES[1:]]
    compressed: list[bytes] = []
    real = pagefind_bundle._gzip
    monkeypatch.setattr(pagefind_bundle, "_gzip", lambda data, *level: compressed.append(data) or real(data, *level))
    kept = write_bundle(edited, "ar", tmp_path / "new", kit, tmp_path / "last").kept
    monkeypatch.undo()
    write_bundle(edited, "ar", tmp_path / "clean", kit)
    new, clean = ({p.relative_to(tmp_path / d).as_posix(): p.read_bytes() for p in (tmp_path / d).rglob("*") if p.is_file()} for d in ("new", "clean"))
    # The unchanged fragments are left in the last folder, not written again: with them, the bundle is a clean one.
    assert kept and not set(kept) & set(new) and f"fragment/{damaged.name}" not in kept
    assert new | {name: (tmp_path / "last" / name).read_bytes() for name in kept} == clean
    fragments = [data for data in compressed if data.startswith(SIGNATURE + b'{"url"')]
    assert len(fragments) == 2  # the edited page's, and the damaged one's


JSONL = CORPUS / "ant-news-dev.jsonl"


@pytest.mark.corpus
@pytest.mark.skipif(not JSONL.exists(), reason=f"{JSONL} is absent (the shared corpus is not on this machine)")
def test_real_articles_index_as_pagefind_indexes_them(tmp_path: Path) -> None:
    fields = []
    with JSONL.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if n >= 400:
                break
            item = json.loads(line)
            when = email.utils.parsedate_to_datetime(item["date"]).strftime("%Y-%m-%dT%H:%M:%S") if item.get("date") else "0000"
            fields.append(_record(f"a{n}/", f"{item.get('abstract') or ''} {item['text']}", item["title"], authors=item.get("author") or "", sort=when, topic=item.get("category") or ""))
    mine = _compare(fields, tmp_path)
    assert len(mine["words"]) > 10_000


def test_cbor_heads_match_cbor2_at_every_width() -> None:
    """The array encoder's heads, at each boundary of CBOR's 1, 2, 3, 5 and 9 byte forms."""
    import numpy as np

    from sitegen.search.pagefind_postings import _encode

    values = [0, 23, 24, 255, 256, 65_535, 65_536, 2**32 - 1, 2**32, 2**40 + 7]
    major = np.array([0, 1] * len(values), dtype=np.int64)
    value = np.array([v for v in values for _ in (0, 1)], dtype=np.int64)
    data, offsets = _encode(major, value)
    expected = b"".join(cbor2.dumps(x) for v in values for x in (v, -1 - v))
    assert data == expected
    assert list(np.diff(offsets)) == [len(cbor2.dumps(v)) for v in values for _ in (0, 1)]


def test_rows_too_wide_to_pack_sort_as_a_lexsort() -> None:
    import numpy as np

    from sitegen.search.pagefind_postings import _sorted

    rng = np.random.default_rng(7)
    for big in (1_000, 2**40):  # packed into one int64, and too wide for it
        code, group, position = (rng.integers(0, n, 500, dtype=np.int64) for n in (50, 30, big))
        got = list(zip(*(a.tolist() for a in _sorted(code, group, position))))
        assert got == sorted(zip(code.tolist(), group.tolist(), position.tolist()))
