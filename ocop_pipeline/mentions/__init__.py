"""Mentions: which products and producers a news article names."""
