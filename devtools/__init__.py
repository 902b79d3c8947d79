"""Development tools kept out of the installed package: generators of test spreadsheets."""
