"""The core tables (subjects, products, ratings) built from staging, the rules they follow
(regimes, validity, status), researchers' views, quality checks and reconciliation with the news."""
