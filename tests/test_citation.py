"""Citation box, downloadable citations, permalink, provenance, data/articles.json,
and imported teasers and backlinks (issue 6)."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import unquote

from conftest import article

IMPORTED = {"source": "ant-news-dev.jsonl", "format": "records", "when": "2025-03-02T10:00:00+00:00"}


def cite_site(make_site, title: str = "الحكومة تعلن خطة الموازنة"):
    return make_site(
        {
            "content/authors/hazem.yml": "name: حازم الأمين\n",
            "content/articles/budget.md": article(
                title, "نص المقال.", date="2024-03-28", authors=["hazem", "رشا الأمير"],
                source_url="https://www.alarabiya.net/ar/2024/03/28/budget", extra={"source": "alarabia"},
                **{"import": IMPORTED},
            ),
            "content/articles/other.md": article("مقال آخر", "انظر [الموازنة](budget.md).", date="2024-04-01"),
        }
    )  # fmt: skip


def _section(page: str, cls: str) -> str:
    return page.split(f'<section class="{cls}"', 1)[1].split("</section>", 1)[0]


def downloads(page: str) -> dict[str, str]:
    """The citation files a page offers, by extension: each data: URL's text, decoded
    as a browser would (the attribute unescaped, then the URL percent-decoded as UTF-8)."""
    found = {}
    for href, name in re.findall(r'<a href="(data:[^"]*)" download="([^"]+)"', _section(page, "cite")):
        media, _, data = html.unescape(href).partition(",")
        assert media.endswith(";charset=utf-8"), media
        found[name.rsplit(".", 1)[1]] = unquote(data, encoding="utf-8", errors="strict")
    return found


def test_citation_box_has_author_title_publisher_date_permalink_and_access_date(make_site) -> None:
    site = cite_site(make_site)
    site.build()
    box = _section(site.page("articles/budget/"), "cite")
    assert "استشهد بهذا المقال" in box
    assert "<bdi>حازم الأمين، رشا الأمير</bdi>، «<bdi>الحكومة تعلن خطة الموازنة</bdi>»، <bdi>درج</bdi>" in box
    assert "28 آذار 2024" in box
    assert "https://example.org/archive/articles/budget/" in box
    assert "تاريخ الاطلاع: <time class=\"accessed\" data-accessed>" in box
    for ext, media in (("bib", "application/x-bibtex"), ("ris", "application/x-research-info-systems"), ("json", "application/vnd.citationstyles.csl+json")):
        assert re.search(f'<a href="data:{re.escape(media)};charset=utf-8,[^"]+" download="2024-budget.{ext}" type="{re.escape(media)}">', box)


def test_an_articles_folder_holds_only_its_page(make_site) -> None:
    # The citations travel in the page: three files an article would be half the archive's files.
    site = cite_site(make_site)
    site.build()
    assert sorted(f for f in site.files() if f.startswith("articles/budget/")) == ["articles/budget/index.html"]


def test_downloadable_citations_carry_the_fields(make_site) -> None:
    site = cite_site(make_site)
    site.build()
    files = downloads(site.page("articles/budget/"))
    bib = files["bib"]
    assert bib.startswith("@online{2024-budget,\n")
    assert "author = {{حازم الأمين} and {رشا الأمير}}" in bib
    assert "title = {{الحكومة تعلن خطة الموازنة}}" in bib and "date = {2024-03-28}" in bib
    assert "url = {https://example.org/archive/articles/budget/}" in bib and "organization = {درج}" in bib
    ris = files["ris"].split("\r\n")
    assert ris[0] == "TY  - NEWS" and "AU  - حازم الأمين" in ris and "AU  - رشا الأمير" in ris
    assert "DA  - 2024/03/28" in ris and "UR  - https://example.org/archive/articles/budget/" in ris and ris[-2] == "ER  - "
    (csl,) = json.loads(files["json"])
    assert csl["title"] == "الحكومة تعلن خطة الموازنة" and csl["issued"] == {"date-parts": [[2024, 3, 28]]}
    assert csl["author"] == [{"literal": "حازم الأمين"}, {"literal": "رشا الأمير"}] and csl["type"] == "article-newspaper"


def test_markup_and_specials_in_citation_fields_are_escaped(make_site) -> None:
    site = cite_site(make_site, title='<script>alert(1)</script> {ميزانية} 100% & "ربح"')
    site.build()
    box = _section(site.page("articles/budget/"), "cite")
    assert "<script>" not in box and "&lt;script&gt;alert(1)&lt;/script&gt;" in box
    files = downloads(site.page("articles/budget/"))
    bib = files["bib"]
    assert r'title = {{<script>alert(1)</script> \{ميزانية\} 100\% \& "ربح"}}' in bib
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")  # braces still balance
    (csl,) = json.loads(files["json"])
    assert csl["title"].startswith("<script>")  # data, not markup: JSON keeps the text as written


def test_permalink_does_not_change_when_the_title_is_edited(make_site) -> None:
    site = cite_site(make_site)
    site.build()
    before = set(site.files())
    (site.root / "content/articles/budget.md").write_text(
        article("عنوان جديد تماما", "نص.", date="2024-03-28"), encoding="utf-8"
    )
    site.build()
    assert "articles/budget/index.html" in before and "articles/budget/index.html" in site.files()
    assert "https://example.org/archive/articles/budget/" in _section(site.page("articles/budget/"), "cite")


def test_provenance_box_links_to_the_original(make_site) -> None:
    site = cite_site(make_site)
    site.build()
    box = _section(site.page("articles/budget/"), "provenance")
    assert '<a href="https://www.alarabiya.net/ar/2024/03/28/budget" rel="external"' in box
    assert "<bdi>alarabia</bdi>" in box  # the record's own outlet name
    assert '<time datetime="2025-03-02">' in box and "ant-news-dev.jsonl" in box
    assert 'class="provenance"' not in site.page("articles/other/")  # written here: nothing to tell


def test_data_articles_json_lists_every_article(make_site) -> None:
    site = cite_site(make_site)
    site.build()
    records = json.loads(site.files()["data/articles.json"])
    assert [r["id"] for r in records] == ["other", "budget"]  # newest first
    budget = records[1]
    assert budget["permalink"] == "https://example.org/archive/articles/budget/"
    assert budget["authors"] == [{"id": "hazem", "name": "حازم الأمين"}, {"id": "رشا-الأمير", "name": "رشا الأمير"}]
    assert budget["source_url"] == "https://www.alarabiya.net/ar/2024/03/28/budget"
    assert budget["imported_from"] == "ant-news-dev.jsonl" and budget["date"].startswith("2024-03-28")


def test_teasers_resolve_to_archived_articles_and_backlinks_appear(make_site) -> None:
    teasers = [
        {"title": "عنوان مختلف", "url": "http://alarabiya.net/ar/2024/03/28/budget/"},  # by URL (scheme, www, slash)
        {"title": "مقال آخر"},  # by title
        {"title": "مقالة ليست في الأرشيف", "url": "https://elsewhere.example/x"},  # stays external
        {"title": "عنوان بلا رابط"},  # stays text
    ]
    site = cite_site(make_site)
    site.write({"content/articles/reader.md": article("قارئ", "نص.", date="2024-05-01", related=teasers)})
    site.build()
    html = site.page("articles/reader/")
    box = _section(html, "read-also")
    assert '<a href="../../articles/budget/"><bdi>الحكومة تعلن خطة الموازنة</bdi></a>' in box
    assert '<a href="../../articles/other/"><bdi>مقال آخر</bdi></a>' in box
    assert '<a class="external" href="https://elsewhere.example/x" rel="external">' in box
    assert "<li><bdi>عنوان بلا رابط</bdi></li>" in box
    backlinks = _section(site.page("articles/budget/"), "backlinks")
    assert "مقالات تشير إلى هذا المقال" in backlinks
    assert backlinks.index('href="../../articles/reader/"') < backlinks.index('href="../../articles/other/"')  # newest first
    assert 'class="backlinks"' not in html  # nobody links to the reader


def test_incremental_build_updates_backlinks_and_teasers(make_site) -> None:
    site = cite_site(make_site)
    site.build()
    assert 'class="backlinks"' in site.page("articles/budget/")  # from "other"
    site.write({"content/articles/late.md": article("لاحق", "نص.", date="2024-06-01", related=[{"title": "مقال آخر"}])})
    site.build()  # cached: only pages whose fingerprint changed are rendered again
    assert 'href="../../articles/late/"' in _section(site.page("articles/other/"), "backlinks")
    (site.root / "content/articles/other.md").unlink()
    site.build()
    assert 'class="backlinks"' not in site.page("articles/budget/")
    assert '<li><bdi>مقال آخر</bdi></li>' in _section(site.page("articles/late/"), "read-also")  # no longer archived


def test_large_archives_get_sharded_json_lines(make_site, monkeypatch) -> None:
    from sitegen import dataset

    monkeypatch.setattr(dataset, "SHARD_SIZE", 1)
    site = cite_site(make_site)
    site.build()
    files = site.files()
    listing = json.loads(files["data/articles.json"])
    assert listing == {"count": 2, "shards": [{"path": "data/articles-0001.jsonl", "count": 1}, {"path": "data/articles-0002.jsonl", "count": 1}]}
    assert json.loads(files["data/articles-0002.jsonl"])["id"] == "budget"


def test_data_file_is_the_indented_json_of_its_records(make_site) -> None:
    from sitegen import dataset
    from sitegen.build import load
    from sitegen.config import load_config

    tricky = 'سطر أول\nسطر "ثانٍ" \\ و\t{ثالث}: [x], }'
    site = cite_site(make_site).write({"content/articles/tricky.md": article("عنوان\nبسطرين", summary=tricky, date="2023-01-01")})
    config = load_config(site.root / "site.yml")
    library = load(config).library
    expected = json.dumps([dataset.record(config, library, a) for a in library.articles], ensure_ascii=False, indent=2) + "\n"
    assert dataset.index_file(config, library).decode("utf-8") == expected
    made = {a.id: dataset.record_text(config, library, a) for a in library.articles[1:]}  # the first one left to make
    assert dataset.index_file(config, library, made).decode("utf-8") == expected


def test_a_title_quoting_a_link_makes_no_link_in_its_citations(make_site) -> None:
    # The build fails on a link to a page it does not write: a quoted one must stay text.
    site = cite_site(make_site, title='دليل الوسم <a href="../../nowhere/">رابط</a> و src="gone.png"')
    site.build()
    bib = downloads(site.page("articles/budget/"))["bib"]
    assert 'href="../../nowhere/"' in bib and 'src="gone.png"' in bib
    assert 'href="../../nowhere/"' not in site.page("articles/budget/")  # the page escapes it: no link there either
