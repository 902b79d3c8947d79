"""The data dictionary as Markdown, generated from `schema.py` (docs/data_dictionary.md)."""

from __future__ import annotations

from ocop_pipeline.storage.schema import ALL_TABLES, BOOKKEEPING_TABLES, Table

_LAYERS = ("core", "evidence", "reference", "raw", "staging")
_FIRST = ("subjects", "products", "ratings")  # what researchers query most


def data_dictionary_markdown() -> str:
    """Every table and column with type and description, core tables first; the build's bookkeeping
    tables last, apart, marked internal."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `ocop_pipeline/storage/schema.py` by `python -m ocop_pipeline.publish.dictionary`; a test keeps it",
        "in step. The same descriptions are in `data/publish/datapackage.json` (and each release's). Keys marked **key**; columns",
        "never null marked *required*; allowed values, ranges and references (→ table.column) as the",
        "datapackage declares them, so the Frictionless validator checks them too.",
        "",
    ]
    ordered = sorted(ALL_TABLES, key=lambda t: (t.name not in _FIRST, _FIRST.index(t.name) if t.name in _FIRST else 0,
                                                _LAYERS.index(t.layer) if t.layer in _LAYERS else 99, t.name))
    for table in ordered:
        published = "published" if table.published else "in the database only"
        lines += [f"## `{table.name}` ({table.layer}, {published})", ""] + _table_lines(table)
    lines += RELEASE_LINES
    lines += [
        "## Bookkeeping (internal)",
        "",
        "The build's own record of what it last read, so that the next build can skip work. Not part of the",
        "dataset: not published, columns free to change in any version; deleting one only makes the next",
        "build do that work again.",
        "",
    ]
    for table in BOOKKEEPING_TABLES:
        lines += [f"### `{table.name}`", ""] + _table_lines(table)
    return "\n".join(lines)


# The files of a release folder beside the tables (ocop_pipeline/publish/releases.py).
RELEASE_LINES = [
    "## Release files (`data/publish/releases/<YYYYMMDD[-N]>/`)",
    "",
    "Each release holds the published tables above (`parquet/`, `csv/`) and `ocop.duckdb` (the same",
    "tables with the views), plus:",
    "",
    "| file | key | what |",
    "|---|---|---|",
    "| `datapackage.json` | `version` | the release's name |",
    ("| | `release.name`, `release.previous` | this release, and the one its changes are counted from (null for "
    "the first, or when every earlier one was damaged) |"),
    "| | `release.created` | when it was written (UTC) |",
    "| | `release.products` | counts of products new, upgraded, downgraded, expired, revoked since `previous` |",
    ("| | `release.files` | `path -> sha256:<hex>` of every other file of the folder: what `ocop releases` "
    "checks |"),
    "| `changes.json` | `from`, `to` | the two releases compared |",
    "| | `tables.<table>` | `rows` (in `to`), `added`, `removed`, `changed` (rows by primary key) |",
    ("| | `products.<kind>` | kind: new, upgraded, downgraded, expired, revoked; `count`, and up to 50 "
    "`examples` (product_id, name, province, stars_before, stars, status_before, status) |"),
    "| `CHANGES.md` | | the same in short, in Vietnamese and English |",
    "",
]


def _table_lines(table: Table) -> list[str]:
    """A table's description and its columns as a Markdown table."""
    lines = [table.description, "", "| column | type | description |", "|---|---|---|"]
    for column in table.columns:
        marks = []
        if column.name in table.primary_key:
            marks.append("**key**")
        if column.required:
            marks.append("*required*")
        if column.enum:
            marks.append("one of " + ", ".join(f"`{v}`" for v in column.enum))
        if column.minimum is not None or column.maximum is not None:
            marks.append(f"{column.minimum}..{column.maximum}")
        marks += [f"→ `{fk.reference}.{', '.join(fk.reference_fields)}`" for fk in table.foreign_keys
                  if fk.fields == (column.name,)]
        suffix = f" ({', '.join(marks)})" if marks else ""
        lines.append(f"| `{column.name}` | {column.sql_type} | {column.description.replace('|', '/')}{suffix} |")
    lines.append("")
    return lines


if __name__ == "__main__":
    print(data_dictionary_markdown(), end="")
