"""News-reported products tied to the products the official lists already have, or made new.

An article names a product with its stars and, often, its producer and place. It is attached to a
list product only when resolution is sure, under the rules the lists follow (matching.py): within
one current province; a producer is the same producer when its canonical name (legal form class +
distinctive core, names.parse_subject) agrees and the communes do not differ; a product of that
producer is the same product when names.product_pair says "same"; of namesake producers (one name,
other communes) the one meant is the only one with that product. Otherwise the news product is
new: a product, and a producer too when none matched, both known only from news. A pair that
product_pair sends to review, or a name several list products could be, goes to `entity_review`
(evidence.source = "news") and the news product stays apart until a person decides, as for lists.

Pure functions over plain records: core/news_ratings.py reads and writes the tables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ocop_pipeline.entities.names import parse_product, parse_subject, place_key, product_pair
from ocop_pipeline.storage.ids import stable_id

# The name a producer made from an article that names none is given (subjects.name is required).
UNNAMED_SUBJECT = "(chủ thể không nêu tên trong tin)"


@dataclass(frozen=True)
class ListProduct:
    """A product of the lists, with its producer, as `products` and `subjects` hold them."""

    product_id: str
    name: str
    subject_id: str
    subject_name: str
    province: str
    commune: str | None = None


@dataclass(frozen=True)
class NewsProduct:
    """One `stg_news_ratings` row, as attachment reads it."""

    news_rating_id: str
    product_name: str
    subject_name: str | None
    province: str | None
    address: str | None = None
    url: str = ""


@dataclass
class Attachment:
    """Where a news product went: `matched_by` attached (a list product) or created (a news product,
    `new_subject` when its producer is new too)."""

    product_id: str
    subject_id: str
    matched_by: str
    new_subject: bool = False
    reason: str = ""


@dataclass
class Attachments:
    by_row: dict[str, Attachment] = field(default_factory=dict)
    reviews: list[dict] = field(default_factory=list)


def _commune_conflict(address: str | None, commune: str | None) -> bool:
    """Different communes stay apart: the news address names a commune and it is not the list's."""
    if not address or not commune:
        return False
    key = place_key(commune)
    return bool(key) and key not in place_key(address)


def _review(news: NewsProduct, kind: str, left_name: str, right_name: str, right_id: str, subject_id: str | None,
            score: float, reason: str, left_id: str) -> dict:
    left_key = parse_product(left_name).key if kind == "product" else parse_subject(left_name).canonical
    right_key = parse_product(right_name).key if kind == "product" else parse_subject(right_name).canonical
    evidence = {"source": "news", "reason": reason, "url": news.url, "address": news.address}
    return {"review_id": stable_id("news-review", kind, news.province, subject_id or "", left_key, right_key),
            "kind": kind, "left_key": left_key, "right_key": right_key, "left_name": left_name,
            "right_name": right_name, "province": news.province, "score": score,
            "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True), "left_id": left_id,
            "right_id": right_id, "subject_id": subject_id, "decision": None}


def news_subject_id(province: str, subject_name: str | None, product_name: str) -> str:
    """A producer known only from news: its province and canonical name; one an article leaves unnamed
    is one per product name (two unnamed producers are never taken for one)."""
    if subject_name:
        return stable_id("news-subject", province, parse_subject(subject_name).canonical)
    return stable_id("news-subject", province, "unnamed", parse_product(product_name).key)


def news_product_id(subject_id: str, product_name: str) -> str:
    return stable_id("news-product", subject_id, parse_product(product_name).key)


class _Pool:
    """Products of one province indexed the two ways attachment looks them up: by their producer's
    canonical name and by their own name's key (a scan of the province per news row was quadratic)."""

    def __init__(self) -> None:
        self.by_subject: dict[str, list[ListProduct]] = defaultdict(list)
        self.by_name: dict[str, list[ListProduct]] = defaultdict(list)

    def add(self, p: ListProduct) -> None:
        self.by_subject[parse_subject(p.subject_name).canonical].append(p)
        self.by_name[parse_product(p.name).key].append(p)


def attach(news_rows: Iterable[NewsProduct], list_products: Iterable[ListProduct]) -> Attachments:
    """Attach each news product to a list product when sure, else create it (see the module docstring).
    News rows without a province are left out (a product belongs to a province)."""
    by_province: dict[str, _Pool] = defaultdict(_Pool)
    for p in list_products:
        by_province[p.province].add(p)
    out = Attachments()
    reviews: dict[str, dict] = {}
    # Products made from earlier news rows are candidates for the later ones under the same rules, so
    # that two articles reporting one news-only product make one product.
    made: dict[str, _Pool] = defaultdict(_Pool)
    made_ids: set[str] = set()
    for news in news_rows:
        if not news.province:
            continue
        # the lists first; what earlier news made only when the lists have nothing for it
        listed, earlier = by_province[news.province], made[news.province]
        parsed = parse_product(news.product_name)
        subject_id, reason = None, ""
        if news.subject_name:
            canonical = parse_subject(news.subject_name).canonical
            subjects, candidates = {}, []
            for pool in (listed, earlier):
                candidates = [p for p in pool.by_subject.get(canonical, ())
                              if not _commune_conflict(news.address, p.commune)]
                subjects = {p.subject_id: p for p in candidates}
                if subjects:
                    break
            # Namesake producers of one province (other communes) are told apart by the product: when
            # the news name is the same product as products of just one of them, that one is meant.
            owners = set(subjects)
            if len(owners) > 1:
                owners = {p.subject_id for p in candidates if product_pair(parsed, parse_product(p.name))[0] == "same"}
            if len(owners) == 1:
                subject_id = next(iter(owners))
                own = [p for p in candidates if p.subject_id == subject_id]
            else:
                own = []
                reason = "several list producers share the name" if subjects else "producer not in the lists"
                for p in subjects.values():
                    r = _review(news, "subject", news.subject_name, p.subject_name, p.subject_id, p.subject_id, 100.0,
                                "several list producers of the province share this name", news.news_rating_id)
                    reviews[r["review_id"]] = r
        else:
            # No producer named: only a name one list product of the province has, exactly, is sure.
            own = list(listed.by_name.get(parsed.key, ())) or list(earlier.by_name.get(parsed.key, ()))
            if len(own) > 1:
                for p in own:
                    r = _review(news, "product", news.product_name, p.name, p.product_id, p.subject_id, 100.0,
                                "no producer named and several list products have this name", news.news_rating_id)
                    reviews[r["review_id"]] = r
                own, reason = [], "several list products have this name"
        verdicts = [(product_pair(parsed, parse_product(p.name)), p) for p in own]
        same = [p for (verdict, _, _), p in verdicts if verdict == "same"]
        if len({p.product_id for p in same}) == 1:
            p = same[0]
            out.by_row[news.news_rating_id] = Attachment(
                p.product_id, p.subject_id, "created" if p.product_id in made_ids else "attached", reason="sure")
            continue
        for (verdict, score, why), p in verdicts:
            if verdict == "review" or (verdict == "same" and len(same) > 1):
                r = _review(news, "product", news.product_name, p.name, p.product_id, p.subject_id, score,
                            f"news name against a list name: {why}", news.news_rating_id)
                reviews[r["review_id"]] = r
        new_subject = subject_id is None
        sid = subject_id or news_subject_id(news.province, news.subject_name, news.product_name)
        pid = news_product_id(sid, news.product_name)
        out.by_row[news.news_rating_id] = Attachment(pid, sid, "created", new_subject=new_subject,
                                                     reason=reason or "no list product")
        if pid not in made_ids:
            made_ids.add(pid)
            made[news.province].add(ListProduct(pid, news.product_name, sid, news.subject_name or UNNAMED_SUBJECT,
                                                news.province, None))
    out.reviews = list(reviews.values())
    return out
