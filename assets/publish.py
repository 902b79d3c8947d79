"""Publication: the datasets for researchers and the ministry's monthly extract.

`publish/datasets` (Parquet, CSV and datapackage.json, every build) and `publish/monthly_extract`
(one partition per month; its job and its 07:00-on-the-1st schedule are derived in
assets/schedules.py from the asset list). Both read DuckDB read-only and write files, not tables.
The rules live in ocop_pipeline/publish/.
"""


import dagster as dg

from assets.core import CORE_KEYS, coverage, news_ratings, reconciliation
from assets.mentions import mentions
from assets.news import news_articles
from assets.reference import REFERENCE_KEYS
from assets.resources import DOMAIN_TAG, OcopStore
from ocop_pipeline.publish.datasets import publish
from ocop_pipeline.publish.extract import export_month
from ocop_pipeline.publish.releases import write_release

TAGS = {DOMAIN_TAG: "publish"}

# A month exists as a partition once it has ended in Vietnam's time zone (end_offset 0).
MONTHLY = dg.MonthlyPartitionsDefinition(start_date="2019-01-01", timezone="Asia/Ho_Chi_Minh")


@dg.asset(
    key=["publish", "datasets"],
    deps=[*CORE_KEYS.values(), *REFERENCE_KEYS.values(), news_articles, mentions, reconciliation, news_ratings,
          coverage],
    group_name="publish",
    kinds={"parquet", "csv"},
    tags=TAGS,
)
def published_datasets(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """Every public table written to data/publish/ as Parquet (zstd) and CSV (UTF-8 with BOM, for
    Excel), with datapackage.json describing every field. Runs only after the blocking checks on the
    core tables pass: bad data is not published. A table unchanged since its files were written is
    not written again (publish/.published.json records what each file was written from). When the
    public content changed, a dated release is written to publish/releases/ and `publish/latest`
    moved to it (ocop_pipeline/publish/releases.py); damaged or deleted releases are reported."""
    paths = store.paths()
    with store.connect(read_only=True) as con:
        published = publish(con, paths.publish_dir)
    release = write_release(paths.publish_dir)
    for problem in release.problems:
        context.log.warning(problem)
    if not release.created:
        context.log.info(f"public content unchanged since release {release.name}; no release written")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(paths.publish_dir)),
            "tables": dg.MetadataValue.json({p.table: p.rows for p in published}),
            "written": dg.MetadataValue.json(sorted(p.table for p in published if p.written)),
            "release": release.name or "",
            "new_release": release.created,
            "release_problems": dg.MetadataValue.json(release.problems),
            "pruned_releases": dg.MetadataValue.json(release.pruned),
        }
    )


@dg.asset(
    key=["publish", "monthly_extract"],
    deps=list(CORE_KEYS.values()),
    partitions_def=MONTHLY,
    group_name="publish",
    kinds={"excel", "html"},
    tags=TAGS,
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
