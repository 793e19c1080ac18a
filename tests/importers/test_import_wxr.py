"""WordPress exports: a small Arabic WXR written here, and WordPress's own test data."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from .import_helpers import corpus_path, read_article, words


def wxr(posts: list[dict]) -> str:
    items = []
    for n, post in enumerate(posts, start=1):
        terms = "".join(
            f'<category domain="{domain}" nicename="{quote(name)}"><![CDATA[{name}]]></category>'
            for domain, name in post.get("terms", [])
        )
        items.append(f"""
<item>
  <title><![CDATA[{post['title']}]]></title>
  <link>https://example.com/?p={n}</link>
  <pubDate>Thu, 28 Mar 2024 11:05:00 +0000</pubDate>
  <dc:creator><![CDATA[{post.get('creator', 'salma')}]]></dc:creator>
  <content:encoded><![CDATA[{post['content']}]]></content:encoded>
  <excerpt:encoded><![CDATA[{post.get('excerpt', '')}]]></excerpt:encoded>
  <wp:post_id>{n}</wp:post_id>
  <wp:post_date><![CDATA[{post.get('date', '2024-03-28 14:05:00')}]]></wp:post_date>
  <wp:post_date_gmt><![CDATA[{post.get('date_gmt', '2024-03-28 11:05:00')}]]></wp:post_date_gmt>
  <wp:post_name><![CDATA[{post.get('slug', '')}]]></wp:post_name>
  <wp:status><![CDATA[{post.get('status', 'publish')}]]></wp:status>
  <wp:post_type><![CDATA[{post.get('type', 'post')}]]></wp:post_type>
  {terms}
</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>موقع تجريبي</title><language>ar</language><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[salma]]></wp:author_login><wp:author_display_name><![CDATA[سلمى حداد]]></wp:author_display_name></wp:author>
{''.join(items)}
</channel></rss>"""


POSTS = [
    {
        "title": "انتخابات البلدية في بيروت",
        "slug": quote("انتخابات-البلدية-في-بيروت"),
        "content": "<!-- wp:paragraph -->\n<p>جرت الانتخابات <strong>بهدوء</strong>.</p>\n<!-- /wp:paragraph -->\n"
        "<!-- wp:heading -->\n<h2>النتائج</h2>\n<!-- /wp:heading -->\n<!-- wp:list -->\n<ul><li>اللائحة الأولى</li><li>اللائحة الثانية</li></ul>\n<!-- /wp:list -->\n"
        '<!-- wp:image --><figure><img src="https://example.com/a.jpg" alt="صندوق اقتراع"/></figure><!-- /wp:image -->\n'
        '<p>التفاصيل <a href="https://example.com/details">هنا</a>.</p><table><tr><th>اللائحة</th><th>الأصوات</th></tr><tr><td>الأولى</td><td>١٢٠٠</td></tr></table>',
        "excerpt": "<p>ملخص الانتخابات.</p>",
        "terms": [("category", "سياسة"), ("post_tag", "بيروت"), ("category", "Uncategorized")],
    },
    {"title": "مسودة لم تنشر", "status": "draft", "content": "<p>نص المسودة.</p>", "date_gmt": "0000-00-00 00:00:00"},
    {"title": "منشور خاص", "status": "private", "content": "<p>نص خاص.</p>"},
    {"title": "صفحة من نحن", "type": "page", "content": "<p>من نحن.</p>"},
    {"title": "مقال كلاسيكي", "content": "الفقرة الأولى.\n\nالفقرة الثانية\nبسطر ثان.", "slug": "classic"},
]


def test_arabic_wxr(import_cmd, tmp_path: Path) -> None:
    (tmp_path / "export.xml").write_text(wxr(POSTS), encoding="utf-8")
    assert import_cmd("export.xml", "--out", "out", "--report", "r.json") == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["classic.md", "انتخابات-البلدية-في-بيروت.md"]  # percent-decoded, Arabic kept
    meta, body = read_article(tmp_path / "out" / "انتخابات-البلدية-في-بيروت.md")
    assert meta["authors"] == ["سلمى حداد"]  # display name, not login
    assert meta["date"] == "2024-03-28T14:05:00+03:00"  # local time with its offset
    assert meta["topics"] == ["سياسة", "بيروت"]
    assert meta["summary"] == "ملخص الانتخابات."
    assert meta["lang"] == "ar" and meta["import"]["format"] == "wxr"
    assert "wp:" not in body
    assert "**بهدوء**" in body and "## النتائج" in body and "- اللائحة الأولى" in body
    assert "![صندوق اقتراع](https://example.com/a.jpg)" in body
    assert "[هنا](https://example.com/details)" in body
    assert "| الأولى | ١٢٠٠ |" in body
    _meta, classic = read_article(tmp_path / "out" / "classic.md")
    assert classic.strip().startswith("الفقرة الأولى.\n\nالفقرة الثانية")


def test_drafts_and_private_posts_only_with_drafts(import_cmd, tmp_path: Path) -> None:
    (tmp_path / "export.xml").write_text(wxr(POSTS), encoding="utf-8")
    assert import_cmd("export.xml", "--out", "out", "--drafts") == 0
    titles = {read_article(p)[0]["title"]: read_article(p)[0] for p in (tmp_path / "out").iterdir()}
    assert set(titles) == {"انتخابات البلدية في بيروت", "مسودة لم تنشر", "منشور خاص", "مقال كلاسيكي"}
    assert titles["مسودة لم تنشر"]["draft"] is True
    assert "draft" not in titles["مقال كلاسيكي"]


def test_slug_escaping_out_is_refused(import_cmd, tmp_path: Path, capsys) -> None:
    posts = [dict(POSTS[0], slug=quote("../../outside")), POSTS[4]]
    (tmp_path / "export.xml").write_text(wxr(posts), encoding="utf-8")
    assert import_cmd("export.xml", "--out", "out") == 1
    assert "export.xml#1" in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["classic.md"]
    assert not (tmp_path / "outside.md").exists()


def test_wordpress_theme_test_data(import_cmd, tmp_path: Path) -> None:
    source = corpus_path("wordpress", "themeunittestdata.wordpress.xml")
    assert import_cmd(source, "--out", "out", "--report", "r.json") == 1  # one post there has no title
    import json

    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    failed = [a for a in report["articles"] if a["status"] == "failed"]
    assert len(failed) == 1 and "no title" in failed[0]["message"]
    imported = [a for a in report["articles"] if a["status"] == "imported"]
    assert len(imported) >= 15
    for entry in imported:
        meta, body = read_article(tmp_path / entry["path"])
        assert meta["title"] and meta["authors"] and meta["date"]
        prose = re.sub(r"```.*?```", "", body, flags=re.DOTALL)  # code samples may show markup
        assert "<!-- wp:" not in prose and "<script" not in prose.lower()
    meta, body = read_article(next((tmp_path / "out").glob("markup-html-tags-and-formatting*.md")))
    assert "Headings" in body or words(body)
