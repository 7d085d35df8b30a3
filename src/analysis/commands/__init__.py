"""One module per ``ecoplan`` sub-command (see :mod:`analysis.cli`)."""
