from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from .import_helpers import read_article

RECORDS = [
    {
        "headline": "افتتاح معرض الكتاب في الرياض",
        "published": "Tue, 20 Feb 2018 01:44:01 GMT",
        "byline": "الرياض - سارة خالد ومحمد علي",
        "text": "افتتح المعرض أبوابه اليوم.\nويشارك فيه ناشرون من عشرين دولة.\nاقرأ أيضا: معرض جدة يستعد لدورته الجديدة",
        "link": "https://example.com/book-fair",
        "section": "ثقافة",
        "views": 120,
    },
    {
        "headline": "أمطار غزيرة على جدة",
        "published": "28 آذار 2024",
        "byline": "",
        "text": "هطلت أمطار غزيرة على جدة صباح اليوم.",
        "link": "https://example.com/rain",
        "section": "طقس، محليات",
    },
]
MAP = ["--map", "title=headline", "--map", "date=published", "--map", "authors=byline", "--map", "body=text", "--map", "source_url=link", "--map", "topics=section"]


def _articles(out: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted(out.glob("*.md")):
        meta, body = read_article(path)
        found[meta["title"]] = (meta, body)
    return found


def _check(out: Path, fmt: str) -> None:
    articles = _articles(out)
    assert set(articles) == {"افتتاح معرض الكتاب في الرياض", "أمطار غزيرة على جدة"}
    meta, body = articles["افتتاح معرض الكتاب في الرياض"]
    assert meta["date"] == "2018-02-20T01:44:01+00:00"
    assert meta["authors"] == ["سارة خالد", "محمد علي"]
    assert meta["dateline"] == "الرياض"
    assert meta["topics"] == ["ثقافة"]
    assert meta["source_url"] == "https://example.com/book-fair"
    assert meta["import"]["format"] == fmt
    assert body.strip().split("\n\n") == ["افتتح المعرض أبوابه اليوم.", "ويشارك فيه ناشرون من عشرين دولة."]
    assert meta["related"] == [{"title": "معرض جدة يستعد لدورته الجديدة"}]
    assert str(meta["extra"]["views"]) == "120"  # unmapped keys are kept
    rain, _ = articles["أمطار غزيرة على جدة"]
    assert rain["date"] == "2024-03-28" and "authors" not in rain
    assert rain["topics"] == ["طقس", "محليات"]


def test_json_array(import_cmd, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    assert import_cmd("a.json", "--out", "out", *MAP) == 0
    _check(tmp_path / "out", "json")


def test_json_lines_with_format_json(import_cmd, tmp_path: Path) -> None:
    (tmp_path / "a.data").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), encoding="utf-8")
    assert import_cmd("a.data", "--format", "json", "--out", "out", *MAP) == 0
    _check(tmp_path / "out", "json")


def test_csv(import_cmd, tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(RECORDS[0]))
    writer.writeheader()
    writer.writerows(RECORDS)
    (tmp_path / "a.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert import_cmd("a.csv", "--out", "out", *MAP) == 0
    _check(tmp_path / "out", "csv")


def test_zip_of_records_detected_without_map(import_cmd, tmp_path: Path) -> None:
    # common key names need no --map; the zip member's content decides the format
    generic = [{"title": r["headline"], "date": r["published"], "author": r["byline"], "content": r["text"],
                "url": r["link"], "category": r["section"], "views": r.get("views")} for r in RECORDS]  # fmt: skip
    with zipfile.ZipFile(tmp_path / "batch.zip", "w") as archive:
        archive.writestr("records.dat", json.dumps(generic, ensure_ascii=False))
    assert import_cmd("batch.zip", "--out", "out") == 0
    _check(tmp_path / "out", "json")
    meta, _ = _articles(tmp_path / "out")["أمطار غزيرة على جدة"]
    assert meta["import"]["source"] == "batch.zip/records.dat#2"


def test_stdin(import_cmd, tmp_path: Path, monkeypatch) -> None:
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS).encode("utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert import_cmd("-", "--out", "out", *MAP) == 0
    _check(tmp_path / "out", "json")


def test_unknown_map_field_is_a_usage_error(import_cmd, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    assert import_cmd("a.json", "--map", "headline=title") == 2
    assert import_cmd("a.json", "--map", "title") == 2
