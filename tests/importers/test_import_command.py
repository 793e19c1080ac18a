"""Idempotency, hand edits, duplicates, dry runs, reports, exit status."""

from __future__ import annotations

import json
from pathlib import Path

from .import_helpers import read_article

from sitegen.importers.markdown_out import content_hash, stored_hash
from sitegen.importers.model import Draft
from sitegen.importers.writer import Writer

RECORDS = [
    {"title": "خبر أول عن الاقتصاد", "url": "https://example.com/1", "date": "2024-03-28", "content": "نص الخبر الأول عن نمو الاقتصاد في الربع الأول من العام."},
    {"title": "خبر ثان عن الرياضة", "url": "https://example.com/2", "date": "2024-03-29", "content": "نص الخبر الثاني عن فوز الفريق في المباراة النهائية."},
]


def _write_records(path: Path, records: list[dict]) -> None:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_reimport_changes_nothing(import_cmd, tmp_path: Path, capsys) -> None:
    _write_records(tmp_path / "a.json", RECORDS)
    assert import_cmd("a.json", "--out", "out") == 0
    first = _snapshot(tmp_path / "out")
    assert len(first) == 2
    assert import_cmd("a.json", "--out", "out", "--report", "r.json") == 0
    assert _snapshot(tmp_path / "out") == first  # byte for byte, import time included
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"unchanged": 2}


def test_changed_source_updates_its_file(import_cmd, tmp_path: Path) -> None:
    _write_records(tmp_path / "a.json", RECORDS)
    assert import_cmd("a.json", "--out", "out") == 0
    changed = [dict(RECORDS[0], content="نص معدل للخبر الأول بعد التصحيح."), RECORDS[1]]
    _write_records(tmp_path / "a.json", changed)
    assert import_cmd("a.json", "--out", "out", "--report", "r.json") == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"updated": 1, "unchanged": 1}
    assert len(list((tmp_path / "out").iterdir())) == 2
    _meta, body = read_article(tmp_path / "out" / "خبر-أول-عن-الاقتصاد.md")
    assert "نص معدل" in body


def test_hand_edits_are_kept_unless_force(import_cmd, tmp_path: Path) -> None:
    _write_records(tmp_path / "a.json", RECORDS)
    assert import_cmd("a.json", "--out", "out") == 0
    target = tmp_path / "out" / "خبر-أول-عن-الاقتصاد.md"
    edited = target.read_text(encoding="utf-8").replace("نص الخبر الأول", "نص حرره المحرر")
    target.write_text(edited, encoding="utf-8")
    changed = [dict(RECORDS[0], content="نسخة جديدة من المصدر."), RECORDS[1]]
    _write_records(tmp_path / "a.json", changed)
    assert import_cmd("a.json", "--out", "out", "--report", "r.json") == 0
    assert target.read_text(encoding="utf-8") == edited
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["counts"]["edited"] == 1
    assert import_cmd("a.json", "--out", "out", "--force") == 0
    assert "نسخة جديدة من المصدر." in target.read_text(encoding="utf-8")


def test_hand_written_file_with_the_same_url_is_a_duplicate(import_cmd, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    hand = out / "my-article.md"
    hand.write_text("---\ntitle: مقال كتبته بيدي\nsource_url: https://example.com/1\n---\n\nنص.\n", encoding="utf-8")
    _write_records(tmp_path / "a.json", RECORDS)
    assert import_cmd("a.json", "--out", "out", "--report", "r.json") == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"duplicate": 1, "imported": 1}
    duplicate = next(a for a in report["articles"] if a["status"] == "duplicate")
    assert "same source_url" in duplicate["message"] and "my-article.md" in duplicate["message"]
    assert hand.read_text(encoding="utf-8").startswith("---\ntitle: مقال كتبته بيدي")


def test_same_text_under_another_url_is_a_duplicate(import_cmd, tmp_path: Path) -> None:
    long_text = "قال وزير المالية، في مؤتمر صحافي عقده اليوم في العاصمة، إن الاقتصاد نما بنسبة ثلاثة في المئة خلال الربع الأول من العام الحالي مدفوعاً بالصادرات."
    original = dict(RECORDS[0], content=long_text)
    copy = dict(original, url="https://mirror.example.com/1", title="عنوان آخر لنفس الخبر")
    copy["content"] = long_text.replace("،", "")  # punctuation does not make it new
    _write_records(tmp_path / "a.json", [original, RECORDS[1], copy])
    assert import_cmd("a.json", "--out", "out", "--report", "r.json") == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"imported": 2, "duplicate": 1}
    assert "same text" in next(a for a in report["articles"] if a["status"] == "duplicate")["message"]


def test_same_title_different_articles_get_distinct_files(import_cmd, tmp_path: Path) -> None:
    twins = [dict(RECORDS[0]), dict(RECORDS[1], title=RECORDS[0]["title"])]
    _write_records(tmp_path / "a.json", twins)
    assert import_cmd("a.json", "--out", "out") == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["خبر-أول-عن-الاقتصاد-2.md", "خبر-أول-عن-الاقتصاد.md"]
    meta, _ = read_article(tmp_path / "out" / "خبر-أول-عن-الاقتصاد-2.md")
    assert meta["slug"] == "خبر-أول-عن-الاقتصاد-2"  # slug and file name agree


def test_dry_run_writes_nothing_and_says_what_would_happen(import_cmd, tmp_path: Path, capsys) -> None:
    _write_records(tmp_path / "a.json", RECORDS)
    assert import_cmd("a.json", "--out", "out", "--dry-run") == 0
    assert not (tmp_path / "out").exists()
    printed = capsys.readouterr().out
    assert "imported: a.json#1 -> out/خبر-أول-عن-الاقتصاد.md" in printed
    assert "would import 2" in printed


def test_summary_and_report_list_missing_fields(import_cmd, tmp_path: Path, capsys) -> None:
    _write_records(tmp_path / "a.json", [dict(RECORDS[0], date="قريباً"), RECORDS[1]])
    assert import_cmd("a.json", "--out", "out", "--report", "r.json") == 0
    printed = capsys.readouterr().out
    assert "imported 2" in printed and "no date: 1 articles" in printed and "no author: 2 articles" in printed
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    first = report["articles"][0]
    assert first["missing"] == ["date", "author"]
    assert first["notes"] == ["date not readable: 'قريباً'"]
    meta, _ = read_article(tmp_path / "out" / "خبر-أول-عن-الاقتصاد.md")
    assert "date" not in meta  # never guessed


def test_import_never_deletes(import_cmd, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "older.md").write_text("---\ntitle: قديم\n---\n\nنص قديم.\n", encoding="utf-8")
    (out / "notes.txt").write_text("ملاحظات", encoding="utf-8")
    _write_records(tmp_path / "a.json", RECORDS)
    assert import_cmd("a.json", "--out", "out") == 0
    assert (out / "older.md").exists() and (out / "notes.txt").exists()
    assert len(list(out.iterdir())) == 4


def test_front_matter_is_in_the_build_schema(import_cmd, tmp_path: Path) -> None:
    _write_records(tmp_path / "a.json", RECORDS)
    assert import_cmd("a.json", "--out", "out") == 0
    path = tmp_path / "out" / "خبر-أول-عن-الاقتصاد.md"
    text = path.read_text(encoding="utf-8")
    assert "خبر أول عن الاقتصاد" in text  # Arabic readable, not \u escapes
    meta, _ = read_article(path)
    allowed = {"title", "date", "updated", "authors", "topics", "summary", "slug", "lang", "source_url", "image", "draft", "extra", "dateline", "related", "import"}
    assert set(meta) <= allowed
    assert {"source", "format", "when", "hash"} <= set(meta["import"])
    assert stored_hash(text) == content_hash(text)
    from sitegen.content.parse import parse_article

    parsed = parse_article(path.read_bytes(), "content/articles/" + path.name, "ar")
    assert parsed.problems == () and parsed.warnings == ()
    assert parsed.article is not None and parsed.article.title == "خبر أول عن الاقتصاد"


def test_a_slug_that_would_escape_out_fails_that_record_only(import_cmd, tmp_path: Path, capsys) -> None:
    records = [dict(RECORDS[0], slug="../../etc/passwd"), RECORDS[1]]
    _write_records(tmp_path / "a.json", records)
    assert import_cmd("a.json", "--out", "out") == 1
    printed = capsys.readouterr().out
    assert "a.json#1" in printed and "escape" in printed
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["خبر-ثان-عن-الرياضة.md"]
    assert not (tmp_path / "etc").exists()


def test_writer_refuses_paths_outside_out(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "out", when="2024-01-01T00:00:00+00:00")
    draft = Draft(origin="x#1", format="json", title="عنوان", body="نص.", slug="..\\evil")
    assert writer.place(draft).status == "failed"
    try:
        writer._write(tmp_path / "evil.md", "x")
    except ValueError:
        pass
    assert not (tmp_path / "evil.md").exists()
