"""Shared test helpers: build small sites from a dict of files in tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.build import Report, build
from sitegen.config import default_config, load_config

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"

SITE_YML = """\
title: "أرشيف الاختبار"
description: "موقع صغير للاختبار"
base_url: "https://example.org/archive/"
locale: ar_LB
publisher: {name: "درج", url: "https://daraj.media/"}
"""


def article(title: str, body: str = "نص المقال.", **meta: object) -> str:
    """An article file: front matter from keyword arguments, then the body."""
    import yaml

    front = yaml.safe_dump({"title": title, **meta}, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n{textwrap.dedent(body).strip()}\n"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


class Site:
    """A site in a temporary folder, built into root/public."""

    def __init__(self, root: Path):
        self.root = root
        self.out = root / "public"

    def write(self, files: dict[str, str | bytes]) -> Site:
        write_tree(self.root, files)
        return self

    def build(self, drafts: bool = False) -> Report:
        config_path = self.root / "site.yml"
        config = load_config(config_path) if config_path.exists() else default_config(self.root)
        return build(config, self.out, include_drafts=drafts, log=lambda _m: None)

    def page(self, path: str) -> str:
        """The HTML of a site path such as 'articles/x/'."""
        file = self.out / (path + "index.html" if path.endswith("/") or path == "" else path)
        return file.read_text(encoding="utf-8")

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.out).as_posix(): p.read_bytes() for p in sorted(self.out.rglob("*")) if p.is_file()}


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    counter = iter(range(1000))

    def factory(files: dict[str, str | bytes] | None = None, site_yml: str | None = SITE_YML) -> Site:
        root = tmp_path / f"site{next(counter)}"
        root.mkdir()
        if site_yml is not None:
            (root / "site.yml").write_text(site_yml, encoding="utf-8")
        return Site(root).write(files or {})

    return factory
