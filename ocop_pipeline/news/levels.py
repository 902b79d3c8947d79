"""The level (district / province / national) of a page's rating results.

It follows who recognised (Chủ tịch UBND tỉnh / UBND tỉnh -> province; UBND huyện, thị xã, or a
city under a province -> district; Thủ tướng, Bộ, the central council -> national) and, for
statistics, their scope ("cả nước" -> national, "toàn tỉnh" -> province). The cue words are
`ocop_facts._LEVEL_KINDS`; this module decides which sentences speak for the page:

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

from ocop_pipeline.news import facts as F
from ocop_pipeline.text.folding import fold_key

# The page's wording is read in its lead: who acted is said there, and reading the whole page for it
# costs as much as the rest of the level.
_LEAD = 10
_FIVE = re.compile(r"5\s*sao|5[\s-]stars?|five[\s-]stars?", re.IGNORECASE)
_CENTRAL = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue", "thua thien hue"}


# The words of a plan, a forecast or a proposal (lower case; the cue words of ocop_facts' targets,
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
        spans = F.level_cue_spans(text)
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
            spans = [(pos, c) for pos, c in spans if c != "national" or not _FIVE.search(text, max(0, pos - 30), pos + 40)]
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
        level = F.regime_level(stars, when, district is not None)
        how = "level inferred from the stars and the rules in force at the date" if level else None
    if level is None and (province or district):
        level = "district" if district and not province else "province"
        how = "level from the page's place"
    if level == "district" and post_reform:
        level = "province"
    return level, how
