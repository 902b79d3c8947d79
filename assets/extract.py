"""The ministry's monthly extract: one partition per month, read-only on DuckDB.

Its job and its 07:00-on-the-1st schedule are derived in assets/schedules.py from the asset list.
"""


import dagster as dg

from assets.core import CORE_KEYS
from assets.resources import OcopStore
from ocop_pipeline.publish.extract import export_month

# A month exists as a partition once it has ended in Vietnam's time zone (end_offset 0).
MONTHLY = dg.MonthlyPartitionsDefinition(start_date="2019-01-01", timezone="Asia/Ho_Chi_Minh")


@dg.asset(
    key=["publish", "monthly_extract"],
    deps=list(CORE_KEYS.values()),
    partitions_def=MONTHLY,
    group_name="publish",
    kinds={"excel", "html"},
)
def monthly_extract(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """The ministry's monthly extract for one month: a Vietnamese Excel workbook (Sản phẩm, Chủ thể,
    Xếp hạng, Tổng hợp theo tỉnh in the 34 and the 63 provinces, Biến động trong tháng), manifest.json
    and a chart report, in data/publish/extracts/YYYY-MM/vN/. The data are as of the month's last day.
    A published version is never edited: a run whose data differ writes vN+1; a run with the same data
    writes nothing. Reads DuckDB read-only, so it needs no writer slot."""
    month = context.partition_key[:7]  # partition keys are YYYY-MM-DD, the month's first day
    with store.connect(read_only=True) as con:
        result = export_month(con, month, store.paths().publish_dir / "extracts")
    if not result.created:
        context.log.info(f"{month}: the data are unchanged since v{result.version}; nothing written")
    return dg.MaterializeResult(
        metadata={
            "version": result.version,
            "new_version": result.created,
            "path": dg.MetadataValue.path(str(result.directory)),
            "rows_per_sheet": dg.MetadataValue.json(result.rows),
            "data_sha256": result.data_sha256,
        }
    )

