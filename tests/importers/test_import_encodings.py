from __future__ import annotations

from pathlib import Path

import pytest
from .import_helpers import read_article

from sitegen.importers.model import Failure
from sitegen.importers.sources import decode

ARTICLE = "عنوان المقال\r\nمقدمة قصيرة عن الموضوع.\r\nالفقرة الأولى من النص.\r\nالفقرة الثانية.\r\nالفقرة الثالثة.\r\n"


@pytest.mark.parametrize(
    "encoded",
    [
        ARTICLE.encode("utf-8"),
        b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
        ARTICLE.encode("utf-16"),  # with BOM
        ARTICLE.encode("utf-16-le"),  # without BOM
        ARTICLE.encode("utf-16-be"),
        ARTICLE.encode("cp1256"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "windows-1256"],
)
def test_every_encoding_gives_the_same_text(encoded: bytes) -> None:
    assert decode(encoded, "a.txt") == ARTICLE.replace("\r\n", "\n")


def test_crlf_file_imports_cleanly(import_cmd, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("cp1256"))
    assert import_cmd("a.txt", "--out", "out") == 0
    meta, body = read_article(tmp_path / "out" / "a.md")
    assert meta["title"] == "عنوان المقال"
    assert "\r" not in body and "الفقرة الثانية." in body


def test_zero_width_and_bidi_controls_go_spelling_stays() -> None:
    text = decode("إيران\u200f تُعلن \u200bأمراً\u202b".encode(), "a.txt")
    assert text == "إيران تُعلن أمراً"  # hamza and tashkeel kept as written


def test_binary_is_refused() -> None:
    result = decode(bytes(range(256)) * 8, "photo.bin")
    assert isinstance(result, Failure) and "binary" in result.message
