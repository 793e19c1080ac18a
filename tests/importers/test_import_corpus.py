"""Every corpus article: imported, buildable, complete, in order, no furniture."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from .import_helpers import contains_in_order, corpus_path, read_article, words

from sitegen.importers.cleanup import normalise_paragraph, words_of
from sitegen.importers.furniture import load_furniture

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def corpus_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from .import_helpers import run_import

    ant = corpus_path("ant-news-dev.jsonl")
    snn = corpus_path("saudinewsnet")
    root = tmp_path_factory.mktemp("corpus")
    status = run_import(ant, snn, "--out", root / "out", "--report", root / "report.json")
    assert status == 1  # 26 SaudiNewsNet records have no title
    return root, json.loads((root / "report.json").read_text(encoding="utf-8"))


def _sources() -> dict[str, dict]:
    records: dict[str, dict] = {}
    ant = corpus_path("ant-news-dev.jsonl")
    for number, line in enumerate(ant.read_text(encoding="utf-8").split("\n"), start=1):
        if line.strip():
            records[f"{ant.as_posix()}#{number}"] = json.loads(line)
    for archive in sorted(corpus_path("saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                for index, record in enumerate(json.loads(zf.read(name)), start=1):
                    records[f"{archive.as_posix()}/{name}#{index}"] = record
    return records


def test_every_article_accounted_for(corpus_import) -> None:
    _root, report = corpus_import
    counts = report["counts"]
    assert sum(counts.values()) == 6895 + 6326 == 13221
    assert counts["failed"] == 26
    assert all("no title" in a["message"] for a in report["articles"] if a["status"] == "failed")
    assert counts["duplicate"] >= 46  # ANT repeats 46 URLs
    assert counts["imported"] == 13221 - counts["failed"] - counts["duplicate"]


def test_every_article_is_complete_in_order_and_clean(corpus_import) -> None:
    root, report = corpus_import
    sources = _sources()
    furniture = load_furniture()
    problems: list[str] = []
    for entry in report["articles"]:
        if entry["status"] != "imported":
            continue
        record = sources[entry["source"]]
        meta, body = read_article(root / "out" / Path(entry["path"]).name)
        removed = {r.split(": ", 1)[1] for r in meta.get("import", {}).get("removed", [])}
        text = record.get("text") if "text" in record else record.get("content", "")
        # the source is plain text: its backslashes are words' neighbours, not escapes
        expected = [words_of(record["title"])] if words_of(record["title"]) != words_of(meta["title"]) else []
        paragraphs = [normalise_paragraph(p) for p in text.split("\n")]
        expected += [words_of(p) for p in paragraphs if p and p not in removed]
        missing = contains_in_order(words(body), expected)
        if missing is not None:
            problems.append(f"{entry['source']}: missing {' '.join(missing[:8])}")
        for para in body.split("\n\n"):
            plain = re.sub(r"\\(.)", r"\1", para.strip())
            if plain and furniture.line_kind(plain):
                problems.append(f"{entry['source']}: furniture left: {plain[:60]}")
        raw_date = record.get("date") or record.get("date_extracted")
        if raw_date and not meta.get("date"):
            problems.append(f"{entry['source']}: date {raw_date!r} not read")
    assert problems == [], problems[:10]


def test_every_article_builds(corpus_import) -> None:
    from sitegen.content.parse import parse_article

    root, _report = corpus_import
    failures = []
    for path in sorted((root / "out").glob("*.md")):
        parsed = parse_article(path.read_bytes(), f"content/articles/{path.name}", "ar")
        if parsed.article is None or parsed.warnings:
            failures.append((path.name, [str(p) for p in parsed.problems], [str(w) for w in parsed.warnings]))
    assert failures == [], failures[:5]
