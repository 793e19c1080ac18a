"""One test per kind of bad input: a clear `path:line` message with a fix, exit 1,
the previous public/ left byte for byte as it was, and content/ never touched."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Site, article

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import ContentError, Problem, SitegenError, ThemeError
from sitegen.render import display_url

# A site that builds; every test breaks it, so a failure can only come from the breakage.
GOOD = {
    "content/authors/hazem.yml": "name: حازم الأمين\nbio: صحافي\n",
    "content/articles/first.md": article("الأول", date="2024-01-05", authors=["hazem"], topics=["العراق"]),
    "content/articles/second.md": article("الثاني", "يحيل إلى [الأول](first.md).", date="2024-02-10"),
}


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line holding `needle`, so expectations follow the fixture."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in fixture")


def tree_state(folder: Path) -> str:
    """Names, bytes and mtimes: a build that rewrote a file with the same bytes still shows."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


@dataclass
class Failure:
    rc: int
    stderr: str
    problems: list[Problem]
    site: Site


def fail_build(make_site, monkeypatch, capsys, broken: dict[str, str | bytes], site_yml: str | None = None) -> Failure:
    """Build GOOD, break it, build again through the CLI and the API; check nothing moved."""
    site = make_site(GOOD)
    site.build()
    published = site.files()
    assert "articles/first/index.html" in published  # the baseline really is a built site
    site.write(broken)
    if site_yml is not None:
        (site.root / "site.yml").write_text(site_yml, encoding="utf-8")
    content_before = tree_state(site.root / "content")
    capsys.readouterr()

    monkeypatch.chdir(site.root)
    rc = main(["build", "--config", str(site.root / "site.yml"), "--out", str(site.out)])
    stderr = capsys.readouterr().err
    with pytest.raises(SitegenError) as caught:
        site.build()

    assert rc == 1
    assert site.files() == published, "a failed build changed the previous public/"
    assert tree_state(site.root / "content") == content_before, "the build modified content/"
    leftovers = [p.name for p in site.root.iterdir() if p.name.startswith((".public.staging", ".public.old"))]
    assert leftovers == []
    return Failure(rc, stderr, caught.value.problems, site)


def assert_one_problem(failure: Failure, where: str, *words: str) -> Problem:
    """Exactly one problem, at `where`, mentioning `words`, with a fix the CLI prints too."""
    assert [p.where for p in failure.problems] == [where], failure.stderr
    problem = failure.problems[0]
    text = f"{problem.message} {problem.fix}"
    for word in words:
        assert word in text, f"{word!r} missing from: {problem}"
    assert problem.fix.strip(), f"no fix given: {problem}"
    assert f"{where}: {problem.message}" in failure.stderr
    assert f"fix: {problem.fix}" in failure.stderr
    return problem


@pytest.mark.parametrize(
    ("front", "bad_line"),
    [
        ("title: عنوان\ndate: 2024-03-01\nsummary: قال: لا\nauthors: [hazem]\n", "summary:"),
        ("title: عنوان\ntopics:\n  - العراق\n - إيران\n", "- إيران"),
        ("title: عنوان\n\tdate: 2024-03-01\n", "\tdate"),
    ],
    ids=["colon-in-value", "bad-indent", "tab"],
)
def test_malformed_yaml_front_matter_names_the_bad_line(make_site, monkeypatch, capsys, front, bad_line) -> None:
    text = f"---\n{front}---\n\nنص.\n"
    failure = fail_build(make_site, monkeypatch, capsys, {"content/articles/bad.md": text})
    assert_one_problem(failure, f"content/articles/bad.md:{line_of(text, bad_line)}", "malformed front matter", "quot")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ndate: 2024-03-01\n---\n\nنص.\n", 1),  # no key to point at: the opening fence
        ('---\ndate: 2024-03-01\ntitle: "  "\n---\n\nنص.\n', 3),  # a blank title: its own line
    ],
    ids=["absent", "blank"],
)
def test_missing_title(make_site, monkeypatch, capsys, text, line) -> None:
    failure = fail_build(make_site, monkeypatch, capsys, {"content/articles/untitled.md": text})
    assert_one_problem(failure, f"content/articles/untitled.md:{line}", "missing title", "title:")


@pytest.mark.parametrize(
    "value",
    [
        "28 آذار 2024",
        "yesterday",
        "2024-13-45",
    ],
)
def test_unparseable_date(make_site, monkeypatch, capsys, value) -> None:
    text = f"---\ntitle: عنوان\nauthors: [hazem]\ndate: {value}\n---\n\nنص.\n"
    failure = fail_build(make_site, monkeypatch, capsys, {"content/articles/dated.md": text})
    assert_one_problem(failure, f"content/articles/dated.md:{line_of(text, 'date:')}", "`date`", value, "ISO 8601")


@pytest.mark.parametrize("value", ["حازم الأمين", "{hazem: true}", "[[hazem]]"], ids=["text", "mapping", "nested"])
def test_authors_not_a_list_of_names(make_site, monkeypatch, capsys, value) -> None:
    text = f"---\ntitle: عنوان\ndate: 2024-03-01\nauthors: {value}\n---\n\nنص.\n"
    failure = fail_build(make_site, monkeypatch, capsys, {"content/articles/byline.md": text})
    assert_one_problem(failure, f"content/articles/byline.md:{line_of(text, 'authors:')}", "`authors`", "list")


@pytest.mark.parametrize("where", ["title", "body"])
def test_file_that_is_not_utf8(make_site, monkeypatch, capsys, where) -> None:
    # Windows-1256 is what old Arabic CMS exports and Notepad produce.
    text = article("عنوان المقال", "فقرة أولى.\n\nفقرة ثانية.", date="2024-03-01")
    if where == "title":
        raw = text.encode("cp1256")
        line = line_of(text, "title:")
    else:
        head, body = text.split("فقرة أولى", 1)
        raw = head.encode("utf-8") + ("فقرة أولى" + body).encode("cp1256")
        line = line_of(text, "فقرة أولى")
    failure = fail_build(make_site, monkeypatch, capsys, {"content/articles/legacy.md": raw})
    assert_one_problem(failure, f"content/articles/legacy.md:{line}", "UTF-8")


def test_unknown_config_keys_are_all_named_with_did_you_mean(make_site, monkeypatch, capsys) -> None:
    site_yml = 'title: "أرشيف"\ntitel: "أرشيف آخر"\nlanguage: ar\npublisher:\n  nmae: "درج"\n'
    failure = fail_build(make_site, monkeypatch, capsys, {}, site_yml=site_yml)
    config = failure.site.root / "site.yml"
    found = {p.where: p for p in failure.problems}
    assert set(found) == {f"{config}:2: titel", f"{config}:5: publisher.nmae"}  # both, in one run
    assert "did you mean `title`" in found[f"{config}:2: titel"].fix
    assert "did you mean `name`" in found[f"{config}:5: publisher.nmae"].fix
    assert f"{config}:2: titel: unknown key\n  fix: did you mean `title`?" in failure.stderr


def _collision_files(kind: str) -> tuple[dict[str, str], str]:
    if kind == "slug-field":
        # Undated, so it sorts after first.md and is the one that claims first.md's URL.
        return {"content/articles/copy.md": article("نسخة", slug="first")}, "content/articles/first.md"
    # Tashkeel is dropped from slugs, so these two file names make one URL.
    return {
        "content/articles/مقال.md": article("مقال", date="2024-03-01"),
        "content/articles/مَقَال.md": article("مقال مشكول", date="2024-03-02"),
    }, "content/articles/مقال.md"


@pytest.mark.parametrize("kind", ["slug-field", "tashkeel-file-names"])
def test_two_articles_claiming_one_slug_names_both_files(make_site, monkeypatch, capsys, kind) -> None:
    files, original = _collision_files(kind)
    failure = fail_build(make_site, monkeypatch, capsys, files)
    assert len(failure.problems) == 1
    problem = failure.problems[0]
    claimant = (set(files) - {original}).pop() if original in files else next(iter(files))
    text = f"{problem.where} {problem.message}"
    assert claimant in text and original in text
    assert "slug" in problem.fix
    assert original in failure.stderr and claimant in failure.stderr


def test_two_articles_claiming_one_slug_point_at_the_slug_line(make_site, monkeypatch, capsys) -> None:
    files, original = _collision_files("slug-field")
    failure = fail_build(make_site, monkeypatch, capsys, files)
    slug_line = line_of(files["content/articles/copy.md"], "slug:")
    assert [p.where for p in failure.problems] in (
        [f"content/articles/copy.md:{slug_line}"],
        [f"{original}:1"],
    )


def _broken_link_files() -> dict[str, str]:
    body = "فقرة أولى.\n\nانظر [التقرير السابق](missing-report.md) للمزيد."
    return {"content/articles/third.md": article("الثالث", body, date="2024-03-01")}


def test_link_to_a_missing_article_file(make_site, monkeypatch, capsys) -> None:
    failure = fail_build(make_site, monkeypatch, capsys, _broken_link_files())
    assert len(failure.problems) == 1
    problem = failure.problems[0]
    assert problem.where.split(":")[0] == "content/articles/third.md"
    assert "content/articles/missing-report.md" in problem.message
    assert problem.fix.strip()
    assert "content/articles/third.md" in failure.stderr and "fix:" in failure.stderr


def test_link_to_a_missing_article_file_names_its_line(make_site, monkeypatch, capsys) -> None:
    files = _broken_link_files()
    failure = fail_build(make_site, monkeypatch, capsys, files)
    line = line_of(files["content/articles/third.md"], "missing-report.md")
    assert [p.where for p in failure.problems] == [f"content/articles/third.md:{line}"]


def test_a_broken_link_is_reported_before_related_articles_are_made(make_site, monkeypatch) -> None:
    import sitegen.load

    site = make_site({**GOOD, **_broken_link_files()})

    def refuse(*args: object) -> None:
        raise AssertionError("related articles were made before the links were checked")

    monkeypatch.setattr(sitegen.load, "relate_all", refuse)
    monkeypatch.setattr(sitegen.load, "update", refuse)
    with pytest.raises(SitegenError) as caught:
        site.build()
    assert [p.message for p in caught.value.problems] == ["links to content/articles/missing-report.md, which is not an article of this site"]


def test_every_bad_file_is_reported_in_one_run(make_site, monkeypatch, capsys) -> None:
    files: dict[str, str | bytes] = {
        "content/articles/a-yaml.md": "---\ntitle: أ\nsummary: قال: لا\n---\n\nنص.\n",
        "content/articles/b-title.md": "---\ndate: 2024-03-01\n---\n\nنص.\n",
        "content/articles/c-date.md": "---\ntitle: ج\ndate: أمس\n---\n\nنص.\n",
        "content/articles/d-authors.md": "---\ntitle: د\nauthors: حازم\n---\n\nنص.\n",
        "content/articles/e-encoding.md": "---\ntitle: هـ\n---\n\nنص.\n".encode("cp1256"),
        "content/authors/broken.yml": "name: اسم\nbio: [غير مغلق\n",
    }
    failure = fail_build(make_site, monkeypatch, capsys, files)
    expected = {
        "content/articles/a-yaml.md:3",
        "content/articles/b-title.md:1",
        "content/articles/c-date.md:3",
        "content/articles/d-authors.md:3",
        "content/articles/e-encoding.md:2",
    }
    wheres = {p.where for p in failure.problems}
    assert expected <= wheres
    assert any(w.startswith("content/authors/broken.yml:") for w in wheres)
    assert len(failure.problems) == 6
    assert "6 problem(s)" in failure.stderr
    assert all(p.fix.strip() for p in failure.problems)


def test_unknown_front_matter_key_is_a_warning_not_an_error(make_site, monkeypatch, capsys) -> None:
    text = article("عنوان", date="2024-03-01", autors=["hazem"])
    site = make_site({**GOOD, "content/articles/typo.md": text})
    where = f"content/articles/typo.md:{line_of(text, 'autors:')}"

    logged: list[str] = []
    report = build(load_config(site.root / "site.yml"), site.out, log=logged.append)
    assert [(w.where, "`autors`" in w.message, "`authors`" in w.message) for w in report.warnings] == [(where, True, True)]
    assert [m for m in logged if "autors" in m] == [str(report.warnings[0])]
    assert "عنوان" in site.page("articles/typo/")

    monkeypatch.chdir(site.root)
    capsys.readouterr()
    assert main(["build", "--config", str(site.root / "site.yml"), "--out", str(site.out)]) == 0
    captured = capsys.readouterr()
    assert f"{where}: warning: unknown front matter key `autors`; did you mean `authors`?" in captured.err
    assert "1 warning(s)" in captured.out


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://daraj.media/%d9%85%d8%b3%d9%8a%d8%b1%d8%a7%d8%aa/", "https://daraj.media/مسيرات/"),
        # Spaces, slashes and bidi marks stay escaped: decoded, they would hide or reorder the address.
        ("https://x.org/a%20b%2F%E2%80%8F%d8%a7", "https://x.org/a%20b%2F%E2%80%8Fا"),
        # Not UTF-8 (a Windows-1256 slug): left exactly as written.
        ("https://x.org/%e3%d3%ed%d1%c9", "https://x.org/%e3%d3%ed%d1%c9"),
        ("https://x.org/%d8", "https://x.org/%d8"),
    ],
)
def test_source_link_text_decodes_only_what_is_safe_to_show(url: str, shown: str) -> None:
    assert display_url(url) == shown


def test_the_sitegen_command_says_all_and_exits_with_the_builds_status(make_site) -> None:
    """`python -m sitegen build` ends without the interpreter's teardown: what it
    printed must still all arrive, with 0 for a build and 1 for bad input."""
    import subprocess
    import sys

    site = make_site(GOOD)
    command = [sys.executable, "-m", "sitegen", "build", "--out", str(site.out)]
    done = subprocess.run(command, cwd=site.root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("built 2 articles") and "time: inputs" in done.stdout
    site.write({"content/articles/untitled.md": "---\ndate: 2024-03-01\n---\n\nنص.\n"})
    failed = subprocess.run(command, cwd=site.root, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1
    assert "content/articles/untitled.md:1" in failed.stderr and "missing title" in failed.stderr


@pytest.mark.parametrize(
    ("template", "line", "kind"),
    [
        ("<p>{{ site.title }}</p>\n<p>{{ no_such_helper(article) }}</p>\n", 2, "UndefinedError"),
        ("<p>\n{% if %}</p>\n", 2, "TemplateSyntaxError"),
    ],
    ids=["undefined", "syntax"],
)
def test_a_broken_template_override_names_its_file_and_line(make_site, monkeypatch, capsys, template, line, kind) -> None:
    # A site's own copy of a theme template, broken or older than the theme: a problem, not a traceback.
    failure = fail_build(make_site, monkeypatch, capsys, {"templates/_article_more.html": template})
    problem = assert_one_problem(failure, f"templates/_article_more.html:{line}", kind, "override")
    assert "Traceback" not in failure.stderr and "articles/" in problem.message


def test_a_problem_raised_in_a_worker_reaches_the_build_whole() -> None:
    # Render workers raise ThemeError in their own process; it is pickled back to the build.
    problems = [Problem("templates/x.html:3", "UndefinedError while rendering a/", "fix it"), Problem("b.md", "bad")]
    for error in (ThemeError(problems), ContentError(problems[0])):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and back.problems == error.problems and str(back) == str(error)
