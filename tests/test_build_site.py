"""Fixture sites built in tmp_path, with assertions on the files they produce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import article

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import SitegenError


def _titles(html: str) -> list[str]:
    return re.findall(r'class="entry-title"><a href="[^"]*" dir="auto">([^<]*)</a>', html)


def news_site(make_site):
    return make_site(
        {
            "content/authors/hazem.yml": "name: حازم الأمين\nbio: صحافي وكاتب لبناني\n",
            "content/topics/iraq.yml": "name: العراق\ndescription: كل ما يخص العراق\n",
            "content/articles/a.md": article("الأول", date="2024-01-05", authors=["hazem"], topics=["العراق", "إيران"]),
            "content/articles/b.md": article("الثاني", date="2024-02-10T10:00:00+03:00", authors=["حازم الأمين"], topics=["iraq"]),
            "content/articles/c.md": article("الثالث", date="2024-02-20", authors=["رشا الأمير"], topics=["لبنان"]),
            "content/articles/d.md": article("بلا تاريخ", topics=["العراق"]),
            "content/articles/e.md": article("An English report", date="2023-12-01", lang="en", authors=["Jane Doe"], topics=["iraq"]),
        }
    )


def test_article_page_has_byline_date_topics_and_links(make_site) -> None:
    site = news_site(make_site)
    site.build()
    html = site.page("articles/b/")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 class="article-title" dir="auto">الثاني</h1>' in html
    assert '<a class="author" href="../../authors/hazem/"><bdi>حازم الأمين</bdi></a>' in html  # name resolved to the profile
    assert '<time datetime="2024-02-10T10:00:00+03:00">10 شباط 2024</time>' in html  # ar_LB months
    assert 'href="../../topics/iraq/"><bdi>العراق</bdi>' in html
    assert 'href="../../static/css/site.css"' in html


def test_author_and_topic_pages_with_and_without_profiles(make_site) -> None:
    site = news_site(make_site)
    site.build()
    hazem = site.page("authors/hazem/")
    assert "صحافي وكاتب لبناني" in hazem
    assert _titles(hazem) == ["الثاني", "الأول"]  # newest first
    rasha = site.page("authors/رشا-الأمير/")  # no profile: named as written
    assert "<h1 dir=\"auto\">رشا الأمير</h1>" in rasha
    iraq = site.page("topics/iraq/")
    assert "كل ما يخص العراق" in iraq
    assert _titles(iraq) == ["الثاني", "الأول", "An English report", "بلا تاريخ"]
    index = site.page("authors/")
    assert re.search(r"حازم الأمين</bdi></a> <span class=\"count\">\(2\)", index)
    assert 'href="../topics/إيران/"' in site.page("topics/")


def test_missing_authors_fall_back_to_the_publisher(make_site) -> None:
    site = news_site(make_site)
    site.build()
    assert '<bdi>درج</bdi>' in site.page("articles/d/")
    assert _titles(site.page("authors/درج/")) == ["بلا تاريخ"]


def test_undated_articles_are_listed_and_counted(make_site) -> None:
    site = news_site(make_site)
    report = site.build()
    assert report.undated == 1
    assert _titles(site.page("archive/undated/")) == ["بلا تاريخ"]
    archive = site.page("archive/")
    assert "بدون تاريخ" in archive and 'href="../archive/undated/"' in archive
    assert _titles(site.page("archive/2024/02/")) == ["الثالث", "الثاني"]
    assert "شباط 2024" in site.page("archive/2024/")


def test_prev_next_by_date(make_site) -> None:
    site = news_site(make_site)
    site.build()
    b = site.page("articles/b/")
    assert re.search(r'class="newer" rel="next" href="../../articles/c/"', b)
    assert re.search(r'class="older" rel="prev" href="../../articles/a/"', b)
    newest = site.page("articles/c/")
    assert 'class="newer"' not in newest
    assert 'class="prev-next"' not in site.page("articles/d/")  # undated: no neighbours


def test_related_prefers_most_shared_then_most_recent(make_site) -> None:
    site = make_site(
        {
            "content/articles/x.md": article("المحور", date="2024-01-01", authors=["س"], topics=["أ", "ب"]),
            "content/articles/both.md": article("يشارك الاثنين", date="2020-01-01", authors=["ع"], topics=["أ", "ب"]),
            "content/articles/one-new.md": article("يشارك واحدا حديثا", date="2024-05-01", authors=["ع"], topics=["أ"]),
            "content/articles/one-old.md": article("يشارك واحدا قديما", date="2019-05-01", authors=["ع"], topics=["ب"]),
            "content/articles/none.md": article("لا يشارك", date="2024-06-01", authors=["ع"], topics=["ج"]),
        }
    )
    site.build()
    html = site.page("articles/x/")
    related = html.split('class="related"', 1)[1].split("</section>", 1)[0]
    # "لا يشارك" shares no tag, only the fixture's body text, so it can only come last.
    assert _titles(related)[:3] == ["يشارك الاثنين", "يشارك واحدا حديثا", "يشارك واحدا قديما"]
    assert _titles(related)[3:] in ([], ["لا يشارك"])


def test_pagination_of_author_pages(make_site) -> None:
    files = {
        f"content/articles/n{i:02d}.md": article(f"مقال {i:02d}", date=f"2024-01-{i:02d}", authors=["كاتب"])
        for i in range(1, 8)
    }
    site = make_site(files, site_yml="title: ت\nper_page: {author: 3}\n")
    site.build()
    first, second, third = (site.page(p) for p in ("authors/كاتب/", "authors/كاتب/page/2/", "authors/كاتب/page/3/"))
    assert _titles(first) == ["مقال 07", "مقال 06", "مقال 05"]
    assert _titles(third) == ["مقال 01"]
    assert 'rel="next" href="../../authors/كاتب/page/2/"' in first
    assert 'rel="prev" href="../../../../authors/كاتب/"' in second
    assert 'rel="next" href="../../../../authors/كاتب/page/3/"' in second
    assert "صفحة 3 من 3" in third


def test_english_article_renders_ltr_inside_the_arabic_site(make_site) -> None:
    site = news_site(make_site)
    site.build()
    html = site.page("articles/e/")
    assert '<html lang="en" dir="ltr">' in html
    assert '<header class="site-header" lang="ar" dir="rtl">' in html
    assert '<time datetime="2023-12-01T00:00:00+00:00">December 1, 2023</time>' in html
    assert re.search(r'<li class="entry" lang="en" dir="ltr">', site.page("topics/iraq/"))


def test_site_templates_and_static_override_the_theme(make_site) -> None:
    site = news_site(make_site)
    site.write(
        {
            "templates/_entry.html": (Path(__file__).parents[1] / "themes/default/templates/_entry.html")
            .read_text(encoding="utf-8")
            .replace('<p class="meta">', '<p class="meta custom-meta">'),
            "templates/404.html": '{% extends "base.html" %}{% block main %}<h1>ضائع</h1>{% endblock %}',
            "static/css/site.css": "body { color: red; }",
            "static/img/logo.svg": "<svg/>",
        }
    )
    site.build()
    assert "custom-meta" in site.page("topics/iraq/")
    assert "<h1>ضائع</h1>" in site.page("404.html")
    assert (site.out / "static/css/site.css").read_text() == "body { color: red; }"
    assert (site.out / "static/img/logo.svg").exists()
    assert (site.out / "static/fonts/NotoNaskhArabic-Regular.woff2").exists()  # the rest still from the theme


def test_a_template_link_to_a_file_the_build_does_not_write_fails_it(make_site) -> None:
    site = news_site(make_site)
    site.build()
    before = site.files()
    site.write({"templates/_footer.html": '<footer><a href="{{ link(urls.AUTHORS) }}">x</a> <a href="{{ link("nowhere/") }}">y</a></footer>\n'})
    with pytest.raises(SitegenError) as failure:
        site.build()
    problems = failure.value.problems
    # One problem for the one missing file, at the first page rendered that links to it (the home
    # page, rendered first), quoting the link as written there.
    assert [(p.where, p.message) for p in problems] == [("index.html", "links to nowhere/, which the build does not write")]
    assert problems[0].fix.strip()
    assert site.files() == before


def test_a_site_header_and_footer_link_right_from_every_depth(make_site) -> None:
    """They are rendered once per depth and reused, so each depth must get its own links."""
    site = news_site(make_site)
    site.write(
        {
            "templates/_header.html": '<header class="custom"><a href="{{ link(urls.ARCHIVE) }}">{{ site.labels.archive }}</a></header>\n',
            "templates/_footer.html": '<footer class="custom"><a href="{{ link(urls.AUTHORS) }}">{{ v.num(7) }}</a></footer>\n',
        }
    )
    site.build()
    for path, root in (("", ""), ("archive/", "../"), ("articles/b/", "../../"), ("404.html", "/archive/")):
        html = site.page(path)
        assert f'<header class="custom"><a href="{root}archive/">' in html
        assert f'<footer class="custom"><a href="{root}authors/">7</a></footer>' in html
        assert "site-header" not in html


def test_internal_links_between_articles_resolve(make_site) -> None:
    site = make_site(
        {
            "content/articles/2024/a.md": article("أ", date="2024-01-01", body="انظر [المقال الآخر](../2023/b.md#خلفية)."),
            "content/articles/2023/b.md": article("ب", date="2023-01-01", body="## خلفية\n\nنص."),
        }
    )
    site.build()
    assert 'href="../../articles/b/#خلفية"' in site.page("articles/a/")


def test_404_links_work_from_any_depth(make_site) -> None:
    site = news_site(make_site)
    site.build()
    html = site.page("404.html")
    assert 'href="/archive/static/css/site.css"' in html
    assert 'href="/archive/archive/"' in html


def test_drafts_are_skipped_unless_asked(make_site) -> None:
    site = news_site(make_site)
    site.write({"content/articles/draft.md": article("مسودة", draft=True)})
    report = site.build()
    assert report.drafts_skipped == 1 and not (site.out / "articles/draft").exists()
    site.build(drafts=True)
    assert (site.out / "articles/draft/index.html").exists()


def test_two_builds_are_byte_identical_and_content_untouched(make_site) -> None:
    site = news_site(make_site)
    before = {p: p.read_bytes() for p in (site.root / "content").rglob("*") if p.is_file()}
    site.build()
    first = site.files()
    site.build()
    assert site.files() == first
    assert {p: p.read_bytes() for p in (site.root / "content").rglob("*") if p.is_file()} == before


def test_cli_new_creates_a_dated_article_that_builds(make_site, monkeypatch, capsys) -> None:
    site = make_site()
    monkeypatch.chdir(site.root)
    assert main(["new", "محاولة اغتيال: ماذا بعد؟"]) == 0
    created = Path(capsys.readouterr().out.strip())
    assert created.parent.parent == site.root / "content/articles"
    assert created.name.endswith("-محاولة-اغتيال-ماذا-بعد.md")
    text = created.read_text(encoding="utf-8")
    assert "title: 'محاولة اغتيال: ماذا بعد؟'" in text and "date: " in text
    assert main(["new", "محاولة اغتيال: ماذا بعد؟"]) == 1  # never overwrites
    assert main(["build", "--out", "public"]) == 0
    assert (site.root / "public/articles/محاولة-اغتيال-ماذا-بعد/index.html").exists()


def test_cli_summary_tells_what_search_indexed_and_kept(make_site, monkeypatch, capsys) -> None:
    site = make_site({"content/articles/a.md": article("الأول", date="2024-01-02")})
    monkeypatch.chdir(site.root)
    assert main(["build", "--out", "public"]) == 0
    assert "search: 1 articles in 1 shard(s), 1 indexed, 0 kept;" in capsys.readouterr().out
    site.write({"content/topics/x.yml": "name: موضوع\n"})  # a change no article shows
    assert main(["build", "--out", "public"]) == 0
    assert "search: no article it shows changed; the index was kept as it was" in capsys.readouterr().out
    site.write({"content/articles/a.md": article("الأول", "نص آخر.", date="2024-01-02")})
    assert main(["build", "--out", "public"]) == 0
    assert "search: 1 articles in 1 shard(s), 1 indexed, 0 kept;" in capsys.readouterr().out


def test_two_clean_builds_write_the_same_bytes_search_index_included(make_site) -> None:
    # Pagefind's own indexer wrote its filters in a randomly seeded hash map's order; ours sorts them.
    files = {
        f"content/articles/a{n}.md": article(f"مقال {n}", date=f"{2010 + n}-0{1 + n % 9}-1{n % 10}", authors=[f"كاتب {n}"], topics=[f"موضوع {n % 5}", f"ملف {n % 3}"])
        for n in range(12)
    }
    site = make_site(files)
    config = load_config(site.root / "site.yml")
    builds = []
    for name in ("one", "two"):
        build(config, site.root / name, log=lambda _m: None, cache_dir=site.root / f"cache-{name}")
        out = site.root / name
        builds.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert any(name.startswith("pagefind/all/filter/") for name in builds[0])
    assert builds[0] == builds[1]


def test_articles_are_found_as_glob_finds_them(tmp_path) -> None:
    import os

    from sitegen.content.discover import discover

    articles = tmp_path / "content/articles"
    for rel in ("a.md", "sub/deep/b.md", "notes.txt", "dir.md/c.md"):
        (articles / rel).parent.mkdir(parents=True, exist_ok=True)
        (articles / rel).write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/o.md").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", articles / "linked")  # a linked folder is not entered
    os.symlink(tmp_path / "elsewhere/o.md", articles / "link.md")  # a link to a file counts
    os.symlink(tmp_path / "nowhere.md", articles / "broken.md")
    os.mkfifo(articles / "pipe.md")
    globbed = sorted(p.relative_to(tmp_path).as_posix() for p in articles.glob("**/*.md") if p.is_file())
    assert list(discover(tmp_path).articles) == globbed
    assert globbed == ["content/articles/a.md", "content/articles/dir.md/c.md", "content/articles/link.md", "content/articles/sub/deep/b.md"]
