"""The date of the event a news page reports, when its lead does not open on one.

`ocop_facts.event_date` reads the lead's "Ngày 15/10, ...", "Sáng nay (16/6)", "On June 25th". When
that finds nothing, these are tried in order, each a way Vietnamese (and English) OCOP news dates
its event:

1. a period: "diễn ra từ 21 - 25/1/2022", "từ ngày 22 đến 26-6", "từ ngày 28/10 đến 3/11" -> its
   first day;
2. a date inside a lead sentence: "... công nhận thêm 9 sản phẩm vào ngày 15/11", ", ngày 28/3, ...";
3. a document's own date line: "Ninh Bình, ngày 15 tháng 3 năm 2024" (a plan, a decision);
4. the recognition decision's date: "Quyết định số 124/QĐ-UBND ngày 20/2/2023" (the criteria and
   programme decisions of the Prime Minister, cited as grounds, are not the event);
5. the date a certificate's validity runs from, which is the decision's signing date: "có giá trị
   trong 36 tháng kể từ ngày 28/12/2023".

A date written without its year takes the year of the page's date, or of its dateline month ("date
2024-11"), or one written in its sentence; otherwise it is left unknown.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from ocop_pipeline.news import facts as F
from ocop_pipeline.news import patterns

_rx = patterns.compiler(__name__, re.IGNORECASE)



_D = r"(\d{1,2})"
_SEP = r"\s*[/.\-]\s*"
_PERIOD = (
    r"\btừ\s+(?:ngày\s+)?(?P<d1>\d{1,2})(?:" + _SEP + r"(?P<m1>\d{1,2})(?:" + _SEP + r"(?P<y1>\d{4}))?)?"
    r"\s*(?:-|–|đến|tới)\s*(?:ngày\s+)?(?P<d2>\d{1,2})" + _SEP + r"(?P<m2>\d{1,2})(?:" + _SEP + r"(?P<y2>\d{4}))?"
)
_IN_SENTENCE = (
    r"(?:\bvào\s+|,\s*|\bquyết\s+định\s+)ngày\s+(?P<d>\d{1,2})" + _SEP + r"(?P<m>\d{1,2})(?:" + _SEP + r"(?P<y>\d{4}))?(?!\d)"
)
# "The Hanoi People's Committee on March 4 issued a decision ...".
_IN_SENTENCE_EN = r"\bon\s+(?:the\s+(?:morning|afternoon|evening)\s+of\s+)?(?P<date>" + F.date_pattern("n_") + ")"
_VALID_FROM = (
    r"(?:giá\s+trị|thời\s+hạn|hiệu\s+lực)[^.;]{0,50}?(?:kể\s+từ|tính\s+từ|từ)\s+ngày\s+(?P<d>\d{1,2})"
    + _SEP + r"(?P<m>\d{1,2})" + _SEP + r"(?P<y>\d{4})"
)
_DOC_DATE = r",\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
# Decisions that set the programme's rules or plan rather than recognise products.
_GROUNDS = r"/QĐ-TTg|/QĐ-BCĐ|^(?:1048|148|781|1489|919|490)/"


def month_end(month: tuple[int, int]) -> date | None:
    """The last day of a (year, month), or None when it is not a month."""
    try:
        return date(month[0], month[1], calendar.monthrange(*month)[1])
    except (ValueError, calendar.IllegalMonthError):
        return None


def _anchor(published: date | None, month: tuple[int, int] | None) -> date | None:
    if published is not None:
        return published
    return month_end(month) if month is not None else None


def _resolve(day: int, mon: int, year: int | None, anchor: date | None, sentence: str) -> date | None:
    if year is None and anchor is None:
        years = [int(y) for y in re.findall(r"\b(20\d\d)\b", sentence)]
        if not years:
            return None
        year = max(years)
    return F.resolve_date(day, mon, year, anchor)


def fallback_event_date(
    paragraphs: list[str], published: date | None, month: tuple[int, int] | None, decisions: list[dict],
    lead: list[str] | None = None,
) -> tuple[date | None, str | None]:
    """The event date by the rules above, or (None, None); `month` is a dateline's (year, month);
    `lead` the sentences of the first paragraphs when the caller has them split already."""
    anchor = _anchor(published, month)
    if lead is None:
        lead = [s for p in paragraphs[:8] for s in F.sentences(p[:600])]
    for name, pattern, how in (("period", _PERIOD, "start of the period"), ("insent", _IN_SENTENCE, "date in the lead"),
                               ("insent_en", _IN_SENTENCE_EN, "date in the lead")):
        for s in lead:
            m = _rx(name, pattern).search(s)
            if m is None:
                continue
            if name == "insent_en":
                parts = F.date_parts_of(m.group("date"))
                if parts is None:
                    continue
                d = _resolve(parts[0], parts[1], parts[2], anchor, s)
                if d is not None:
                    return d, how
                continue
            g = m.groupdict()
            day = int(g.get("d1") or g.get("d"))
            mon = int(g.get("m1") or g.get("m2") or g.get("m"))
            y = g.get("y1") or g.get("y2") or g.get("y")
            d = _resolve(day, mon, int(y) if y else None, anchor, s)
            if d is not None:
                return d, how
    text = " ".join(paragraphs[:40])
    m = _rx("docdate", _DOC_DATE).search(" ".join(paragraphs[:15]))
    if m:
        try:
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), "the document's date line"
        except ValueError:
            pass
    for dec in decisions:
        if dec.get("date") and not _rx("grounds", _GROUNDS).search(dec["number"]):
            return date.fromisoformat(dec["date"]), "date of the recognition decision"
    for name, pattern, how in (("validfrom", _VALID_FROM, "date the certificates are valid from"),):
        m = _rx(name, pattern).search(text)
        if m:
            try:
                return date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), how
            except ValueError:
                continue
    return None, None
