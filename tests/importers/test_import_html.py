"""Saved HTML pages: the CNN Arabic page of the corpus, and a page written here."""

from __future__ import annotations

import json
from pathlib import Path

from .import_helpers import contains_in_order, corpus_path, read_article, words


def test_cnn_arabic_page_matches_expected_text(import_cmd, tmp_path: Path) -> None:
    page = corpus_path("html", "arabic_article.html")
    expected = page.with_name("arabic_article.expected.txt").read_text(encoding="utf-8")
    metadata = json.loads(page.with_name("arabic_article.metadata.json").read_text(encoding="utf-8"))
    assert import_cmd(page, "--out", "out") == 0
    meta, body = read_article(tmp_path / "out" / "arabic-article.md")
    assert meta["title"] == metadata["title"]
    assert meta["source_url"] == metadata["canonical_link"]
    assert meta["lang"] == metadata["language"] == "ar"
    assert meta["summary"] == metadata["meta_description"]
    assert "date" not in meta  # the page states none; never guessed from the URL
    paragraphs = [words(p) for p in expected.split("\n") if p.strip()]
    assert contains_in_order(words(body), paragraphs) is None
    # the comment rules and disclaimer under the article are page furniture
    assert "بالنقاش الحيوي" not in body and "الآراء الواردة أدناه" not in body
    # relative links were made absolute against the canonical URL
    assert "](../" not in body and "](http://arabic.cnn.com/" in body


def test_page_metadata_json_ld_and_structure(import_cmd, tmp_path: Path) -> None:
    page = """<!doctype html><html lang="ar"><head><title>عنوان الصفحة | الموقع</title>
<meta property="og:title" content="وزارة الصحة تطلق حملة تطعيم"><link rel="canonical" href="https://news.example.com/health/campaign">
<meta property="og:description" content="حملة تطعيم وطنية تبدأ الأسبوع المقبل.">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"وزارة الصحة تطلق حملة تطعيم",
"datePublished":"2024-03-28T09:30:00+03:00","author":[{"@type":"Person","name":"ليلى حسن"},{"@type":"Person","name":"عمر سعيد"}],"keywords":"صحة, تطعيم"}</script>
</head><body class="single comments-open"><nav><a href="/">الرئيسية</a></nav><article>
<h1>وزارة الصحة تطلق حملة تطعيم</h1>
<p>أعلنت وزارة الصحة اليوم إطلاق حملة تطعيم وطنية واسعة تشمل جميع المحافظات وتستهدف الأطفال دون سن الخامسة.</p>
<h2>تفاصيل الحملة</h2>
<ul><li>تبدأ الحملة يوم الأحد المقبل في جميع المراكز الصحية</li><li>تستمر الحملة أسبوعين كاملين دون انقطاع</li></ul>
<blockquote><p>التطعيم حق لكل طفل وواجب على كل أسرة في هذا البلد</p></blockquote>
<p>وقال الوزير في مؤتمر صحافي إن <a href="/vaccines">التطعيم</a> حق لكل طفل وواجب على كل أسرة، مؤكداً أن الوزارة وفرت اللقاحات الكافية.</p>
<div class="share-buttons"><a href="https://facebook.com/share">شارك على فيسبوك</a></div>
<div id="comments"><p>تعليق من قارئ لا ينتمي إلى المقال أبداً وهو طويل بما يكفي.</p></div>
</article></body></html>"""
    (tmp_path / "campaign.html").write_text(page, encoding="utf-8")
    assert import_cmd("campaign.html", "--out", "out") == 0
    meta, body = read_article(tmp_path / "out" / "campaign.md")
    assert meta["title"] == "وزارة الصحة تطلق حملة تطعيم"
    assert meta["date"] == "2024-03-28T09:30:00+03:00"
    assert meta["authors"] == ["ليلى حسن", "عمر سعيد"]
    assert meta["topics"] == ["صحة", "تطعيم"]
    assert meta["source_url"] == "https://news.example.com/health/campaign"
    assert meta["summary"] == "حملة تطعيم وطنية تبدأ الأسبوع المقبل."
    assert "أعلنت وزارة الصحة اليوم" in body
    assert "- تبدأ الحملة يوم الأحد" in body
    assert "[التطعيم](https://news.example.com/vaccines)" in body
    for unwanted in ("شارك على فيسبوك", "تعليق من قارئ", "الرئيسية"):
        assert unwanted not in body, unwanted
