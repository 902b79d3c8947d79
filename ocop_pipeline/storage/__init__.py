"""The DuckDB store: the schema of every table, opening the one database file, transactions."""
