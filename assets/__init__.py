"""Dagster layer: one module per domain of `ocop_pipeline`, plus checks, schedules, sensors and resources.

Thin wiring only: every asset calls a function of `ocop_pipeline`, and the core never imports this
package (only its entry points, cli.py and definitions.py, do; an import contract in pyproject.toml
keeps it so). The modules follow the data:
reference, spreadsheets (raw landing, staging), news (crawl, extraction), core (tables,
reconciliation), mentions, publish (datasets, monthly extract). Groups are the layers (raw, staging,
core, publish, reference); the `ocop/domain` tag names the module.
"""


import dagster as dg

from assets.checks import core_integrity_checks
from assets.core import core_tables, coverage, news_ratings, reconciliation
from assets.mentions import mentions
from assets.news import news_articles, news_pages
from assets.publish import monthly_extract, published_datasets
from assets.reference import admin_reference
from assets.resources import OcopStore
from assets.schedules import operation_jobs, operation_schedules, partitioned
from assets.sensors import inbox_job, make_inbox_sensor
from assets.spreadsheets import spreadsheet_documents, stg_sheet_rows

BUILD_JOB = "ocop_build"

ALL_ASSETS = [admin_reference, spreadsheet_documents, stg_sheet_rows, core_tables, news_pages, news_articles,
              news_ratings, mentions, reconciliation, coverage, published_datasets]

# `ocop build` runs this job in process: every unpartitioned asset and its checks.
build_job = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    description="The whole pipeline on the configured sources (default: the bundled snapshot).",
)


def build_definitions(store: OcopStore | None = None) -> dg.Definitions:
    """The code location: every asset, check, job, schedule and sensor, on `store` (default: the
    data folder of the environment, resolved at run time)."""
    # every asset of the location: schedules and jobs are derived from this list. The monthly extract
    # is partitioned, so it stays out of ALL_ASSETS (the unpartitioned `ocop build` job).
    assets = [*ALL_ASSETS, monthly_extract]
    jobs = operation_jobs(assets)
    inbox = inbox_job(spreadsheet_documents, dg.AssetSelection.assets(*partitioned(assets)))
    return dg.Definitions(
        assets=assets,
        asset_checks=core_integrity_checks,
        jobs=[build_job, *jobs, inbox],
        schedules=operation_schedules(assets, jobs, build_job),
        sensors=[make_inbox_sensor(inbox)],
        resources={"store": store or OcopStore()},
        executor=dg.in_process_executor,
    )
