"""Published datasets: Parquet and CSV per public table, the data dictionary, the ministry's
monthly extract and its chart report."""
