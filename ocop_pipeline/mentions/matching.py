"""Which products and producers a news article names.

Article text and names are compared as matching keys: accent-free, lower case, legal forms made
canonical ("Hợp tác xã" = "HTX", "Cty" = "Công ty"), so tone placement, capitals and abbreviations do
not hide a mention. Exact key matches are found with word boundaries; near matches (a typo, a
dropped word) with rapidfuzz's partial ratio, only for names long enough to be distinctive and only
within the article's province, because short generic names ("Mật ong", "Chè xanh") would match
everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, pairwise, repeat
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz

from ocop_pipeline.entities.keys import canonical_legal_forms
from ocop_pipeline.storage.ids import stable_id
from ocop_pipeline.text.folding import fold_text

MIN_EXACT_TOKENS = 2  # "mat ong" alone names a kind of product, not a product; needs a province match
MIN_FUZZY_TOKENS = 4
FUZZY_THRESHOLD = 92.0
# Part of what a mentions table was computed from: change it when matching changes, so builds redo it.
MATCHER_VERSION = "mentions-5"


@dataclass(frozen=True)
class Entity:
    kind: str  # product | subject
    entity_id: str
    name: str
    key: str
    province: str | None


class Mention(NamedTuple):
    """One row of the `mentions` table, its fields in the table's column order (a tuple: cheap to make,
    to send back from a worker process and to turn into a frame, 140,000 of them nationally)."""

    mention_id: str
    article_id: str
    entity_kind: str
    entity_id: str
    name_in_text: str
    entity_name: str
    score: float
    method: str


def text_key(text: str) -> str:
    """The article text as one matching key (same folding as names: equal to `subject_key(text)`)."""
    return canonical_legal_forms(fold_text(text))


def find_mentions(article_id: str, text: str, province: str | None, entities: list[Entity]) -> list[Mention]:
    """Mentions of `entities` in `text`; entities of another province are only matched exactly and
    when their name is long enough to be distinctive. (For many articles build one `MentionIndex`.)"""
    return MentionIndex(entities).find(article_id, text, province)


# A fuzzy match (partial ratio >= 92) of a name of 4+ words leaves all its words but one intact (but
# two in names of 8+ words): a name is tried only when the article has that many of its words. The
# count is one numpy gather per province, so an article meets a handful of candidates instead of
# every name of its province. The words must also stand together: a misspelt word breaks at most the
# two pairs of adjacent words it is in, so the article must have the rest of the name's pairs (at
# least one), not merely its words scattered over the page.
FUZZY_MISSING_WORDS = ((8, 2), (0, 1))  # (distinct words at least, words that may be misspelt/missing)


@cache
def _missing_allowed(words: int) -> int:
    return next(missing for at_least, missing in FUZZY_MISSING_WORDS if words >= at_least)


@dataclass
class _FuzzyNames:
    """The fuzzy-eligible names, one row each: their word ids (padded) and the words they need."""

    entity_index: np.ndarray  # (n,) index into MentionIndex.entities
    word_ids: np.ndarray  # (n, k) ids of each name's distinct words, padded with the never-present id
    required: np.ndarray  # (n,) words that must be in the article
    pair_ids: np.ndarray  # (n, m) ids of each name's distinct pairs of adjacent words, padded likewise
    pairs_needed: np.ndarray  # (n,) of those pairs that must be in the article
    # Rows by pair id, of the names an article may link (`MentionIndex._may_link`, which depends only
    # on the article having a province or not): per province of the name (None: of no province, met
    # by articles of every province) for an article of that province, and one table of every name for
    # the articles of none. A name needs `pairs_needed` of its pairs, so one of any (pairs -
    # pairs_needed + 1) of them; it is filed under its rarest so many, and an article meets only the
    # names under one of its pairs.
    postings_in_province: dict[str | None, dict[int, tuple[int, ...]]]
    postings_unknown: dict[int, tuple[int, ...]]


def namesake_counts(entities: list[Entity]) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """How many entities share each name: per (kind, province, key) and per (kind, key) nationally."""
    return (dict(Counter((e.kind, e.province, e.key) for e in entities)),
            dict(Counter((e.kind, e.key) for e in entities)))


def entities_in_reach(entities: list[Entity], articles: list[tuple[str, str | None]]) -> list[Entity]:
    """Of `entities`, those `MentionIndex.find_in_key` could find in `articles` ((text key, province)
    pairs): an index of only these, namesakes counted over all (`population=`), finds in those articles
    what an index of all finds.

    An article of a province meets the names of that province and those of none in every way, the
    others only exactly and only when they are long (`MIN_FUZZY_TOKENS`+ words: the "anywhere" table);
    an article of no province meets every name."""
    provinces = {province for _, province in articles}
    if None in provinces:
        return list(entities)
    # Where an exact name can be: in every article having all its pairs of adjacent words; the texts
    # of the articles having a pair are joined on a line break (no key has one), so the texts of the
    # name's least common pair are searched at once.
    padded_by_pair: dict[str, list[str]] = {}
    for key, _ in articles:
        padded = f" {key} "
        for pair in {f"{a} {b}" for a, b in pairwise(key.split())}:
            padded_by_pair.setdefault(pair, []).append(padded)
    texts_by_pair = {pair: "\n".join(texts) for pair, texts in padded_by_pair.items()}
    out = []
    for e in entities:
        if e.province is None or e.province in provinces:
            out.append(e)
            continue
        tokens = e.key.split()
        if len(tokens) < MIN_FUZZY_TOKENS:
            continue
        shortest = None
        for a, b in pairwise(tokens):
            texts = texts_by_pair.get(f"{a} {b}")
            if texts is None:
                break
            if shortest is None or len(texts) < len(shortest):
                shortest = texts
        else:
            if f" {e.key} " in shortest:
                out.append(e)
    return out


def articles_in_reach(entities: Sequence[Entity], elsewhere_only: Sequence[Entity] = ()) -> tuple[
        set[str | None] | None, list[str]]:
    """Which articles `MentionIndex.find_in_key` could find any of `entities` in: (the provinces whose
    articles may name them in any way, None among them for the articles of no province; None for every
    article), and the names an article of another province can only contain outright (long ones: the
    "anywhere" table). `elsewhere_only`: entities looked for only outside their own province (there,
    what they match does not depend on who else in the country has the name): only their names count.

    An article of the entity's own province can match it exactly or fuzzily, so can one of no province
    (`_may_link`); an entity of no province is looked for in every article."""
    provinces: set[str | None] = {None}
    anywhere: list[str] = []
    for e in [*entities, *elsewhere_only]:
        if e.province is None:
            return None, []
        if len(e.key.split()) >= MIN_FUZZY_TOKENS:
            anywhere.append(e.key)
    provinces.update(e.province for e in entities)
    return provinces, anywhere


class MentionIndex:
    """Every entity indexed once, for matching many articles: exact matches by the entity key's rarest
    pair of adjacent words (then checked as a whole, on word boundaries), fuzzy candidates by how many
    of their words the article has.

    Gives what checking every entity against every article gives (exact: the same; fuzzy: the same for
    names with at most one word misspelt or missing, two in long names), in time that grows with the
    words of an article rather than with articles x entities."""

    def __init__(self, entities: list[Entity], population: list[Entity] | None = None,
                 namesakes: tuple[dict[tuple, int], dict[tuple, int]] | None = None):
        """Index `entities`; who shares a name is counted over `population` (default: `entities`),
        so an index of only the changed entities links exactly what an index of all would. `namesakes`:
        `namesake_counts(population)`, when the caller has it already."""
        self.entities = entities
        self._tokens = tokens_of = [e.key.split() for e in entities]
        # A name several producers of one province share ("Nước mắm", "Mật ong") cannot say which of
        # them an article means: such a match is not a mention of any of them.
        # Outside its own province a name counts only if no other producer in the country has it: an
        # article from Tuyên Quang naming "Trà túi lọc giảo cổ lam" does not mean the one of Phú Thọ
        # when Hòa Bình has one too (nor either of them).
        self._shared, self._national = namesakes or namesake_counts(entities if population is None else population)
        # Exact: each name under its rarest pair of adjacent words ('yen mong' rather than 'htx nong'),
        # so a common pair in an article does not bring every cooperative of the country to check.
        bigrams = [set(pairwise(tokens)) for tokens in tokens_of]
        pair_frequency = Counter(chain.from_iterable(bigrams))
        # Filed by who may be linked, so an article meets only names it could link (`_may_link`):
        # (province, pair) for an article of that province (None: names with no province, for every
        # article), "anywhere" for articles of other provinces, "unknown" for articles of none.
        # Each entry: (entity index, its key padded with spaces, its next rarest pair or None): that
        # pair is looked up in the article's pairs before the key is searched in the text.
        Pairs = dict[tuple[str, str], list[tuple[int, str, tuple[str, str] | None]]]
        by_province: dict[str | None, Pairs] = {}
        anywhere: Pairs = {}
        unknown: Pairs = {}
        shared, national = self._shared, self._national
        for i, tokens in enumerate(tokens_of):
            e = entities[i]
            if len(tokens) < MIN_EXACT_TOKENS or shared[(e.kind, e.province, e.key)] > 1:
                continue
            # The least frequent pair, the first in sorted order among equals; then the next.
            rarest, *rest = sorted(sorted(bigrams[i]), key=pair_frequency.__getitem__)
            entry = (i, f" {e.key} ", rest[0] if rest else None)
            by_province.setdefault(e.province, {}).setdefault(rarest, []).append(entry)
            if national[(e.kind, e.key)] == 1:
                unknown.setdefault(rarest, []).append(entry)
                if len(tokens) >= MIN_FUZZY_TOKENS and e.province is not None:
                    anywhere.setdefault(rarest, []).append(entry)
        # Each table with the set of its pairs: an article's pairs meet it in one set intersection.
        self._tables = {p: (t, frozenset(t)) for p, t in by_province.items()}
        self._anywhere_table = (anywhere, frozenset(anywhere))
        self._unknown_table = (unknown, frozenset(unknown))
        self._pairs_needed = [max(1, len(pairs) - 2 * _missing_allowed(len(set(tokens))))
                              for pairs, tokens in zip(bigrams, tokens_of, strict=True)]
        # Fuzzy: the names of MIN_FUZZY_TOKENS+ words. Word ids in order of first appearance.
        fuzzy = [i for i, tokens in enumerate(tokens_of) if len(tokens) >= MIN_FUZZY_TOKENS]
        self._word_id = word_id = {w: n for n, w in enumerate(dict.fromkeys(
            chain.from_iterable(tokens_of[i] for i in fuzzy)))}
        self._pair_id = pair_id = {p: n for n, p in enumerate(dict.fromkeys(
            chain.from_iterable(sorted(bigrams[i]) for i in fuzzy)))}
        # An article's pairs of adjacent words are found among the names' by a code of their two word
        # ids, looked up in the sorted codes (one search for a whole batch of articles).
        codes = sorted((word_id[a] * len(word_id) + word_id[b], n) for (a, b), n in pair_id.items())
        self._pair_codes = np.array([c for c, _ in codes], dtype=np.int64)
        self._pair_code_ids = np.array([n for _, n in codes], dtype=np.int64)

        def padded(rows: list[list[int]], absent: int) -> np.ndarray:
            width = max(1, max((len(ids) for ids in rows), default=0))
            return np.array([ids + [absent] * (width - len(ids)) for ids in rows], dtype=np.int32)

        # How many fuzzy names have each pair: rarer pairs file a name under fewer others.
        fuzzy_pair_frequency = Counter(chain.from_iterable(bigrams[i] for i in fuzzy))
        in_province: dict[str | None, dict[int, list[int]]] = {}
        unknown_rows: dict[int, list[int]] = {}
        for row, i in enumerate(fuzzy):
            province = entities[i].province
            by_rarity = sorted(sorted(bigrams[i]), key=fuzzy_pair_frequency.__getitem__)
            filed = [pair_id[pair] for pair in by_rarity[:len(by_rarity) - self._pairs_needed[i] + 1]]
            # Names of no province link in an article of any province alike: "" stands for one.
            if self._may_link(i, "" if province is None else province):
                table = in_province.setdefault(province, {})
                for p in filed:
                    table.setdefault(p, []).append(row)
            if self._may_link(i, None):
                for p in filed:
                    unknown_rows.setdefault(p, []).append(row)

        def rows_tuples(rows_by_pair: dict[int, list[int]]) -> dict[int, tuple[int, ...]]:
            return {p: tuple(rows) for p, rows in rows_by_pair.items()}

        word_rows = [sorted(set(map(word_id.__getitem__, tokens_of[i]))) for i in fuzzy]
        self._fuzzy = _FuzzyNames(
            np.array(fuzzy, dtype=np.int64),
            padded(word_rows, len(word_id)),  # an id no article has
            np.array([len(ids) - _missing_allowed(len(ids)) for ids in word_rows], dtype=np.int32),
            padded([sorted(map(pair_id.__getitem__, bigrams[i])) for i in fuzzy], len(pair_id)),
            np.array([self._pairs_needed[i] for i in fuzzy], dtype=np.int32),
            {province: rows_tuples(t) for province, t in in_province.items()}, rows_tuples(unknown_rows))

    def _fuzzy_candidates(self, articles: Sequence[tuple[list[str], str | None]]) -> list[list[int]]:
        """For each (words of its key, province) article, the fuzzy-eligible names it may link: enough
        of their words and of their pairs of adjacent words present (`FUZZY_MISSING_WORDS`), and
        `_may_link`; in index order. The names filed under the article's pairs (`_FuzzyNames.postings_*`),
        then their words and pairs counted in numpy gathers over all the articles at once (a few
        hundred numpy calls per article cost more than the counting)."""
        names, out = self._fuzzy, [[] for _ in articles]
        n_words, n_pairs, n_names = len(self._word_id), len(self._pair_id), len(names.entity_index)
        get, absent = self._word_id.get, repeat(n_words)
        lengths = [len(words) for words, _ in articles]
        ids = np.fromiter(chain.from_iterable(map(get, words, absent) for words, _ in articles), dtype=np.int64,
                          count=sum(lengths))
        if not n_names or not ids.size:
            return out
        article_of = np.repeat(np.arange(len(articles)), lengths)
        known = ids < n_words
        present = np.zeros((len(articles), n_words + 1), dtype=np.int8)
        present[article_of[known], ids[known]] = 1
        # Adjacent words of one article, both words of some fuzzy name, whose pair some name has.
        adjacent = (article_of[:-1] == article_of[1:]) & known[:-1] & known[1:]
        codes = ids[:-1][adjacent] * n_words + ids[1:][adjacent]
        at = np.minimum(np.searchsorted(self._pair_codes, codes), len(self._pair_codes) - 1)
        hit = self._pair_codes[at] == codes
        pair_article, pair = article_of[:-1][adjacent][hit], self._pair_code_ids[at[hit]]
        paired = np.zeros((len(articles), n_pairs + 1), dtype=np.int8)
        paired[pair_article, pair] = 1
        # Each article's distinct pairs, in order of article, then the names filed under them, as
        # article * n_names + row: in order of article, then of entity (rows are in entity order).
        distinct = np.unique(pair_article * n_pairs + pair)
        bounds = np.searchsorted(distinct // n_pairs, np.arange(len(articles) + 1)).tolist()
        pairs_of = (distinct % n_pairs).tolist()
        met: list[int] = []
        for a, (_, province) in enumerate(articles):
            mine = pairs_of[bounds[a]:bounds[a + 1]]
            if not mine:
                continue
            tables = [names.postings_unknown] if province is None else [
                t for t in (names.postings_in_province.get(province), names.postings_in_province.get(None)) if t]
            rows: set[int] = set()
            for table in tables:
                for p in mine:
                    rows.update(table.get(p, ()))
            base = a * n_names
            met += [base + r for r in rows]
        if not met:
            return out
        codes = np.sort(np.array(met, dtype=np.int64))
        article, rows = codes // n_names, codes % n_names
        keep = present[article[:, None], names.word_ids[rows]].sum(axis=1, dtype=np.int32) >= names.required[rows]
        article, rows = article[keep], rows[keep]
        keep = paired[article[:, None], names.pair_ids[rows]].sum(axis=1, dtype=np.int32) >= names.pairs_needed[rows]
        article, entity = article[keep], names.entity_index[rows[keep]].tolist()
        bounds = np.searchsorted(article, np.arange(len(articles) + 1)).tolist()
        return [entity[bounds[a]:bounds[a + 1]] for a in range(len(articles))]

    def _may_link(self, i: int, province: str | None) -> bool:
        """Whether a match of entity `i` in an article of `province` can say which producer it is."""
        entity = self.entities[i]
        if self._shared[(entity.kind, entity.province, entity.key)] > 1:
            return False
        if province is not None and (entity.province is None or entity.province == province):
            return True
        # Not known to be the article's own producer: the name must be distinctive (long, when from
        # another province) and held by no one else in the country.
        if province is not None and len(self._tokens[i]) < MIN_FUZZY_TOKENS:
            return False
        return self._national[(entity.kind, entity.key)] == 1

    def find(self, article_id: str, text: str, province: str | None) -> list[Mention]:
        return self.find_in_key(article_id, text_key(text), province)

    def find_in_key(self, article_id: str, key: str, province: str | None) -> list[Mention]:
        """`find` on an article text already made a key by `text_key`."""
        return self.find_in_keys([(article_id, key, province)])[0]

    def find_in_keys(self, articles: Sequence[tuple[str, str, str | None]]) -> list[list[Mention]]:
        """`find_in_key` for many (article_id, key, province) articles at once (their fuzzy
        candidates are counted together)."""
        words_of = [key.split() for _, key, _ in articles]
        candidates = self._fuzzy_candidates([(words, province) for words, (_, _, province)
                                             in zip(words_of, articles, strict=True)])
        return [self._find(article_id, key, province, words, fuzzy) for (article_id, key, province), words, fuzzy
                in zip(articles, words_of, candidates, strict=True)]

    def _find(self, article_id: str, key: str, province: str | None, words: list[str],
              fuzzy_candidates: list[int]) -> list[Mention]:
        if not key:
            return []
        padded = f" {key} "
        found: dict[str, Mention] = {}
        exact: set[int] = set()
        pairs = set(pairwise(words))
        if province is None:
            tables = [self._unknown_table]
        else:
            tables = [t for t in (self._tables.get(province), self._tables.get(None), self._anywhere_table) if t]
        for table, table_pairs in tables:
            for pair in pairs & table_pairs:
                for i, needle, other in table[pair]:
                    if i in exact or (other is not None and other not in pairs) or needle not in padded:
                        continue
                    entity = self.entities[i]
                    exact.add(i)
                    found[entity.entity_id] = Mention(
                        stable_id("mention", article_id, entity.entity_id), article_id, entity.kind,
                        entity.entity_id, entity.key, entity.name, 100.0, "exact")
        for i in fuzzy_candidates:
            if i in exact:
                continue
            entity = self.entities[i]
            if entity.entity_id in found:
                continue
            alignment = fuzz.partial_ratio_alignment(entity.key, key, score_cutoff=FUZZY_THRESHOLD)
            if alignment is not None:
                matched = key[alignment.dest_start:alignment.dest_end].strip()
                found[entity.entity_id] = Mention(
                    stable_id("mention", article_id, entity.entity_id), article_id, entity.kind, entity.entity_id,
                    matched, entity.name, round(alignment.score, 1), "fuzzy")
        return sorted(found.values(), key=lambda m: (m.entity_kind, m.entity_id))
