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
