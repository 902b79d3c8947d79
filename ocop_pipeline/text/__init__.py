"""Vietnamese text: one normalisation, one folding for keys, one charset policy, legacy fonts.

Shared by every package that reads text; depends on nothing else in the pipeline."""
