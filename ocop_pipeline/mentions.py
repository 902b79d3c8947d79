"""Which products and producers a news article names.

Article text and names are compared as matching keys: accent-free, lower case, legal forms made
canonical ("Hợp tác xã" = "HTX", "Cty" = "Công ty"), so tone placement, capitals and abbreviations do
not hide a mention. Exact key matches are found with word boundaries; near matches (a typo, a
dropped word) with rapidfuzz's partial ratio, only for names long enough to be distinctive and only
within the article's province, because short generic names ("Mật ong", "Chè xanh") would match
everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from ocop_pipeline.resolve import stable_id, subject_key

MIN_EXACT_TOKENS = 2  # "mat ong" alone names a kind of product, not a product; needs a province match
MIN_FUZZY_TOKENS = 4
FUZZY_THRESHOLD = 92.0


@dataclass(frozen=True)
class Entity:
    kind: str  # product | subject
    entity_id: str
    name: str
    key: str
    province: str | None


@dataclass(frozen=True)
class Mention:
    mention_id: str
    article_id: str
    entity_kind: str
    entity_id: str
    name_in_text: str
    entity_name: str
    score: float
    method: str


def text_key(text: str) -> str:
    """The article text as one matching key (same folding as names)."""
    return subject_key(text)


def find_mentions(article_id: str, text: str, province: str | None, entities: list[Entity]) -> list[Mention]:
    """Mentions of `entities` in `text`; entities of another province are only matched exactly and
    when their name is long enough to be distinctive."""
    key = text_key(text)
    if not key:
        return []
    padded = f" {key} "
    found: dict[str, Mention] = {}
    for entity in entities:
        tokens = entity.key.split()
        same_province = province is None or entity.province is None or entity.province == province
        if len(tokens) < MIN_EXACT_TOKENS or (not same_province and len(tokens) < MIN_FUZZY_TOKENS):
            continue
        if f" {entity.key} " in padded:
            found[entity.entity_id] = Mention(
                stable_id("mention", article_id, entity.entity_id), article_id, entity.kind, entity.entity_id,
                entity.key, entity.name, 100.0, "exact")
            continue
        if same_province and len(tokens) >= MIN_FUZZY_TOKENS:
            alignment = fuzz.partial_ratio_alignment(entity.key, key, score_cutoff=FUZZY_THRESHOLD)
            if alignment is not None:
                matched = key[alignment.dest_start:alignment.dest_end].strip()
                found[entity.entity_id] = Mention(
                    stable_id("mention", article_id, entity.entity_id), article_id, entity.kind, entity.entity_id,
                    matched, entity.name, round(alignment.score, 1), "fuzzy")
    return sorted(found.values(), key=lambda m: (m.entity_kind, m.entity_id))

