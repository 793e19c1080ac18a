"""Bad inputs: each gets a message naming it, the rest of the import goes on,
and the exit status says something failed."""

from __future__ import annotations

import json
from pathlib import Path

from .import_helpers import read_article

GOOD = "عنوان سليم\nمقدمة.\nفقرة أولى.\nفقرة ثانية.\nفقرة ثالثة."


def _run(import_cmd, tmp_path: Path, capsys, name: str, data: bytes, *extra: str) -> str:
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / name).write_bytes(data)
    (tmp_path / "in" / "good.txt").write_text(GOOD, encoding="utf-8")
    assert import_cmd("in", "--out", "out", *extra) == 1
    assert (tmp_path / "out" / "good.md").exists()  # the rest went on
    return capsys.readouterr().out


def test_empty_file(import_cmd, tmp_path: Path, capsys) -> None:
    out = _run(import_cmd, tmp_path, capsys, "empty.txt", b"  \n\n")
    assert "in/empty.txt: empty file" in out


def test_binary_file(import_cmd, tmp_path: Path, capsys) -> None:
    out = _run(import_cmd, tmp_path, capsys, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    assert "in/image.txt: binary file" in out


def test_truncated_json_keeps_the_records_before_the_damage(import_cmd, tmp_path: Path, capsys) -> None:
    records = [{"title": f"خبر رقم {n}", "content": f"نص الخبر رقم {n}."} for n in range(3)]
    text = json.dumps(records, ensure_ascii=False)
    out = _run(import_cmd, tmp_path, capsys, "cut.json", text[: text.rindex("{") + 12].encode())
    assert "in/cut.json#3: malformed JSON" in out
    assert (tmp_path / "out" / "خبر-رقم-0.md").exists() and (tmp_path / "out" / "خبر-رقم-1.md").exists()


def test_truncated_json_lines(import_cmd, tmp_path: Path, capsys) -> None:
    lines = [json.dumps({"title": "خبر كامل", "content": "نص."}, ensure_ascii=False), '{"title": "خبر مقطوع", "con']
    out = _run(import_cmd, tmp_path, capsys, "cut.jsonl", "\n".join(lines).encode())
    assert "in/cut.jsonl#2: malformed JSON on line 2" in out
    assert (tmp_path / "out" / "خبر-كامل.md").exists()


def test_record_without_title_names_the_record(import_cmd, tmp_path: Path, capsys) -> None:
    records = [{"title": "", "content": "نص بلا عنوان."}, {"title": "خبر بعنوان", "content": "نص."}]
    out = _run(import_cmd, tmp_path, capsys, "r.json", json.dumps(records, ensure_ascii=False).encode())
    assert "in/r.json#1: record has no title" in out and "--map title=KEY" in out
    assert (tmp_path / "out" / "خبر-بعنوان.md").exists()


def test_xml_with_a_bare_ampersand_is_read_leniently(import_cmd, tmp_path: Path, capsys) -> None:
    from .test_import_wxr import wxr

    xml = wxr([{"title": "أخبار الاقتصاد & الأعمال", "content": "<p>شركة AT&T تعلن نتائجها.</p>"}]).replace("<![CDATA[أخبار الاقتصاد & الأعمال]]>", "أخبار الاقتصاد & الأعمال")
    (tmp_path / "export.xml").write_text(xml, encoding="utf-8")
    assert import_cmd("export.xml", "--out", "out2", "--report", "r.json") == 0
    meta, body = read_article(next((tmp_path / "out2").glob("*.md")))
    assert meta["title"] == "أخبار الاقتصاد & الأعمال"
    assert "AT&T" in body
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert "read leniently" in report["articles"][0]["notes"][0]


def test_html_with_scripts_keeps_no_script(import_cmd, tmp_path: Path) -> None:
    page = """<html lang="ar"><head><title>عنوان الصفحة</title><script>var tracker = "سكربت";</script>
    <style>p { color: red }</style></head><body><article><h1>عنوان الصفحة</h1>
    <p>الفقرة الأولى من المقال وهي طويلة بما يكفي ليعدها المستخرج نصاً حقيقياً من المقال وليس من حواشي الصفحة.</p>
    <script>document.write("حقن")</script><p onclick="alert(1)">الفقرة الثانية من المقال وفيها تفاصيل أخرى كثيرة عن الموضوع المطروح.</p>
    <form><input name="q"><button>ابحث</button></form><iframe src="https://ads.example.com">إعلان</iframe>
    </article></body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    assert import_cmd("page.html", "--out", "out") == 0
    # "page" says nothing about the article, so the title names the file
    text = (tmp_path / "out" / "عنوان-الصفحة.md").read_text(encoding="utf-8")
    for unwanted in ("tracker", "سكربت", "حقن", "document.write", "color: red", "onclick", "ابحث", "إعلان", "<script"):
        assert unwanted not in text, unwanted
    assert "الفقرة الأولى من المقال" in text and "الفقرة الثانية من المقال" in text


def test_missing_source_is_reported(import_cmd, tmp_path: Path, capsys) -> None:
    assert import_cmd("nowhere.json", "--out", "out") == 1
    assert "nowhere.json: no such file or folder" in capsys.readouterr().out
