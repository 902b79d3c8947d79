"""Dagster layer: asset definitions by layer, checks, schedules, sensors and resources.

Thin wiring only: every asset calls a function of `ocop_pipeline`.
"""


import dagster as dg

from assets.checks import core_integrity_checks
from assets.core import core_tables
from assets.publish import published_datasets
from assets.raw import spreadsheet_documents
from assets.resources import OcopStore
from assets.staging import stg_sheet_rows

ALL_ASSETS = [spreadsheet_documents, stg_sheet_rows, core_tables, published_datasets]

# `ocop build` runs this job in process: every unpartitioned asset and its checks.
build_job = dg.define_asset_job(
    "ocop_build",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    description="The whole pipeline on the configured sources (default: the bundled snapshot).",
)


def build_definitions(store: OcopStore | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=core_integrity_checks,
        jobs=[build_job],
        resources={"store": store or OcopStore()},
        executor=dg.in_process_executor,
    )
