"""The date of the event a news page reports, when its lead does not open on one.

`dates.event_date` reads the lead's "Ngày 15/10, ...", "Sáng nay (16/6)", "On June 25th". When
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
from datetime import date, datetime, timedelta

from ocop_pipeline.news import patterns
from ocop_pipeline.news import sentences as NS

_rx = patterns.compiler(__name__, re.IGNORECASE)


_MONTHS_EN = {
    m: i + 1
    for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"]
    )
}
_MONTHS_EN.update({k[:3]: v for k, v in list(_MONTHS_EN.items())})
_MONTH_EN_RX = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"

# A date as written: "29/12/2022", "30.6.2021", "2-7-2019", "ngày 08 tháng 5 năm 2020", "16/6",
# "14-8", "June 16, 2020", "16 June 2020". Groups: d, m, y (y may be missing).
DATE_PATTERN = (
    r"(?:(?P<d1>\d{1,2})\s*tháng\s*(?P<m1>\d{1,2})(?:\s*năm\s*(?P<y1>\d{4}))?)"
    r"|(?:(?P<d2>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m2>\d{1,2})(?:\s*(?P=sep)\s*(?P<y2>\d{4}))?(?![\d/]))"
    r"|(?:" + _MONTH_EN_RX.replace("(", "(?P<me3>", 1) + r"\.?\s+(?P<d3>\d{1,2})(?:st|nd|rd|th)?,?\s*(?P<y3>\d{4})?)"
    r"|(?:(?P<d4>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_EN_RX.replace("(", "(?P<me4>", 1) + r"\.?,?\s*(?P<y4>\d{4})?)"
)


def date_pattern(prefix: str) -> str:
    """DATE_PATTERN with its group names prefixed, to embed it in a larger pattern."""
    return DATE_PATTERN.replace("?P<", "?P<" + prefix).replace("(?P=", "(?P=" + prefix)


def _date_parts(m: re.Match[str]) -> tuple[int, int, int | None] | None:
    g = m.groupdict()
    for i in "1234":
        d = g.get("d" + i)
        if d is None:
            continue
        if i in "12":
            month = int(g["m" + i])
        else:
            month = _MONTHS_EN.get(g["me" + i].lower()[:3], 0)
        y = g.get("y" + i)
        return int(d), month, int(y) if y else None
    return None


def date_parts_of(text: str) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) of a date as written (DATE_PATTERN) at the start of `text`."""
    m = _rx("date", DATE_PATTERN).match(text)
    return _date_parts(m) if m else None


def resolve_date(day: int, month: int, year: int | None, anchor: date | None) -> date | None:
    """A day and month, with the year written or inferred from the anchor (the page's date):
    the latest such day not more than a week after the anchor."""
    try:
        if year is not None:
            return date(year, month, day)
        if anchor is None:
            return None
        d = date(anchor.year, month, day)
        if d > anchor + timedelta(days=7):
            d = date(anchor.year - 1, month, day)
        return d
    except ValueError:
        return None


def parse_date(text: str, anchor: date | None = None) -> date | None:
    """The first date written in text, resolved against anchor when the year is missing."""
    m = _rx("date", DATE_PATTERN).search(text)
    if not m:
        return None
    parts = _date_parts(m)
    return resolve_date(*parts, anchor) if parts else None


_EVENT_RX = (
    r"(?:^|[.;]\s+|\)\s*[-–:]?\s*|^\s*[-–•]\s*)"
    r"(?P<when>(?:sáng|chiều|tối|trưa|đêm|ngày|hôm|từ)(?:\s+(?:nay|qua|hôm nay|hôm qua|mai))?"
    r"|on(?:\s+the\s+(?:morning|afternoon|evening)\s+of)?)"
    r"\s*(?:\(\s*)?(?:ngày\s+|thứ\s+\w+\s*,?\s*(?:ngày\s+)?)?"
    r"(?P<date>" + date_pattern("e_") + r")?"
)
# _EVENT_RX past the start of the text, where its "^" branches cannot match: what is left opens with
# a literal in every branch, so re skips in C to the next ".", ";" or ")" instead of trying the
# pattern at every position.
_EVENT_OPENING = r"(?:^|[.;]\s+|\)\s*[-–:]?\s*|^\s*[-–•]\s*)"
assert _EVENT_RX.startswith(_EVENT_OPENING)
_EVENT_RX_REST = r"(?:\.\s+|;\s+|\)\s*[-–:]?\s*)" + _EVENT_RX[len(_EVENT_OPENING) :]


def event_date(paragraphs: list[str], published: date | None) -> tuple[date | None, str | None]:
    """Date of the event the page reports, from the opening of its first paragraphs.

    Returns (date, how): "Sáng nay (16/6)" with the page dated 2020 -> 2020-06-16; "Sáng nay" alone
    -> the published date; a year-less date without a published date takes the year of the latest
    full date written before it in the text (noted), else stays unknown.
    """
    rx, rest = _rx("event", _EVENT_RX), _rx("event_rest", _EVENT_RX_REST)
    # The lead: pages open with a few lines of furniture (kicker, captions) before it.
    for para in paragraphs[:8]:
        # rx.finditer(head): the match at 0 if any (the only place "^" holds), then the others.
        head = para[:400]
        first = rx.match(head)
        found = rest.finditer(head, first.end() if first else 1)
        for m in ([first, *found] if first else found):
            when = m.group("when").lower()
            dm = m.group("date")
            if dm:
                sub = _rx("date", DATE_PATTERN).match(dm)
                if sub is None:
                    continue
                day, month, year = _date_parts(sub)  # type: ignore[misc]
                if year is None and published is None:
                    anchor = _latest_full_date(para[: m.start()] + " " + " ".join(paragraphs[:1]))
                    if anchor is not None:
                        d = resolve_date(day, month, anchor.year, None)
                        if d is not None and d >= anchor:
                            return d, "year inferred from a date earlier in the text"
                    # "Ngày 26/11, thành phố tổ chức đánh giá ... năm 2021": the year of the round.
                    stop = para.find(". ", m.end())
                    years = _rx("year_in", r"\b(?:năm\s+|for\s+|in\s+)?(20\d\d)\b").findall(para[m.start() : stop if stop > 0 else None])
                    if anchor is None and years:
                        d = resolve_date(day, month, max(int(y) for y in years), None)
                        if d is not None:
                            return d, "year from the sentence"
                    continue
                d = resolve_date(day, month, year, published)
                if d:
                    return d, "written" if year else "year from published date"
            elif published is not None and when in ("sáng nay", "chiều nay", "tối nay", "trưa nay", "hôm nay"):
                return published, "today = published date"
            elif published is not None and when in ("hôm qua", "sáng qua", "chiều qua", "tối qua"):
                return published - timedelta(days=1), "yesterday = published date - 1"
    return None, None


def _latest_full_date(text: str) -> date | None:
    best = None
    for m in _rx("date", DATE_PATTERN).finditer(text):
        parts = _date_parts(m)
        if parts and parts[2] is not None:
            d = resolve_date(*parts, None)
            if d and (best is None or d > best):
                best = d
    return best


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
_IN_SENTENCE_EN = r"\bon\s+(?:the\s+(?:morning|afternoon|evening)\s+of\s+)?(?P<date>" + date_pattern("n_") + ")"
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
    return resolve_date(day, mon, year, anchor)


def fallback_event_date(
    paragraphs: list[str], published: date | None, month: tuple[int, int] | None, decisions: list[dict],
    lead: list[str] | None = None,
) -> tuple[date | None, str | None]:
    """The event date by the rules above, or (None, None); `month` is a dateline's (year, month);
    `lead` the sentences of the first paragraphs when the caller has them split already."""
    anchor = _anchor(published, month)
    if lead is None:
        lead = [s for p in paragraphs[:8] for s in NS.sentences(p[:600])]
    # Each pattern opens with \b, which re tries at every position of a sentence; the word every match
    # holds (lower case: the patterns are case-blind, and none of these letters has a case variant
    # outside lower()/upper()) rules out most sentences at the cost of one substring test.
    lows = [s.lower() for s in lead]
    for name, pattern, how, word in (
        ("period", _PERIOD, "start of the period", "từ"), ("insent", _IN_SENTENCE, "date in the lead", "ngày"),
        ("insent_en", _IN_SENTENCE_EN, "date in the lead", "on"),
    ):
        for s, low in zip(lead, lows):
            if word not in low:
                continue
            m = _rx(name, pattern).search(s)
            if m is None:
                continue
            if name == "insent_en":
                parts = date_parts_of(m.group("date"))
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


def hinted_date(raw: str | None, fmt: str | None) -> date | None:
    """The publication date written in the element a site's registry names, in the format the registry
    gives (a strptime format, or "iso8601"); None if absent or written otherwise (the site changed its
    format: the extractor's own date finding still applies)."""
    if not raw or not fmt:
        return None
    try:
        if fmt == "iso8601":
            return datetime.fromisoformat(raw).date()
        return datetime.strptime(raw, fmt).date()
    except ValueError:
        return None
