"""How work runs and is kept: worker processes for parsing, fingerprints of the code behind kept
results."""
