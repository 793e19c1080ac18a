"""Sorting names the way an Arabic index does, without ICU.

PyICU has no wheels on PyPI (it builds against the system's ICU), so the order
is a documented key instead:
- the article ال is ignored at the start of each word (الكاظمي files under ك);
- hamza forms sort with their seat letter: أ إ آ ٱ ء with ا, ؤ with و, ئ and ى with ي;
  ة with ه; tashkeel and tatweel are ignored;
- after that, Unicode order of the Arabic letters is the alphabetical order
  (ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي);
- Arabic names come before names in other scripts, which follow casefolded.
"""

from __future__ import annotations

import re

from .arabic import INVISIBLE_RE, strip_tashkeel

_FOLD = str.maketrans("أإآٱءؤئىة", "اااااويية")
_ARTICLE_RE = re.compile(r"(?<!\S)ال(?=\S{2})")  # ال before at least two letters
_ARABIC_LETTER_RE = re.compile(r"[\u0621-\u064a]")

# The jump bar's letters, alphabetical; the initial of a folded name is one of these.
ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
LETTER_LABELS = {"ا": "أ"}  # how the bar shows a letter (the alef group is written أ)


def fold_name(name: str) -> str:
    """The name as it sorts: hamza seats, ة and ى folded, ال and marks dropped."""
    text = strip_tashkeel(INVISIBLE_RE.sub("", name)).translate(_FOLD)
    return _ARTICLE_RE.sub("", text).strip().casefold()


def sort_key(name: str) -> tuple[int, str, str]:
    """Arabic names first, then the others; the written name breaks ties."""
    folded = fold_name(name)
    return (0 if _ARABIC_LETTER_RE.match(folded) else 1, folded, name)


def initial(name: str) -> str:
    """The jump-bar letter a name files under; "#" for names in other scripts."""
    folded = fold_name(name)
    return folded[0] if folded and folded[0] in ALPHABET else "#"
