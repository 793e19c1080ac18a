import pytest
from markdown_it import MarkdownIt

from sitegen.content.markdown import REF_SCHEME, render_markdown


def test_commonmark_tables_footnotes_and_arabic_heading_ids() -> None:
    html, _ = render_markdown(
        "## خلفية الهجوم\n\nنص[^1]\n\n| أ | ب |\n|---|---|\n| ١ | ٢ |\n\n[^1]: حاشية\n", "content/articles/a.md"
    )
    assert '<h2 id="خلفية-الهجوم">' in html
    assert "<table>" in html and "<td>١</td>" in html
    assert 'class="footnotes"' in html and "حاشية" in html


def test_raw_html_is_sanitised() -> None:
    html, _ = render_markdown(
        '<script>alert(1)</script>\n\n<p onclick="x()">نص</p>\n\n[رابط](javascript:alert(1)) <a href="javascript:alert(2)">ب</a>\n\n<img src="x.png" onerror="y()" alt="صورة">',
        "content/articles/a.md",
    )
    assert "<script" not in html
    assert "onclick" not in html and "onerror" not in html
    assert 'href="javascript' not in html and "<a>ب</a>" in html
    assert 'alt="صورة"' in html


def test_links_to_articles_become_references() -> None:
    html, refs = render_markdown("[أ](other.md) [ب](../2020/x.md#part) [ج](https://e.org/a.md)", "content/articles/2024/a.md")
    assert refs == ("content/articles/2024/other.md", "content/articles/2020/x.md")
    assert f'href="{REF_SCHEME}:content/articles/2020/x.md#part"' in html
    assert 'href="https://e.org/a.md"' in html


def test_a_front_matter_key_given_twice_is_an_error_at_its_line() -> None:
    from sitegen.content.parse import parse_article

    parsed = parse_article("---\ntitle: أ\ndate: 2024-01-01\ntitle: ب\n---\nنص\n".encode(), "content/articles/a.md", "ar")
    assert parsed.article is None
    (problem,) = parsed.problems
    assert problem.where == "content/articles/a.md:4"
    assert "`title` is given twice (first given on line 2)" in problem.message and problem.fix


@pytest.mark.parametrize("body", ["سطر\rسطر آخر\r\n\r\n| أ | ب |\r|---|---|\r| 1 | 2 |\n", "نص\0فيه صفر", "نص عادي\n\nفقرة ثانية\n"])
def test_line_endings_and_nul_as_markdown_it_normalises_them(body: str) -> None:
    # Our first rule does what markdown-it's does, skipping the work where there is none: the same HTML.
    stock = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(["table", "strikethrough"])
    html, _ = render_markdown(body, "a.md")
    assert html == stock.render(body)
    assert "\r" not in html and "\0" not in html
