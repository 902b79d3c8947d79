"""Shared test equipment, imported by the tests and the benchmarks (never by the installed package).

- `rows`: staging rows and documents written straight into a test database
- `workbooks`: small official lists as provinces write them
- `hostile_files`: zip and XML bombs, a million rows, encrypted workbooks, a stray far cell
- `sites`: generated news sites on disk, and a polite client pointed at a local server
- `faults`: the recorded-sites server that misbehaves on request (429, 5xx, hangs, truncation, ...)
- `processes`: a command run in a child process with its wall time and peak memory
- `tables`: a content hash of every table of a database
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # the repository root

# The registry files of the five seed pages' sites (sources/snapshot/sites/README.md); the other
# recorded sites (found by sitemap, feed or links) have their own tests.
SEED_NEWS_SOURCES = ("news_baothanhhoa_vn.yaml", "news_hoabinh_gov_vn.yaml", "news_mylo_namdinh_gov_vn.yaml",
                     "news_thaibinhtv_vn.yaml", "news_vhds_baothanhhoa_vn.yaml")
