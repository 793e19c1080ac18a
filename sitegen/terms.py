"""Words that carry meaning, for comparing articles: Arabic-normalised, clitics and
stop words removed.

The folding and clitic rules are the search engine's (`search/normalize.py`), so
"related" and "search" agree on what counts as the same word: حكومة = حكومه,
أمريكا = امريكا, والحكومة = الحكومة = حكومة.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

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


class _Memo(dict):
    """word -> term; a word is worked out once, on its first lookup."""

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> str:
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
        self._memo = _Memo(self._term)

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
