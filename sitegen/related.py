"""Related articles: shared authors and topics weighted by rarity, textual
similarity of titles and bodies, and a mild preference for articles close in time.

    score = Σ shared tags  TAG_WEIGHT · idf(tag) / log(N + 1)
          + cosine of the articles' TF-IDF term vectors
    then × a time factor between 1 − TIME_WEIGHT (far apart or undated) and 1.

Words come from the title, summary and the body's opening (`terms.article_terms`,
counted when the article is parsed and kept in the build cache with it).
It never compares all pairs. Each article keeps only its TOP_TERMS heaviest
terms (rare words weigh most) in an inverted index; an article's text scores are
accumulated over the lists of its terms, shortest (rarest) first, within a
BUDGET of entries, and lists longer than MAX_POSTING are not walked: such words
say little, and walking them is what would make the work quadratic. The best
CANDIDATES text matches and the members of its small tags (≤ SMALL_TAG articles)
get a full score; a candidate's tag score is exact, so a common topic still
counts, weakly. Articles left with fewer than LIMIT related are filled from
their tags' lists, newest first. Equal scores (to _ROUND decimals) are ordered
by id, so the result never wobbles.

Terms and tags are numbered (terms in their order), and the index, vectors and
tag lists are flat numpy arrays. Articles are scored _BLOCK at a time: the
entries of all their walks are gathered into arrays and summed by pair, each
pair's products in walk order (as a walk adding them one by one would), so that
no Python code runs per entry and a block's arrays stay a few MB.

Each article's vector, then each article's list, depends only on shared
read-only tables, so large archives are split over forked workers (as parsing
and rendering are); the result is the same whatever the split. For the same
reason, after an edit only the lists that can have changed are made again
(related_update.py), from the tables the last computation kept (`TermTables`).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np

from . import terms as terms_mod
from .arrays import run_starts
from .content.model import Article, Library
from .parallel import chunks, frozen, in_process, workers
from .terms import unpack_counts

T = TypeVar("T")

LIMIT = 5
TOP_TERMS = 16  # terms per article in the inverted index
MAX_POSTING = 250  # longer term lists are not walked: the word is too common to tell
BUDGET = 500  # posting entries walked per article, rarest terms first
CANDIDATES = 30  # best text matches given a full score
SMALL_TAG = 30  # all members of a tag this small are candidates
TAG_WEIGHT = 0.6  # a tag on two articles only, against a perfect text match (1.0)
TIME_WEIGHT = 0.15  # the most time can take off a score
TIME_HALF_LIFE_DAYS = 365.0
_ROUND = 9  # decimals kept, so float noise never outweighs the tie-break by id


_BLOCK = 1024  # articles scored together: bounds the arrays of a walk (~250 entries an article)


@dataclass(frozen=True)
class _Lists:
    """Many short lists of numbers in two flat arrays: list i is values[starts[i]:starts[i + 1]]."""

    starts: np.ndarray
    values: np.ndarray

    def lengths(self, rows: np.ndarray | slice) -> np.ndarray:
        starts = self.starts[rows] if isinstance(rows, np.ndarray) else self.starts[:-1][rows]
        ends = self.starts[rows + 1] if isinstance(rows, np.ndarray) else self.starts[1:][rows]
        return ends - starts


@dataclass(frozen=True)
class _Index:
    """What scoring an article reads: built once, then only read (by forked workers too).
    Tags and terms are numbers here; term numbers follow the terms' order."""

    ids: list[str]  # by rank, 0 = newest
    id_order: np.ndarray  # rank -> place of its id among the ids sorted: ties go by id
    days: np.ndarray  # by rank, NaN when undated
    tags: _Lists  # rank -> its tag numbers, ascending ("a:<author>", "t:<topic>")
    tag_keys: np.ndarray  # rank * number of tags + tag, ascending: which article has which tag
    members: _Lists  # tag -> ranks, ascending
    small: np.ndarray  # by tag: at most SMALL_TAG members
    tag_weight: np.ndarray  # by tag
    vectors: _Lists  # rank -> its TOP_TERMS heaviest terms, heaviest first
    vector_weights: np.ndarray  # alongside vectors.values
    postings: _Lists  # term -> ranks, ascending
    posting_weights: np.ndarray  # alongside postings.values


class TermTables(NamedTuple):
    """What relating read from the articles' terms, kept so that the next build can
    update the lists after a few articles changed (related_update.py)."""

    vocabulary: list[str]  # every term, sorted: a term's number is its place here
    df: np.ndarray  # by term number: how many articles have it
    idf: np.ndarray  # by term number
    vectors: _Lists  # as _Index.vectors
    vector_weights: np.ndarray


def related(library: Library, limit: int = LIMIT) -> dict[str, tuple[str, ...]]:
    """Up to `limit` related article ids per article, best first."""
    return relate_all(library, limit)[0]


def relate_all(library: Library, limit: int = LIMIT, df: Counter[str] | None = None) -> tuple[dict[str, tuple[str, ...]], TermTables]:
    """`related`, with the tables an update of the lists starts from. `df`: the
    `document_frequencies` of the library's articles, if the caller counted them."""
    articles = library.articles  # rank = index, 0 = newest
    total = len(articles)
    everyone = range(total)
    if df is None:
        df = Counter()
        for part in _spread(_document_frequencies, articles, everyone):
            df.update(part)
    vocabulary = sorted(df)  # numbered in term order, so ties between terms go by term
    counts = np.array([df[term] for term in vocabulary], dtype=np.int64)
    idf = np.array([math.log((total + 1) / n) for n in counts.tolist()], dtype=np.float64)
    numbers = dict(zip(vocabulary, itertools.count()))
    del df
    parts = _spread(_vectors, (articles, numbers, idf), everyone)
    del numbers  # the workers below need no term by its name
    ranks, terms, weights = (np.concatenate(column) for column in zip(*parts))
    del parts
    index = make_index(library, ranks, terms, weights, len(idf))
    lists = [ids for part in _spread(_relate, (index, limit), everyone) for ids in part]
    return dict(zip(index.ids, lists)), TermTables(vocabulary, counts, idf, index.vectors, index.vector_weights)


def make_index(library: Library, ranks: np.ndarray, terms: np.ndarray, weights: np.ndarray, vocabulary: int) -> _Index:
    """The _Index of the articles' vectors: (rank, term, weight) of every article's
    heaviest terms, by rank, heaviest first (`_vectors`)."""
    articles, total = library.articles, len(library.articles)
    by_term = np.argsort(terms, kind="stable")  # stable: each term's ranks stay ascending
    return _Index(
        ids=[a.id for a in articles],
        id_order=_id_order([a.id for a in articles]),
        days=np.array([math.nan if d is None else d for d in map(_days, articles)], dtype=np.float64),
        **_tag_tables(library, total),
        vectors=_Lists(_starts(np.bincount(ranks, minlength=total)), terms),
        vector_weights=weights,
        postings=_Lists(_starts(np.bincount(terms, minlength=vocabulary)), ranks[by_term]),
        posting_weights=weights[by_term],
    )


def _tag_tables(library: Library, total: int) -> dict[str, Any]:
    """The _Index fields about authors and topics."""
    tags_of: list[list[str]] = []
    members: dict[str, list[int]] = {}
    for rank, article in enumerate(library.articles):
        tags = [f"a:{x}" for x in library.article_authors[article.id]] + [f"t:{x}" for x in library.article_topics[article.id]]
        tags = list(dict.fromkeys(tags))
        tags_of.append(tags)
        for tag in tags:
            members.setdefault(tag, []).append(rank)  # ascending: newest first
    number = {tag: n for n, tag in enumerate(members)}
    scale = math.log(total + 1) or 1.0
    per_article = [sorted(map(number.__getitem__, tags)) for tags in tags_of]
    tags_flat = np.fromiter(itertools.chain.from_iterable(per_article), dtype=np.int64)
    counts = np.fromiter(map(len, per_article), dtype=np.int64, count=total)
    sizes = np.fromiter(map(len, members.values()), dtype=np.int64, count=len(members))
    return {
        "tags": _Lists(_starts(counts), tags_flat),
        "tag_keys": np.repeat(np.arange(total, dtype=np.int64), counts) * len(members) + tags_flat,
        "members": _Lists(_starts(sizes), np.fromiter(itertools.chain.from_iterable(members.values()), dtype=np.int64)),
        "small": sizes <= SMALL_TAG,
        "tag_weight": np.array([TAG_WEIGHT * math.log((total + 1) / len(r)) / scale for r in members.values()], dtype=np.float64),
    }


def _id_order(ids: list[str]) -> np.ndarray:
    order = np.empty(len(ids), dtype=np.int64)
    order[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    return order


def _starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


@dataclass(frozen=True)
class Inputs:
    """What `related` reads, hashed: all of it (`key`), all but the articles' terms
    (`frame`), and each article's terms alone, by rank (`term_digest`)."""

    key: str
    frame: str
    digests: np.ndarray  # uint64


def inputs_key(library: Library, limit: int = LIMIT) -> str:
    """A hash of everything `related(library, limit)` reads, and of the code that reads it."""
    return read_inputs(library, limit).key


def read_inputs(library: Library, limit: int = LIMIT) -> Inputs:
    """`Inputs` of `related(library, limit)`.

    `related` is a pure function of what `key` covers (the worker split does not
    change its result), so lists saved under an equal key are exactly the lists it
    would compute again. An edit that leaves an article's terms, tags and date alone
    (most of the body lies past terms.BODY_CHARS) keeps the key, and the archive-wide
    computation is skipped; any change to what it reads makes a new key. With an
    equal `frame`, only the articles whose terms digest moved changed (the lists
    are then updated, related_update.py).
    """
    hasher, frame = hashlib.blake2b(digest_size=16), hashlib.blake2b(digest_size=16)
    for module in (__file__, terms_mod.__file__, _UPDATE):  # how lists are scored and updated, and how terms are read back
        code = Path(module).read_bytes()
        hasher.update(code)
        frame.update(code)
    hasher.update(repr(limit).encode())
    frame.update(repr(limit).encode())
    digests = bytearray()
    for article in library.articles:  # in rank order: ranks break ties in fills and walks
        ident, terms = article.id, article.terms
        shown = (ident, _days(article), library.article_authors[ident], library.article_topics[ident])
        frame.update(repr(shown).encode())
        # The terms by their length and bytes, not by repr: at 10,000 articles repr
        # looked at every character of 13 MB of terms, most of this key's time.
        hasher.update(repr((ident, len(terms), *shown[1:])).encode())
        data = terms.encode("utf-8", "surrogatepass")
        hasher.update(data)
        digests += _digest_of(data)
    return Inputs(hasher.hexdigest(), frame.hexdigest(), np.frombuffer(bytes(digests), dtype=np.uint64))


def term_digest(terms: str) -> int:
    """An article's terms as `Inputs.digests` holds them (of terms read back from the cache)."""
    return int(np.frombuffer(_digest_of(terms.encode("utf-8", "surrogatepass")), dtype=np.uint64)[0])


def _digest_of(terms: bytes) -> bytes:
    return hashlib.blake2b(terms, digest_size=8).digest()


_UPDATE = Path(__file__).with_name("related_update.py")


def _spread(work: Callable[[Any, Sequence[int]], T], shared: Any, ranks: range) -> list[T]:
    """`work(shared, part)` for consecutive parts of `ranks`, in order: over
    forked workers when there is enough work, else one part in this process.
    Workers inherit `shared` by forking, so only ranges and results are pickled."""
    if in_process(len(ranks)):
        return [work(shared, ranks)]
    with frozen(), ProcessPoolExecutor(workers(), mp_context=get_context("fork"), initializer=_adopt, initargs=(work, shared)) as pool:
        return list(pool.map(_work_inherited, chunks(ranks)))


# Set in each forked worker by its initializer; the parent never touches it.
_inherited: list[tuple[Callable[[Any, Sequence[int]], Any], Any]] = []


def _adopt(work: Callable[[Any, Sequence[int]], Any], shared: Any) -> None:
    _inherited.append((work, shared))


def _work_inherited(ranks: Sequence[int]) -> Any:
    work, shared = _inherited[-1]
    return work(shared, ranks)


def _document_frequencies(articles: tuple[Article, ...], ranks: Sequence[int]) -> Counter[str]:
    return document_frequencies(map(articles.__getitem__, ranks))


def document_frequencies(articles: Iterable[Article]) -> Counter[str]:
    """How many of the articles have each term: what `relate_all` weighs terms by."""
    df: Counter[str] = Counter()
    for article in articles:
        df.update(article.terms.split())  # an article's terms are distinct, so this counts articles
    return df


def _vectors(
    shared: tuple[tuple[Article, ...], dict[str, int], np.ndarray], ranks: Sequence[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rank, term, weight) of the articles' TOP_TERMS heaviest terms with their
    TF-IDF weights (log-scaled term frequency), L2-normalised over all their terms;
    by rank, heaviest first, ties by term."""
    blocks = [ranks[i : i + _BLOCK] for i in range(0, len(ranks), _BLOCK)] or [ranks]
    part_ranks, terms, weights = zip(*(_block_vectors(shared, block) for block in blocks))
    return np.concatenate(part_ranks), np.concatenate(terms), np.concatenate(weights)


def _block_vectors(
    shared: tuple[tuple[Article, ...], dict[str, int], np.ndarray], ranks: Sequence[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    articles, numbers, idf = shared
    terms: list[int] = []
    tf: list[float] = []  # by line of a packed string: its terms' log-scaled frequency
    line_sizes: list[int] = []
    sizes: list[int] = []
    for rank in ranks:
        before = len(terms)
        for n, same_count in unpack_counts(articles[rank].terms):
            terms += map(numbers.__getitem__, same_count)  # a map over a C method: runs for every term
            tf.append(1.0 if n == 1 else 1.0 + math.log(n))
            line_sizes.append(len(same_count))
        sizes.append(len(terms) - before)
    term = np.array(terms, dtype=np.int64)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    weight = np.repeat(np.array(tf, dtype=np.float64), line_sizes) * idf[term]
    # bincount adds in order, one term after the other, as a plain sum would.
    norm = np.sqrt(np.bincount(owner, weight * weight, minlength=len(sizes)))
    norm[norm == 0] = 1.0
    heavy = np.flatnonzero(_top_or_tied(owner, weight, TOP_TERMS) & (weight > 0))
    order = heavy[np.lexsort((term[heavy], -weight[heavy], owner[heavy]))]
    order = order[_places(owner[order]) < TOP_TERMS]
    return np.asarray(ranks, dtype=np.int64)[owner[order]], term[order], weight[order] / norm[owner[order]]


def _days(article: Article) -> float | None:
    return article.date.timestamp() / 86400.0 if article.date else None


def _relate(shared: tuple[_Index, int], ranks: range) -> list[tuple[str, ...]]:
    """The related ids of the articles at `ranks`."""
    index, limit = shared
    out: list[tuple[str, ...]] = []
    for start in range(ranks.start, ranks.stop, _BLOCK):
        out += _relate_block(index, range(start, min(start + _BLOCK, ranks.stop)), limit)
    return out


def _relate_block(index: _Index, block: range, limit: int) -> list[tuple[str, ...]]:
    """Pairs are keyed `article * total + other`, article counted from the block's start."""
    total = len(index.ids)
    keys, text, met = _text_scores(index, block)
    # Full scores only for the best text matches and the members of small tags.
    candidates = _distinct(np.concatenate((_best_text(keys, text, met, total), _small_tag_pairs(index, block))))
    article, other = np.divmod(candidates, total)
    rank = article + block.start
    at = np.minimum(np.searchsorted(keys, candidates), max(len(keys) - 1, 0))
    score = np.where(keys[at] == candidates, text[at], 0.0) if len(keys) else np.zeros(len(candidates))
    score = _tag_scores(index, rank, other) + score
    positive = score > 0
    article, rank, other, score = article[positive], rank[positive], other[positive], score[positive]
    near = np.power(0.5, np.abs(index.days[rank] - index.days[other]) / TIME_HALF_LIFE_DAYS)
    near[np.isnan(near)] = 0.0  # undated
    score *= 1.0 - TIME_WEIGHT + TIME_WEIGHT * near
    article, other = _best(article, other, score, index.id_order, limit)
    ends = np.cumsum(np.bincount(article, minlength=len(block))).tolist()
    others = other.tolist()
    out = []
    begin = 0
    for local, end in enumerate(ends):
        chosen = others[begin:end]
        begin = end
        rank_here = block.start + local
        if len(chosen) < limit and index.tags.lengths(slice(rank_here, rank_here + 1))[0]:
            chosen += _fill(index, rank_here, chosen, limit)
        out.append(tuple(index.ids[r] for r in chosen))
    return out


def _text_scores(index: _Index, block: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each article's text score with every other article its walk meets, as
    (keys ascending, scores, when each pair was first met in walk order)."""
    article, terms, weights = _walk(index, block)
    entry, positions = _expand(index.postings.starts[terms], index.postings.lengths(terms))
    others = index.postings.values[positions]
    keep = others != article[entry] + block.start
    entry, others, positions = entry[keep], others[keep], positions[keep]
    keys = article[entry] * len(index.ids) + others
    order = np.argsort(keys, kind="stable")  # stable: a pair's first entry comes first
    ordered = keys[order]
    first = run_starts(ordered)
    pair = np.empty(len(keys), dtype=np.int64)
    pair[order] = np.cumsum(first) - 1
    # bincount adds each pair's products in walk order, as a walk adding them one by one would.
    scores = np.bincount(pair, weights[entry] * index.posting_weights[positions], minlength=int(first.sum()))
    return ordered[first], scores, order[first]


def _walk(index: _Index, block: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(article, term, weight) of the term lists the articles' text scores are
    summed over, in walk order: by article, its rarest terms first (by list length,
    then term), within BUDGET entries, none longer than MAX_POSTING."""
    starts = index.vectors.starts
    article, positions = _expand(starts[block.start : block.stop], index.vectors.lengths(slice(block.start, block.stop)))
    terms = index.vectors.values[positions]
    lengths = index.postings.lengths(terms)
    order = np.lexsort((terms, lengths, article))
    article, terms, lengths, positions = article[order], terms[order], lengths[order], positions[order]
    spent = np.cumsum(lengths)
    before = np.concatenate(([0], spent))[starts[block.start : block.stop] - starts[block.start]]
    # Lengths ascend within an article, so both tests hold for a prefix of its terms, as a walk stopping at the first failure.
    walked = (lengths <= MAX_POSTING) & (spent - before[article] <= BUDGET)
    return article[walked], terms[walked], index.vector_weights[positions[walked]]


def _best_text(keys: np.ndarray, scores: np.ndarray, met: np.ndarray, total: int) -> np.ndarray:
    """The keys of each article's CANDIDATES best text scores; equal scores by when they were met."""
    article = keys // total
    near_top = np.flatnonzero(_top_or_tied(article, scores, CANDIDATES))  # a few dozen of each article's hundreds
    order = near_top[np.lexsort((met[near_top], -scores[near_top], article[near_top]))]
    return keys[order[_places(article[order]) < CANDIDATES]]


def _small_tag_pairs(index: _Index, block: range) -> np.ndarray:
    """The keys of each article's pairs with the members of its small tags."""
    article, positions = _expand(index.tags.starts[block.start : block.stop], index.tags.lengths(slice(block.start, block.stop)))
    tags = index.tags.values[positions]
    small = index.small[tags]
    article, tags = article[small], tags[small]
    entry, positions = _expand(index.members.starts[tags], index.members.lengths(tags))
    others = index.members.values[positions]
    article = article[entry]
    keep = others != article + block.start
    return article[keep] * len(index.ids) + others[keep]


def _tag_scores(index: _Index, ranks: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Σ tag_weight of the tags each pair shares (0 when none), in tag order."""
    pair, positions = _expand(index.tags.starts[ranks], index.tags.lengths(ranks))
    tags = index.tags.values[positions]
    wanted = others[pair] * len(index.tag_weight) + tags
    keys = index.tag_keys
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    shared = keys[at] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
    return np.bincount(pair[shared], index.tag_weight[tags[shared]], minlength=len(ranks))


def _best(article: np.ndarray, others: np.ndarray, scores: np.ndarray, id_order: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Each article's `limit` best (article, other), best first: by score to
    _ROUND decimals, then by id."""
    order = np.lexsort((id_order[others], -np.round(scores, _ROUND), article))
    order = order[_places(article[order]) < limit]
    return article[order], others[order]


def _fill(index: _Index, rank: int, chosen: list[int], limit: int) -> list[int]:
    """More articles sharing a tag, newest first, until `limit`."""
    taken = {rank, *chosen}
    # The first k articles of the merged lists are among each list's first k, and
    # the merge skips at most len(taken) before it has limit - len(chosen) new.
    head = limit - len(chosen) + len(taken)
    starts = index.members.starts
    merged: set[int] = set()
    for tag in index.tags.values[index.tags.starts[rank] : index.tags.starts[rank + 1]].tolist():
        merged.update(index.members.values[starts[tag] : min(starts[tag] + head, starts[tag + 1])].tolist())
    return [other for other in sorted(merged) if other not in taken][: limit - len(chosen)]


def _expand(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the slices [starts[i], starts[i] + lengths[i]): which slice each of
    their entries is from, and its position, slice after slice."""
    row = np.repeat(np.arange(len(lengths)), lengths)
    offset = np.cumsum(lengths) - lengths  # where each slice begins among the entries
    return row, np.arange(len(row)) - offset[row] + starts[row]


def _top_or_tied(groups: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Whether each value is at least the k-th largest of its group (groups in
    runs, each short): the group's k largest and their ties, found by a partial
    sort of a row per group, so that only these few are then sorted fully."""
    column = _places(groups)
    width = int(column.max()) + 1 if len(column) else 0
    if width <= k:
        return np.ones(len(values), dtype=bool)
    row = np.cumsum(column == 0) - 1
    table = np.full((int(row[-1]) + 1, width), -np.inf)
    table[row, column] = values
    cut = np.partition(table, width - k, axis=1)[:, width - k]
    return values >= cut[row]


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The keys sorted, each once (np.unique hashes first, which is slower here)."""
    keys = np.sort(keys)
    return keys[run_starts(keys)]


def _places(groups: np.ndarray) -> np.ndarray:
    """Each entry's place within its run of equal values (0 = first)."""
    place = np.arange(len(groups))
    return place - np.maximum.accumulate(np.where(run_starts(groups), place, 0))
