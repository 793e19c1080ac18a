"""Feeds, sitemap, metadata, GitHub Pages files, `sitegen check` and `sitegen serve`."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import article

from sitegen.check import check_site
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import ConfigError

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NASTY = 'عن "الحشد" </script><b onclick="x">وَ & أيضاً</b>'

SUBPATH_YML = """\
title: "أرشيف <درج> & شركاه"
description: "وصف"
base_url: "https://example.github.io/daraj-archive/"
domain: archive.example.org
publisher: {name: "درج", url: "https://daraj.media/", logo: "static/logo.png"}
feed_entries: 2
"""


def publish_site(make_site):
    return make_site(
        {
            "content/authors/hazem.yml": "name: حازم الأمين\n",
            "content/articles/a.md": article(NASTY, date="2024-01-05T09:00:00+03:00", authors=["hazem"], topics=["العراق"], summary=NASTY),
            "content/articles/b.md": article("الثاني", date="2024-02-10", updated="2024-03-01", authors=["hazem"], topics=["العراق"]),
            "content/articles/c.md": article("الثالث", date="2024-02-20", topics=["لبنان"]),
            "content/articles/d.md": article("بلا تاريخ"),
            "static/logo.png": b"\x89PNG\r\n",
        },
        site_yml=SUBPATH_YML,
    )


def test_atom_feeds_parse_and_use_absolute_urls(make_site) -> None:
    site = publish_site(make_site)
    site.build()
    feed = ET.parse(site.out / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2  # feed_entries
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["الثالث", "الثاني"]
    assert entries[1].findtext(f"{ATOM}updated") == "2024-03-01T00:00:00+00:00"
    assert feed.findtext(f"{ATOM}updated") == "2024-03-01T00:00:00+00:00"
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "https://example.github.io/daraj-archive/articles/c/"
    author_feed = ET.parse(site.out / "authors/hazem/feed.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in author_feed.findall(f"{ATOM}entry")] == ["الثاني", NASTY]
    assert author_feed.find(f"{ATOM}entry/{ATOM}summary").text is not None
    topic_feed = ET.parse(site.out / "topics/العراق/feed.xml").getroot()
    assert len(topic_feed.findall(f"{ATOM}entry")) == 2
    home = site.page("")
    assert '<link rel="alternate" type="application/atom+xml"' in home and 'href="feed.xml"' in home
    assert 'href="../../authors/hazem/feed.xml"' in site.page("authors/hazem/")


def test_feed_text_and_attributes_carry_any_name_as_written(make_site) -> None:
    """Feeds are written as text, not through an XML library: markup, quotes, ampersands,
    tabs and line ends in names must come back from a parser exactly as written."""
    tricky = 'أ & ب "ج" <د>\tهـ\r\nو'
    site = make_site(
        {
            "content/topics/t.yml": f"name: {json.dumps(tricky)}\n",
            "content/articles/e.md": article("English <b>&amp;</b> & more", date="2024-01-01", topics=["t"], lang="en", summary=""),
        },
        site_yml=SUBPATH_YML,
    )
    site.build()
    feed = ET.parse(site.out / "topics/t/feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title").startswith(tricky.replace("\r\n", "\n"))  # XML normalises line ends in text
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}category").get("term") == tricky
    assert entry.findtext(f"{ATOM}title") == "English <b>&amp;</b> & more"
    assert entry.findtext(f"{ATOM}summary") == "English <b>&amp;</b> & more"  # no summary: the title
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"  # the site is Arabic
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    assert (site.out / "topics/t/feed.xml").read_bytes().startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<feed ")


def test_sitemap_lists_every_page_with_lastmod(make_site) -> None:
    site = publish_site(make_site)
    site.build()
    root = ET.parse(site.out / "sitemap.xml").getroot()
    locs = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")}
    html_pages = [p for p in site.out.rglob("index.html")]
    assert len(locs) == len(html_pages)  # every page but 404.html
    assert locs["https://example.github.io/daraj-archive/articles/b/"] == "2024-03-01T00:00:00+00:00"
    assert locs["https://example.github.io/daraj-archive/"] == "2024-03-01T00:00:00+00:00"
    assert "https://example.github.io/daraj-archive/topics/%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82/" in locs
    assert (site.out / "robots.txt").read_text() .endswith("Sitemap: https://example.github.io/daraj-archive/sitemap.xml\n")


def test_sitemap_splits_past_the_limit(make_site, monkeypatch) -> None:
    import sitegen.publish

    monkeypatch.setattr(sitegen.publish, "SITEMAP_LIMIT", 5)
    site = publish_site(make_site)
    site.build()
    index = ET.parse(site.out / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    parts = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
    assert len(parts) >= 2 and parts[0].endswith("/sitemap-1.xml")
    total = sum(len(ET.parse(site.out / p.rsplit("/", 1)[1]).getroot()) for p in parts)
    assert total == len(list(site.out.rglob("index.html")))


def test_head_metadata_and_json_ld(make_site) -> None:
    site = publish_site(make_site)
    site.build()
    html = site.page("articles/a/")
    assert '<link rel="canonical" href="https://example.github.io/daraj-archive/articles/a/">' in html
    assert '<meta property="og:locale" content="ar_AR">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    logo = "https://example.github.io/daraj-archive/static/logo.png"
    assert f'<meta property="og:image" content="{logo}">' in html and f'<meta name="twitter:image" content="{logo}">' in html
    assert "<b onclick" not in html and "&lt;/script&gt;" in html  # the title is escaped everywhere
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1  # the title's </script> did not close it early
    data = json.loads(scripts[0])
    assert data["@type"] == "NewsArticle" and data["headline"] == NASTY
    assert data["datePublished"] == "2024-01-05T09:00:00+03:00" and data["dateModified"] == data["datePublished"]
    assert data["author"] == [{"@type": "Person", "name": "حازم الأمين", "url": "https://example.github.io/daraj-archive/authors/hazem/"}]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["logo"]["url"] == "https://example.github.io/daraj-archive/static/logo.png"
    assert data["inLanguage"] == "ar" and data["isPartOf"]["url"] == "https://example.github.io/daraj-archive/"


def test_github_pages_files(make_site) -> None:
    site = publish_site(make_site)
    site.build()
    assert (site.out / ".nojekyll").exists()
    assert (site.out / "CNAME").read_text() == "archive.example.org\n"
    not_found = site.page("404.html")
    assert 'href="/daraj-archive/static/css/site.css"' in not_found  # works at any depth


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("domain: my archive.org", "not a bare domain"),
        ("domain: https://archive.org/", "not a bare domain"),
        ("base_url: example.org/archive/", "not an absolute"),
        ("base_url: https://example.org/?page=1", "query"),
    ],
)
def test_bad_publishing_config(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "site.yml").write_text(f"title: t\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_config(tmp_path / "site.yml")
    assert caught.value.problems[0].where.startswith(f"{tmp_path / 'site.yml'}:2")


def test_check_passes_on_a_good_site_and_finds_breakage(make_site) -> None:
    site = publish_site(make_site)
    site.build()
    config = load_config(site.root / "site.yml")
    assert check_site(site.out, config) == []
    (site.out / "static/css/site.css").unlink()
    (site.out / "topics/لبنان/index.html").unlink()
    page = site.out / "articles/b/index.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace('<html lang="ar" dir="rtl">', "<html>").replace('id="main"', 'id="dup"><i id="dup"'),
        encoding="utf-8",
    )
    (site.out / "feed.xml").write_text("<feed>", encoding="utf-8")
    home = (site.out / "index.html").read_text(encoding="utf-8").replace('href="archive/"', 'href="/daraj-archive/archive/"', 1)
    # A place in this page and one in another that are not there; the skip link's #main still is.
    home = home.replace("</main>", '<a href="#nowhere">x</a><a href="archive/#gone">y</a><a href="archive/#main">z</a></main>')
    home = home.replace("</main>", '<img src="static/img/map.png"><img src="static/img/rule.png" alt=""></main>')  # only the first lacks alt
    (site.out / "index.html").write_text(home, encoding="utf-8")
    messages = [f"{p.where}: {p.message}" for p in check_site(site.out, config)]
    text = "\n".join(messages)
    assert "broken link or missing asset: ../../static/css/site.css" in text
    assert "topics/لبنان/" in text
    assert "articles/b/index.html: page has no lang" in text and "articles/b/index.html: page has no dir" in text
    assert "id `dup` is used 2 times" in text
    assert "feed.xml:1: invalid XML" in text
    assert "index.html: link /daraj-archive/archive/ is root-relative" in text
    assert "index.html: link #nowhere names no element of its page (no id `nowhere`)" in text
    assert "index.html: link archive/#gone names no element of its page (no id `gone`)" in text
    assert "archive/#main" not in text  # (articles/b lost its id="main" above, so its skip link is reported)
    assert "articles/b/index.html: link #main names no element" in text
    assert "index.html: image static/img/map.png has no alt text" in text and "rule.png has no alt" not in text


def test_check_cli_exit_status(make_site, monkeypatch, capsys) -> None:
    site = publish_site(make_site)
    site.build()
    monkeypatch.chdir(site.root)
    assert main(["check"]) == 0
    (site.out / "authors/hazem/index.html").unlink()
    assert main(["check"]) == 1
    assert "authors/hazem/" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _poll(url: str, predicate, timeout: float = 60.0) -> str:  # a deadline for a loaded CI machine, not a timing
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            status, body = _get(url)
            if predicate(status, body):
                return body
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never matched; last body starts {body[:200]!r}")


def test_serve_rebuilds_on_change_and_shows_errors(make_site) -> None:
    site = publish_site(make_site)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--port", str(port)],
        cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}/daraj-archive/"
        _poll(base + "articles/b/", lambda s, b: s == 200 and "<title>الثاني" in b)
        status, _ = _get(base + "no-such-page/")
        assert status == 404
        source = site.root / "content/articles/b.md"
        source.write_text(source.read_text(encoding="utf-8").replace("title: الثاني", "title: عنوان محدث"), encoding="utf-8")
        body = _poll(base + "articles/b/", lambda s, b: "<title>عنوان محدث" in b)
        assert "EventSource" in body  # the page reloads itself on the next change
        (site.root / "content/articles/bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
        body = _poll(base, lambda s, b: 'role="alert"' in b)
        assert "bad.md" in body and "<title>" in body  # the last good build is still served
        assert server.poll() is None  # and the server kept running
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_images_named_in_content_resolve_from_the_site_root(make_site) -> None:
    site = make_site(
        {
            "content/authors/hazem.yml": "name: حازم\nimage: static/img/hazem.png\n",
            "content/articles/a.md": article("أ", date="2024-01-01", authors=["hazem"], image="static/img/lead.png"),
            "content/articles/b.md": article("ب", date="2024-01-02", image="https://cdn.example.org/x.jpg"),
            "static/img/hazem.png": b"\x89PNG",
            "static/img/lead.png": b"\x89PNG",
        },
        site_yml=SUBPATH_YML,
    )
    site.build()
    assert 'class="lead-image" src="../../static/img/lead.png"' in site.page("articles/a/")
    assert 'class="lead-image" src="https://cdn.example.org/x.jpg"' in site.page("articles/b/")
    assert 'class="portrait" src="../../static/img/hazem.png"' in site.page("authors/hazem/")
