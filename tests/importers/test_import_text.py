from __future__ import annotations

from pathlib import Path

from .import_helpers import FIXTURES, read_article, words

from sitegen.importers.furniture import load_furniture
from sitegen.importers.text import read_text


def _import_fixture(import_cmd, tmp_path: Path) -> tuple[dict, str]:
    assert import_cmd(FIXTURES / "dump-water.txt", "--out", "out") == 0
    return read_article(tmp_path / "out" / "dump-water.md")


def test_title_standfirst_and_body(import_cmd, tmp_path: Path) -> None:
    meta, body = _import_fixture(import_cmd, tmp_path)
    assert meta["title"] == "وزارة المياه تعلن خطة لترشيد الاستهلاك في الصيف"
    assert meta["summary"] == "أعلنت الوزارة خطة جديدة لمواجهة شح المياه خلال أشهر الصيف المقبلة."
    assert meta["slug"] == "dump-water"
    assert meta["lang"] == "ar"
    assert meta["import"]["format"] == "text"
    assert body.lstrip().startswith("قالت الوزارة في بيان")
    assert "date" not in meta and "authors" not in meta  # nothing guessed


def test_furniture_is_removed_and_reported(import_cmd, tmp_path: Path) -> None:
    meta, body = _import_fixture(import_cmd, tmp_path)
    for furniture in ("fbpx", "واتساب", "الأكثر قراءة", "tptn_list", "gallery", "إقرأوا أيضاً", "اضغط هنا", "النشرة البريدية"):
        assert furniture not in body, furniture
    kinds = {entry.split(":", 1)[0] for entry in meta["import"]["removed"]}
    assert {"tracking", "signup", "widget", "shortcode", "read-also", "call-to-action", "teaser"} <= kinds
    # the inline shortcode went, the sentence around it stayed
    assert "وتتضمن الخطة حملة توعية في المدارس والجامعات." in body


def test_end_teaser_goes_to_related(import_cmd, tmp_path: Path) -> None:
    meta, body = _import_fixture(import_cmd, tmp_path)
    assert meta["related"] == [
        {
            "author": "سارة خالد",
            "date": "2024-02-05",
            "title": "أزمة الكهرباء تعود إلى الواجهة",
            "excerpt": "مقتطف من مقال آخر عن أزمة الكهرباء لا ينتمي إلى هذا المقال.",
        }
    ]
    assert "أزمة الكهرباء" not in body and "سارة خالد" not in body


def test_pull_quote_appears_once_as_blockquote(import_cmd, tmp_path: Path) -> None:
    _meta, body = _import_fixture(import_cmd, tmp_path)
    paragraphs = body.strip().split("\n\n")
    quotes = [p for p in paragraphs if p.startswith("> ")]
    assert quotes == ["> المياه ليست سلعة بل حق يجب أن نحافظ عليه جميعاً لأجيال قادمة"]
    # the full paragraph that the quote repeats is kept as it is
    assert any(p.startswith("وأضاف الوزير") and "المياه ليست سلعة عادية" in p for p in paragraphs)
    assert body.count("لأجيال قادمة") == 2  # once in the quote, once in the paragraph


def test_nbsp_only_line_is_empty() -> None:
    draft = read_text("العنوان\n\u00a0\nفقرة أولى.\n\u00a0 \u200f\nفقرة ثانية.", "x.txt", load_furniture())
    assert "\u00a0" not in draft.body
    assert draft.body.split("\n\n") == ["فقرة أولى.", "فقرة ثانية."]


def test_exact_repeat_of_a_paragraph_is_kept_once() -> None:
    repeated = "هذه جملة مكررة في الصفحة مرتين بسبب تصميم الموقع"
    draft = read_text(f"العنوان\n{repeated}\nفقرة.\nفقرة أخرى.\n{repeated}", "x.txt", load_furniture())
    assert words(draft.body).count("مكررة") == 1


def test_byline_and_date_lines_under_the_title() -> None:
    text = "العنوان الرئيسي\nبقلم: سارة خالد ومحمد علي\n٢٨ آذار ٢٠٢٤\nالفقرة الأولى من المقال.\nالفقرة الثانية.\nالثالثة."
    draft = read_text(text, "x.txt", load_furniture())
    assert draft.authors == ["سارة خالد", "محمد علي"]
    assert draft.date == "2024-03-28"
    assert "سارة" not in draft.body


def test_extra_furniture_patterns_from_site_yml(import_cmd, tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("title: أرشيف\nimporter:\n  furniture:\n    - 'تابعوا تغطيتنا المباشرة.*'\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("عنوان المقال\nفقرة أولى طويلة بما يكفي.\nتابعوا تغطيتنا المباشرة على موقعنا\nفقرة ثانية.\nفقرة ثالثة.", encoding="utf-8")
    assert import_cmd("a.txt", "--out", "out") == 0
    meta, body = read_article(tmp_path / "out" / "a.md")
    assert "تابعوا تغطيتنا" not in body
    assert any(r.startswith("custom: تابعوا تغطيتنا") for r in meta["import"]["removed"])


def test_markdown_special_characters_stay_text() -> None:
    text = "العنوان\nمقدمة قصيرة.\n# ليس عنواناً\n- ليست قائمة\n1. ليس ترقيماً\n*نجوم* و<b>وسم</b> و[أقواس]\nفقرة أخيرة."
    draft = read_text(text, "x.txt", load_furniture())
    from sitegen.content.markdown import render_markdown

    html, _refs = render_markdown(draft.body, "x.md")
    assert "<h1" not in html and "<ul" not in html and "<ol" not in html and "<em" not in html and "<b>" not in html
    assert "ليس عنواناً" in html and "ليست قائمة" in html and "1. ليس ترقيماً" in html
    assert "*نجوم*" in html and "&lt;b&gt;" in html and "[أقواس]" in html
