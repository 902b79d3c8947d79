"""The published data package passes the reference validator (frictionless, pinned in the dev extra),
as researchers' tools will read it: the bundled build, a build with the hostile-value inbox of the
fault tests, and the release folder; and the validator really checks the declared constraints."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from assets.build import run_build
from tests.faults.test_faults import _nasty_inbox
from tests.support import REPO

FRICTIONLESS = REPO / ".venv" / "bin" / "frictionless"
pytestmark = pytest.mark.slow


def validate(descriptor: Path) -> dict:
    """frictionless validate --json on a datapackage.json: its report."""
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", descriptor.name], cwd=descriptor.parent,
                          capture_output=True, text=True, timeout=300, check=False)
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise AssertionError(f"frictionless gave no report: {done.stderr[-2000:]}") from None


def _errors(report: dict) -> list[tuple[str, str, str]]:
    return [(task["name"], e["type"], e.get("message", "")) for task in report["tasks"] for e in task["errors"]]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("bundled") / "data"
    summary = run_build(data_dir=data, inbox_dir=data / "inbox")
    assert summary["success"], summary["failures"]
    return data / "publish"


def test_the_bundled_build_and_its_release_validate(bundled):
    for descriptor in (bundled / "datapackage.json", bundled / "latest" / "datapackage.json"):
        report = validate(descriptor)
        assert report["valid"], _errors(report)
        names = {task["name"] for task in report["tasks"]}
        assert {"products", "ratings", "subjects", "news_facts"} <= names
        resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
        assert all(r["profile"] == "tabular-data-resource" for r in resources)


def test_a_build_with_the_faults_inbox_validates(tmp_path):
    inbox = tmp_path / "inbox"
    _nasty_inbox(inbox)  # SQL and formulas in product and subject names, a hostile file name
    summary = run_build(data_dir=tmp_path / "data", inbox_dir=inbox)
    assert summary["success"], summary["failures"]
    report = validate(tmp_path / "data" / "publish" / "datapackage.json")
    assert report["valid"], _errors(report)


def test_the_validator_checks_stars_status_keys_and_hashes(bundled, tmp_path):
    """A copy of the package with one bad product row: each declared constraint is reported."""
    copy = tmp_path / "package"
    shutil.copytree(bundled, copy, ignore=shutil.ignore_patterns("releases", "latest", "extracts"))
    path = copy / "csv" / "products.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, first, second = rows[0], rows[1], rows[2]
    first[header.index("current_stars")] = "2"
    first[header.index("status")] = "lost"
    first[header.index("subject_id")] = "no-such-subject"
    second[header.index("product_id")] = first[header.index("product_id")]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.chmod(0o644)  # release files are read-only (a hard link shares the mode)
    path.write_text(out.getvalue(), encoding="utf-8-sig")

    report = validate(copy / "datapackage.json")
    assert not report["valid"]
    products = [(kind, message) for name, kind, message in _errors(report) if name == "products"]
    kinds = {kind for kind, _ in products}
    assert {"constraint-error", "primary-key", "foreign-key", "hash-count"} <= kinds, products
    messages = " ".join(m for _, m in products)
    assert 'constraint "minimum" is "3"' in messages and "constraint \"enum\"" in messages
