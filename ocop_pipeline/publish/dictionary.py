"""The data dictionary as Markdown, generated from `schema.py` (docs/data_dictionary.md)."""

from __future__ import annotations

from ocop_pipeline.storage.schema import ALL_TABLES

_LAYERS = ("core", "evidence", "reference", "raw", "staging")
_FIRST = ("subjects", "products", "ratings")  # what researchers query most


def data_dictionary_markdown() -> str:
    """Every table and column with type and description, core tables first."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `ocop_pipeline/storage/schema.py` by `python -m ocop_pipeline.publish.dictionary`; a test keeps it",
        "in step. The same descriptions are in `data/publish/datapackage.json`. Keys marked **key**; columns",
        "never null marked *required*.",
        "",
    ]
    ordered = sorted(ALL_TABLES, key=lambda t: (t.name not in _FIRST, _FIRST.index(t.name) if t.name in _FIRST else 0,
                                                _LAYERS.index(t.layer) if t.layer in _LAYERS else 99, t.name))
    for table in ordered:
        published = "published" if table.published else "in the database only"
        lines += [f"## `{table.name}` ({table.layer}, {published})", "", table.description, "",
                  "| column | type | description |", "|---|---|---|"]
        for column in table.columns:
            marks = []
            if column.name in table.primary_key:
                marks.append("**key**")
            if column.required:
                marks.append("*required*")
            suffix = f" ({', '.join(marks)})" if marks else ""
            lines.append(f"| `{column.name}` | {column.sql_type} | {column.description.replace('|', '/')}{suffix} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(data_dictionary_markdown(), end="")
