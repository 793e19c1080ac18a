"""Related articles over the real ANT dev corpus (issue 6): imported with `sitegen
import`, its `category` kept under `extra` (not a topic), so only text, authors
and time can relate articles; built; then every article must have related
articles, and for at least 70% the first one must share the source's category.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS, SITE_YML, Site

from sitegen.importers.command import main as import_main

JSONL = CORPUS / "ant-news-dev.jsonl"
SHARE = 0.70
# `--map topics=KEY` with a key no record has: the ANT preset would otherwise
# make `category` the topic; unmapped, it stays under `extra` like every other key.
NO_TOPICS = "topics=__no_topics__"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not JSONL.exists(), reason=f"{JSONL} is absent (the shared corpus is not on this machine)"),
]

_FIRST_RELATED_RE = re.compile(r'<section class="related".*?class="entry-title"><a href="../../articles/([^/"]+)/"', re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("ant-edition")
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    status = import_main([str(JSONL), "--map", NO_TOPICS, "--out", str(root / "content/articles"), "--config", str(root / "site.yml")])
    assert status == 0
    site = Site(root)
    site.build()
    return site


def _categories() -> dict[str, str]:
    out = {}
    for line in JSONL.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            out.setdefault(record["url"].strip(), record["category"])
    return out


def test_category_is_kept_under_extra_not_as_a_topic(site: Site) -> None:
    sample = next((site.root / "content/articles").rglob("*.md")).read_text(encoding="utf-8")
    assert "\ntopics:" not in sample
    assert re.search(r"\nextra:\n(  .*\n)*  category: \w+", sample)


def test_first_related_article_shares_the_category(site: Site) -> None:
    records = json.loads((site.out / "data/articles.json").read_text(encoding="utf-8"))
    categories = _categories()
    category = {r["id"]: categories[r["source_url"]] for r in records}
    missing, same = [], 0
    for ident in category:
        html = (site.out / "articles" / ident / "index.html").read_text(encoding="utf-8")
        match = _FIRST_RELATED_RE.search(html)
        if match is None:
            missing.append(ident)
            continue
        same += category[ident] == category[Path(match.group(1)).name]
    by_category = Counter(category.values())
    share = same / len(category)
    print(f"\nANT corpus: {len(category)} articles in {len(by_category)} categories; "
          f"first related article in the same category for {same} ({share:.1%}); {len(missing)} without related")  # fmt: skip
    assert not missing, missing[:10]
    assert share >= SHARE
