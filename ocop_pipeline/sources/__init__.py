"""The source registry: one YAML file per news site or spreadsheet feed in the top-level `sources/`."""
