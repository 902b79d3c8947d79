"""Decisions a page cites (number, date, issuer), the other documents it cites, and a target's period."""

from __future__ import annotations

import re
from datetime import date

from ocop_pipeline.news import patterns
from ocop_pipeline.news.dates import date_pattern, parse_date
from ocop_pipeline.news.patterns import finditer_ignorecase, lower_rx

_rx = patterns.compiler(__name__, re.IGNORECASE)


_DECISION = (
    r"(?:quyết\s+định|QĐ|decision)\s*(?:số|no\.?|number)?\s*:?\s*"
    r"(?P<no>\d{1,6}(?:/\d{4})?\s*/\s*QĐ\s*-\s*[A-ZĐa-zđ&]+(?:\s*-\s*[A-ZĐa-zđ&]+)*)"
    r"(?:\s*,?\s*(?:ngày|dated|on)\s+(?P<date>" + date_pattern("q_") + r"))?"
)
_OTHER_DOC = (
    r"(?:kế\s+hoạch|công\s+văn|thông\s+báo|nghị\s+quyết)\s*(?:số)?\s*"
    r"(?P<no>\d{1,6}(?:/\d{4})?\s*/\s*(?:KH|CV|TB|NQ)[A-ZĐa-zđ&\-]*)"
    r"(?:\s*,?\s*ngày\s+(?P<date>" + date_pattern("o_") + r"))?"
)


def _norm_decision_no(no: str) -> str:
    no = re.sub(r"\s+", "", no)
    parts = no.split("-")
    # Issuers are upper case except the Prime Minister's "TTg" (often typed "TTG").
    return "-".join("TTg" if p.upper() == "TTG" else p for p in parts)




def _group(m: re.Match[str], text: str, name: str) -> str | None:
    """Group `name` of `m` as written in `text` (m may have been made on its lower-cased copy)."""
    a, b = m.span(name)
    return text[a:b] if a >= 0 else None


def decisions(text: str, anchor: date | None, low: str | None = None) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    low = text.lower() if low is None else low
    # Every decision number holds "/QĐ" (any case, spaces allowed): a page without one is done.
    if _rx("decgate", r"/\s*qđ", 0).search(low) is None:
        return out
    for m, src in finditer_ignorecase("decision", _DECISION, text, low):
        no = _norm_decision_no(_group(m, src, "no") or "")
        if no in seen:
            continue
        seen.add(no)
        d = None
        when = _group(m, src, "date")
        if when:
            d = parse_date(when, anchor)
        out.append({"number": no, "date": d.isoformat() if d else None, "issuer": _issuer(no)})
    return out


def other_documents(text: str, anchor: date | None, low: str | None = None) -> list[dict]:
    out = []
    low = text.lower() if low is None else low
    # Every number holds "/KH", "/CV", "/TB" or "/NQ" (any case, spaces allowed): most pages have none.
    if _rx("docgate", r"/\s*(?:kh|cv|tb|nq)", 0).search(low) is None:
        return out
    for m, src in finditer_ignorecase("otherdoc", _OTHER_DOC, text, low):
        when = _group(m, src, "date")
        d = parse_date(when, anchor) if when else None
        out.append({"number": re.sub(r"\s+", "", _group(m, src, "no") or ""), "date": d.isoformat() if d else None})
    return out


def _issuer(no: str) -> str | None:
    up = no.upper()
    if "BNN" in up or "BNNMT" in up:
        return "ministry"
    if "TTG" in up:
        return "prime_minister"
    if "UBND" in up:
        return "people_committee"
    return None


_PERIOD_RANGE = r"(?P<a>20\d\d)\s*(?:-|–|đến|to)\s*(?P<b>20\d\d)"
_PERIOD_YEAR = r"(?:đến|tới|hết|trong|by|in|năm)\s+(?:hết\s+)?(?:năm\s+)?(?P<y>20\d\d)"


def period_of(text: str, low: str | None = None) -> str | None:
    """'giai đoạn 2021 - 2025' -> '2021-2025'; 'đến hết năm 2020' -> '2020'; None without a year.
    `low` is text.lower() when the caller has it already."""
    if "20" not in text:
        return None
    if low is None:
        low = text.lower()
    m = lower_rx("period_range", _PERIOD_RANGE).search(low)
    if m:
        return f"{m.group('a')}-{m.group('b')}"
    m = lower_rx("period_year", _PERIOD_YEAR).search(low)
    return m.group("y") if m else None
