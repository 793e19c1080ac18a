"""The bundled Daraj sample is this importer's output (plus topics added by hand)."""

from __future__ import annotations

from pathlib import Path

from .import_helpers import SAMPLES, read_article, shared_path

COMMITTED = Path(__file__).resolve().parents[2] / "content" / "articles" / "daraj-kadhimi-drones.md"


def _comparable(meta: dict) -> dict:
    meta = dict(meta)
    meta.pop("topics", None)  # added by hand
    provenance = dict(meta.pop("import"))
    for volatile in ("when", "hash"):  # the hash covers the hand-added topics
        provenance.pop(volatile)
    provenance["source"] = Path(provenance["source"]).name  # depends on the working folder
    return {**meta, "import": provenance}


def test_reimporting_the_sample_gives_the_committed_article(import_cmd, tmp_path: Path) -> None:
    sample = shared_path(SAMPLES / "daraj-kadhimi-drones.txt")
    assert import_cmd(sample, "--out", "out") == 0
    fresh_meta, fresh_body = read_article(tmp_path / "out" / "daraj-kadhimi-drones.md")
    committed_meta, committed_body = read_article(COMMITTED)
    assert fresh_body == committed_body
    assert _comparable(fresh_meta) == _comparable(committed_meta)
    assert committed_meta["topics"] == ["العراق", "إيران", "الميليشيات"]


def test_sample_rules(tmp_path: Path) -> None:
    meta, body = read_article(COMMITTED)
    paragraphs = body.strip().split("\n\n")
    quotes = [p for p in paragraphs if p.startswith("> ")]
    assert len(quotes) == 1 and quotes[0].startswith("> الميليشات المسلحة خسرت وجودها")
    assert any(p.startswith("وهذا السيناريو يرجحه الكاتب") for p in paragraphs)
    for furniture in ("fbpx", "واتساب", "الأكثر قراءة", "tptn_list", "إقرأوا أيضاً", "حازم الأمين", "\u00a0"):
        assert furniture not in body, furniture
    assert meta["related"][0]["author"] == "حازم الأمين" and meta["related"][0]["date"] == "2024-03-28"
    assert meta["summary"].startswith("هل اتخذت إيران قراراً")


def test_hand_topics_make_the_committed_file_a_hand_edit(import_cmd, tmp_path: Path) -> None:
    """Re-importing into content/ would not overwrite the editor's topics."""
    sample = shared_path(SAMPLES / "daraj-kadhimi-drones.txt")
    out = tmp_path / "out"
    out.mkdir()
    committed = COMMITTED.read_text(encoding="utf-8")
    source_line = next(line for line in committed.split("\n") if line.startswith("  source: "))
    copy = committed.replace(source_line, f"  source: {sample.as_posix()}")
    (out / "daraj-kadhimi-drones.md").write_text(copy, encoding="utf-8")
    assert import_cmd(sample, "--out", "out") == 0
    assert (out / "daraj-kadhimi-drones.md").read_text(encoding="utf-8") == copy
