"""The offline index at corpus scale: the 6,895-article dev corpus built as a site,
then the first query from disk must load at most 2 MB of index and show results
in headless Chromium (issue 4). Its time (under 300 ms) is a figure of
bench/offline_query_bench.py, not a timed test.

Article files are written straight from the JSONL here (test code), so the test
does not depend on the importer.
"""

from __future__ import annotations

import email.utils
import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_support import ARGS, CHROMIUM
from conftest import CORPUS, SITE_YML, Site, article

JSONL = CORPUS / "ant-news-dev.jsonl"
MAX_BYTES = 2 * 1024 * 1024

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not importable")
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.browser,
    pytest.mark.skipif(not JSONL.exists(), reason=f"{JSONL} is absent (the shared corpus is not on this machine)"),
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is absent"),
]


def corpus_files(path: Path) -> dict[str, str]:
    files = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        meta: dict[str, object] = {}
        try:
            meta["date"] = email.utils.parsedate_to_datetime(item["date"]).date().isoformat()
        except (TypeError, ValueError, KeyError):
            pass
        if item.get("author"):
            meta["authors"] = [item["author"]]
        if item.get("category"):
            meta["topics"] = [item["category"]]
        body = "\n\n".join(p.strip() for p in item.get("text", "").splitlines() if p.strip()) or item["title"]
        files[f"content/articles/{item['docno'].lower()}.md"] = article(item["title"].strip() or item["docno"], body, **meta)
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("corpus-site")
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    site = Site(root).write(corpus_files(JSONL))
    report = site.build()
    assert report.search is not None and report.search.records > 6000
    return site


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("query", ["الحكومة", "وزير الخارجية", "مصطفى"])
def test_first_offline_query_is_small(site: Site, browser, query: str) -> None:
    tab = browser.new_page()
    tab.goto((site.out / "search/index.html").as_uri())
    tab.wait_for_selector("#search[data-state=done]")
    assert tab.get_attribute("#search", "data-engine") == "offline"
    tab.evaluate("async q => { await window.sitegenSearch.run({q}); }", query)
    loaded = tab.eval_on_selector_all("script[src*='search-index/']", "tags => tags.map(t => t.src)")
    size = sum((Path(unquote(urlsplit(src).path))).stat().st_size for src in loaded)
    hits = tab.eval_on_selector_all("#search-list li", "items => items.length")
    print(f"\n{query}: {len(loaded)} index files, {size / 1024:.0f} KiB, {hits} shown")
    tab.close()
    assert hits > 0
    assert size <= MAX_BYTES
