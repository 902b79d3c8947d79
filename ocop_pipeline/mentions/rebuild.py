"""Mentions, rebuilt: every news article matched against the products and subjects, incrementally.

The matching itself (keys, the index, what counts as a mention) is `mentions.matching`; this module
decides what to match again after a build and keeps the record of what was matched (the `_mention_*`
bookkeeping tables), so a build where nothing changed costs a few queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from ocop_pipeline.runtime import progress
from ocop_pipeline.runtime.parallel import ordered_map
from ocop_pipeline.storage.schema import MENTION_ARTICLES, MENTION_ENTITIES, MENTION_INPUTS, MENTION_TEXT_KEYS
from ocop_pipeline.storage.store import delete_where_in, ensure_tables, insert_frame, scalar
from ocop_pipeline.storage.transactions import transaction

# Articles per mention-matching job: large enough that pickling costs little beside the matching.
MENTION_BATCH = 250
# New articles up to this many are matched here, against only the names their words could make
# (`mentions.entities_in_reach`): indexing all 30,000 names cost more than matching a build's few new
# pages. More are matched in worker processes against an index of every name. Below MIN_ITEMS_FOR_POOL
# batches (no process forked), so a thread may query DuckDB meanwhile (`_rebuild_mentions`).
FEW_NEW_ARTICLES = 1000
# Changed names are looked for in the old articles of other provinces by one regular expression DuckDB
# runs over the stored text keys (`_old_articles_in_reach`), up to this long (about 500 names: RE2 runs
# it in one pass at 300 MB/s; four times as long took ten times longer); beyond, every old article is read.
REGEX_LIMIT = 16_000
# The index a worker matches with and the items it matches, set before the pool forks: a worker is
# sent only where its batch starts and ends, not the texts (pickling 20,000 article texts to the workers
# cost the parent a second of CPU beside them on two cores).
_MENTION_INDEX = None
_MENTION_ITEMS: list = []


def _mention_batch(bounds: tuple[int, int]) -> tuple[list[tuple], list[tuple]]:
    """Mentions in the (article_id, text, province, key) items from `bounds[0]` to `bounds[1]` of
    `_MENTION_ITEMS`; keys made here (key None) come back too."""
    from ocop_pipeline.mentions.matching import text_key

    made, articles = [], []
    for article_id, text, province, key in _MENTION_ITEMS[bounds[0]:bounds[1]]:
        if key is None:
            key = text_key(text or "")
            made.append((article_id, key))
        articles.append((article_id, key, province))
    return [m for mentions in _MENTION_INDEX.find_in_keys(articles) for m in mentions], made


def _match_in_workers(index: object, items: list[tuple[str, str | None, str | None, str | None]],
                      keys: dict[str, str]) -> list:
    """Match `items` against `index` in worker processes; the text keys they make land in `keys`."""
    global _MENTION_INDEX, _MENTION_ITEMS
    _MENTION_INDEX, _MENTION_ITEMS = index, items  # inherited by the workers the pool forks
    try:
        batches = [(i, min(i + MENTION_BATCH, len(items))) for i in range(0, len(items), MENTION_BATCH)]
        rows: list = []
        with progress.task("match mentions", unit="articles", total=len(items)) as task:
            for (start, end), (found, made) in zip(batches, ordered_map(_mention_batch, batches, chunksize=1),
                                                   strict=True):
                rows += found
                keys.update(made)
                task.advance(end - start, mentions=len(rows))
        return rows
    finally:
        _MENTION_INDEX, _MENTION_ITEMS = None, []


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off meanwhile: matching makes a few hundred thousand small
    objects, none in a cycle, and the collections they set off cost a third of building an index."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _matching_code() -> str:
    """A hash of the code mentions and their matching keys come from (this module, mentions.matching,
    text.normalize and text.folding, entities.keys, the legacy-font table): what `_mention_entities` and
    `_mention_articles` recorded under other code is not trusted (keys are made again, every fingerprint
    compared)."""
    import sys

    from ocop_pipeline.entities import keys as resolve
    from ocop_pipeline.mentions import matching as mentions
    from ocop_pipeline.runtime.fingerprints import code_hash
    from ocop_pipeline.text import folding, legacy_fonts, normalize

    return code_hash((sys.modules[__name__], mentions, normalize, folding, resolve, legacy_fonts))[:24]


def _create_mention_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The bookkeeping of `rebuild_mentions`: the fingerprints each entity and article was last matched
    under, each article's text key, and the products, subjects and articles as last read (with the
    code that read them, and each entity's namesakes then: `shared` in its province, `national` in the
    country), which make a build with nothing new a few queries and keep product keys. A record of
    before the counts were kept gains their columns, empty: unknown. Declared in storage/schema.py."""
    ensure_tables(con, [MENTION_INPUTS, MENTION_TEXT_KEYS, MENTION_ENTITIES, MENTION_ARTICLES])


def _record_state(con: duckdb.DuckDBPyConnection, code: str) -> tuple[bool, bool]:
    """(whether `_mention_entities` and `_mention_articles` hold, by this code, what the fingerprints in
    `_mention_inputs` were made from; whether products, subjects and articles are still, row for row,
    what they hold: then there is nothing to do)."""
    kept = bool(scalar(con, """
        SELECT (SELECT count(*) FROM _mention_inputs)
                   = (SELECT count(*) FROM _mention_entities) + (SELECT count(*) FROM _mention_articles)
           AND (SELECT count(*) FROM _mention_inputs) > 0
           AND NOT EXISTS (SELECT 1 FROM _mention_entities WHERE code IS DISTINCT FROM $code
                           OR shared IS NULL OR national IS NULL)
           AND NOT EXISTS (SELECT 1 FROM _mention_articles WHERE code IS DISTINCT FROM $code)
        """, {"code": code}))
    return kept, kept and bool(scalar(con, """
        WITH now_entities AS (
            SELECT 'product' AS kind, product_id AS id, name, NULL::VARCHAR AS key, province FROM products
            UNION ALL SELECT 'subject', subject_id, name, name_key, province FROM subjects),
        last_entities AS (
            SELECT kind, id, name, CASE WHEN kind = 'subject' THEN key END AS key, province FROM _mention_entities),
        now_articles AS (SELECT article_id, document_id, parser_version, province FROM news_articles),
        last_articles AS (SELECT article_id, document_id, parser_version, province FROM _mention_articles)
        SELECT (SELECT count(*) FROM now_entities) = (SELECT count(*) FROM last_entities)
           AND (SELECT count(*) FROM now_articles) = (SELECT count(*) FROM last_articles)
           AND NOT EXISTS (SELECT * FROM now_entities EXCEPT ALL SELECT * FROM last_entities)
           AND NOT EXISTS (SELECT * FROM now_articles EXCEPT ALL SELECT * FROM last_articles)
        """))


def _entities(con: duckdb.DuckDBPyConnection, code: str) -> list:
    """Products and subjects as the matcher sees them. A product whose name is what the last run read
    keeps the key made then (folding 20,000 names cost a quarter of a second); others are folded now."""
    from ocop_pipeline.mentions.matching import Entity
    from ocop_pipeline.text.folding import fold_text

    products = con.execute(
        "SELECT p.product_id, p.name, p.province, k.key FROM products p LEFT JOIN "
        "(SELECT DISTINCT id, name, key FROM _mention_entities WHERE kind = 'product' AND code = ?) k "
        "ON k.id = p.product_id AND k.name = p.name ORDER BY p.product_id", [code]).fetchall()
    # `resolve.product_key` is `fold_key`, which `fold_text` equals (and makes faster, uncached).
    folded = {name: fold_text(name) for _, name, _, key in products if key is None}
    entities = [Entity("product", pid, name, folded[name] if key is None else key, province)
                for pid, name, province, key in products]
    entities += [Entity("subject", sid, name, key, province)
                 for sid, name, key, province in con.execute(
                     "SELECT subject_id, name, name_key, province FROM subjects ORDER BY subject_id").fetchall()]
    return entities


def _record_sources(con: duckdb.DuckDBPyConnection, entities: list, namesakes: tuple[dict, dict], code: str,
                    only: tuple[list[str], list[str]] | None = None) -> None:
    """Keep the products, subjects and articles this run matched from (read again in the same
    transaction): all of them, or `only` those (entity ids, article ids) when the others are kept;
    with each entity, its product key and the `namesakes` counts it was matched with."""
    import pandas as pd

    entity_ids, article_ids = only or ([], [])
    wanted = set(entity_ids)
    in_province, national = namesakes
    recorded = [e for e in entities if only is None or e.entity_id in wanted]
    con.register("_entity_record", pd.DataFrame({
        "kind": pd.Series([e.kind for e in recorded], dtype=object),
        "id": pd.Series([e.entity_id for e in recorded], dtype=object),
        "key": pd.Series([e.key for e in recorded], dtype=object),
        "shared": pd.Series([in_province[(e.kind, e.province, e.key)] for e in recorded], dtype="int64"),
        "national": pd.Series([national[(e.kind, e.key)] for e in recorded], dtype="int64")}))
    try:
        con.execute("DELETE FROM _mention_entities WHERE $all OR id IN (SELECT unnest($ids))",
                    {"all": only is None, "ids": entity_ids})
        con.execute("DELETE FROM _mention_articles WHERE $all OR article_id IN (SELECT unnest($ids))",
                    {"all": only is None, "ids": article_ids})
        con.execute("INSERT INTO _mention_entities (kind, id, name, key, province, code, shared, national) "
                    "SELECT 'product', p.product_id, p.name, k.key, p.province, $code, k.shared, k.national "
                    "FROM products p LEFT JOIN _entity_record k ON k.kind = 'product' AND k.id = p.product_id "
                    "WHERE $all OR p.product_id IN (SELECT unnest($ids))",
                    {"code": code, "all": only is None, "ids": entity_ids})
        con.execute("INSERT INTO _mention_entities (kind, id, name, key, province, code, shared, national) "
                    "SELECT 'subject', s.subject_id, s.name, s.name_key, s.province, $code, k.shared, k.national "
                    "FROM subjects s LEFT JOIN _entity_record k ON k.kind = 'subject' AND k.id = s.subject_id "
                    "WHERE $all OR s.subject_id IN (SELECT unnest($ids))",
                    {"code": code, "all": only is None, "ids": entity_ids})
        con.execute("INSERT INTO _mention_articles (article_id, document_id, parser_version, province, code) "
                    "SELECT article_id, document_id, parser_version, province, $code "
                    "FROM news_articles WHERE $all OR article_id IN (SELECT unnest($ids))",
                    {"code": code, "all": only is None, "ids": article_ids})
    finally:
        con.unregister("_entity_record")


def _keys_pattern(keys: list[str]) -> str | None:
    """A regular expression (RE2, as DuckDB runs it) finding any of `keys` in a text key where
    `MentionIndex` would (` key ` in ` text `); None when a key is not plain words (then the pattern
    could not be written safely: an error would end the transaction)."""
    import re

    plain = re.compile(r"[0-9a-z]+(?: [0-9a-z]+)*")
    if not all(plain.fullmatch(k) for k in keys):
        return None
    return "(?:^| )(?:" + "|".join(sorted(set(keys))) + ")(?: |$)" if keys else "$^"


def _old_articles_in_reach(con: duckdb.DuckDBPyConnection, changed: list, elsewhere: list, old: set[str],
                           article_fp: dict[str, str]) -> list[tuple[str, str | None, str | None, str | None]]:
    """Of the `old` articles (matched before against every name but these), those that could mention a
    `changed` name, or an `elsewhere` one outside its province (`mentions.articles_in_reach`), as
    (article_id, text, province, key) items: with the text key kept from the last run (folding 20,000
    texts cost more than matching a handful of new names against them), else the text. The others
    cannot, and are not read."""
    from ocop_pipeline.mentions import matching as matcher

    kept = {aid for aid, fp in con.execute("SELECT article_id, fingerprint FROM _mention_text_keys").fetchall()
            if aid in old and article_fp[aid] == fp}
    provinces, anywhere = matcher.articles_in_reach(changed, elsewhere)
    pattern = _keys_pattern(anywhere) if provinces is not None else None
    if pattern is not None and len(pattern) <= REGEX_LIMIT:
        rows = con.execute(
            "SELECT k.article_id, k.fingerprint, k.text_key, a.province FROM _mention_text_keys k "
            "JOIN news_articles a USING (article_id) WHERE a.province IS NULL "
            "OR a.province IN (SELECT unnest($provinces)) OR ($anywhere AND regexp_matches(k.text_key, $pattern))",
            {"provinces": sorted(p for p in provinces if p is not None), "anywhere": bool(anywhere),
             "pattern": pattern}).fetchall()
    else:
        rows = con.execute("SELECT k.article_id, k.fingerprint, k.text_key, a.province FROM _mention_text_keys k "
                           "JOIN news_articles a USING (article_id)").fetchall()
    items = {aid: (aid, None, province, key) for aid, fp, key, province in rows
             if aid in kept and article_fp[aid] == fp}
    unkept = sorted(old - kept)
    if unkept:  # no key kept (or kept from another version of the page): matched from the text
        items.update((aid, (aid, text, province, None)) for aid, text, province in con.execute(
            "SELECT article_id, coalesce(title, '') || ' ' || coalesce(body_text, ''), province FROM news_articles "
            "WHERE article_id IN (SELECT unnest(?))", [unkept]).fetchall())
    return [items[aid] for aid in sorted(items)]


def rebuild_mentions(con: duckdb.DuckDBPyConnection) -> int:
    """Bring `mentions` up to date: every article's body matched against the products and subjects.

    Incremental: a mention depends only on its article and its entity, so only new or changed articles
    are matched against every entity (an index of the names that could be in them, when they are few),
    and the other articles against new or changed entities, only those that could name one (of their
    provinces or of none, or containing a long name outright); the mentions of changed or vanished ones
    go. A name whose only change is how many others in the country have it keeps its mentions in its own
    province, where that does not count. What each was last matched as (entity name, key and province,
    and how many share the name; article document and extractor version; the matcher version) is kept in
    `_mention_inputs`; the rows read (with those counts), in `_mention_entities` and `_mention_articles`,
    so that a build where none changed costs a few queries. Returns the number of mentions."""
    code = _matching_code()
    _create_mention_tables(con)
    # One transaction: what is recorded as read is what was read, and a build stopped midway
    # leaves the mentions and their record as they were.
    with _collector_paused(), transaction(con):
        return _rebuild_mentions(con, code)


def _rebuild_mentions(con: duckdb.DuckDBPyConnection, code: str) -> int:
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd

    from ocop_pipeline.mentions import matching as matcher
    from ocop_pipeline.mentions.matching import MentionIndex

    version, sha256 = matcher.MATCHER_VERSION, hashlib.sha256

    def fingerprint(*values: object) -> str:
        return sha256(repr((version, *values)).encode()).hexdigest()[:24]

    count = scalar(con, "SELECT count(*) FROM mentions")
    record_kept, unchanged = _record_state(con, code)
    if count and unchanged:
        return count
    entities = _entities(con, code)
    # How many entities share a name, in a province and in the country, is part of what an entity was
    # matched as: a second "Nước mắm" arriving unlinks the first (mentions.MentionIndex skips shared names).
    namesakes = in_province, national = matcher.namesake_counts(entities)
    entity_fp = {e.entity_id: fingerprint(e.kind, e.name, e.key, e.province, in_province[(e.kind, e.province, e.key)],
                                          national[(e.kind, e.key)])
                 for e in entities}
    article_fp = {aid: fingerprint(doc, parser, province) for aid, doc, parser, province in con.execute(
        "SELECT article_id, document_id, parser_version, province FROM news_articles").fetchall()}
    old_entities: dict[str, str] = {}
    old_articles: dict[str, str] = {}
    if count:  # an emptied table is rebuilt whatever the record says
        old_entities = dict(con.execute("SELECT id, fingerprint FROM _mention_inputs WHERE kind = 'entity'").fetchall())
        old_articles = dict(con.execute("SELECT id, fingerprint FROM _mention_inputs WHERE kind = 'article'").fetchall())
    stale_entities = [k for k, fp in old_entities.items() if entity_fp.get(k) != fp]
    stale_articles = [k for k, fp in old_articles.items() if article_fp.get(k) != fp]
    new_entities = [e for e in entities if old_entities.get(e.entity_id) != entity_fp[e.entity_id]]
    new_articles = {k for k, fp in article_fp.items() if old_articles.get(k) != fp}
    everything = not old_entities and not old_articles
    if not (stale_entities or stale_articles or new_entities or new_articles):
        if not record_kept:
            _record_sources(con, entities, namesakes, code)
        return count

    # A name whose only change is how many others in the country have it (a namesake arrived or left in
    # another province) matches in its own province as before: it keeps its mentions there. Elsewhere
    # it links only when no one else has it: if that flipped, its mentions elsewhere go and, when it is
    # alone now, it is looked for elsewhere; if not, nothing changes.
    changed: list = []  # matched again everywhere, every mention of theirs gone
    elsewhere: dict[str, object] = {}  # mentions outside their province gone, matched again there when alone
    kept_mentions: set[str] = set()  # nothing to do but the new fingerprint
    # What each was last matched as, and with how many namesakes, is in `_mention_entities`: trusted
    # where it is what the fingerprint then was made from (a record of other code may not be); counts
    # not recorded (a record of before they were) are unknown, and the entity matched again.
    last = {(kind, eid): rest for kind, eid, *rest in con.execute(
        "SELECT kind, id, name, key, province, shared, national FROM _mention_entities "
        "WHERE id IN (SELECT unnest(?))", [[e.entity_id for e in new_entities if e.entity_id in old_entities]]
    ).fetchall()}
    for e in new_entities:
        shared, now = in_province[(e.kind, e.province, e.key)], national[(e.kind, e.key)]
        name, key, province, shared_then, before = last.get((e.kind, e.entity_id), (None,) * 5)
        if (e.province is None or (name, key, province, shared_then) != (e.name, e.key, e.province, shared)
                or before is None or before == now
                or fingerprint(e.kind, e.name, e.key, e.province, shared, before) != old_entities.get(e.entity_id)):
            changed.append(e)
        elif (before == 1) == (now == 1):
            kept_mentions.add(e.entity_id)
        else:
            elsewhere[e.entity_id] = e

    old = article_fp.keys() - new_articles
    alone_elsewhere = [e for e in elsewhere.values() if national[(e.kind, e.key)] == 1]
    look_again = [*changed, *alone_elsewhere] if old else []
    keys: dict[str, str] = {}  # text keys made in this run (each article's key is kept for the next)
    texts = con.execute(
        "SELECT article_id, coalesce(title, '') || ' ' || coalesce(body_text, ''), province FROM news_articles "
        "WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id", [sorted(new_articles)]).fetchall()
    rows: list = []  # mentions.Mention, each a row of `mentions` in column order
    with ThreadPoolExecutor(max_workers=1) as reader, con.cursor() as other:
        # Which old articles could name a changed entity is one DuckDB query (RE2 over 20,000 text keys),
        # run meanwhile on a connection of its own when the new articles are matched in this process (so
        # no worker process is forked while it runs). Nothing is written before: it reads what this would.
        few = len(texts) <= FEW_NEW_ARTICLES
        reading = reader.submit(_old_articles_in_reach, other, changed, alone_elsewhere, old, article_fp) \
            if look_again and few else None
        # New or changed articles against every entity.
        if texts and few:
            items = [(aid, None, province, matcher.text_key(text)) for aid, text, province in texts]
            keys.update((aid, key) for aid, _, _, key in items)
            reach = matcher.entities_in_reach(entities, [(key, province) for _, _, province, key in items])
            rows += _match_in_workers(MentionIndex(reach, population=entities, namesakes=namesakes), items, keys)
        elif texts:
            rows += _match_in_workers(MentionIndex(entities, namesakes=namesakes),
                                      [(aid, text, province, None) for aid, text, province in texts], keys)
        old_items = reading.result() if reading else None
    # The other articles against new or changed entities.
    if look_again:
        if old_items is None:
            old_items = _old_articles_in_reach(con, changed, alone_elsewhere, old, article_fp)
        province_of = {aid: province for aid, _, province, _ in old_items}
        found = _match_in_workers(MentionIndex(look_again, population=entities, namesakes=namesakes), old_items, keys)
        rows += [m for m in found if m.entity_id not in elsewhere
                 or province_of[m.article_id] != elsewhere[m.entity_id].province]

    made_keys = pd.DataFrame([(aid, article_fp[aid], key) for aid, key in keys.items()],
                             columns=["article_id", "fingerprint", "text_key"])
    changed_entities = sorted({*stale_entities, *(e.entity_id for e in new_entities)})
    changed_articles = sorted({*stale_articles, *new_articles})
    inputs = pd.DataFrame(
        [("entity", k, entity_fp[k]) for k in (entity_fp if everything else changed_entities) if k in entity_fp]
        + [("article", k, article_fp[k]) for k in (article_fp if everything else changed_articles) if k in article_fp],
        columns=["kind", "id", "fingerprint"])
    elsewhere_frame = pd.DataFrame([(e.entity_id, e.province) for e in elsewhere.values()],
                                   columns=["entity_id", "province"], dtype=object)
    if everything:
        con.execute("DELETE FROM mentions")
        con.execute("DELETE FROM _mention_inputs")
    else:
        delete_where_in(con, "mentions", "entity_id",
                        [k for k in stale_entities if k not in elsewhere and k not in kept_mentions])
        delete_where_in(con, "mentions", "article_id", stale_articles)
        if elsewhere:
            con.register("_elsewhere", elsewhere_frame)
            try:
                con.execute("DELETE FROM mentions WHERE mention_id IN (SELECT m.mention_id FROM mentions m "
                            "JOIN _elsewhere e USING (entity_id) LEFT JOIN news_articles a USING (article_id) "
                            "WHERE a.province IS DISTINCT FROM e.province)")
            finally:
                con.unregister("_elsewhere")
        con.execute("DELETE FROM _mention_inputs WHERE (kind = 'entity' AND id IN (SELECT unnest(?))) "
                    "OR (kind = 'article' AND id IN (SELECT unnest(?)))", [changed_entities, changed_articles])
    # By column name (a Mention's fields are the table's columns): no dict per row.
    insert_frame(con, "mentions", pd.DataFrame.from_records(rows, columns=list(matcher.Mention._fields)))
    con.register("_inputs", inputs)
    con.register("_keys", made_keys)
    try:
        con.execute("INSERT INTO _mention_inputs (kind, id, fingerprint) SELECT kind, id, fingerprint FROM _inputs")
        con.execute("DELETE FROM _mention_text_keys WHERE article_id IN (SELECT article_id FROM _keys) "
                    "OR article_id NOT IN (SELECT article_id FROM news_articles WHERE article_id IS NOT NULL)")
        con.execute("INSERT INTO _mention_text_keys (article_id, fingerprint, text_key) "
                    "SELECT article_id, fingerprint, text_key FROM _keys")
    finally:
        con.unregister("_inputs")
        con.unregister("_keys")
    _record_sources(con, entities, namesakes, code,
                    only=None if everything or not record_kept else (changed_entities, changed_articles))
    return scalar(con, "SELECT count(*) FROM mentions")
