"""Related articles (issue 6): rarity-weighted tags, Arabic-normalised text, time, ties."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace

import pytest
from conftest import article

import sitegen.load
import sitegen.related
from sitegen.build import load
from sitegen.cache import BuildCache
from sitegen.config import load_config
from sitegen.content.model import Article, Library
from sitegen.load import load_site
from sitegen.related import inputs_key, related
from sitegen.search.prepare import prepare
from sitegen.terms import Terms, article_terms, pack_counts, unpack_counts

FILLER = "نص محايد عن موضوع عام {n} بكلمات مختلفة {n}"


def _related_ids(site) -> dict[str, tuple[str, ...]]:
    return load(load_config(site.root / "site.yml")).related


def _related_titles(html: str) -> list[str]:
    section = html.split('<section class="related"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="entry-title"><a href="[^"]*" dir="auto">([^<]*)</a>', section)


def _fillers(count: int, **meta: object) -> dict[str, str]:
    return {
        f"content/articles/f{n:03d}.md": article(f"حشو {n}", FILLER.format(n=f"كلمة{n}"), date="2020-01-01", **meta)
        for n in range(count)
    }


def test_a_rare_topic_outweighs_a_common_one(make_site) -> None:
    files = _fillers(30, topics=["عام"])
    files["content/articles/x.md"] = article("المحور", "أ", date="2020-01-01", topics=["نادر", "عام"])
    files["content/articles/common.md"] = article("يشارك الشائع", "ب", date="2020-01-01", topics=["عام"])
    files["content/articles/rare.md"] = article("يشارك النادر", "ج", date="2020-01-01", topics=["نادر"])
    site = make_site(files)
    ids = _related_ids(site)["x"]
    assert ids[0] == "rare"
    assert len(ids) == 5


def test_normalisation_lets_hukuma_match_with_ta_marbuta_or_ha(make_site) -> None:
    site = make_site(
        {
            "content/articles/x.md": article("إعلان", "أعلنت الحكومة خطة الإصلاح الاقتصادي.", date="2021-01-01"),
            "content/articles/ha.md": article("بيان", "وقالت الحكومه إن خطه الاصلاح الاقتصادى بدأت.", date="2021-01-01"),
            "content/articles/other.md": article("رياضة", "فاز الفريق بالمباراة النهائية للدوري.", date="2021-01-01"),
        }
    )
    assert _related_ids(site)["x"][0] == "ha"  # "other" shares only the publisher, so it can only come after


def test_terms_fold_spelling_clitics_and_stop_words() -> None:
    terms = Terms()
    assert terms.counts("الحكومة") == terms.counts("حكومه") == terms.counts("والحكومة") == {"حكومه": 1}
    assert terms.counts("في من إلى على") == {}
    assert terms.counts("أمريكا") == terms.counts("امريكا")


def test_ties_are_broken_by_id_and_time_is_a_mild_preference(make_site) -> None:
    body = "مفاوضات الطاقة النووية في فيينا"
    site = make_site(
        {
            "content/articles/x.md": article("المحور", body, date="2022-06-01"),
            "content/articles/b-same.md": article("نسخة", body, date="2022-06-01"),
            "content/articles/a-same.md": article("نسخة", body, date="2022-06-01"),
            "content/articles/0-far.md": article("نسخة", body, date="2010-06-01"),
        }
    )
    assert _related_ids(site)["x"] == ("a-same", "b-same", "0-far")


def test_related_is_deterministic_and_never_lists_itself(make_site) -> None:
    files = {
        f"content/articles/a{n}.md": article(f"عنوان {n}", f"النفط والغاز في العراق {n % 3}", date=f"2020-01-{n + 1:02d}", topics=["نفط"])
        for n in range(12)
    }
    site = make_site(files)
    linked = load(load_config(site.root / "site.yml"))
    first = related(linked.library)
    assert first == related(linked.library)
    for ident, ids in first.items():
        assert ident not in ids
        assert 0 < len(ids) <= 5
        assert len(set(ids)) == len(ids)


def test_related_section_on_the_article_page(make_site) -> None:
    files = _fillers(3, topics=["عام"])
    files["content/articles/x.md"] = article("المحور", "نص", date="2020-01-02", topics=["عام"])
    site = make_site(files)
    site.build()
    html = site.page("articles/x/")
    assert '<section class="related"' in html
    assert sorted(_related_titles(html)) == ["حشو 0", "حشو 1", "حشو 2"]


def test_term_counts_pack_into_one_string_and_back() -> None:
    counts = Counter({"حكومه": 1, "نفط": 4, "عراق": 1, "طاقه": 2})
    packed = pack_counts(counts)
    assert packed == "حكومه عراق\nطاقه\n\nنفط"  # line n: the terms counted n times
    assert Counter({t: n for n, terms in unpack_counts(packed) for t in terms}) == counts
    assert pack_counts(Counter()) == "" and list(unpack_counts("")) == []


def test_an_article_is_compared_by_its_title_summary_and_body_terms() -> None:
    terms = {t: n for n, same in unpack_counts(article_terms("النفط", "أسعار النفط", "<p>تراجعت أسعار النفط &amp; الغاز</p>")) for t in same}
    assert terms == {"نفط": 3 + 3 + 1, "اسعار": 3 + 1, "تراجعت": 1, "غاز": 1}  # title and summary words count 3 times


@pytest.mark.parametrize(
    "body_html",
    [
        "<p>تراجعت أسعار النفط &amp; الغاز</p>",
        "<p>قال &quot;الوزير&quot; إن &lt;النفط&gt; تراجع</p>",  # entities: spaces for terms, characters for search
        "<p>" + "النفط " * 700 + "</p>",  # the opening ends inside a word
        "<p>" + "<i>ن</i> " * 555 + '<a href="x">الغاز</a> والحكومة</p>',  # a tag cut where the opening's HTML ends
        "<p>" + "الغاز " * 416 + "ا\u064eلنفط</p>",  # tashkeel where the opening ends
        "<p>" + "الغاز " * 400 + "&#1604;لحكومة</p>",  # an entity for a letter
    ],
)
def test_search_preparation_gives_an_articles_terms(body_html: str) -> None:
    # prepare splits the body's words once for search and relating; the result must not depend on that.
    assert prepare("النفط", "أسعار النفط", body_html).terms == article_terms("النفط", "أسعار النفط", body_html)


def test_cached_articles_keep_their_terms(make_site) -> None:
    files = {
        f"content/articles/a{n}.md": article(f"عنوان {n}", f"{'النفط والغاز' if n % 2 else 'الانتخابات البرلمانية'} في العراق {n}", date=f"2020-01-{n + 1:02d}")
        for n in range(8)
    }
    site = make_site(files)
    site.build()
    site.write({"content/articles/a0.md": article("عنوان 0", "الانتخابات البرلمانية في لبنان", date="2020-01-01")})
    config = load_config(site.root / "site.yml")
    cache = BuildCache(site.root / ".sitegen-cache/cache.sqlite3", warn=print)
    try:
        loaded = load_site(config, cache=cache)
    finally:
        cache.close()
    assert loaded.cached == 7  # the related articles below are computed from cached terms
    assert loaded.linked.related == load(config).related
    assert loaded.linked.related["a2"][0] in {"a0", "a4", "a6"}  # text, not the fill, decides


def test_workers_give_the_same_lists_as_one_process(monkeypatch) -> None:
    words = ["نفط", "غاز", "انتخابات", "برلمان", "زلزال", "مطر", "فيضان", "لاجئون", "حدود", "عملة"]
    articles, authors, topics = [], {}, {}
    for n in range(150):
        ident = f"x{n:03d}"
        body = f"<p>{words[n % 10]} {words[(n * 3) % 10]} {words[(n * 7 + 1) % 10]} كلمة{n % 13}</p>"
        articles.append(Article(id=ident, source=f"{ident}.md", title=ident, body_html=body, terms=article_terms(ident, "", body)))
        authors[ident] = (f"w{n % 7}",)
        topics[ident] = (f"t{n % 11}", f"t{n % 4}")
    library = Library(articles=tuple(articles), article_authors=authors, article_topics=topics)
    alone = related(library)
    monkeypatch.setattr(sitegen.related, "in_process", lambda _items: False)
    monkeypatch.setattr(sitegen.related, "workers", lambda: 2)
    spread = related(library)  # three chunks of 50 over two workers
    assert spread == alone
    assert list(spread) == [a.id for a in articles] and all(len(ids) == 5 for ids in spread.values())


@pytest.mark.parametrize("drafts", [False, True])
def test_a_full_build_counts_the_terms_where_it_parses_them(make_site, monkeypatch, drafts: bool) -> None:
    # The parse workers count each term's articles, so relating forks no workers for it;
    # a draft counts only in a build that includes drafts, as only then is it related.
    files = {f"content/articles/a{n}.md": article(f"عنوان {n}", f"النفط والغاز في العراق {n % 3}") for n in range(6)}
    files["content/articles/draft.md"] = article("مسودة", "زنجبيل نادر في المسودة.", draft=True)
    site = make_site(files)
    monkeypatch.setattr(sitegen.load, "in_process", lambda _items: False)  # over forked workers, as a large archive is
    given: list[tuple[Library, Counter | None]] = []
    whole = sitegen.load.relate_all
    monkeypatch.setattr(sitegen.load, "relate_all", lambda library, df=None: given.append((library, df)) or whole(library, df=df))
    site.build(drafts=drafts)
    ((library, df),) = given
    assert df == sitegen.related.document_frequencies(library.articles)
    assert any("زنجبيل" in term for term in df) == drafts
    assert whole(library)[0] == whole(library, df=df)[0]


def test_saved_lists_are_used_while_what_related_reads_is_unchanged(make_site, monkeypatch) -> None:
    titles = ["صحراء", "بحيرة", "جبل", "وادي", "غابة", "نهر"]  # a word of each article's own
    files = {
        f"content/articles/a{n}.md": article(titles[n], f"النفط والغاز في العراق {n % 3}", date=f"2020-01-{n + 1:02d}")
        for n in range(6)
    }
    site = make_site(files)
    site.build()
    made: list[str] = []
    whole, updating = sitegen.load.relate_all, sitegen.load.update
    monkeypatch.setattr(sitegen.load, "relate_all", lambda library, df=None: made.append("whole") or whole(library, df=df))

    def update(*args: object) -> object:
        found = updating(*args)
        made.append("updated" if found else "refused")
        return found

    monkeypatch.setattr(sitegen.load, "update", update)
    # Neither the terms (title, summary, opening), tags nor date: the saved lists stand.
    site.write({"content/articles/a0.md": article("صحراء", "النفط والغاز في العراق 0", date="2020-01-01", source_url="https://x.org/")})
    site.build()
    assert made == []
    # A new title changes one article's terms, words no other article has: the saved lists are updated.
    site.write({"content/articles/a0.md": article("زلزال مدمر", "النفط والغاز في العراق 0", date="2020-01-01")})
    site.build()
    assert made == ["updated"]
    cache = BuildCache(site.root / ".sitegen-cache/cache.sqlite3", warn=print)
    try:
        saved = cache.related()
    finally:
        cache.close()
    assert saved == load(load_config(site.root / "site.yml")).related  # as a computation from nothing gives
    made.clear()
    # A new date moves the article among the others: they are computed again.
    site.write({"content/articles/a1.md": article("بحيرة", "النفط والغاز في العراق 1", date="2021-01-02")})
    site.build()
    assert made == ["refused", "whole"]


def test_the_key_covers_every_input_of_related() -> None:
    one = Article(id="a", source="a.md", title="a", body_html="", terms="نفط")
    two = Article(id="b", source="b.md", title="b", body_html="", terms="غاز")

    def key(articles=(one, two), authors=("w",), topics=("t",)) -> str:
        lib = Library(articles=tuple(articles), article_authors={a.id: authors for a in articles}, article_topics={a.id: topics for a in articles})
        return inputs_key(lib)

    base = key()
    assert key() == base
    assert key(articles=(two, one)) != base  # ranks order the lists' ties
    assert key(articles=(replace(one, terms="نفط غاز"), two)) != base
    assert key(articles=(replace(one, date=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)), two)) != base
    assert key(authors=("v",)) != base and key(topics=()) != base
    assert key(articles=(replace(one, title="x", body_html="<p>y</p>", source_url="u"), two)) == base


def test_a_word_too_common_to_tell_is_not_walked() -> None:
    def library(count: int) -> Library:
        # x and y share only "نفط"; count articles in all carry it, each with a word of its own.
        articles = [
            Article(id=f"a{n:03d}", source="a.md", title="a", body_html="", terms=f"كلمة{n} نفط")
            for n in range(count - 2)
        ] + [Article(id=i, source=f"{i}.md", title=i, body_html="", terms=f"{i}{i} نفط\nنفطي") for i in ("x", "y")]
        return Library(articles=tuple(articles), article_authors={a.id: () for a in articles}, article_topics={a.id: () for a in articles})

    assert related(library(40))["x"][0] == "y"  # "نفطي" twice in both: the best match
    assert related(library(sitegen.related.MAX_POSTING + 1))["x"] == ("y",)  # only the rarer list is walked
