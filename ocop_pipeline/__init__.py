"""OCOP national database: pure, Dagster-free core of the pipeline."""
