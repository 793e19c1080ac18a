"""Generate a deterministic corpus of N Arabic articles for benchmarking.

    python bench/generate.py N OUTDIR

Writes OUTDIR/site.yml and OUTDIR/content/{articles/<yyyy>/<slug>.md,
authors/<id>.yml, topics/<id>.yml}. The same N (and the same bundled source
article) always gives byte-identical output: every random choice comes from
one `random.Random` seeded by N, and nothing iterates over a set or dict whose
order could depend on hashing.

Text is recombined from the body of the bundled Daraj article, so the corpus
has real Arabic spelling, punctuation and word lengths rather than lorem ipsum.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    # Run as a script from anywhere; the slug rules must be sitegen's own so
    # that uniqueness here means no URL collision in the build.
    sys.path.insert(0, str(REPO))

from sitegen.arabic import slugify  # noqa: E402

SOURCE_ARTICLE = REPO / "content" / "articles" / "daraj-kadhimi-drones.md"
# Written last, so a directory holding it is a complete corpus; also what
# allows the generator to clear a directory it made before.
MARKER = ".bench-corpus"

FIRST_NAMES = (
    "أحمد محمد علي حسن حسين عمر خالد يوسف إبراهيم سامي رامي زياد طارق وليد "
    "نبيل جمال كريم مازن فادي هادي باسل غسان عماد رياض سليم منير نزار ماجد "
    "سعيد حازم قاسم مصطفى عباس حيدر مهدي جعفر أنس بلال ليلى سارة مريم نور "
    "هدى رنا ديما لينا ريم سلمى فاطمة زينب رشا هبة منى علياء جنى دانة ياسمين "
    "نادين رهف لمى هالة سوسن غادة وفاء سناء"
).split()
LAST_NAMES = (
    "الحداد الخطيب النجار العطار الحلبي الشامي البغدادي المصري التميمي "
    "الموصلي الزبيدي العنبر الصالح الأمين السيد الحسيني الجبوري الدليمي "
    "العبيدي الربيعي الكعبي الساعدي الحكيم الأسعد الخوري حداد عيسى سلامة "
    "منصور ناصر شاهين قبلان يونس درويش عثمان عبد-الله الفرا الطويل القاسم "
    "الأحمد المحمود الحسن العلي الراشد الشريف الهاشمي البزاز الصافي "
    "الجزائري التونسي المغربي اليمني الكردي الأرمني السوداني الليبي "
    "العراقي اللبناني السوري الأردني الفلسطيني الخليلي النابلسي"
).split()
PLACES = (
    "العراق إيران لبنان سوريا الأردن فلسطين مصر السعودية الخليج اليمن "
    "ليبيا تونس الجزائر المغرب السودان تركيا بغداد بيروت دمشق القاهرة "
    "الموصل البصرة حلب غزة عمان أربيل كردستان طرابلس الخرطوم صنعاء"
).split()
SUBJECTS = (
    "الميليشيات الانتخابات الاقتصاد الفساد اللاجئون النساء الصحافة "
    "حقوق-الإنسان البيئة المياه الكهرباء النفط الصحة التعليم الثقافة "
    "السينما الأدب الرياضة القضاء البرلمان الحكومة الاحتجاجات الهجرة "
    "الطائفية الأقليات الشباب العمل الفقر الإعلام التكنولوجيا الأمن "
    "الدين المجتمع التاريخ الذاكرة السجون الحرب السلام الدبلوماسية "
    "الزراعة"
).split()

# The bundled article is Arabic only; these sentences give the ~3% English
# articles real English text, recombined the same way as the Arabic.
ENGLISH_SENTENCES = (
    "Three explosive-laden drones targeted the prime minister's residence inside the Green Zone.",
    "Security sources said two of the drones were shot down before they reached the compound.",
    "The attack came weeks after parliamentary elections that armed factions lost heavily.",
    "Analysts in Baghdad read the strike as a message to everyone backing the government.",
    "The commander of the Quds Force arrived in Baghdad on an unannounced visit.",
    "Political blocs condemned the attempt and called for calm while talks continue.",
    "Reuters reported that the drones and explosives used in the attack were made in Iran.",
    "A former interior minister warned that the country was being pushed towards civil strife.",
    "Activists asked how the drones crossed air defences guarding the nearby embassy.",
    "The prime minister said he knew who was behind the attack but did not name them.",
    "Negotiations over the next cabinet have stalled since the results were announced.",
    "Observers expect the armed groups to use pressure to secure a share of power.",
)

HEADING_MARK = "## "
# Sentence ends: Latin and Arabic full stop, question and exclamation marks.
SENTENCE_END_RE = re.compile(r"(?<=[.!?؟])\s+")
# Word edges carrying punctuation or quotes: stripped for titles and slugs.
EDGE_PUNCT = "“”\"'«»()[].,،؛:!?؟…-"


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    text: str  # bio for authors, description for topics


@dataclass(frozen=True)
class Source:
    """Sentences and words to recombine, taken once from a source text."""

    sentences: tuple[str, ...]
    words: tuple[str, ...]  # punctuation stripped, for titles and phrases


def read_source(path: Path = SOURCE_ARTICLE) -> Source:
    """The body paragraphs of the bundled article, as sentences and words."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):
        # Front matter ends at the second '---' line; only the body is prose.
        text = text.split("\n---", 1)[1].split("\n", 1)[1]
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(line.removeprefix(">").strip() for line in block.splitlines())
        if not block or block.startswith("#"):
            continue
        sentences.extend(s.strip() for s in SENTENCE_END_RE.split(block) if s.strip())
    if not sentences:
        raise SystemExit(f"{path}: no body paragraphs to draw text from")
    return Source(tuple(sentences), _plain_words(" ".join(sentences)))


def english_source() -> Source:
    return Source(ENGLISH_SENTENCES, _plain_words(" ".join(ENGLISH_SENTENCES)))


def _plain_words(text: str) -> tuple[str, ...]:
    words = (w.strip(EDGE_PUNCT) for w in text.split())
    # Digits-only words make odd titles; single letters are mostly particles
    # split off by punctuation.
    return tuple(w for w in words if len(w) > 1 and not w.isdigit())


def author_count(n: int) -> int:
    return max(3, n * 3 // 100)


def topic_count(n: int) -> int:
    return max(3, n * 15 // 1000)


class ZipfPicker:
    """Draws indexes 0..k-1 with weight 1/(rank+1): a few very large ones."""

    def __init__(self, k: int, exponent: float = 1.0):
        total = 0.0
        self._cum: list[float] = []
        for rank in range(k):
            total += 1.0 / (rank + 1) ** exponent
            self._cum.append(total)

    def pick(self, rng: random.Random, count: int, first: int | None = None) -> list[int]:
        """`count` distinct indexes, starting with `first` when given."""
        chosen = [] if first is None else [first]
        count = min(count, len(self._cum))
        while len(chosen) < count:
            index = bisect.bisect_left(self._cum, rng.random() * self._cum[-1])
            if index not in chosen:
                chosen.append(index)
        return chosen


def make_authors(rng: random.Random, k: int, src: Source) -> list[Profile]:
    width = max(4, len(str(k)))
    names = [f"{first} {last}" for first, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
    rng.shuffle(names)
    # Past first x last combinations, a middle name keeps names unique.
    middles = iter(itertools.product(FIRST_NAMES, FIRST_NAMES, LAST_NAMES))
    while len(names) < k:
        first, middle, last = next(middles)
        if first != middle:
            names.append(f"{first} {middle} {last}")
    authors = []
    for i in range(k):
        bio = f"كاتب وصحافي. {rng.choice(src.sentences)}"
        authors.append(Profile(f"a{i + 1:0{width}d}", names[i].replace("-", " "), bio))
    return authors


def make_topics(rng: random.Random, k: int, src: Source) -> list[Profile]:
    # Broad topics first, so Zipf's biggest are "العراق", not "الزراعة في حلب".
    names = [s.replace("-", " ") for s in SUBJECTS] + list(PLACES)
    rng.shuffle(names)
    combos = [f"{s.replace('-', ' ')} في {p}" for s, p in itertools.product(SUBJECTS, PLACES)]
    rng.shuffle(combos)
    names += combos
    # Larger corpora than the lists cover get numbered editions of names.
    edition = 2
    while len(names) < k:
        names += [f"{name} {edition}" for name in names[: k - len(names)]]
        edition += 1
    topics = []
    for i in range(k):
        # Arabic ids, already in sitegen's slug form, so the profile's file
        # stem and the id articles cite are the same string.
        name = names[i]
        topics.append(Profile(slugify(name), name, rng.choice(src.sentences)))
    return topics


def _title(rng: random.Random, src: Source) -> str:
    title = " ".join(rng.choice(src.words) for _ in range(rng.randint(4, 9)))
    return title[0].upper() + title[1:]


def _sentence(rng: random.Random, src: Source) -> str:
    sentence = rng.choice(src.sentences)
    if rng.random() < 0.3:
        # A shuffled sentence: new text with the source's word statistics.
        words = [w.rstrip(".!?؟") for w in sentence.split()]
        rng.shuffle(words)
        sentence = " ".join(words).strip(EDGE_PUNCT) + "."
    return sentence


def _paragraph(rng: random.Random, src: Source) -> str:
    sentences = [_sentence(rng, src) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.15:
        # External link: internal ones must resolve, and that is not what
        # this corpus tests. daraj.media, not base_url's host, for the same reason.
        words = sentences[0].split()
        start = rng.randrange(len(words))
        end = min(len(words), start + rng.randint(1, 3))
        label = " ".join(w.strip(EDGE_PUNCT) for w in words[start:end]) or "درج"
        url = f"https://daraj.media/{rng.randint(1000, 999999)}/"
        words[start:end] = [f"[{label}]({url})"]
        sentences[0] = " ".join(words)
    return " ".join(sentences)


def _body(rng: random.Random, src: Source) -> str:
    blocks = [_paragraph(rng, src) for _ in range(rng.randint(4, 10))]
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 2)):
            heading = HEADING_MARK + " ".join(rng.choice(src.words) for _ in range(rng.randint(2, 5)))
            blocks.insert(rng.randint(1, len(blocks) - 1), heading)
    if rng.random() < 0.2:
        items = [" ".join(rng.choice(src.words) for _ in range(rng.randint(2, 8))) for _ in range(rng.randint(3, 5))]
        blocks.insert(rng.randint(1, len(blocks)), "\n".join(f"- {item}" for item in items))
    if rng.random() < 0.08:
        blocks.insert(rng.randint(1, len(blocks)), "> " + rng.choice(src.sentences))
    return "\n\n".join(blocks) + "\n"


def _date(rng: random.Random) -> dt.datetime:
    start = dt.date(2010, 1, 1).toordinal()
    day = dt.date.fromordinal(rng.randint(start, dt.date(2024, 12, 31).toordinal()))
    minute = rng.randrange(6 * 60, 24 * 60, 5)
    tz = dt.timezone(dt.timedelta(hours=3))
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)


def _summary(rng: random.Random, src: Source) -> str:
    words = rng.choice(src.sentences).split()
    return " ".join(words[:30])


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar; keeps Arabic as is.
    return json.dumps(text, ensure_ascii=False)


def _flow_list(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _profile_yaml(profile: Profile, text_key: str) -> str:
    return f"name: {_quoted(profile.name)}\n{text_key}: {_quoted(profile.text)}\n"


SITE_YML = """\
title: "أرشيف تجريبي"
description: "أرشيف مولَّد من {n} مقالة لقياس سرعة البناء"
base_url: "https://example.org/"
language: ar
locale: ar
digits: latn
publisher: {{name: "درج", url: "https://daraj.media/"}}
"""


def generate(n: int, out: Path) -> dict[str, int]:
    """Write a corpus of `n` articles under `out`; returns counts by kind.

    `out` must be empty, missing, or a corpus this generator wrote before
    (which is then replaced), so a mistyped path never loses someone's files.
    """
    if n < 1:
        raise ValueError("need at least one article")
    _prepare(out)
    rng = random.Random(f"sitegen-bench-{n}")
    arabic, english = read_source(), english_source()
    authors = make_authors(rng, author_count(n), arabic)
    topics = make_topics(rng, topic_count(n), arabic)
    author_zipf, topic_zipf = ZipfPicker(len(authors)), ZipfPicker(len(topics))

    content = out / "content"
    for kind, profiles, key in (("authors", authors, "bio"), ("topics", topics, "description")):
        (content / kind).mkdir(parents=True)
        for profile in profiles:
            _write(content / kind / f"{profile.id}.yml", _profile_yaml(profile, key))

    # Exact shares rather than coin flips, so even a small corpus has some of
    # each (the build must be measured with its undated and LTR paths live).
    undated = set(rng.sample(range(n), max(1, round(n * 0.01))))
    english_ones = set(rng.sample(range(n), max(1, round(n * 0.03))))
    counts = {"articles": n, "authors": len(authors), "topics": len(topics), "undated": 0, "english": 0}
    seen: set[str] = set()  # membership only, never iterated: order-safe
    for i in range(n):
        english_article = i in english_ones
        src = english if english_article else arabic
        # Every profile is used by at least one article, so the number of
        # author and topic pages is known from N.
        author_ids = author_zipf.pick(rng, 1 if rng.random() < 0.8 else 2, i if i < len(authors) else None)
        topic_ids = topic_zipf.pick(rng, rng.randint(1, 3), i if i < len(topics) else None)
        title = _title(rng, src)
        while slugify(title) in seen:
            title = _title(rng, src)
        slug = slugify(title)
        seen.add(slug)
        lines = ["---", f"title: {_quoted(title)}"]
        if i in undated:
            counts["undated"] += 1
            folder = "undated"
        else:
            date = _date(rng)
            lines.append(f"date: {date.isoformat()}")
            folder = str(date.year)
        lines.append(f"authors: {_flow_list([authors[k].id for k in author_ids])}")
        lines.append(f"topics: {_flow_list([topics[k].id for k in topic_ids])}")
        lines.append(f"summary: {_quoted(_summary(rng, src))}")
        if english_article:
            counts["english"] += 1
            lines.append("lang: en")
        lines += ["---", "", _body(rng, src)]
        path = content / "articles" / folder / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, "\n".join(lines))

    _write(out / "site.yml", SITE_YML.format(n=n))
    _write(out / MARKER, json.dumps(counts, sort_keys=True) + "\n")
    return counts


def _prepare(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SystemExit(f"{out}: not empty and not a generated corpus; choose an empty directory")
        # Our own earlier corpus: clear it so no file from another N lingers.
        (out / MARKER).unlink()
        shutil.rmtree(out / "content", ignore_errors=True)
        (out / "site.yml").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)


def _write(path: Path, text: str) -> None:
    # newline="" keeps "\n" on every platform, for byte-identical output.
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)
    counts = generate(args.n, args.outdir)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
