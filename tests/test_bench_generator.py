"""The benchmark corpus generator: deterministic, complete and well-formed."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "generate.py"
N = 50


def _load_generator():
    # bench/ is scripts, not a package: load the module from its file.
    spec = importlib.util.spec_from_file_location("bench_generate", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve the module's annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _generate(out: Path, hash_seed: str) -> None:
    # Separate processes with different hash seeds: output that depended on
    # set or dict-of-str ordering would differ between the two runs.
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, str(SCRIPT), str(N), str(out)], check=True, env=env, capture_output=True)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, sep, _body = text[4:].partition("\n---\n")
    assert sep, f"{path}: front matter not closed"
    data = yaml.safe_load(head)
    assert isinstance(data, dict), path
    return data


def test_generator_is_deterministic_and_well_formed(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _generate(first, "1")
    _generate(second, "2")
    files = _files(first)
    assert files == _files(second)

    gen = _load_generator()
    authors = {p.stem for p in (first / "content" / "authors").glob("*.yml")}
    topics = {p.stem for p in (first / "content" / "topics").glob("*.yml")}
    assert len(authors) == gen.author_count(N)
    assert len(topics) == gen.topic_count(N)
    for profile in (first / "content" / "authors").glob("*.yml"):
        assert set(yaml.safe_load(profile.read_text(encoding="utf-8"))) == {"name", "bio"}
    for profile in (first / "content" / "topics").glob("*.yml"):
        assert set(yaml.safe_load(profile.read_text(encoding="utf-8"))) == {"name", "description"}

    articles = sorted((first / "content" / "articles").rglob("*.md"))
    assert len(articles) == N
    undated = english = 0
    for path in articles:
        meta = _front_matter(path)
        assert isinstance(meta["title"], str) and meta["title"].strip(), path
        assert 1 <= len(meta["authors"]) <= 2 and set(meta["authors"]) <= authors, path
        assert 1 <= len(meta["topics"]) <= 3 and set(meta["topics"]) <= topics, path
        if "date" in meta:
            date = meta["date"]
            assert isinstance(date, dt.datetime) and date.utcoffset() == dt.timedelta(hours=3), path
            assert 2010 <= date.year <= 2024 and path.parent.name == str(date.year), path
        else:
            undated += 1
        english += meta.get("lang") == "en"
    assert undated >= 1
    assert english >= 1
    assert yaml.safe_load((first / "site.yml").read_text(encoding="utf-8"))["language"] == "ar"


def test_profile_counts_scale_with_corpus() -> None:
    gen = _load_generator()
    assert (gen.author_count(10_000), gen.topic_count(10_000)) == (300, 150)
    assert (gen.author_count(10), gen.topic_count(10)) == (3, 3)


def test_refuses_to_overwrite_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    result = subprocess.run([sys.executable, str(SCRIPT), "5", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode != 0
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert not (tmp_path / "content").exists()
