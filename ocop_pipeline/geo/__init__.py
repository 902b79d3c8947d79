"""Places: provinces, districts and communes of both geographies (before and after 1 July 2025),
and addresses read into them."""
