"""Resources: where the data lives and how to open the one DuckDB file; the pool, retry policy and
domain tag every asset module shares."""


from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from ocop_pipeline.runtime import progress
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.build_lock import build_lock
from ocop_pipeline.storage.store import connect, ensure_schema

# Every asset that writes DuckDB runs in this pool. DuckDB allows one writing process, so the pool
# has one slot (dagster.yaml: concurrency.pools.default_limit = 1): a backfill queues instead of
# meeting the file lock.
DUCKDB_POOL = "duckdb_writer"

# Steps that reach outside the machine (news sites, a shared inbox on a network drive) retry with
# exponential backoff and jitter (about 5 s, 10 s, 20 s): a timeout or a held DuckDB lock often
# clears on its own, a parse error does not, so parsing steps get no retries.
NETWORK_RETRY = dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)

# Every asset carries the domain it belongs to (the assets/ module, the ocop_pipeline/ package), as a
# tag: groups are the layers (raw, staging, core, publish, reference), so a job for one domain across
# layers, such as the news crawl, selects by this tag rather than by names.
DOMAIN_TAG = "ocop/domain"


class OcopStore(dg.ConfigurableResource):
    """The data folder (DuckDB file, raw bytes, published files), the inbox and the source registry.

    Empty values fall back, at run time, to OCOP_DATA_DIR / OCOP_INBOX / OCOP_SOURCES_DIR and then to
    data/, data/inbox/ and the repository's sources/.
    """

    data_dir: str = ""
    inbox_dir: str = ""
    sources_dir: str = ""
    # "snapshot": crawl the recorded sites, answered in process (default, offline); "snapshot-http": the
    # same recordings served on 127.0.0.1 and fetched over sockets; "live": the real sites.
    news_mode: str = "snapshot"
    # How long a run waits for another build of the same data folder to finish before it fails.
    build_lock_wait_seconds: float = 1800.0
    _held: ExitStack | None = PrivateAttr(default=None)
    _run_con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """A run holds the data folder's build lock (`<data>/.build.lock`, as `ocop build` does) from
        its first step to its last, so runs from the UI, a schedule, the sensor and the command line
        never interleave their writes; it waits for a running build, then fails naming it. Sensor
        evaluations (no run) only read and take no lock."""
        if context.run is None:
            return
        stack = ExitStack()
        stack.enter_context(build_lock(self.paths().data_dir, wait=self.build_lock_wait_seconds))
        self._held = stack

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_con is not None:  # before the lock goes: the last checkpoint is part of the run
            self._run_con.close()
            self._run_con = None
        if self._held is not None:
            self._held.close()
            self._held = None

    def paths(self) -> Paths:
        return Paths.resolve(self.data_dir or None, self.inbox_dir or None, self.sources_dir or None)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the database. Within a run (which holds the build lock, so no one else
        writes) every step gets a cursor of one connection opened once for the run: opening the file
        and checkpointing it on close cost about 50 ms a step, a second in all on the national corpus.
        Outside a run, a connection of its own (read-only when asked)."""
        if self._held is not None:
            if self._run_con is None:
                self._run_con = connect(self.paths().db_path)
                ensure_schema(self._run_con)
            cursor = self._run_con.cursor()
            try:
                yield cursor
            finally:
                cursor.close()  # a transaction a failed step left open is rolled back here
            return
        con = connect(self.paths().db_path, read_only=read_only)
        try:
            if not read_only:
                ensure_schema(con)
            yield con
        finally:
            con.close()


@contextmanager
def step_progress(context: dg.AssetExecutionContext) -> Iterator[None]:
    """The step's long loops (pages crawled and extracted, files read, subjects resolved, articles
    matched) logged to the run log every few seconds while they run, not only in the step's result."""
    with progress.reporting(progress.LogReporter(context.log.info)):
        yield
