"""Words that carry meaning, for comparing articles: Arabic-normalised, clitics and
stop words removed.

An article's term counts are worked out where it is parsed (`article_terms`, in
the parse workers, then kept in the build cache with the article), because
tokenising is most of what relating articles costs, and an unchanged article's
words do not change. What the terms of a text are is therefore part of the cache
format: change the rules here (or the folding they use) and bump `cache.SCHEMA`,
or cached articles keep the old terms.

The folding and clitic rules are the search engine's (`search/normalize.py`), so
"related" and "search" agree on what counts as the same word: حكومة = حكومه,
أمريكا = امريكا, والحكومة = الحكومة = حكومة.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from typing import TypeVar

BODY_CHARS = 2500  # of the body's text: a news story says what it is about first, and tokenising is the cost
TITLE_BOOST = 3  # a title word counts as this many body words
K = TypeVar("K")
V = TypeVar("V")
_MEMO_CAP = 500_000  # distinct words remembered; a long-lived process starts over past it

_TAG_RE = re.compile(r"<[^>]+>")
_ENTITY_RE = re.compile(r"&#?\w+;")

# Function words: they are on every page, so they would only add noise and cost
# to the inverted index. Written as spelled; compared in their folded key form.
STOP_WORDS_AS_WRITTEN = """
    في من إلى على عن مع أن إن أو أم ثم لا لم لن ما ماذا متى أين كيف هل قد لقد كان كانت يكون تكون
    كانوا يكن هو هي هم هن أنا نحن أنت أنتم هذا هذه ذلك تلك هذان هاتان هؤلاء أولئك الذي التي
    الذين اللذين اللتين اللاتي اللواتي كل بعض غير بين حتى إذا إذ لكن لكنه لأن بأن كما مثل عند
    عندما منذ خلال بعد قبل حول ضد دون فوق تحت أمام وراء أيضا فقط حيث لدى إلا أي وهو
    وهي وقد وكان وكانت ولا ولم فيه فيها منه منها عليه عليها إليه إليها له لها لهم به بها بهم
    عنه عنها هناك هنا ذات ذو قال قالت يقول تقول وقال وأضاف أضاف أكد أشار وفق وفقا نحو
    سوف سيكون تم يتم جدا الآن اليوم أمس غدا عام عاما سنة سنوات يوم أيام شهر أحد إحدى آخر أخرى
    the and of to in a is that for on with as by at from it be was are this an or not
"""


def plain_text(html: str) -> str:
    """The words of rendered HTML: tags and entities dropped."""
    return _ENTITY_RE.sub(" ", _TAG_RE.sub(" ", html))


class Memo(dict[K, V]):
    """word -> term (or any key -> value); a key is worked out once, on its first lookup."""

    def __init__(self, compute: Callable[[K], V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: K) -> V:
        if len(self) >= _MEMO_CAP:
            self.clear()  # one shared Terms lives as long as the process (see `article_terms`)
        value = self[word] = self.compute(word)
        return value


class Terms:
    """Text to term counts. One per computation, because it memoises: an archive
    repeats a few thousand words millions of times, and the clitic rules are
    regular expressions."""

    def __init__(self) -> None:
        # Imported here: the search package imports the linking stage, which uses this.
        from .search.normalize import key, words

        self._key, self._words = key, words
        self.stop_words = frozenset(key(w) for w in STOP_WORDS_AS_WRITTEN.split())
        self._memo = Memo(self._term)

    def _term(self, word: str) -> str:
        term = self._key(word)
        keep = len(term) > 1 and term.isalpha() and term not in self.stop_words  # numbers relate nothing
        return term if keep else ""

    def key(self, word: str) -> str:
        """A word's comparable form: folded, its clitics and article removed, or "" to skip it."""
        return self._memo[word]

    def counts(self, text: str) -> Counter[str]:
        """How often each meaningful term occurs in `text`."""
        # Every word through the memo at C speed (map, Counter); Python runs only for new words.
        counts = Counter(map(self._memo.__getitem__, self._words(text)))
        counts.pop("", None)
        return counts


_shared: Terms | None = None


def article_terms(title: str, summary: str, body_html: str) -> str:
    """What an article is compared by: the terms of its title and summary
    (each TITLE_BOOST times) and of its body's opening (`body_opening`),
    packed by `pack_counts`."""
    split = _terms()._words
    return terms_of_words(split(f"{title} {summary}"), split(body_opening(body_html)))


def body_opening(body_html: str) -> str:
    """The first BODY_CHARS of the body's text, the part of it terms are taken from."""
    return plain_text(body_html[: BODY_CHARS * 2])[:BODY_CHARS]


def terms_of_words(lead: Sequence[str], opening: Sequence[str]) -> str:
    """`article_terms` of words already split (`search.normalize.words`): of title
    then summary, and of the body's opening. For a caller that has split them
    for other uses too, as tokenising is the cost."""
    memo = _terms()._memo
    # The lead repeated rather than its counts multiplied: one Counter, filled at C speed.
    counts = Counter(map(memo.__getitem__, chain(opening, *[lead] * TITLE_BOOST)))
    counts.pop("", None)
    return pack_counts(counts)


def _terms() -> Terms:
    global _shared
    if _shared is None:  # one per process, so the memo serves every article a parse worker reads
        _shared = Terms()
    return _shared


def pack_counts(counts: Mapping[str, int]) -> str:
    """Term counts as one string: line n holds the terms counted n times, sorted,
    separated by spaces.

    One string, because every article of the archive keeps its terms in memory
    and in the cache: a tuple per term would cost several times the memory. Grouped
    by count, because most terms occur once or twice, and reading it back is then
    two `split`s rather than a parse of every term.
    """
    by_count: dict[int, list[str]] = {}
    for term, n in counts.items():
        if n > 0:
            by_count.setdefault(n, []).append(term)
    top = max(by_count, default=0)
    return "\n".join(" ".join(sorted(by_count.get(n, ()))) for n in range(1, top + 1))


def unpack_counts(packed: str) -> list[tuple[int, list[str]]]:
    """(count, terms) of a `pack_counts` string, for the counts that occur."""
    return [(n, line.split(" ")) for n, line in enumerate(packed.split("\n"), 1) if line]
