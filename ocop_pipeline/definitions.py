"""The Dagster code location (workspace.yaml and `dg` point here).

Lazy: the definitions are built when Dagster loads the location, and building them reads no file
and opens no connection.
"""

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    from assets import build_definitions

    return build_definitions()
