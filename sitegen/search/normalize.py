"""Search normalisation for Arabic: folding and clitic splitting.

Two consumers share these rules:
- Pagefind (over http) already folds alef hamza/madda, tashkeel, tatweel, ة/ه,
  digits and the prefixes ال/بال/كال/لل, but misses و/ف + ال, a conjunction or
  preposition before an alef-initial word, and bare ل. `clitic_forms` gives the
  split forms it misses, indexed in a hidden field.
- Our offline index (file://) does all of it itself: `key` maps a word to the
  form both the index and the query use.

The query side runs the same rules in JS (static/js/search-normalize.js);
tests run both over one table of cases, so change them together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..arabic import SILENT_RE, nfc

# Letter folding after tashkeel is gone: one character for one, so positions
# in the folded word line up with the author's spelling.
_FOLD = str.maketrans(
    "أإآٱىة" + "".join(chr(0x660 + i) for i in range(10)) + "".join(chr(0x6F0 + i) for i in range(10)),
    "اااايه" + "0123456789" * 2,
)
# A word is a run of letters and digits of any script (JS: [\p{L}\p{N}]+).
_WORD_RE = re.compile(r"[^\W_]+")
_WORD_OR_UNDERSCORES_RE = re.compile(r"\w+")  # the same words in a text with no "_", found faster

# Rules on the folded word, decided by tests (tests/test_search_normalize.py):
# 1. The article after a conjunction and/or preposition: و/ف + ب/ك/ل + ال + X,
#    and و/ف + لل + X. X must keep 3 letters so الله, الذي, والي stay whole.
_ARTICLE_RE = re.compile(r"^([وف]?[بكل]?ال|[وف]?لل)(.{3,})$")
# 2. A conjunction or preposition before an alef-initial word (باغتيال, وإيران):
#    the word must keep 4 letters, so واحد, كامل, باسم, كافة are never split.
_ALEF_RE = re.compile(r"^([وف][بكل]?|[بكل])(ا.{3,})$")
# 3. Bare ل (after an optional و/ف) before a noun ending in taa marbuta
#    (لحكومة): X keeps 4 letters and is not a nisba adjective (-ية), so لبنانية,
#    لجنة, لعبة stay whole. Other ل-initial words (لبنان) are never split.
_LAM_RE = re.compile(r"^([وف]?ل)(.{2,}[^ي]ه)$")

_CLITIC_START = frozenset("وفبكلاأإآٱ")  # every rule starts with one of these

MAX_QUERY_WORDS = 12  # a 2,000-character paste is cut to its first words


def fold(text: str) -> str:
    """The spelling-insensitive form of a text: what both sides compare."""
    return SILENT_RE.sub("", nfc(text)).translate(_FOLD).lower()


def words(text: str) -> list[str]:
    """Words as written (tashkeel and controls removed), in order."""
    text = SILENT_RE.sub("", nfc(text))
    return (_WORD_RE if "_" in text else _WORD_OR_UNDERSCORES_RE).findall(text)


def split_clitic(word: str) -> tuple[str, str] | None:
    """(prefix, rest) of a tashkeel-free word when a rule splits it, else None.

    The rest keeps the author's letters; for rule 1 it is the word after ال.
    """
    if not word or word[0] not in _CLITIC_START:
        return None  # most words: no rule can apply, skip the regexes
    folded = word.translate(_FOLD).lower()
    for rule in (_ARTICLE_RE, _ALEF_RE, _LAM_RE):
        match = rule.match(folded)
        if match:
            cut = len(match.group(1))
            return word[:cut], word[cut:]
    return None


def key(word: str) -> str:
    """The offline index key of one word: folded, clitics and article removed."""
    folded = fold(word)
    split = split_clitic(folded)
    # Rule 1 runs first, so an alef-initial rest never still carries ال.
    return folded if split is None else split[1]


def clitic_form(word: str) -> str:
    """The form Pagefind misses of one tashkeel-free word, or "" when it misses none.

    ال/بال/كال/لل alone Pagefind handles; everything else a rule splits is
    given back as the bare word, or with ال where the article was there.
    """
    split = split_clitic(word)
    if split is None:
        return ""
    prefix, rest = split
    bare = prefix.translate(_FOLD)
    if bare in ("ال", "بال", "كال", "لل"):
        return ""
    return ("ال" + rest) if bare.endswith(("ال", "لل")) else rest


def clitic_forms(text: str) -> list[str]:
    """Split forms Pagefind does not find by itself (`clitic_form`), once each, in first-seen order."""
    return forms_of_words(words(text))


def forms_of_words(found: Iterable[str], form: Callable[[str], str] = clitic_form) -> list[str]:
    """`clitic_forms` of words already split from a text (`words`).

    `form` may be a memo of `clitic_form` shared across calls, as an archive
    repeats words: then every word is looked up at C speed, with no Python per word.
    """
    forms = dict.fromkeys(map(form, found))  # keeps first-seen order
    forms.pop("", None)
    return list(forms)


def query_text(query: str) -> str:
    """What Pagefind is asked: ى→ي, no tashkeel, tatweel, bidi marks or punctuation, bounded.

    Tashkeel goes here too: marks are not word characters, so left in they
    would cut a word into letters.
    """
    text = SILENT_RE.sub("", nfc(query)).replace("ى", "ي")
    return " ".join(_WORD_RE.findall(text)[:MAX_QUERY_WORDS])


def query_keys(query: str) -> list[str]:
    """The offline index keys of a query, in order, without repeats."""
    return list(dict.fromkeys(key(w) for w in words(query)[:MAX_QUERY_WORDS]))
