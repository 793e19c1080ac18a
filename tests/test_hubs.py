"""Author and topic hubs, index pages in Arabic order, aliases (issue 6)."""

from __future__ import annotations

import re
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest
from conftest import SITE_YML, article

from sitegen.build import load
from sitegen.collation import initial, sort_key
from sitegen.config import load_config
from sitegen.errors import ContentError

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _names(html: str) -> list[str]:
    listing = html.split('<ul class="index-list">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<bdi>([^<]*)</bdi>", listing)


def hub_site(make_site):
    return make_site(
        {
            "content/authors/kadhimi.yml": "name: مصطفى الكاظمي\nbio: رئيس وزراء سابق\nimage: https://example.org/k.jpg\naliases:\n  - الكاظمي\n",
            "content/topics/isis.yml": "name: داعش\ndescription: التنظيم المتطرف\naliases: [تنظيم الدولة]\n",
            "content/articles/a.md": article("أ", date="2019-05-01", authors=["الكاظمي"], topics=["تنظيم الدولة", "العراق"]),
            "content/articles/b.md": article("ب", date="2021-02-01", authors=["مصطفى الكاظمي"], topics=["داعش", "العراق"]),
            "content/articles/c.md": article("ج", date="2021-06-01", authors=["kadhimi", "إبراهيم"], topics=["العراق"]),
            "content/articles/d.md": article("د", date="2022-01-01", authors=["أحمد"], topics=["داعش", "سوريا"]),
        }
    )


def test_author_hub_shows_years_top_topics_and_articles_by_year(make_site) -> None:
    site = hub_site(make_site)
    site.build()
    html = site.page("authors/kadhimi/")
    assert "رئيس وزراء سابق" in html and 'src="https://example.org/k.jpg"' in html
    assert "عدد المقالات: 3" in html
    assert "سنوات النشاط: 2019–2021" in html
    topics = html.split('class="hub-topics"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="../../topics/([^/]*)/"><bdi>[^<]*</bdi></a> <span class="count">\((\d)\)', topics) == [
        ("العراق", "3"), ("isis", "2"),
    ]  # fmt: skip
    years = re.findall(r'<h2 id="year-(\d{4})-heading">', html)
    assert years == ["2021", "2019"]
    assert html.index("year-2021-heading") < html.index(">ب<") < html.index("year-2019-heading") < html.index(">أ<")


def test_topic_hub_shows_top_authors_and_companion_topics(make_site) -> None:
    site = hub_site(make_site)
    site.build()
    html = site.page("topics/isis/")
    assert "التنظيم المتطرف" in html and "عدد المقالات: 3" in html
    authors = html.split('class="hub-authors"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="../../authors/([^/]*)/"', authors) == ["kadhimi", "أحمد"]
    companions = html.split('class="hub-companions"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="../../topics/([^/]*)/"><bdi>[^<]*</bdi></a> <span class="count">\((\d)\)', companions) == [
        ("العراق", "2"), ("سوريا", "1"),
    ]  # fmt: skip


def test_aliases_fold_into_one_page_and_the_variant_url_redirects(make_site) -> None:
    site = hub_site(make_site)
    site.build()
    linked = load(load_config(site.root / "site.yml"))
    assert linked.library.article_authors["a"] == ("kadhimi",)
    assert linked.library.article_topics["a"][0] == "isis"
    assert "الكاظمي" not in linked.library.authors  # no page of its own
    redirect = site.page("authors/الكاظمي/")
    assert '<meta http-equiv="refresh" content="0; url=../../authors/kadhimi/index.html">' in redirect
    assert '<link rel="canonical" href="https://example.org/archive/authors/kadhimi/">' in redirect
    assert 'href="../../authors/kadhimi/index.html"' in redirect  # followable from disk, without JS
    assert "url=../../topics/isis/index.html" in site.page("topics/تنظيم-الدولة/")


def test_redirects_are_left_out_of_the_sitemap(make_site) -> None:
    site = hub_site(make_site)
    site.build()
    sitemap = ET.parse(site.out / "sitemap.xml").getroot()
    listed = {unquote(u.findtext(f"{SM}loc")) for u in sitemap.findall(f"{SM}url")}
    base = "https://example.org/archive/"
    assert {f"{base}authors/kadhimi/", f"{base}topics/isis/"} <= listed  # the pages aliases fold into stay
    assert (site.out / "authors/الكاظمي/index.html").is_file()  # the redirect is still written...
    assert f"{base}authors/الكاظمي/" not in listed  # ...but is not a page to index
    assert f"{base}topics/تنظيم-الدولة/" not in listed


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"content/authors/k.yml": "name: الكاظمي\naliases:\n  - الكاظمي\n"}, "k.yml:3: alias `الكاظمي` is this profile's own name"),
        (
            {
                "content/topics/isis.yml": "name: داعش\naliases: [تنظيم الدولة]\n",
                "content/topics/state.yml": "name: تنظيم الدولة\naliases: [داعش]\n",
            },
            "isis.yml:2: alias `تنظيم الدولة` names another profile, content/topics/state.yml",
        ),
        (
            {
                "content/authors/a.yml": "name: أحمد\naliases: [أبو علي]\n",
                "content/authors/b.yml": "name: بشير\nbio: كاتب\naliases:\n  - أبو علي\n",
            },
            "b.yml:4: alias `أبو علي` is also claimed by content/authors/a.yml:2",
        ),
    ],
)
def test_bad_aliases_are_clear_errors(make_site, files: dict[str, str], message: str) -> None:
    site = make_site({**files, "content/articles/x.md": article("س", date="2020-01-01")})
    with pytest.raises(ContentError) as caught:
        site.build()
    assert message in str(caught.value)
    assert "fix:" in str(caught.value)
    assert not site.out.exists()


def test_arabic_collation_ignores_the_article_and_groups_hamza_forms() -> None:
    names = ["الكاظمي", "إبراهيم", "بشير", "أحمد", "آمنة", "Zed", "ياسر", "اسماعيل", "ثامر"]
    assert sorted(names, key=sort_key) == ["إبراهيم", "أحمد", "اسماعيل", "آمنة", "بشير", "ثامر", "الكاظمي", "ياسر", "Zed"]
    assert [initial(n) for n in ("الكاظمي", "إبراهيم", "آمنة", "Zed")] == ["ك", "ا", "ا", "#"]


def test_index_pages_sort_by_name_and_by_count_with_a_jump_bar(make_site) -> None:
    site = hub_site(make_site)
    site.build()
    by_name = site.page("authors/")
    assert _names(by_name) == ["إبراهيم", "أحمد", "مصطفى الكاظمي"]
    assert 'href="../authors/by-count.html"' in by_name
    assert '<a href="../authors/#letter-ا">أ</a>' in by_name and 'id="letter-ا"' in by_name
    assert '<span aria-disabled="true">ب</span>' in by_name  # no author under ب
    by_count = site.page("authors/by-count.html")
    assert _names(by_count) == ["مصطفى الكاظمي", "إبراهيم", "أحمد"]
    topics = site.page("topics/")
    assert _names(topics) == ["داعش", "سوريا", "العراق"]  # العراق files under ع
    assert _names(site.page("topics/by-count.html")) == ["داعش", "العراق", "سوريا"]  # 3, 3 (tie: by name), 1


def test_incremental_build_renames_a_topic_on_its_authors_hub(make_site) -> None:
    site = hub_site(make_site)
    site.build()
    assert "<bdi>داعش</bdi>" in site.page("authors/kadhimi/")
    site.write({"content/topics/isis.yml": "name: تنظيم داعش\naliases: [تنظيم الدولة, داعش]\n"})
    site.build()
    hub = site.page("authors/kadhimi/")
    assert "<bdi>تنظيم داعش</bdi>" in hub and "<bdi>داعش</bdi>" not in hub


def test_each_year_active_links_to_the_page_where_its_articles_begin(make_site) -> None:
    """The hub lists every year; most are on another page of its pagination than the one shown."""
    dates = ["2023-03-01", "2023-01-01", "2022-06-01", "2022-02-01", "2021-05-01", "2019-01-01"]
    files = {f"content/articles/{n}.md": article(f"مقال {n}", date=d, authors=["kadhimi"], topics=["العراق"]) for n, d in enumerate(dates)}
    site = make_site(files, site_yml=SITE_YML + "per_page: {author: 2, topic: 3}\n")
    site.build()

    def year_links(path: str) -> list[tuple[str, str]]:
        years = site.page(path).split('<ul class="year-counts">', 1)[1].split("</ul>", 1)[0]
        return re.findall(r'<a href="([^"]*)">([^<]*)</a>', years)

    # Two articles a page: 2023 on page 1, 2022 on page 2, 2021 and 2019 on page 3.
    assert year_links("authors/kadhimi/") == [
        ("#year-2023", "2023"), ("../../authors/kadhimi/page/2/#year-2022", "2022"),
        ("../../authors/kadhimi/page/3/#year-2021", "2021"), ("../../authors/kadhimi/page/3/#year-2019", "2019"),
    ]  # fmt: skip
    assert year_links("authors/kadhimi/page/3/") == [
        ("../../../../authors/kadhimi/#year-2023", "2023"), ("../../../../authors/kadhimi/page/2/#year-2022", "2022"),
        ("#year-2021", "2021"), ("#year-2019", "2019"),
    ]  # fmt: skip
    # Three a page: 2022 begins on page 1 and goes on to page 2, where it is linked on the page itself.
    assert [href for href, _ in year_links("topics/العراق/page/2/")] == [
        "../../../../topics/العراق/#year-2023", "#year-2022", "#year-2021", "#year-2019",
    ]  # fmt: skip
    for path, href in [("authors/kadhimi/page/3/", "#year-2021"), ("authors/kadhimi/page/2/", "#year-2022"), ("topics/العراق/", "#year-2022")]:
        assert f'id="{href[1:]}"' in site.page(path)  # every link lands on its year's heading
