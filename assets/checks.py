"""Asset checks on the core tables. Blocking: a failure stops publication in the same run."""


import dagster as dg

from assets.core import CORE_KEYS
from assets.resources import OcopStore
from ocop_pipeline.core.quality import CheckOutcome, core_checks


def _result(outcomes: list[CheckOutcome]) -> dg.AssetCheckResult:
    failed = [o for o in outcomes if not o.passed]
    return dg.AssetCheckResult(
        passed=not failed,
        metadata={
            "rules": dg.MetadataValue.md("\n".join(f"- {'ok' if o.passed else 'FAILED'}: {o.description}"
                                                   f" ({o.failing_rows} rows)" for o in outcomes)),
            "failing_rows": sum(o.failing_rows for o in outcomes),
            "sample": dg.MetadataValue.json([{"rule": o.description, "rows": o.sample} for o in failed]),
        },
    )


def _make_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=CORE_KEYS[table], name=f"{table}_integrity", blocking=True,
                    description=f"Keys unique and not null, allowed values, stars 3..5 and references that resolve, on {table}.")
    def _check(store: OcopStore) -> dg.AssetCheckResult:
        with store.connect(read_only=True) as con:
            return _result(core_checks(con)[table])

    return _check


core_integrity_checks = [_make_check(t) for t in CORE_KEYS]
