"""Regenerate the district and commune reference CSVs in ocop_pipeline/data/ from official unit lists.

Provenance. The unit names and codes are the official ones (the national statistics office's
codes for provinces, districts and communes before 1 July 2025; the codes of the 34 provinces and
3,321 communes from that date). They are taken from the data files shipped in the PyPI package
`vietnamadminunits` 1.0.4 (MIT licence, by Tran Ngoc Minh Hieu): its SQLite file
`data/dataset.db` (tables `admin_units_legacy`, the 63-province snapshot just before the reform,
and `admin_units`, the 34-province list) and `data/converter_2025.json` (which old commune went
into which new commune). Only facts are extracted: names, codes, kinds, former names and the
old -> new commune links. The package is NOT a run-time dependency; the pipeline reads the CSVs.

Run once, when the official lists change:

    .venv/bin/uv pip install --target /tmp/vau vietnamadminunits==1.0.4 --no-deps
    .venv/bin/python scripts/make_admin_reference.py /tmp/vau/vietnamadminunits

Files written (UTF-8, sorted by code, so a re-run gives identical bytes):
- districts.csv: the 696 districts in force on 30 June 2025 (code, name, kind, province_code,
  former_keys: accent-free keys of former names that the package records, e.g. a district merged
  into this one or the same unit before it became a town or city).
- communes_2025.csv: the 3,321 communes from 1 July 2025 (code, name, kind, province_code).
- communes_legacy.csv: the 10,035 communes in force on 30 June 2025 (code, name, kind,
  district_code, former_keys, successor_code: the new commune it went into, or the default one
  when it was divided, successor_codes: every new commune that took part of it).
Hand-made facts that the package lacks live in district_history.csv, edited by hand, not here.
Checks against DOMAIN.md's old -> new province list run in tests/geo/test_geography.py.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "ocop_pipeline" / "data"

# Kinds as the reference spells them (lower case, as in provinces.csv).
KINDS = {"Huyện": "huyện", "Quận": "quận", "Thị xã": "thị xã", "Thành phố": "thành phố",
         "Xã": "xã", "Phường": "phường", "Thị trấn": "thị trấn", "Đặc khu": "đặc khu"}


def _keys(value: str | None) -> str:
    return ";".join(json.loads(value)) if value else ""


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(sorted(rows))
    print(f"{name}: {len(rows)} rows")


def main(package_dir: Path) -> None:
    con = sqlite3.connect(package_dir / "data" / "dataset.db")
    legacy = con.execute(
        "SELECT provinceCode, provinceKey, districtCode, district, districtType, districtKey, districtAlias, "
        "wardCode, ward, wardType, wardKey, wardAlias FROM admin_units_legacy").fetchall()
    current = con.execute("SELECT provinceCode, provinceKey, wardCode, ward, wardType, wardKey FROM admin_units").fetchall()

    districts = {}
    for pcode, _pkey, dcode, dname, dtype, _dkey, dalias, *_ in legacy:
        districts[dcode] = [dcode, dname, KINDS[dtype], pcode, _keys(dalias)]
    _write("districts.csv", ["code", "name", "kind", "province_code", "former_keys"], list(districts.values()))

    new_by_key = {(pkey, wkey): code for _p, pkey, code, _n, _t, wkey in current}
    _write("communes_2025.csv", ["code", "name", "kind", "province_code"],
           [[code, name, KINDS[kind], pcode] for pcode, _k, code, name, kind, _w in current])

    conv = json.loads((package_dir / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    successor: dict[str, str] = {}
    successors: dict[str, list[str]] = {}
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, olds in wards.items():
            for old in olds:
                successor[old] = new_by_key[(new_pkey, new_wkey)]
                successors[old] = [successor[old]]
    for new_pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            codes = [new_by_key[(new_pkey, p["newWardKey"])] for p in parts]
            default = [new_by_key[(new_pkey, p["newWardKey"])] for p in parts if p["isDefaultNewWard"]]
            successor[old] = default[0] if default else codes[0]
            successors[old] = sorted(codes)

    communes = []
    for _pcode, pkey, dcode, _dn, _dt, dkey, _da, wcode, wname, wtype, wkey, walias in legacy:
        if not wcode:
            continue  # island districts without communes
        old = f"{pkey}_{dkey}_{wkey}"
        communes.append([wcode, wname, KINDS[wtype], dcode, _keys(walias), successor.get(old, ""),
                         ";".join(successors.get(old, []))])
    _write("communes_legacy.csv",
           ["code", "name", "kind", "district_code", "former_keys", "successor_code", "successor_codes"], communes)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
