"""The level (district / province / national) of a page's rating results.

It follows who recognised (Chủ tịch UBND tỉnh / UBND tỉnh -> province; UBND huyện, thị xã, or a
city under a province -> district; Thủ tướng, Bộ, the central council -> national) and, for
statistics, their scope ("cả nước" -> national, "toàn tỉnh" -> province). The cue words are
`levels._LEVEL_KINDS`; this module decides which sentences speak for the page:

1. the sentences of the batch (or, without one, of the snapshot);
2. else the sentences that confirm a recognition anywhere on the page;
3. else the wording of the page's title and lead (who acted: "thành phố Bắc Kạn tổ chức đánh giá"),
   but for its plans and proposals;
4. else who could have recognised these stars at that date (the regimes of DOMAIN.md);
5. else the page's own place: a province named, and no district the page is about -> province.

A city's committee ("UBND thành phố", "Hội đồng cấp thành phố") is a province for the centrally-run
cities (Hà Nội, TP Hồ Chí Minh, Hải Phòng, Đà Nẵng, Cần Thơ, Huế) and a district otherwise. From 1
July 2025 there are no districts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from datetime import date
from itertools import accumulate

from ocop_pipeline.core import rules
from ocop_pipeline.news import patterns
from ocop_pipeline.news.patterns import folds_like_ignorecase, split_alternatives
from ocop_pipeline.text.folding import fold_key
from ocop_pipeline.text.normalize import clean_text

_RX = patterns.cache(__name__)
_rx = patterns.compiler(__name__, re.IGNORECASE)


# Who recognised, or the scope of a statistic, by kind. Every alternative opens with a literal letter
# (see _level_dispatch).
_LEVEL_KINDS = {
    "national": (
        r"cấp\s+quốc\s+gia|cấp\s+trung\s+ương|bộ\s+(?:nn\s*&\s*ptnt|nn\s*và\s*ptnt|nông\s+nghiệp)|"
        r"bnn|hội\s+đồng\s+(?:[^.]{0,40})?trung\s+ương|national[\s-]level|ministry|"
        # The scope of a statistic: "cả nước có 16.000 sản phẩm", "the country has 13,000".
        r"cả\s+nước|toàn\s+quốc|the\s+country(?!['’]s)|nationwide|national\s+(?:council|total)|"
        r"central\s+(?:ocop\s+)?(?:council|product)|thủ\s+tướng|prime\s+minister"
    ),
    "province": (
        r"cấp\s+tỉnh|cấp\s+thành\s+phố\s+(?=trực)|ubnd\s+tỉnh|ủy\s+ban\s+nhân\s+dân\s+tỉnh|chủ\s+tịch\s+ubnd\s+tỉnh|"
        r"hội\s+đồng\s+(?:[^.]{0,40})?(?:cấp\s+)?tỉnh|provincial|municipal|"
        # The scope of a statistic ("toàn tỉnh có 300 sản phẩm"), not "chương trình OCOP toàn tỉnh".
        r"toàn\s+tỉnh\s+(?:hiện\s+)?(?:đã\s+)?(?:có|đạt|công\s+nhận)|được\s+tỉnh|"
        r"sở\s+(?:nn|nông\s+nghiệp)"
    ),
    "district": (
        r"cấp\s+huyện|ubnd\s+(?:huyện|thị\s+xã|quận)|ủy\s+ban\s+nhân\s+dân\s+(?:huyện|thị\s+xã|quận)|"
        r"chủ\s+tịch\s+ubnd\s+(?:huyện|thị\s+xã|quận)|hội\s+đồng\s+(?:[^.]{0,40})?(?:cấp\s+)?huyện|"
        r"district[\s-]level|district\s+people|toàn\s+huyện\s+(?:hiện\s+)?(?:đã\s+)?(?:có|đạt|công\s+nhận)|"
        r"huyện\s+[^\s,.;]+(?:\s+[^\s,.;]+)?\s+(?:tổ\s+chức\s+đánh\s+giá|đã\s+công\s+nhận)|"
        r"thị\s+xã\s+[^\s,.;]+(?:\s+[^\s,.;]+)?\s+(?:tổ\s+chức\s+đánh\s+giá|đã\s+công\s+nhận)"
    ),
    # A city's people's committee or council: a province when the city is a centrally-run one (Hà
    # Nội, TP HCM ...), a district otherwise (the caller knows which).
    "city": (
        r"ubnd\s+(?:thành\s+phố|tp)|ủy\s+ban\s+nhân\s+dân\s+(?:thành\s+phố|tp)|chủ\s+tịch\s+ubnd\s+(?:thành\s+phố|tp)|"
        r"cấp\s+thành\s+phố|cấp\s+tp|toàn\s+thành\s+phố\s+(?:hiện\s+)?(?:đã\s+)?(?:có|đạt|công\s+nhận)|thành\s+phố\s+[^\s,.;]+(?:\s+[^\s,.;]+)?\s+(?:tổ\s+chức\s+đánh\s+giá|đã\s+công\s+nhận)"
    ),
}


def _level_dispatch() -> re.Pattern[str]:
    """_LEVEL_KINDS as one lower-case pattern, its alternatives grouped under their first letter
    (each its own group `<kind>_<n>`, so that the match names its kind): re skips in C to the next
    letter that can start one, as for the cue words (_cue_dispatch). Within a kind the alternatives
    keep their order, and kinds are tried in the order above."""
    rx = _RX.get("level_dispatch")
    if rx is None:
        by_letter: dict[str, list[str]] = {}
        for kind, pattern in _LEVEL_KINDS.items():
            for n, alt in enumerate(split_alternatives(pattern.lower())):
                assert alt[:1].isalpha() and alt[1:2] not in ("?", "*", "+", "{"), alt
                by_letter.setdefault(alt[0], []).append(f"(?P<{kind}_{n}>{alt[1:]})")
        body = "|".join(c + "(?:" + "|".join(a) + ")" for c, a in by_letter.items())
        rx = _RX["level_dispatch"] = re.compile(body)
        # The same without its groups finds the same matches faster (re saves no group marks); the
        # grouped one then runs only where a cue starts, to name its kind (as _cue_dispatch does).
        _RX["level_plain"] = re.compile(re.sub(r"\(\?P<\w+>", "(?:", body))
    return rx


# Where a level is only proposed to ("đề nghị Trung ương công nhận là sản phẩm OCOP cấp Quốc gia"):
# the level cue after it names the authority asked, not the one that rated; likewise the Prime
# Minister after a criteria decision ("theo Quyết định số 148/QĐ-TTg ... của Thủ tướng").
_PROPOSED_WORDS = ("đề", "trình", "gửi", "propos", "recommend", "submit", "qđ-ttg")
_PROPOSED_TO = r"(?:đề\s+nghị|đề\s+xuất|trình|gửi|proposed|recommended|submitted)[^.;]{0,60}$|/qđ-ttg[^.;]{0,40}$"


# Every alternative of _LEVEL_KINDS holds one of these (lower case): a sentence without any has no cue.
_LEVEL_WORDS = ("cấp tỉnh", "cấp huyện", "cấp quốc", "cấp trung", "cấp thành", "cấp tp", "bộ nn", "bộ nông", "bnn",
                "hội đồng", "national", "ministry", "ubnd", "ủy ban", "provincial", "district", "cả nước",
                "toàn quốc", "country", "central", "thủ tướng", "minister", "municipal", "toàn tỉnh", "toàn huyện",
                "được tỉnh", "sở nn", "sở nông", "tổ chức đánh giá", "đã công nhận", "toàn thành phố")


def level_cues(sentence: str, low: str | None = None) -> list[str]:
    """The level cues (_LEVEL_KINDS) of a sentence; `low` is sentence.lower() when the caller has it."""
    return [kind for _, kind in level_cue_spans(sentence, low)]


def level_cue_spans(text: str, low: str | None = None) -> list[tuple[int, str]]:
    """(position, kind) of the level cues of a text (positions in `text` when lower() keeps its
    offsets, as for Vietnamese; in its cleaned copy otherwise)."""
    if low is None:
        low = text.lower()
    if not folds_like_ignorecase(text, low):
        low = clean_text(text).lower()
    if not any(w in low for w in _LEVEL_WORDS):
        return []
    proposed = _rx("proposed_to", _PROPOSED_TO)
    out = []
    grouped = _level_dispatch()
    for plain in _RX["level_plain"].finditer(low):
        start = plain.start()
        before = low[max(0, start - 80) : start]
        # Every _PROPOSED_TO phrase holds one of these: most windows have none, and the pattern
        # (anchored at the window's end) would be tried at each of its positions.
        if any(w in before for w in _PROPOSED_WORDS) and proposed.search(before):
            continue
        m = grouped.match(low, start)
        out.append((start, ((m.lastgroup if m else None) or "").rsplit("_", 1)[0]))
    return out


def regime_level(stars: set[str], when: date | None, has_district: bool) -> str | None:
    """Who could have recognised these stars at that date (DOMAIN.md regimes)."""
    if not stars:
        return None
    if stars == {"5"}:
        return "national"
    if when is None:
        return None
    if rules.districts_rate_three_stars(when):
        if stars == {"3"} and has_district:
            return "district"
        if "4" in stars or stars == {"3-4"}:
            return "province" if stars != {"3"} else None
        return None
    return "province" if stars <= {"3", "4", "3-4", "3+"} else None


# The page's wording is read in its lead: who acted is said there, and reading the whole page for it
# costs as much as the rest of the level.
_LEAD = 10
_FIVE = r"5\s*sao|5[\s-]stars?|five[\s-]stars?"
_CENTRAL = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue", "thua thien hue"}


# The words of a plan, a forecast or a proposal (lower case; the cue words of counts.py's targets,
# forecasts and proposals, as substrings: a cheap test for every sentence of a page).
_AIM_WORDS = ("phấn đấu", "mục tiêu", "chỉ tiêu", "kế hoạch", "hướng tới", "sẽ ", "dự kiến", "đề nghị", "đề xuất",
              "target", "aim", "plan", "will ", "expected", "proposed", "recommended")


def _aims(sentence: str) -> bool:
    """Whether a sentence states a target, a forecast or a proposal rather than what was done."""
    low = sentence.lower()
    return any(w in low for w in _AIM_WORDS)


def _vote(cues: list[str]) -> str | None:
    if not cues:
        return None
    # The most frequent; a tie goes to the first named.
    return max(dict.fromkeys(cues), key=cues.count)


def page_level(
    *,
    batch_sentences: list[str],
    snapshot_sentences: list[str],
    confirm_sentences: Callable[[], list[str]],
    all_sentences: list[str],
    title: str | None,
    national_decision: bool,
    stars: set[str],
    when: date | None,
    province: str | None,
    district: str | None,
    post_reform: bool,
    figure_stars: frozenset[str] = frozenset(),
) -> tuple[str | None, str | None]:
    """(level, how) for a page with rating results; `how` is a note when the level is inferred.
    `confirm_sentences` gives the sentences confirming a recognition (called only when needed).
    `figure_stars` are the star levels ("3", "4", "5") the page's batch or snapshot counts."""
    central = province is not None and fold_key(province) in _CENTRAL
    lower_stars = bool(figure_stars & {"3", "4"})

    def cues_of(sentences: list[str], *, said_only: bool = False) -> list[str]:
        # The sentences read in one pass (a cue never runs across a sentence's end); with
        # `said_only`, not the cues of plans and proposals ("phấn đấu có 8 sản phẩm OCOP 5 sao cấp
        # quốc gia"), tested only for the sentences that hold a cue.
        text = "\n".join(sentences)
        spans = level_cue_spans(text)
        if said_only and spans:
            ends = list(accumulate(len(s) + 1 for s in sentences))
            aims: dict[int, bool] = {}
            kept = []
            for pos, kind in spans:
                i = bisect_right(ends, pos)
                if i < len(sentences) and not aims.setdefault(i, _aims(sentences[i])):
                    kept.append((pos, kind))
            spans = kept
        if lower_stars:
            # "6 sản phẩm đạt 5 sao cấp quốc gia, 1.570 sản phẩm 4 sao ...": the national level of
            # the 5-star part, not of figures that hold 3 and 4 stars.
            spans = [(pos, c) for pos, c in spans if c != "national" or not _rx("five", _FIVE).search(text, max(0, pos - 30), pos + 40)]
        return [("province" if central else "district") if c == "city" else c for _, c in spans]

    how = None
    level = _vote(cues_of(batch_sentences or snapshot_sentences))
    if level is None and national_decision and stars <= {"5"}:
        level = "national"
    if level is None:
        level = _vote(cues_of(confirm_sentences()))
    if level is None:
        level = _vote(cues_of(([title] if title else []) + all_sentences[:_LEAD], said_only=True))
        how = "level from the page's wording" if level else None
    if level is None:
        level = regime_level(stars, when, district is not None)
        how = "level inferred from the stars and the rules in force at the date" if level else None
    if level is None and (province or district):
        level = "district" if district and not province else "province"
        how = "level from the page's place"
    if level == "district" and post_reform:
        level = "province"
    return level, how
