"""The build cache: incremental builds equal clean ones, unchanged files keep
their inode and mtime, and killed builds or damaged caches never do harm."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SITE_YML, Site, article, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import dataset, fingerprint, publish
from sitegen.search import offline, offline_patch, stage
from sitegen.search.normalize import key
from sitegen.build import SitegenError, build
from sitegen.cache import BuildCache, article_from_row, article_row, article_texts, article_to_json, save_articles
from sitegen.config import load_config
from sitegen.content.model import Article, RelatedTeaser
from sitegen.theme import BUNDLED_THEMES

BASE_FILES = {
    "content/authors/hazem.yml": "name: حازم الأمين\nbio: صحافي\n",
    "content/topics/iraq.yml": "name: العراق\n",
    **{
        f"content/articles/a{i}.md": article(
            f"مقال رقم {i}", f"نص المقال {i}. انظر [السابق](a{max(i - 1, 0)}.md).",
            date=f"2024-0{1 + i % 3}-1{i}", authors=["hazem" if i % 2 else "رشا الأمير"], topics=["iraq", "لبنان"][: 1 + i % 2],
        )  # fmt: skip
        for i in range(6)
    },
    "content/articles/undated.md": article("بلا تاريخ", topics=["iraq"]),
}


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def comparable(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind writes its index in hash-map order (its issue #638), so two indexes of
    the same records differ in bytes and file names; everything else must be equal.
    The marker names the build, so it differs exactly when the index does."""
    return {f: data for f, data in files.items() if not f.startswith(("pagefind/", ".sitegen-build"))}


def clean_build_of(site: Site, tmp: Path) -> dict[str, bytes]:
    """The same sources built from nothing, in another folder with no cache."""
    twin = Site(tmp)
    write_tree(tmp, {p.relative_to(site.root).as_posix(): p.read_bytes() for p in site.root.rglob("*")
                     if p.is_file() and not p.relative_to(site.root).as_posix().startswith(("public", ".sitegen-cache"))})
    twin.build()
    return comparable(twin.files())


def test_noop_rebuild_touches_nothing(make_site) -> None:
    site = make_site(BASE_FILES)
    first = site.build()
    assert first.rendered == first.pages and not first.unchanged
    before = snapshot(site.out)
    again = site.build()
    assert again.unchanged and again.skipped and again.rendered == 0 and again.parsed == 0
    assert (again.articles, again.pages, again.static) == (first.articles, first.pages, first.static)
    assert snapshot(site.out) == before


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a build with nothing changed loaded or rendered")


def test_noop_rebuild_stops_before_loading_or_rendering(make_site, monkeypatch) -> None:
    site = make_site({**BASE_FILES, "content/articles/odd.md": article("مفتاح غريب", colour="أحمر")})
    first = site.build()
    assert first.warnings  # an unknown front matter key is only warned about: the no-op build says it again
    monkeypatch.setattr("sitegen.load.load_site", _refuse)
    monkeypatch.setattr("sitegen.render.Renderer.render_page", _refuse)
    monkeypatch.setattr("sitegen.search.stage.start_search", _refuse)
    again = site.build()
    assert again.skipped and again.warnings == first.warnings


def test_mtime_alone_is_no_change(make_site) -> None:
    site = make_site(BASE_FILES)
    site.build()
    source = site.root / "content/articles/a1.md"
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert site.build().skipped  # the cache is keyed by content, never by modification times


@pytest.mark.parametrize("child", ["answers", "dies"])
def test_vouchers_worked_out_in_a_forked_process_vouch_for_the_build(make_site, monkeypatch, tmp_path: Path, child: str) -> None:
    from sitegen import build as building
    from sitegen import parallel

    real, marker = parallel._send_result, tmp_path / "vouched-by"

    def send(work, file, parent) -> None:
        marker.write_text(str(os.getpid()))
        if child == "dies":
            os._exit(1)  # without a word: the build works them out itself
        real(work, file, parent)

    monkeypatch.setattr(building, "VOUCH_BESIDE_FROM", 0)  # a large site's way, on a small one
    monkeypatch.setattr(parallel, "_send_result", send)
    site = make_site(BASE_FILES)
    site.build()
    assert int(marker.read_text()) != os.getpid()
    assert site.build().skipped  # what they vouch for is public/ as the build left it


def test_a_failed_build_vouches_for_nothing(make_site) -> None:
    site = make_site(BASE_FILES)
    site.build()
    before = snapshot(site.out)
    source = site.root / "content/articles/a4.md"
    good = source.read_bytes()
    source.write_text("---\ntitle: [غير مغلق\n---\n", encoding="utf-8")  # front matter that does not parse
    with pytest.raises(SitegenError):
        site.build()
    with pytest.raises(SitegenError):
        site.build()  # still broken: the failure is found again, never skipped over
    source.write_bytes(good)
    assert site.build().skipped and snapshot(site.out) == before  # back to what public/ was built from


def test_a_named_pipe_in_content_does_not_hang_the_input_digest(make_site) -> None:
    site = make_site(BASE_FILES)
    os.mkfifo(site.root / "content/articles/pipe.md")  # not a file: the build skips it, and so must the digest
    site.build()
    assert site.build().skipped


# One of each kind of input a build reads; each must lead to a real build.
INPUT_EDITS = {
    "article": lambda site: apply_edit(site, "rebody", 1),
    "new article": lambda site: apply_edit(site, "add", 2),
    "deleted article": lambda site: (site.root / "content/articles/a5.md").unlink(),
    "profile": lambda site: apply_edit(site, "rename_author", 3),
    "new profile": lambda site: apply_edit(site, "new_profile", 4),
    "template": lambda site: apply_edit(site, "template", 5),
    "static": lambda site: apply_edit(site, "static", 6),
    "theme": lambda site: (
        shutil.copytree(BUNDLED_THEMES / "default", site.root / "themes/default"),
        write_tree(site.root, {"themes/default/static/css/site.css": "body {}\n"}),
    ),
    "config": lambda site: apply_edit(site, "config", 7),
}


def test_articles_parsed_by_workers_are_kept_as_they_come_even_by_a_failed_build(make_site, monkeypatch, tmp_path) -> None:
    """The parse workers make each article's cache row and the build keeps them while
    the others parse, so a build that then fails (another file is broken) has still
    kept them: once the file is fixed, only it is parsed, and the site is a clean build's."""
    import sitegen.load

    monkeypatch.setattr(sitegen.load, "in_process", lambda _items: False)  # over forked workers, as a large archive is
    site = make_site({**BASE_FILES, "content/articles/broken.md": "---\ntitle: [غير مغلق\n---\n"})
    with pytest.raises(SitegenError):
        site.build()
    (site.root / "content/articles/broken.md").write_text(article("أصلح", date="2024-02-02"), encoding="utf-8")
    report = site.build()
    assert report.parsed == 1 and report.articles == 8
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "clean")


@pytest.mark.parametrize("edit", INPUT_EDITS)
def test_an_edit_to_any_input_is_built(make_site, tmp_path, edit) -> None:
    site = make_site(BASE_FILES)
    site.build()
    INPUT_EDITS[edit](site)
    report = site.build()
    assert not report.skipped and not report.unchanged
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")
    assert site.build().skipped  # and the next build, with nothing changed again, may stop at once


def test_drafts_flag_base_url_and_pagefind_version_are_inputs(make_site, monkeypatch) -> None:
    site = make_site({**BASE_FILES, "content/articles/draft.md": article("مسودة", draft=True)})
    site.build()
    assert not site.build(drafts=True).skipped and (site.out / "articles/draft/index.html").is_file()
    assert not site.build().skipped and not (site.out / "articles/draft/index.html").exists()
    config = load_config(site.root / "site.yml", {"base_url": "https://mirror.example.net/"})
    assert not build(config, site.out, log=lambda _m: None).skipped
    assert "https://mirror.example.net/" in site.page("")
    assert not site.build().skipped and "https://mirror.example.net/" not in site.page("")
    assert any(name.startswith("pagefind-") for name in fingerprint.installed())
    real = fingerprint.installed()
    upgraded = [name.replace("pagefind-", "pagefind-9.") if name.startswith("pagefind-") else name for name in real]
    monkeypatch.setattr(fingerprint, "installed", lambda: upgraded)
    assert not site.build().skipped


def test_sitegen_code_is_an_input(make_site, tmp_path, monkeypatch) -> None:
    site = make_site(BASE_FILES)
    config = load_config(site.root / "site.yml")
    code = tmp_path / "code"
    shutil.copytree(fingerprint.PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "PACKAGE", code)
    before = fingerprint.input_digest(config, False)
    (code / "__pycache__").mkdir()
    (code / "__pycache__/render.cpython-311.pyc").write_bytes(b"compiled")
    assert fingerprint.input_digest(config, False) == before
    with (code / "render.py").open("a", encoding="utf-8") as f:
        f.write("# a change\n")
    assert fingerprint.input_digest(config, False) != before


def test_a_first_build_hashes_its_articles_as_it_parses_them(make_site, monkeypatch) -> None:
    site = make_site(BASE_FILES)
    read_first: list[str] = []
    real = fingerprint._file_hash
    monkeypatch.setattr(fingerprint, "_file_hash", lambda name, fd: read_first.append(name) or real(name, fd))
    site.build()
    monkeypatch.undo()
    articles = {path.name for path in (site.root / "content/articles").rglob("*.md")}
    assert read_first and articles and not articles & set(read_first)  # none read before parsing
    config = load_config(site.root / "site.yml")
    cache = BuildCache(site.root / ".sitegen-cache/cache.sqlite3", warn=print)
    try:
        assert cache.get("inputs") == fingerprint.input_digest(config, False)  # finished from the parse's hashes
    finally:
        cache.close()
    assert site.build().skipped


@pytest.mark.parametrize("linked", ["content", "content/articles", "templates"])
def test_an_edit_under_a_symlinked_folder_is_built(make_site, tmp_path: Path, linked: str) -> None:
    # An archive's articles may live elsewhere (a shared drive), linked into the site.
    site = make_site({**BASE_FILES, "templates/_entry.html": (BUNDLED_THEMES / "default/templates/_entry.html").read_text(encoding="utf-8")})
    elsewhere = tmp_path / "linked-from-elsewhere"
    shutil.move(site.root / linked, elsewhere)
    (site.root / linked).symlink_to(elsewhere, target_is_directory=True)
    site.build()
    if linked == "templates":
        edited, page, mark = site.root / "templates/_entry.html", "index.html", 'class="entry edited"'
        edited.write_text(edited.read_text(encoding="utf-8").replace('class="entry"', 'class="entry edited"'), encoding="utf-8")
    else:
        edited, page, mark = site.root / "content/articles/a2.md", "articles/a2/", "معدّل"
        edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: معدّل ", 1), encoding="utf-8")
    again = site.build()
    assert not again.skipped and mark in site.page(page)


def test_an_article_edited_after_it_was_parsed_is_built_again(make_site, monkeypatch) -> None:
    import sitegen.load

    site = make_site(BASE_FILES)
    source = site.root / "content/articles/a2.md"
    real = sitegen.load.parse_sources

    def parse_then_edit(*args, **kwargs):
        parsed = real(*args, **kwargs)
        source.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: بعد القراءة ", 1), encoding="utf-8")
        return parsed

    monkeypatch.setattr(sitegen.load, "parse_sources", parse_then_edit)
    site.build()
    monkeypatch.undo()
    again = site.build()  # the digest is of the bytes parsed, not of the file as it is now
    assert not again.skipped and again.parsed == 1 and "بعد القراءة" in site.page("articles/a2/")


DAMAGE = {
    "deleted": lambda path: path.unlink(),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "same size": lambda path: path.write_bytes(path.read_bytes()[:-1] + (b"y" if path.read_bytes().endswith(b"x") else b"x")),
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("victim", ["articles/a2/index.html", "static/css/site.css", "search-index/docs.js", ".sitegen-build"])
def test_damaged_public_is_never_vouched_for(make_site, damage, victim) -> None:
    site = make_site(BASE_FILES)
    site.build()
    before = site.files()
    assert victim in before
    DAMAGE[damage](site.out / victim)
    report = site.build()
    assert not report.skipped
    if damage != "same size":  # the same size, rewritten, is beyond what a normal build checks
        assert site.files() == before


def test_one_edit_renders_only_what_shows_it(make_site, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    before = snapshot(site.out)
    source = site.root / "content/articles/a3.md"
    source.write_text(source.read_text(encoding="utf-8").replace("مقال رقم 3", "عنوان جديد"), encoding="utf-8")
    report = site.build()
    assert report.parsed == 1 and 0 < report.rendered <= report.pages - 8  # the other hubs stay as they were
    after = snapshot(site.out)
    changed = {f for f in after if after[f] != before.get(f)}
    assert "articles/a3/index.html" in changed and "authors/hazem/index.html" in changed
    assert "archive/2024/02/index.html" not in changed and "topics/index.html" not in changed
    assert "static/css/site.css" not in changed
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")


EDITS = st.sampled_from(
    ["retitle", "rebody", "add", "delete", "rename_author", "new_profile", "template", "config", "static", "noop"]
)


def apply_edit(site: Site, edit: str, n: int) -> None:
    articles = sorted((site.root / "content/articles").glob("*.md"))
    if edit == "retitle" and articles:
        path = articles[n % len(articles)]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: ", f"title: ت{n} ", 1), encoding="utf-8")
    elif edit == "rebody" and articles:
        path = articles[n % len(articles)]
        path.write_text(path.read_text(encoding="utf-8") + f"\nفقرة مضافة {n}.\n", encoding="utf-8")
    elif edit == "add":
        write_tree(site.root, {f"content/articles/new{n}.md": article(f"جديد {n}", date=f"2023-05-{1 + n % 27:02d}", topics=["iraq"], authors=["hazem"])})
    elif edit == "delete" and len(articles) > 2:
        victim = articles[n % len(articles)]
        if not any(victim.name in a.read_text(encoding="utf-8") for a in articles if a != victim):
            victim.unlink()
    elif edit == "rename_author":
        write_tree(site.root, {"content/authors/hazem.yml": f"name: حازم {n}\nbio: صحافي\n"})
    elif edit == "new_profile":
        write_tree(site.root, {"content/topics/لبنان.yml": f"name: لبنان\ndescription: وصف {n}\n"})
    elif edit == "template":
        write_tree(site.root, {"templates/404.html": f'{{% extends "base.html" %}}{{% block main %}}<h1>{n}</h1>{{% endblock %}}'})
    elif edit == "config":
        write_tree(site.root, {"site.yml": SITE_YML + f"digits: {'arab' if n % 2 else 'latn'}\n"})
    elif edit == "static":
        write_tree(site.root, {"static/extra.txt": f"{n}\n"})


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(EDITS, st.integers(0, 50)), min_size=1, max_size=4))
def test_incremental_equals_clean_over_random_edits(make_site, tmp_path_factory, edits) -> None:
    site = make_site(BASE_FILES)
    site.build()
    for step, (edit, n) in enumerate(edits):
        apply_edit(site, edit, n)
        site.build()
        clean = clean_build_of(site, tmp_path_factory.mktemp(f"clean{step}"))
        assert comparable(site.files()) == clean, f"after {edits[: step + 1]}"


KILLER = """
import os, signal, sys
from pathlib import Path
import sitegen.{module} as target
original = target.{function}
def killed(*args, **kwargs):
    {before}
    os.kill(os.getpid(), signal.SIGKILL)
target.{function} = killed
from sitegen.cli import main
sys.exit(main(["build"]))
"""


def run_killed(site: Site, module: str, function: str, before: str = "pass") -> int:
    script = textwrap.dedent(KILLER).format(module=module, function=function, before=before)
    done = subprocess.run([sys.executable, "-c", script], cwd=site.root, capture_output=True, text=True, timeout=120)
    return done.returncode


def test_killed_while_rendering_leaves_public_and_cache_usable(make_site, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    before = site.files()
    source = site.root / "content/articles/a1.md"
    source.write_text(source.read_text(encoding="utf-8").replace("مقال رقم 1", "تعديل"), encoding="utf-8")
    assert run_killed(site, "emit", "place") == -9
    assert site.files() == before  # the previous public/ is intact
    site.build()
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")
    assert not list(site.root.glob(".public.*"))


COMMIT_KILLER = """
import os, signal, sys
real = os.replace
calls = []
def replace(a, b):
    calls.append(a)
    if len(calls) == 3:  # the journal is in place and one staged file has moved in
        os.kill(os.getpid(), signal.SIGKILL)
    return real(a, b)
os.replace = replace
from sitegen.cli import main
sys.exit(main(["build"]))
"""


def test_killed_while_committing_is_finished_by_the_next_build(make_site, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    source = site.root / "content/articles/a2.md"
    source.write_text(source.read_text(encoding="utf-8").replace("مقال رقم 2", "تعديل آخر"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", COMMIT_KILLER], cwd=site.root, capture_output=True, timeout=120)
    assert done.returncode == -9
    assert (site.root / ".public.commit.json").exists()
    site.build()
    assert not (site.root / ".public.commit.json").exists() and not list(site.root.glob(".public.*"))
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")


def test_damaged_or_foreign_cache_is_ignored_with_a_warning(make_site, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    cache = site.root / ".sitegen-cache/cache.sqlite3"
    for damage in (b"this is not a database" * 100, None):
        if damage is None:  # a real SQLite file, written by something else
            import sqlite3

            cache.unlink()
            db = sqlite3.connect(cache)
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("INSERT INTO meta VALUES ('magic', 'someone-else')")
            db.commit()
            db.close()
        else:
            cache.write_bytes(damage)
        messages: list[str] = []
        build(load_config(site.root / "site.yml"), site.out, log=messages.append)
        assert any("ignoring the build cache" in m for m in messages), messages
        assert comparable(site.files()) == clean_build_of(site, tmp_path / f"twin{damage is None}")


def test_cache_damaged_inside_is_set_aside_and_the_build_starts_over(make_site, tmp_path) -> None:
    """Damage that opening the cache does not see (its commits do not wait for the
    disk, so an OS crash may leave some) is found when a table is read."""
    import sqlite3

    site = make_site(BASE_FILES)
    site.build()
    cache = site.root / ".sitegen-cache/cache.sqlite3"
    db = sqlite3.connect(cache)
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'pages'").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    data = bytearray(cache.read_bytes())
    data[(root - 1) * size : root * size] = b"\xff" * size  # the pages table's first page
    cache.write_bytes(bytes(data))
    source = site.root / "content/articles/a2.md"
    source.write_text(source.read_text(encoding="utf-8").replace("مقال رقم 2", "مقال معدل"), encoding="utf-8")
    messages: list[str] = []
    report = build(load_config(site.root / "site.yml"), site.out, log=messages.append)
    assert any("ignoring the build cache" in m and "malformed" in m for m in messages), messages
    assert cache.with_name(cache.name + ".bad").is_file()  # kept for a look, not deleted
    assert report.rendered == report.pages  # nothing of the damaged cache was trusted
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")
    assert site.build().skipped  # and the new cache serves the next build


def test_cache_lives_outside_public_and_can_be_deleted(make_site, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    assert (site.root / ".sitegen-cache").is_dir() and not any("cache" in f for f in site.files())
    shutil.rmtree(site.root / ".sitegen-cache")
    before = snapshot(site.out)
    report = site.build()
    assert report.rendered == report.pages  # nothing vouched for public/, so everything was rendered
    assert snapshot(site.out) == before  # and yet no unchanged file was rewritten


def test_a_one_edit_rebuild_checks_only_the_links_it_rendered(make_site, monkeypatch) -> None:
    site = make_site(BASE_FILES)
    site.build()
    source = site.root / "content/articles/a2.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nفقرة مضافة.\n", encoding="utf-8")
    monkeypatch.setattr(BuildCache, "page_links", _refuse)  # no file is gone: kept pages' links still land
    report = site.build()
    assert 0 < report.rendered < report.pages


def test_an_edit_saves_only_the_files_it_added_and_removed(make_site, monkeypatch) -> None:
    site = make_site(BASE_FILES)
    site.build()
    before = set(site.files())
    saves = _record_calls(monkeypatch, BuildCache, "save")
    (site.root / "content/articles/undated.md").unlink()  # no article links to it
    site.build()
    after = set(site.files())
    added, gone = saves[0][-2:]
    assert "articles/undated/index.html" in gone and "articles/a1/index.html" in after
    assert (set(added), set(gone)) == (after - before, before - after)
    cache = BuildCache(site.root / ".sitegen-cache/cache.sqlite3", warn=print)
    assert cache.files() == sorted(after - {".sitegen-build"})
    cache.close()
    assert site.build().skipped


def test_the_cache_leaves_a_value_it_is_given_back_alone(tmp_path) -> None:
    cache = BuildCache(tmp_path / "cache.sqlite3", warn=print)
    cache.save([], {}, [], {"big": "x" * 1000, "small": "1"})
    cache.close()
    cache = BuildCache(tmp_path / "cache.sqlite3", warn=print)
    before = cache.db.total_changes
    cache.save([], {}, [], {"big": cache.get("big"), "small": "2"})
    assert cache.db.total_changes - before == 1  # "small" only
    assert (cache.get("big"), cache.get("small")) == ("x" * 1000, "2")
    cache.close()


def test_a_kept_page_linking_to_a_file_gone_since_fails_the_build(make_site) -> None:
    body = "انظر [الملحق](../../static/extra.txt)."
    site = make_site(BASE_FILES | {"content/articles/linker.md": article("رابط", body), "static/extra.txt": "ملحق\n"})
    site.build()
    before = site.files()
    (site.root / "static/extra.txt").unlink()
    with pytest.raises(SitegenError) as failure:
        site.build()  # articles/linker/ is kept as it was, and its link now lands nowhere
    assert any(p.where == "articles/linker/index.html" and "static/extra.txt" in p.message for p in failure.value.problems)
    assert site.files() == before


def _record_calls(monkeypatch, module: object, name: str) -> list[tuple]:
    calls: list[tuple] = []
    original = getattr(module, name)

    def recording(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)
    return calls


def _retitle(site: Site, name: str, title: str) -> None:
    source = site.root / f"content/articles/{name}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: ", f"title: {title} ", 1), encoding="utf-8")


def test_only_the_feeds_listing_an_edited_article_are_made_again(make_site, monkeypatch, tmp_path) -> None:
    site = make_site(BASE_FILES, site_yml=SITE_YML + "feed_entries: 2\n")
    site.build()
    before = snapshot(site.out)
    feeds = _record_calls(monkeypatch, publish, "atom_feed")
    _retitle(site, "a1", "معدل")  # by hazem, on iraq and لبنان; among the two newest of hazem and لبنان only
    site.build()
    made = {args[2] for args in feeds}
    assert made == {"authors/hazem/", "topics/لبنان/"}
    after = snapshot(site.out)
    assert after["authors/hazem/feed.xml"] != before["authors/hazem/feed.xml"]
    for kept in ("feed.xml", "topics/iraq/feed.xml", "authors/رشا-الأمير/feed.xml"):
        assert after[kept] == before[kept]  # same inode and mtime: not even written again
    feeds.clear()
    _retitle(site, "a5", "أحدث")  # the newest article: the site's feed lists it
    site.build()
    assert "" in {args[2] for args in feeds} and "authors/رشا-الأمير/" not in {args[2] for args in feeds}
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")


def test_the_sitemap_is_made_again_only_when_a_listed_date_changes(make_site, monkeypatch, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    before = snapshot(site.out)
    made = _record_calls(monkeypatch, publish, "_urlset")
    _retitle(site, "a1", "معدل")
    site.build()
    assert not made and snapshot(site.out)["sitemap.xml"] == before["sitemap.xml"]
    source = site.root / "content/articles/a1.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title: ", "updated: 2025-01-01\ntitle: ", 1), encoding="utf-8")
    site.build()
    assert made and "2025-01-01" in (site.out / "sitemap.xml").read_text(encoding="utf-8")
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")


def test_a_body_edit_makes_only_that_articles_data_record_again(make_site, monkeypatch, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    made = _record_calls(monkeypatch, dataset, "record_text")
    source = site.root / "content/articles/a4.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nفقرة مضافة تغير عدد الكلمات.\n", encoding="utf-8")
    site.build()
    assert [args[2].id for args in made] == ["a4"]
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")


def _offline_doc(site: Site, name: str) -> str:
    """The site path of the offline index file that holds an article (search-index/d/)."""
    return next(f for f, data in site.files().items() if f.startswith("search-index/d/") and f'"articles/{name}/"'.encode() in data)


def test_an_edit_patches_the_offline_index_leaving_its_other_files_alone(make_site, monkeypatch, tmp_path) -> None:
    site = make_site(BASE_FILES)
    site.build()
    before = snapshot(site.out)
    edited = _offline_doc(site, "a3")
    placed = _record_calls(monkeypatch, stage, "place")
    source = site.root / "content/articles/a3.md"
    # Two words no article had, of two letter pairs none had: two new shards, which docs.js lists.
    source.write_text(source.read_text(encoding="utf-8") + "\nكلمة زنجبيل.\n", encoding="utf-8")
    site.build()
    # Only what the edit changed is made (the others are not even read): the document,
    # docs.js and the shards of the new words.
    made = {args[1] for args in placed if args[1].startswith("search-index/")}
    assert made == {edited, "search-index/docs.js", *(f"search-index/t/{offline.shard_of(key(w))}.js" for w in ("كلمة", "زنجبيل"))}
    after = snapshot(site.out)
    assert {f for f in after if f.startswith("search-index/") and after[f] != before.get(f)} == made
    assert len([f for f in after if f.startswith("search-index/")]) == len([f for f in before if f.startswith("search-index/")]) + 2
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")


def test_an_offline_file_changed_since_the_last_build_is_not_patched_on(make_site, monkeypatch, tmp_path) -> None:
    # A file a document: the damaged one is then none that the edit makes again.
    for module in (offline, offline_patch):
        monkeypatch.setattr(module, "DOCS_PER_FILE", 1)
    site = make_site(BASE_FILES)
    site.build()
    damaged = site.out / _offline_doc(site, "a1")
    good = damaged.read_bytes()
    damaged.write_bytes(good.replace(b"a1", b"b1"))  # the same size
    _retitle(site, "a3", "معدل")
    site.build()
    assert damaged.read_bytes() == good
    assert comparable(site.files()) == clean_build_of(site, tmp_path / "twin")


def test_after_an_edit_the_next_build_is_vouched_for(make_site) -> None:
    site = make_site(BASE_FILES)
    site.build()
    source = site.root / "content/articles/a1.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nفقرة مضافة.\n", encoding="utf-8")
    assert not site.build().skipped
    before = snapshot(site.out)
    assert site.build().skipped and snapshot(site.out) == before  # kept files' sizes and mtimes, as the plan saw them
    (site.out / "articles/a3/index.html").touch()  # a kept page, written since
    assert not site.build().skipped


def test_a_cached_article_comes_back_equal_with_its_dates_wherever_they_are() -> None:
    when = dt.datetime(2021, 11, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    # The body holds a letter past U+FFFF and a lone surrogate.
    original = Article(
        id="x", source="content/articles/x.md", title="عنوان", body_html="<p>نص 𝕏 \ud800</p>", date=when, updated=None,
        author_names=("أ",), related_teasers=(RelatedTeaser("ر", url="https://x.org/"),),
        provenance=(("imported", dt.date(2020, 1, 2)), ("from", ("a", {"at": when}))),
        extra=(("dates", (dt.date(2019, 5, 6), (when,))), ("plain", {"$note": "not a tag"})),
        refs=("content/articles/y.md",), ref_lines=(("content/articles/y.md", 7),), terms="نفط\nغاز",
    )  # fmt: skip
    assert article_from_row(article_to_json(original), article_texts(original)) == original


def test_what_search_indexes_comes_back_from_the_cache_only_for_the_content_it_was_kept_for(tmp_path) -> None:
    article = Article(id="x", source="content/articles/x.md", title="عنوان", body_html="<p>نص</p>")
    search = ("نص 𝕏 \ud800", "نص", "و نص")  # a letter past U+FFFF, and a lone surrogate
    path = tmp_path / "cache.sqlite3"
    BuildCache(path, warn=print).db.close()  # made with its tables
    assert save_articles(path, [article_row(article.source, "h1", article, [], search)]) == ""
    cache = BuildCache(path, warn=print)
    assert cache.search_texts({article.source: "h1"}) == {article.source: search}
    assert cache.search_texts({article.source: "h2"}) == {}  # kept for other content: worked out again
    assert cache.articles()[article.source].article == article


def test_search_reads_what_it_indexes_from_the_cache_and_it_is_what_the_parse_made(make_site, monkeypatch) -> None:
    import sitegen.load
    import sitegen.parallel

    seen = {}
    load_site = sitegen.load.load_site

    def loading(*args, **kwargs):
        seen["loaded"] = load_site(*args, **kwargs)
        return seen["loaded"]

    def search_files(site: Site) -> dict[str, bytes]:
        return {f: data for f, data in site.files().items() if f.startswith(("search-index/", "pagefind/"))}

    monkeypatch.setattr(sitegen.load, "load_site", loading)
    monkeypatch.setattr(sitegen.parallel, "PARALLEL_THRESHOLD", 2)  # parsed by workers, as a large site is
    site = make_site(BASE_FILES)
    site.build()
    assert seen["loaded"].parsed == 7 and seen["loaded"].search == {}  # none of it came back to the build
    made = search_files(site)
    assert any("نص المقال 3" in data.decode("utf-8") for f, data in made.items() if f.startswith("search-index/d/"))
    # Nothing of it in the cache (as when the cache could not keep the rows): worked out again, alike.
    monkeypatch.setattr(BuildCache, "search_texts", lambda self, hashes: {})
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".sitegen-cache")
    site.build()
    assert search_files(site) == made


def test_a_new_trees_offline_index_is_made_beside_the_build_as_the_build_makes_it(make_site, tmp_path, monkeypatch) -> None:
    # From a large site's number of articles, a build into a new tree begins its offline index
    # in a forked process once the library is made; it must be the index the build makes itself.
    import multiprocessing

    import sitegen.parallel

    site = make_site(BASE_FILES)
    site.build()
    alone = site.files()
    made_by, whole = tmp_path / "made-by", stage.whole_index

    def recording(*args: object, **kwargs: object) -> object:
        made_by.write_text(str(os.getpid()))
        return whole(*args, **kwargs)

    monkeypatch.setattr(stage, "whole_index", recording)
    monkeypatch.setattr(sitegen.parallel, "PARALLEL_THRESHOLD", 2)  # a large site's way, on a small one
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".sitegen-cache")
    site.build()
    assert int(made_by.read_text()) != os.getpid()
    assert comparable(site.files()) == comparable(alone)
    assert not multiprocessing.active_children()


def test_a_build_failing_after_its_library_is_made_leaves_no_offline_index_behind(make_site, monkeypatch) -> None:
    import multiprocessing

    import sitegen.load
    import sitegen.parallel
    from sitegen.errors import ContentError, Problem

    site = make_site(BASE_FILES)
    site.build()
    before = site.files()
    shutil.rmtree(site.root / ".sitegen-cache")  # no build in place: its offline index is begun early

    def broken(*_args: object) -> None:
        raise ContentError([Problem("content/articles/a1.md", "a problem found after the library was made", "fix it")])

    monkeypatch.setattr(sitegen.parallel, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(sitegen.load, "link", broken)
    with pytest.raises(SitegenError):
        site.build()
    assert site.files() == before
    assert not list(site.out.parent.glob(f".{site.out.name}.staging-*")) and not multiprocessing.active_children()


def test_the_collector_is_kept_off_the_model_and_left_as_it_was(make_site, monkeypatch) -> None:
    import gc

    import sitegen.load
    from sitegen.render import Renderer

    seen: dict[str, object] = {}
    load_site, render_page = sitegen.load.load_site, Renderer.render_page

    def loading(*args: object, **kwargs: object) -> object:
        seen["collecting while loading"] = gc.isenabled()
        return load_site(*args, **kwargs)

    def rendering(self: Renderer, page: object) -> object:
        seen.setdefault("frozen while rendering", gc.get_freeze_count())
        return render_page(self, page)

    monkeypatch.setattr(sitegen.load, "load_site", loading)
    monkeypatch.setattr(Renderer, "render_page", rendering)
    make_site(BASE_FILES).build()
    assert seen["collecting while loading"] is False and seen["frozen while rendering"] > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_an_edits_search_index_starts_before_the_plan_a_templates_after(make_site, monkeypatch) -> None:
    import sitegen.search.stage
    from sitegen.render import Renderer

    site = make_site(BASE_FILES)
    site.build()
    order: list[str] = []
    start_search, pages = sitegen.search.stage.start_search, Renderer.pages
    monkeypatch.setattr(sitegen.search.stage, "start_search", lambda *a: order.append("search") or start_search(*a))
    monkeypatch.setattr(Renderer, "pages", lambda self: order.append("plan") or pages(self))
    apply_edit(site, "rebody", 1)
    site.build()
    assert order == ["search", "plan"]
    order.clear()
    apply_edit(site, "template", 2)  # every page may change: the render's size is known only from the plan
    site.build()
    assert order == ["plan", "search"]


def test_digest_hashes_each_part_with_a_nul_after_it_whatever_its_type() -> None:
    from sitegen.cache import digest

    page = "صفحة".encode() * 1000
    assert digest(page) == digest(page.decode())  # bytes hashed where they are, text encoded first: the same
    assert digest("a", "b") == digest(b"a", "b") == digest(b"a\x00b")
    assert len({digest(), digest(""), digest("a"), digest("a", ""), digest(page)}) == 5
    assert all(len(d) == 32 and int(d, 16) >= 0 for d in (digest(), digest(page), digest("a", b"b")))
