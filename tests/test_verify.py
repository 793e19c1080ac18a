"""Link extraction for the build's link check."""

from __future__ import annotations

from sitegen.verify import internal_links


def test_every_href_and_src_is_found_once_with_its_target() -> None:
    html = (
        '<a href="../../authors/x/">x</a><img src="../../static/a.png" alt="">'
        '<a href="../../authors/x/">again</a><a href="https://example.org/">out</a>'
        '<a href="#top">top</a><a href="../../topics/y/#p2">y</a><a href="unterminated'
    )
    found = sorted(internal_links("articles/z/", html))  # "#top" is this page: nothing to check
    assert found == [
        ("authors/x/index.html", "../../authors/x/"),
        ("static/a.png", "../../static/a.png"),
        ("topics/y/index.html", "../../topics/y/#p2"),
    ]


def test_one_href_resolves_from_each_page_where_it_is_written() -> None:
    """Links are worked out once and remembered: never across pages they differ on."""
    html = '<a href="../../topics/y/">y</a><a href="x/">x</a>'
    assert sorted(internal_links("articles/a/", html)) == [("articles/a/x/index.html", "x/"), ("topics/y/index.html", "../../topics/y/")]
    assert sorted(internal_links("articles/b/", html)) == [("articles/b/x/index.html", "x/"), ("topics/y/index.html", "../../topics/y/")]
    assert sorted(internal_links("authors/c/page/2/", html)) == [
        ("authors/c/page/2/x/index.html", "x/"), ("authors/c/topics/y/index.html", "../../topics/y/"),
    ]  # fmt: skip
    root_relative = '<a href="/ar/archive/">a</a><a href="/archive/">b</a>'
    assert sorted(internal_links("404.html", root_relative, "/ar/")) == [("(outside /ar/)/archive/", "/archive/"), ("archive/index.html", "/ar/archive/")]


def test_links_out_of_the_site_are_not_checked() -> None:
    html = (
        '<a href="data:text/plain;charset=utf-8,href=%22x%22" download="c.bib">c</a><a href="mailto:a@b.c">m</a>'
        '<a href="tel:+961">t</a><a href="HTTPS://EXAMPLE.ORG/x/">e</a><a href="//cdn.example.org/x.js">p</a>'
    )
    assert list(internal_links("articles/a/", html)) == []
