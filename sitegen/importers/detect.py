"""Which reader a file needs, judged from its content first, its name second."""

from __future__ import annotations

import re

FORMATS = ("text", "html", "wxr", "json", "csv")

_HTML_RE = re.compile(r"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<meta\s", re.IGNORECASE)
_CSV_HEADER_RE = re.compile(r"^\ufeff?\"?[A-Za-z_][\w .-]*\"?(?:[,;\t]\"?[A-Za-z_][\w .-]*\"?)+$")


def detect_format(text: str, name: str) -> str:
    head = text.lstrip("\ufeff \t\n")[:4096]
    lower = head.lower()
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<"):
        if "<rss" in lower and ("wordpress.org/export" in text[:20000] or "<wp:" in text[:50000]):
            return "wxr"
        if _HTML_RE.search(lower):
            return "html"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    if suffix in ("csv", "tsv"):
        return "csv"
    if suffix in ("json", "jsonl", "ndjson"):
        return "json"
    if suffix in ("html", "htm") or _HTML_RE.search(lower):
        return "html"
    first = head.split("\n", 1)[0].strip()
    if _CSV_HEADER_RE.match(first) and "\n" in head:
        return "csv"
    return "text"
