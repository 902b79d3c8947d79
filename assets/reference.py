"""Reference: administrative units of both geographies (before and from 1 July 2025) as tables."""


import dagster as dg

from assets.resources import DOMAIN_TAG, DUCKDB_POOL, OcopStore
from ocop_pipeline.entities.subject_types import product_group_rows
from ocop_pipeline.geo.admin_units import write_reference_tables
from ocop_pipeline.storage.schema import ADMIN_UNITS, PRODUCT_GROUP_CROSSWALK, PROVINCE_CROSSWALK
from ocop_pipeline.storage.store import frame_for, insert_frame
from ocop_pipeline.storage.transactions import transaction

REFERENCE_KEYS = {name: dg.AssetKey(["reference", name])
                  for name in ("admin_units", "province_crosswalk", "product_group_crosswalk")}
TAGS = {DOMAIN_TAG: "reference"}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(REFERENCE_KEYS["admin_units"], description=ADMIN_UNITS.description, kinds={"duckdb"},
                     group_name="reference", tags=TAGS),
        dg.AssetSpec(REFERENCE_KEYS["province_crosswalk"], description=PROVINCE_CROSSWALK.description,
                     kinds={"duckdb"}, group_name="reference", tags=TAGS),
        dg.AssetSpec(REFERENCE_KEYS["product_group_crosswalk"], description=PRODUCT_GROUP_CROSSWALK.description,
                     kinds={"duckdb"}, group_name="reference", tags=TAGS),
    ],
    pool=DUCKDB_POOL,
)
def admin_reference(context: dg.AssetExecutionContext, store: OcopStore):
    """Write `admin_units` (provinces, districts and communes, effective-dated, official codes) and
    `province_crosswalk` (63 old -> 34 new provinces) from the reference CSVs in ocop_pipeline/data/,
    so products and subjects can be counted in either geography with one join."""
    with store.connect() as con:
        counts = write_reference_tables(con)
        groups = product_group_rows()
        with transaction(con):
            con.execute("DELETE FROM product_group_crosswalk")
            insert_frame(con, "product_group_crosswalk", frame_for("product_group_crosswalk", groups))
        counts["product_group_crosswalk"] = len(groups)
    for name, key in REFERENCE_KEYS.items():
        yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": counts[name]})
