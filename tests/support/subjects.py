"""Generated producer records for resolution at scale (the 10,000-subject test and its benchmark)."""

from __future__ import annotations

import random

from ocop_pipeline.entities.matching import SubjectRecord

_SYLLABLES = ["an", "bình", "hòa", "phú", "thịnh", "long", "hưng", "thành", "đông", "tây", "minh", "phát",
              "việt", "hải", "sơn", "mỹ", "tân", "quang", "đức", "yên", "mông", "hoàng", "gia", "khánh"]
_FORMS = ["HTX Nông nghiệp", "Hợp tác xã", "Công ty TNHH", "Công ty CP", "Hộ kinh doanh", "Cơ sở sản xuất"]


def ten_thousand_subjects(seed: int = 1) -> list[SubjectRecord]:
    """10,000 producers over 34 provinces, each twice: as written and in upper case (same commune)."""
    rng = random.Random(seed)
    provinces = [f"Tỉnh {i}" for i in range(34)]
    records = []
    for i in range(10_000):
        name = f"{_FORMS[i % len(_FORMS)]} {rng.choice(_SYLLABLES).title()} {rng.choice(_SYLLABLES).title()} {i % 97}"
        records.append(SubjectRecord(provinces[i % 34], name, f"Xã {rng.choice(_SYLLABLES)}", None, None, None))
        records.append(SubjectRecord(provinces[i % 34], name.upper(), records[-1].commune, None, None, None))
    return records
