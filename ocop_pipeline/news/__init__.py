"""News pages: the text of a page without its boilerplate, the OCOP facts in it, their staging."""
