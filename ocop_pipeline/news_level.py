"""The level (district / province / national) of a page's rating results.

It follows who recognised (Chủ tịch UBND tỉnh / UBND tỉnh -> province; UBND huyện, thị xã, or a
city under a province -> district; Thủ tướng, Bộ, the central council -> national) and, for
statistics, their scope ("cả nước" -> national, "toàn tỉnh" -> province). The cue words are
`ocop_facts._LEVEL`; this module decides which sentences speak for the page:

1. the sentences of the batch (or, without one, of the snapshot);
2. else the sentences that confirm a recognition anywhere on the page;
3. else every sentence of the page and its title;
4. else who could have recognised these stars at that date (the regimes of DOMAIN.md);
5. else the page's own place: a province named, and no district the page is about -> province.

A city's committee ("UBND thành phố", "Hội đồng cấp thành phố") is a province for the centrally-run
cities (Hà Nội, TP Hồ Chí Minh, Hải Phòng, Đà Nẵng, Cần Thơ, Huế) and a district otherwise. From 1
July 2025 there are no districts.
"""

from __future__ import annotations

import re
from datetime import date

from ocop_pipeline import ocop_facts as F
from ocop_pipeline.normalize import fold_key

_CENTRAL = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue", "thua thien hue"}


_PROPOSAL = re.compile(r"đề\s+nghị|đề\s+xuất|\bproposed|\brecommended", re.IGNORECASE)


def _aims(sentence: str) -> bool:
    """Whether a sentence states a target, a forecast or a proposal rather than what was done."""
    return bool(_PROPOSAL.search(sentence)) or any(
        kind in ("target", "forecast") for _, kind in F.cue_list(sentence.lower())
    )


def _vote(cues: list[str]) -> str | None:
    if not cues:
        return None
    # The most frequent; a tie goes to the first named.
    return max(dict.fromkeys(cues), key=cues.count)


def page_level(
    *,
    batch_sentences: list[str],
    snapshot_sentences: list[str],
    confirm_sentences: list[str],
    all_sentences: list[str],
    title: str | None,
    national_decision: bool,
    stars: set[str],
    when: date | None,
    province: str | None,
    district: str | None,
    post_reform: bool,
) -> tuple[str | None, str | None]:
    """(level, how) for a page with rating results; `how` is a note when the level is inferred."""
    central = province is not None and fold_key(province) in _CENTRAL

    def cues_of(sentences: list[str]) -> list[str]:
        out = []
        for s in sentences:
            for c in F.level_cues(s):
                out.append(("province" if central else "district") if c == "city" else c)
        return out

    how = None
    level = _vote(cues_of(batch_sentences or snapshot_sentences))
    if level is None and national_decision and stars <= {"5"}:
        level = "national"
    if level is None:
        level = _vote(cues_of(confirm_sentences))
    if level is None:
        # Not the sentences of plans and proposals ("phấn đấu có 8 sản phẩm OCOP 5 sao cấp quốc gia").
        said = [s for s in ([title] if title else []) + all_sentences if not _aims(s)]
        level = _vote(cues_of(said))
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
