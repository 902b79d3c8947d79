"""Entities: matching keys and stable ids, subject kinds, and which spellings are one producer
or one product."""
