"""One news page -> one JSON-ready object of OCOP facts (the `ocop extract-article` contract).

`extract_article` is pure: bytes or text in, dict out; no network, no database. The text layer
(`page_text.py`) removes the site's furniture; the fact modules read, sentence by sentence, counts
and totals (`counts.py`, grouped by `figures.py`), dates (`dates.py`), decisions (`decisions.py`),
level (`levels.py`) and products (`products.py`, `product_lines.py`); this module adds place (province from the
text, the byline or the site's domain; district when the page is about one), level and the flag
`has_rating_results`, and keeps every fact with the sentence it came from.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import pkgutil
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from ocop_pipeline.geo.admin_units import (
    REFORM_DATE,
    ProvinceMatch,
    find_provinces_in_clean_text,
    legacy_provinces,
    lookup_province,
)
from ocop_pipeline.news import counts as NC
from ocop_pipeline.news import dates as ND
from ocop_pipeline.news import decisions as NDE
from ocop_pipeline.news import figures as NF
from ocop_pipeline.news import levels as NL
from ocop_pipeline.news import numbers as NN
from ocop_pipeline.news import patterns
from ocop_pipeline.news import product_lines as NPL
from ocop_pipeline.news import products as NP
from ocop_pipeline.news import sentences as NS
from ocop_pipeline.news.page_text import clean_block, page_text
from ocop_pipeline.runtime.fingerprints import code_hash
from ocop_pipeline.text.folding import fold_key

# Bumped by hand only for what the fingerprint in extractor_version cannot see.
PARSER_VERSION = "articles-1"


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """PARSER_VERSION and a fingerprint of the code and reference data extraction runs on (the news
    modules but staging, text/, geo/, core/rules.py, the data CSVs). Each article row keeps it: a
    build extracts again, from the bytes kept under data/raw/ and without fetching, every landed
    page whose row another extractor made. Computed on first use (imports stay cheap)."""
    from ocop_pipeline import geo, news, text
    from ocop_pipeline.core import rules

    modules = [rules]
    for package in (news, text, geo):
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if package is not news or info.name != "staging":
                modules.append(_source_only(f"{package.__name__}.{info.name}"))
    data = sorted((Path(__file__).parents[1] / "data").glob("*.csv"))
    return f"{PARSER_VERSION}+{code_hash(modules, data=data)[:12]}"


def _source_only(name: str) -> ModuleType:
    """The module if it is loaded, else a stand-in that names its source file: code_hash reads only
    `__file__`, and importing the modules extraction never uses (news.ratings pulls in the storage
    layer and DuckDB) cost 0.3 s of CPU on the first page of every process."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin, name
    stand_in = ModuleType(name)
    stand_in.__file__ = spec.origin
    return stand_in

_COUNT_KEYS = ("total", "stars_3", "stars_4", "stars_5", "subjects")
# A sentence without one of these words holds no count of products or subjects.
_UNIT_WORDS = ("sản phẩm", "chủ thể", "tổ chức kinh tế", "product", "producer", "entit", "business", "sp", "others")

_rx = patterns.compiler(__name__, re.IGNORECASE)
# The heading of a plan's objectives ("I. MỤC TIÊU", "Mục tiêu cụ thể:").
_PLAN_HEADING = r"^\s*(?:[IVX]+\.|\d+\.)?\s*(?:mục\s+tiêu|chỉ\s+tiêu)\b"
# The words that make a sentence naming a period a plan's ("giai đoạn 2021-2025", "kế hoạch năm 2024").
_PLAN_WORDS = r"giai\s+đoạn|kế\s+hoạch|mục\s+tiêu|chương\s+trình|period|plan"



# ---------------------------------------------------------------------------------------------
# Sites and bylines
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _domain_table() -> dict[str, str]:
    text = resources.files("ocop_pipeline").joinpath("data/news_domains.csv").read_text(encoding="utf-8")
    return {r["domain"].strip().lower(): r["province"].strip() for r in csv.DictReader(text.splitlines())}


@lru_cache(maxsize=1)
def _slug_index() -> dict[str, str]:
    # "thanhhoa" -> Thanh Hóa: provincial portals and papers spell the province in their host name.
    index: dict[str, str] = {}
    for p in legacy_provinces():
        for name in (p.legacy_name, *p.aliases):
            index.setdefault(fold_key(name).replace(" ", ""), p.legacy_name)
    return index


_HOST_PREFIXES = ("bao", "dai", "truyenhinh", "ptth", "tv", "congan", "sonnptnt", "snnptnt", "nongthonmoi")
_HOST_SUFFIXES = ("tv", "online", "news", "portal", "gov")


@lru_cache(maxsize=4096)
def province_of_domain(host_or_url: str | None) -> ProvinceMatch | None:
    """The province a news site or portal belongs to, from data/news_domains.csv, else from a host
    label that spells a province (baothanhhoa.vn, mylocnd.namdinh.gov.vn)."""
    if not host_or_url:
        return None
    host = host_or_url.strip().lower()
    if "//" in host:
        host = urlsplit(host).hostname or ""
    host = host.split("/")[0].split(":")[0].removeprefix("www.")
    table = _domain_table()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        name = table.get(".".join(parts[i:]))
        if name:
            return lookup_province(name)
    slugs = _slug_index()
    for label in parts:
        candidates = [label]
        for pre in _HOST_PREFIXES:
            if label.startswith(pre):
                candidates.append(label[len(pre) :])
        for c in list(candidates):
            for suf in _HOST_SUFFIXES:
                if c.endswith(suf):
                    candidates.append(c[: -len(suf)])
        for c in candidates:
            if len(c) >= 4 and c in slugs:
                return lookup_province(slugs[c])
    return None


# On folded text (fold_key: lower case, no marks): "<one to three words> province|city", "province of <words>".
_EN_PROVINCE = r"\b([a-z]+(?: [a-z]+){0,2})(?= (?:province|city)\b)|\bprovince of ([a-z]+(?: [a-z]+){0,2})\b"
_HOST_IN_TEXT = r"\b((?:[a-z0-9\-]+\.)+(?:vn|com|net|org|info))\b"


# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------

# In effect `(?<![\w])(?P<kind>(?i:huyện|thị\s+xã|thành\s+phố|quận)|TP\.?)\s*(?P<name>...)`, with every
# branch opening with a literal letter, then the look-behind (no word character before that letter):
# re then skips in C to the next h, t or q instead of testing the look-behind at every position.
# Same matches: branches with different first letters never match at the same place, and those of
# one letter keep their order.
_DISTRICT = (
    r"(?P<kind>h(?<!\w.)(?i:uyện)|H(?<!\w.)(?i:uyện)|t(?<!\w.)(?i:hị\s+xã|hành\s+phố)"
    r"|T(?<!\w.)(?:(?i:hị\s+xã|hành\s+phố)|P\.?)|q(?<!\w.)(?i:uận)|Q(?<!\w.)(?i:uận))"
    r"\s*(?P<name>\w+(?:[ \t]+\w+){0,3})"
)
_DISTRICT_EN = r"(?P<name>[A-Z]\w+(?:\s+[A-Z]\w+){0,2})\s+[Dd]istrict"


def proper_name(words: str) -> str | None:
    """The leading capitalised words of a phrase: 'Mỹ Lộc tập huấn' -> 'Mỹ Lộc'."""
    out = []
    for w in words.split():
        if not w[:1].isupper():
            break
        out.append(w)
    return " ".join(out) or None
_CENTRAL_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue", "hcm"}


def _districts(text: str, weight: int, counts: dict[str, list], post_reform: bool) -> None:
    for m in _rx("district", _DISTRICT, 0).finditer(text):
        kind = m.group("kind").lower().rstrip(".")
        name = proper_name(m.group("name"))
        if name is None:
            continue
        # "TP Hồ Chí Minh", "thành phố Hà Nội" are provinces, not districts.
        if kind in ("thành phố", "tp") and fold_key(name) in _CENTRAL_CITIES:
            continue
        if kind == "thành phố" and m.start() > 0 and text[max(0, m.start() - 6) : m.start()].lower().strip() == "các":
            continue
        kind = {"tp": "thành phố", "district of": "huyện"}.get(kind, kind)
        entry = counts.setdefault(fold_key(name), [name, kind, 0])
        entry[2] += weight
    if "district" in text:
        for m in _rx("district_en", _DISTRICT_EN, 0).finditer(text):
            entry = counts.setdefault(fold_key(m.group("name")), [m.group("name"), "huyện", 0])
            entry[2] += weight


def _provinces_in(text: str) -> list[ProvinceMatch]:
    """find_provinces(text), with the search that skips ahead to the letters a name can start with:
    find_provinces is the same search on clean_text(text). clean_block is clean_text without its
    round trip when the text is canonical already (titles and bylines are), and without the cache
    (a title is new on every page)."""
    return find_provinces_in_clean_text(clean_block(text))


def _is_merged(current_name: str) -> bool:
    return sum(1 for p in legacy_provinces() if p.new_name == current_name) > 1


# ---------------------------------------------------------------------------------------------
# The extractor
# ---------------------------------------------------------------------------------------------


# What one sentence gives depends on the sentence alone (and the page's language; for mentions, on
# the mode carried from the sentence before): read once for all the pages that repeat it. A few
# thousand entries hold a site's boilerplate and a page's repeats, not a whole crawl.
_SENTENCE_CACHE = 4096


@lru_cache(maxsize=_SENTENCE_CACHE)
def _sentences(paragraph: str) -> tuple[str, ...]:
    return tuple(NS.sentences(paragraph))


@lru_cache(maxsize=_SENTENCE_CACHE)
def _sentence_facts(sent: str, language: str | None) -> tuple[str | None, str, bool, bool, str, str]:
    """(period, lower-cased sentence, whether it may hold a count, whether it states a plan's period,
    the sentence the mentions read, and that one lower-cased)."""
    # Cheap gates: most sentences carry no number and name no product.
    low = sent.lower()
    period = NDE.period_of(sent, low) if "20" in sent else None
    units = any(u in low for u in _UNIT_WORDS)
    # Numbers written as words ("bốn sản phẩm", "Eight products") are read as digits:
    # `msent` is the sentence the mentions (and their offsets) refer to.
    msent = NN.digits_for_words(sent, low, english=language != "vi") if units else sent
    mlow = low if msent is sent else msent.lower()
    has_num = language == "en" or _rx("digit", "[0-9]", 0).search(msent) is not None
    gate = has_num and units
    plan = bool(period) and patterns.lower_rx("plan", _PLAN_WORDS).search(low) is not None
    return period, low, gate, plan, msent, mlow


@lru_cache(maxsize=_SENTENCE_CACHE)
def _mentions(msent: str, carry: str | None, mlow: str) -> tuple[NC.Quantity, ...]:
    # Shared by every page that repeats the sentence: nothing changes a Quantity once made (a plan's
    # section reads copies of them as targets).
    return tuple(NC.mentions(msent, carry, mlow))


def _empty_counts() -> dict[str, int | None]:
    return {k: None for k in _COUNT_KEYS}


def _count_key(m: NC.Quantity) -> str:
    if m.unit == "subjects":
        return "subjects"
    if m.stars in ("3", "4", "5"):
        return f"stars_{m.stars}"
    return "total"


def extract_article(
    content: bytes | str,
    url: str | None = None,
    *,
    published_hint: date | None = None,
    body_selector: str | None = None,
    date_hint: Mapping[str, str | None] | None = None,
) -> dict:
    """Read one news page (HTML bytes/str or plain text) and return its OCOP facts.

    `date_hint`: where the site writes its publication date, as its registry YAML says
    (`date_selector`, `date_attribute`, `date_format`); what it finds is the `published_hint`
    unless one is given.

    Keys (always present; no value -> None or []): url, title, published, event_date, province,
    legacy_province, district, district_type, commune, level, has_rating_results, counts,
    cumulative, products, targets, decisions, documents, facts, language, body_text, encoding,
    notes, parser_version.
    """
    hint = date_hint or {}
    by_format = hint.get("date_selector") and hint.get("date_format")
    page = page_text(content, body_selector=body_selector, date_selector=hint.get("date_selector") if by_format else None,
                     date_attribute=hint.get("date_attribute"))
    if published_hint is None and by_format:
        published_hint = ND.hinted_date(page.hinted_date, hint["date_format"])
    notes: list[str] = []
    published = page.published or published_hint
    if page.published is None and published_hint is not None:
        notes.append("published date from hint")
    body = page.body
    body_text = "\n".join(body)
    low_body = body_text.lower()
    language = _language(body_text, low_body)

    # --- dates ---------------------------------------------------------------------------------
    event, how = ND.event_date(body, published)
    if event is None and published is None and page.published_month is not None:
        # A dateline with a month only anchors the year of "Ngày 12/11", not what "hôm nay" is.
        event, how = ND.event_date(body, ND.month_end(page.published_month))
        if how and how.startswith(("today", "yesterday")):
            event, how = None, None
    if how and how not in ("written",):
        notes.append(f"event date: {how}")
    when = event or published

    # --- sentences and mentions ----------------------------------------------------------------
    facts: list[dict] = []
    counts = _empty_counts()
    cumulative = _empty_counts()
    targets: list[dict] = []
    batch_sentences: list[str] = []
    batch_stars: set[str] = set()
    products: list[dict] = []
    all_sents: list[str] = []
    context_period: str | None = None
    other: list[tuple[NC.Quantity, str, str | None]] = []
    english = language == "en"
    # Pages repeat sentences (a lead above and inside the body, a caption, a closing line), and so
    # does a site across its pages: each distinct one is read once per page here (so that a repeat
    # gets the very objects its first reading gave: figures.py compares sentences by identity), and
    # its reading is kept across pages by _sentence_facts and _mentions.
    sent_info: dict[str, tuple[str | None, str, bool, bool, str, str]] = {}
    mention_memo: dict[tuple[str, str | None], tuple[NC.Quantity, ...]] = {}
    occurrences: list[NF.Occurrence] = []
    plan_section = False
    para_sents: list[list[str]] = []  # the sentences of each body block, for the product lists
    for pi, para in enumerate(body):
        # A plan document's "I. MỤC TIÊU" section: what follows are targets, whatever the verbs,
        # until the next numbered heading.
        if len(para) < 80 and _rx("planhead", _PLAN_HEADING).match(para):
            plan_section = True
        elif plan_section and _rx("sectionhead", r"^[IVX]+\.\s", 0).match(para):
            plan_section = False
        carry: str | None = None
        para_sents.append([])
        for si, sent in enumerate(_sentences(para)):
            all_sents.append(sent)
            para_sents[-1].append(sent)
            info = sent_info.get(sent)
            if info is None:
                info = sent_info[sent] = _sentence_facts(sent, language)
            period, low, gate, plan, msent, mlow = info
            if gate:
                ms = mention_memo.get((msent, carry))
                if ms is None:
                    ms = mention_memo[(msent, carry)] = _mentions(msent, carry, mlow)
            else:
                ms = ()
            if plan_section and ms:
                ms = [m if m.mode in ("target", "forecast") else replace(m, mode="target") for m in ms]
            for m in ms:
                occurrences.append(NF.Occurrence(m, msent, pi, si))
                if m.mode in ("target", "forecast"):
                    other.append((m, sent, period or context_period))
            if ms and ms[-1].mode in ("target", "forecast"):
                carry = ms[-1].mode
            elif ms:
                carry = None
            elif carry and NC.cue_list(low):
                # re.I on the sentence, or the same lower-cased on `low` when that finds the same.
                aim = patterns.search_ignorecase("tcue", NC._CUES["target"] + "|" + NC._CUES["forecast"], sent, low)
                carry = carry if aim else None
            if plan:
                context_period = period

    # A council's result counts as a result (the devset's convention: "Kết quả, có 29/31 sản phẩm
    # ..."); a figure still to be decided says so in its own sentence ("đề nghị UBND tỉnh công nhận
    # 30 sản phẩm"), which the sentence's cues read as a candidate. Products keep the stars their
    # text gives them (products.py), awaiting or not.
    # The page's batch and snapshot, from its mentions in reading order (figures.py); the title
    # may give the whole of a batch the body splits.
    title = page.title if page.title and page.title not in sent_info else None
    if title and not any(u in title.lower() for u in _UNIT_WORDS):
        title = None
    if title:
        title = NN.digits_for_words(title)
    figs = NF.select(occurrences, body, title)
    counts, cumulative = figs.counts, figs.cumulative
    notes.extend(figs.notes)
    batch_stars |= figs.batch_stars
    for s in figs.batch_sentences:
        if s not in batch_sentences:
            batch_sentences.append(s)
    for o in occurrences:
        m, sent = o.mention, o.sentence
        key = _count_key(m)
        if m.potential:
            facts.append(_fact("potential_5_star", "products", m, sent))
        elif o.role != "own":
            facts.append(_fact(f"{o.role}_figure", key, m, sent))  # one producer's or one place's figure
        elif o.mode == "batch":
            facts.append(_fact("count", key if m.stars not in ("3-4", "3+") else f"stars_{m.stars}", m, sent))
        elif o.mode == "cumulative":
            facts.append(_fact("cumulative", key, m, sent))
        elif o.mode not in ("target", "forecast"):
            facts.append(_fact(o.mode if o.mode != "unknown" else "unclassified", key, m, sent))
    for m, sent, period in other:
        if m.potential or m.mode not in ("target", "forecast"):
            continue
        key = _count_key(m)
        t = {
            "text": sent,
            "number": m.value,
            "period": NDE.period_of(sent) or period,
            "kind": m.mode,
            "unit": m.unit,
            "stars": m.stars,
            "number_max": m.value_max,
            "qualifier": m.qualifier,
        }
        targets.append(t)
        facts.append(_fact(m.mode, key, m, sent) | {"period": t["period"]})
    has_batch = any(v is not None for v in counts.values())
    # Aggregate statistics are results too ("toàn tỉnh có 320 sản phẩm OCOP, trong đó 45 sản phẩm 4
    # sao"), and so is a re-rating; plans, candidates, fairs and revocations are not.
    has_stock = any(
        o.role == "own" and o.mode in ("cumulative", "rerated") and o.mention.unit == "products" and not o.mention.potential
        for o in occurrences
    )

    # Products: lists, prose and tables (products.py), and "Tên - Chủ thể" lines and table rows. A
    # product is kept only with the stars the text gives it, or a potential/proposed 5★ status: a name
    # without a rating (fair exhibits, examples, candidates) is not a rated product. The batch the
    # page reports gives the stars of a list whose header gives none.
    batch_pairs = [
        (o.mention.value, o.mention.stars)
        for o in occurrences
        if o.mode == "batch" and o.role == "own" and o.mention.unit == "products" and not o.mention.potential
    ]
    products = NP.page_products(para_sents, batch_pairs, page.title, {s: info[1] for s, info in sent_info.items()})
    for p in products:
        if p["status"] == "rated" and p["sentence"] in sent_info and p["sentence"] not in batch_sentences:
            batch_sentences.append(p["sentence"])
    listed = [fold_key(p["name"]) for p in products]
    for p in NPL.products_from_lines(body, "rated"):
        key = fold_key(p["name"])
        # A line the lists above have split already ("A và B của HTX Y" -> A, B) is not one more product.
        if p["stars"] and NP.plausible_name(p["name"]) and not any(k != key and k in key for k in listed):
            products.append(p)
    products = _dedupe_products(products)
    for p in products:
        if p["status"] == "rated" and p["stars"]:
            batch_stars.add(str(p["stars"]))  # the star specs are strings ("3", "3-4"); products give ints
    rated_products = [p for p in products if p["status"] == "rated"]

    # --- decisions -----------------------------------------------------------------------------
    decisions = NDE.decisions(body_text, published, low_body)
    if event is None:
        event, how = ND.fallback_event_date(
            body, published, page.published_month, decisions, [s for ss in para_sents[:8] for s in ss]
        )
        if event is not None:
            notes.append(f"event date: {how}")
            when = event
    documents = NDE.other_documents(body_text, published, low_body)
    for d in decisions:
        facts.append({"kind": "decision", "key": d["number"], "value": d["date"], "sentence": _sentence_of(all_sents, d["number"])})

    has_results = has_batch or has_stock or bool(rated_products)

    # --- places --------------------------------------------------------------------------------
    post_reform = when is not None and when >= REFORM_DATE
    province_scores: dict[str, float] = {}
    matches: dict[str, ProvinceMatch] = {}

    def add(match: ProvinceMatch | None, weight: float) -> None:
        if match is None:
            return
        key = match.legacy_name or match.name
        matches.setdefault(key, match)
        province_scores[key] = province_scores.get(key, 0.0) + weight

    if page.title:
        for pm in _provinces_in(page.title):
            add(pm, 3)
    for pm in find_provinces_in_clean_text(body_text, low_body):
        add(pm, 1)
    if english and not province_scores:
        # English pages write names without their marks ("Vinh Long province", "the province of
        # Kien Giang"): looked up folded, next to the word that says it is a province.
        for m in _rx("en_province", _EN_PROVINCE).finditer(fold_key(body_text)):
            words = (m.group(1) or m.group(2)).split()
            # The name is the last words before "province" ("of vinh long"), the first after "of".
            names = [" ".join(words[k:]) for k in range(len(words))] if m.group(1) else [
                " ".join(words[: k + 1]) for k in reversed(range(len(words)))]
            add(next((pm for n in names if (pm := lookup_province(n))), None), 1)
    site = province_of_domain(url) if url else None
    add(site, 2.5)
    for line in page.byline_lines:
        # Every host ends in ".vn", ".com" ...: a line without one (most) skips the pattern, which
        # opens with \b and a repetition and is tried at every position.
        if _rx("hostgate", r"\.(?:vn|com|net|org|info)\b").search(line) is None:
            hosts = []
        else:
            hosts = _rx("host", _HOST_IN_TEXT).findall(line)
        for h in hosts:
            add(province_of_domain(h), 2)
        for pm in _provinces_in(line):
            add(pm, 1)
    province = legacy = None
    if province_scores:
        best = max(province_scores, key=lambda k: province_scores[k])
        match = matches[best]
        province = match.name
        legacy = match.legacy_name
        if post_reform and legacy == match.name and _is_merged(match.name):
            legacy = None  # "tỉnh Phú Thọ" after 1 July 2025 is the merged province
        if site and site.name != province:
            notes.append(f"site belongs to {site.legacy_name or site.name}; the text is about {best}")

    district = district_type = None
    if not post_reform:
        dcounts: dict[str, list] = {}
        if page.title:
            _districts(page.title, 3, dcounts, post_reform)
        _districts(body_text, 1, dcounts, post_reform)
        # "thành phố Nam Định", "TP Quảng Ngãi": a provincial capital named after its province is a
        # district-level city (the centrally-run cities are provinces, left out by _districts).
        if dcounts:
            total = sum(v[2] for v in dcounts.values())
            key = max(dcounts, key=lambda k: dcounts[k][2])
            name, kind, score = dcounts[key]
            in_title = bool(page.title and fold_key(name) in fold_key(page.title))
            if in_title or (score >= 2 and score >= 0.6 * total):
                district, district_type = name, kind
    commune = None
    if post_reform:
        cm = _rx("commune", r"(?<![\w])(?i:xã|phường|đặc\s+khu)\s+(?P<n>\w+(?:[ \t]+\w+){0,3})", 0)
        found = [n for m in cm.finditer((page.title or "") + "\n" + body_text) if (n := proper_name(m.group("n")))]
        if found:
            # The most frequent name; a tie goes to the one named first (max keeps the first of
            # equals, and dict.fromkeys keeps the order of appearance; a set's order is hash order).
            top = max(dict.fromkeys(found), key=found.count)
            if found.count(top) >= 2 or (page.title and top in page.title):
                commune = top

    # --- level ---------------------------------------------------------------------------------
    level = None
    if has_results:
        def confirm_sents() -> list[str]:
            # Read only when the batch's own sentences name no level.
            out = []
            for s in all_sents:
                low = sent_info[s][1]  # s.lower()
                # Every confirmation phrase (NC._CONFIRM) holds one of these words.
                has_word = "nhận" in low or "định" in low or "recogni" in low
                if has_word and patterns.word_rx("confirm", NC._CONFIRM).search(low):
                    out.append(s)
            return out

        level, how = NL.page_level(
            batch_sentences=batch_sentences,
            snapshot_sentences=figs.snapshot_sentences,
            confirm_sentences=confirm_sents,
            all_sentences=all_sents,
            title=page.title,
            national_decision=any(d["issuer"] == "ministry" for d in decisions),
            stars=batch_stars,
            figure_stars=frozenset(k[-1] for k in ("stars_3", "stars_4", "stars_5") if counts[k] or cumulative[k]),
            when=when,
            province=province,
            district=district if district_type in ("huyện", "thị xã", "quận", "thành phố") else None,
            post_reform=post_reform,
        )
        if how:
            notes.append(how)
        # Only the ministry confers 5 stars: a provincial or district batch's "5 sao" is a score
        # awaiting national review (DOMAIN.md), not a national 5 stars.
        if level != "national" and counts["stars_5"] is not None and has_batch:
            notes.append(f"counts.stars_5: {counts['stars_5']} rated 5 stars below national level, not counted")
            counts["stars_5"] = None

    return {
        "url": url,
        "title": page.title,
        "published": published.isoformat() if published else None,
        "event_date": event.isoformat() if event else None,
        "province": province,
        "legacy_province": legacy,
        "district": district,
        "district_type": district_type,
        "commune": commune,
        "level": level,
        "has_rating_results": has_results,
        "counts": counts,
        "cumulative": cumulative,
        "products": products,
        "targets": targets,
        "decisions": decisions,
        "documents": documents,
        "facts": facts,
        "language": language,
        "body_text": body_text,
        "encoding": page.encoding,
        "notes": notes,
        "parser_version": extractor_version(),
    }


def _fact(kind: str, key: str, m: NC.Quantity, sentence: str) -> dict:
    return {
        "kind": kind,
        "key": key,
        "value": m.value,
        "value_max": m.value_max,
        "stars": m.stars,
        "qualifier": m.qualifier,
        "sentence": sentence,
    }


def _sentence_of(sents: list[str], needle: str) -> str | None:
    n = needle.replace(" ", "")
    for s in sents:
        if n in s.replace(" ", ""):
            return s
    return None


def _dedupe_products(items: list[dict]) -> list[dict]:
    """One entry per product: the same name with the same subject (or one subject cut shorter than
    the other) is one product; the entry with stars wins."""
    out: list[dict] = []
    # Only entries of the same folded name can merge: each name's entries (indices into out, in
    # order), so a page of thousands of table rows costs one look-up per row, not a scan of out.
    by_name: dict[str, list[int]] = {}
    subj_keys: list[str] = []
    for p in items:
        name, subj = fold_key(p["name"]), fold_key(p.get("subject") or "")
        same = by_name.setdefault(name, [])
        for i in same:
            q, qs = out[i], subj_keys[i]
            # Two products may share a name with different stars (one per district): kept apart.
            if p["stars"] and q["stars"] and p["stars"] != q["stars"]:
                continue
            if qs.startswith(subj) or subj.startswith(qs):
                if (p["stars"] and not q["stars"]) or (len(subj) < len(qs) and bool(p["stars"]) == bool(q["stars"])):
                    out[i], subj_keys[i] = p, subj
                break
        else:
            same.append(len(out))
            out.append(p)
            subj_keys.append(subj)
    return [
        {"name": p["name"], "subject": p.get("subject"), "stars": int(p["stars"]) if p.get("stars") else None,
         "status": p["status"], "address": p.get("address")}
        for p in out
    ]


_VI_MARKS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


# The same letters for lower-cased text: a plain class scans in C, re.IGNORECASE folds every character.
_VI_MARKS_LOWER = re.compile(_VI_MARKS.pattern)


def _language(text: str, low_text: str | None = None) -> str | None:
    """`low_text` is text.lower() when the caller has it already."""
    sample = text[:2000]
    if len(sample) < 60:
        return None
    # Vietnamese writes a diacritic on roughly every third letter; English almost never.
    # The caller's lower-cased text cut at 2,000 is sample.lower() when lower() kept the length (one
    # character for one) and there is no capital sigma (the only letter lowered by its context).
    if low_text is not None and len(low_text) == len(text) and "\u03a3" not in sample:
        low = low_text[:2000]
    else:
        low = sample.lower()
    limit = 0.04 * len(sample)
    if len(low) == len(sample):
        # Vietnamese passes the threshold within its first few hundred characters: the marks are
        # counted 200 characters at a time up to a count over it (a prefix never has more marks than
        # the whole sample). Counting the first 400 and then all 2,000 read 2,400 on half the pages.
        marks = 0
        for start in range(0, len(low), 200):
            marks += len(_VI_MARKS_LOWER.findall(low, start, start + 200))
            if marks > limit:
                return "vi"
    elif len(_VI_MARKS.findall(sample)) > limit:
        return "vi"
    if _rx("en", r"\b(?:the|and|of|products?|with)\b").search(sample):
        return "en"
    return None
