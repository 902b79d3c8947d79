"""One way to write atomically: `with transaction(con):` around the statements that belong together.

BEGIN on entry, COMMIT when the block ends, ROLLBACK when anything escapes it (a DuckDB error, a
Python error, KeyboardInterrupt), the exception then raised again: a build stopped midway leaves
the tables as they were before the block.

Nesting joins. DuckDB has no nested transactions or savepoints, and a second BEGIN does not only
fail: it aborts the transaction already open. So a `transaction(con)` entered while another one of
this helper is open on the same connection sends nothing: its statements are part of the outer
transaction, committed with it, and an error escaping the inner block rolls the whole outer one back
once it reaches the outer block. A function that must be atomic can therefore use the helper and still
be called inside a caller's larger transaction. A transaction opened by hand (`con.execute("BEGIN")`)
is not seen; the pipeline opens none.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

# Connections with a transaction of this helper open. A cursor (`con.cursor()`) is a connection of its
# own, with a transaction of its own: it is a different object here too, as it should be.
_open: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in one transaction: committed whole, or rolled back and the error raised again.
    Inside another `transaction(con)` on the same connection, the block joins that one."""
    if con in _open:
        yield
        return
    con.execute("BEGIN")
    _open.add(con)
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise
    finally:
        _open.discard(con)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # the connection is closed (the transaction went with it) or a failed COMMIT already ended it
