"""The programme's rules in one place: who recognises which stars when, and how long a rating holds.

DOMAIN.md gives them; every table, view, extract and news reading that needs one imports it from here
(two copies of the 2023 regime date once disagreed by three weeks). This module depends on nothing
but the standard library, so any package may use it.

Regimes (who recognises):
- until 23 Feb 2023 (1048/QĐ-TTg, amended by 781/QĐ-TTg): the province 3 and 4 stars, the ministry 5;
- from 24 Feb 2023 (148/QĐ-TTg): the district 3 stars, the province 4, the ministry 5;
- from 6 Jul 2025 (1489/QĐ-TTg, after the districts were abolished): the province 3 and 4, the ministry 5.

Validity: a certificate holds 36 months from its decision. A list that gives only its rating year,
no decision date, counts as decided on 31 December of that year, so its rating ends with the last day
of year + 3; a product's status on a day follows its latest rating.
"""

from __future__ import annotations

from datetime import date

REGIME_148_START = date(2023, 2, 24)  # 148/QĐ-TTg signed: district councils rate 3 stars
REGIME_1489_START = date(2025, 7, 6)  # 1489/QĐ-TTg: provinces rate 3 and 4 stars again
VALIDITY_MONTHS = 36
NATIONAL_STARS = 5  # only the ministry confers 5 stars, under every regime


def districts_rate_three_stars(on: date) -> bool:
    """True while 148/QĐ-TTg was in force: a 3-star rating on that day was a district's."""
    return REGIME_148_START <= on < REGIME_1489_START


def level_of(stars: int, on: date | None) -> str | None:
    """The level that recognises `stars` under the regime in force `on` (None: unknown date and not 5)."""
    if stars == NATIONAL_STARS:
        return "national"
    if on is None:
        return None
    return "district" if stars == 3 and districts_rate_three_stars(on) else "province"


def level_sql(stars: str, written_level: str, on: str) -> tuple[str, list[date]]:
    """SQL for a rating's level from column expressions, with its parameters: 5 stars are national,
    a level the source writes wins, else the regime in force on the date (undated: province)."""
    return (
        f"""CASE WHEN {stars} = {NATIONAL_STARS} THEN 'national'
                 WHEN {written_level} IS NOT NULL THEN {written_level}
                 WHEN {on} >= ? THEN 'province'
                 WHEN {on} >= ? AND {stars} = 3 THEN 'district'
                 ELSE 'province' END""",
        [REGIME_1489_START, REGIME_148_START],
    )


def effective_date_sql(decision_date: str, rating_year: str) -> str:
    """SQL for the day a rating takes effect: its decision, else 31 December of its rating year."""
    return f"coalesce({decision_date}, make_date({rating_year}, 12, 31))"


def valid_until_sql(day: str) -> str:
    """SQL for the last day a certificate decided on `day` holds."""
    return f"CAST({day} + INTERVAL {VALIDITY_MONTHS} MONTH AS DATE)"


def ends_on_sql(day: str) -> str:
    """SQL for the first day a certificate decided on `day` no longer holds."""
    return f"CAST({day} + INTERVAL {VALIDITY_MONTHS} MONTH + INTERVAL 1 DAY AS DATE)"


def status_sql(day: str, as_of: str) -> str:
    """SQL for the status on `as_of` of a product whose latest rating took effect on `day`."""
    return f"CASE WHEN {valid_until_sql(day)} < {as_of} THEN 'expired' ELSE 'active' END"
