"""Schedules, in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7, no daylight saving).

- ocop_daily_refresh, 06:00 every day: the news crawl and the spreadsheet build, everything
  unpartitioned, before the working day starts.
- ocop_monthly_publication, 07:00 on the 1st: the ministry's extract for the month just ended (the
  monthly-partitioned assets); without such assets, the whole build.

Jobs are built from the asset list handed in, so a new group or a partitioned asset is picked up
without editing this file. Schedules start STOPPED: switch them on in the UI (Automation) or with
`dagster schedule start`, and run `dagster-daemon` (which `dagster dev` starts) to have them fire.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import dagster as dg

from assets.resources import DOMAIN_TAG

if TYPE_CHECKING:  # what define_asset_job returns; not exported at the top level of dagster
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

TIMEZONE = "Asia/Ho_Chi_Minh"
DAILY_JOB = "ocop_daily"
NEWS_JOB = "news_crawl"
MONTHLY_JOB = "ocop_monthly_extract"
DAILY_SCHEDULE = "ocop_daily_refresh"
MONTHLY_SCHEDULE = "ocop_monthly_publication"


def news_assets(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The news crawl: the unpartitioned assets tagged with the news domain (crawl and extraction)."""
    def is_news(a: dg.AssetsDefinition) -> bool:
        return any(tags.get(DOMAIN_TAG) == "news" for tags in a.tags_by_key.values())

    return [a for a in assets if a.partitions_def is None and is_news(a)]


def partitioned(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    return [a for a in assets if a.partitions_def is not None]


def _monthly(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """Assets partitioned by calendar month (a time window whose cron fires once a month)."""
    def is_monthly(p: dg.PartitionsDefinition | None) -> bool:
        if not isinstance(p, dg.TimeWindowPartitionsDefinition):
            return False
        fields = p.cron_schedule.split()
        return len(fields) == 5 and fields[2].isdigit() and fields[3:] == ["*", "*"]

    return [a for a in assets if is_monthly(a.partitions_def)]


def operation_jobs(assets: Sequence[dg.AssetsDefinition]) -> list["UnresolvedAssetJobDefinition"]:
    """The daily job, the news crawl (if there are news assets) and the monthly extract (if there are
    monthly-partitioned assets). A job holds assets of one partitioning only, hence the split."""
    # Every unpartitioned asset rather than a list of groups: a new group (reference data, news) is in
    # the daily run without editing this file.
    unpartitioned = dg.AssetSelection.all() - dg.AssetSelection.assets(*partitioned(assets))
    jobs = [dg.define_asset_job(
        DAILY_JOB, selection=unpartitioned, tags={"ocop/trigger": "daily"},
        description="Every day: crawl the news sites (if configured), ingest the spreadsheets, rebuild and "
                    "publish. Everything unpartitioned, in pipeline order, in one process.")]
    if news_assets(assets):
        news = dg.AssetSelection.tag(DOMAIN_TAG, "news") - dg.AssetSelection.assets(*partitioned(assets))
        jobs.append(dg.define_asset_job(
            NEWS_JOB, selection=news, tags={"ocop/trigger": "news"},
            description="The news crawl alone (fetch and extract), for a manual re-run after a site was down."))
    monthly = _monthly(assets)
    if monthly:
        jobs.append(dg.define_asset_job(
            MONTHLY_JOB, selection=dg.AssetSelection.assets(*monthly), tags={"ocop/trigger": "monthly"},
            description="The ministry's monthly extract, one partition per month."))
    return jobs


def operation_schedules(assets: Sequence[dg.AssetsDefinition], jobs: Sequence["UnresolvedAssetJobDefinition"],
                        build_job: "UnresolvedAssetJobDefinition") -> list[dg.ScheduleDefinition]:
    by_name = {j.name: j for j in jobs}
    schedules = [dg.ScheduleDefinition(
        name=DAILY_SCHEDULE, job=by_name[DAILY_JOB], cron_schedule="0 6 * * *", execution_timezone=TIMEZONE,
        description="06:00 Vietnam time: crawl and rebuild before the working day.")]
    monthly = _monthly(assets)
    if MONTHLY_JOB in by_name:
        schedules.append(_monthly_partition_schedule(by_name[MONTHLY_JOB], monthly[0].partitions_def))
    else:
        schedules.append(dg.ScheduleDefinition(
            name=MONTHLY_SCHEDULE, job=build_job, cron_schedule="0 7 1 * *", execution_timezone=TIMEZONE,
            description="07:00 Vietnam time on the 1st: a full build for the month's publication."))
    return schedules


def _monthly_partition_schedule(job: "UnresolvedAssetJobDefinition",
                                partitions_def: dg.TimeWindowPartitionsDefinition) -> dg.ScheduleDefinition:
    """07:00 Vietnam time on the 1st, for the month just ended.

    Written out rather than `build_schedule_from_partitioned_job`, which takes its time zone from the
    partitions definition: the ministry's month is counted in Vietnam whatever zone the partitions use.
    """

    @dg.schedule(name=MONTHLY_SCHEDULE, job=job, cron_schedule="0 7 1 * *", execution_timezone=TIMEZONE,
                 description="07:00 Vietnam time on the 1st: the extract for the month just ended.")
    def ocop_monthly_publication(context: dg.ScheduleEvaluationContext):
        when: datetime = context.scheduled_execution_time
        # The 15th at noon of the previous month lies inside that month's partition in any time zone.
        last_month = (when.replace(day=1) - timedelta(days=1)).replace(day=15, hour=12, minute=0)
        key = partitions_def.get_partition_key_for_timestamp(last_month.timestamp())
        if key not in partitions_def.get_partition_keys(current_time=when):
            return dg.SkipReason(f"partition {key} is not complete yet (or outside the partitions)")
        return dg.RunRequest(run_key=key, partition_key=key, tags={"ocop/month": key})

    return ocop_monthly_publication
