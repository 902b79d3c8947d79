"""Dagster layer: asset definitions by layer, checks, schedules, sensors and resources."""
