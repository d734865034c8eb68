"""One module per ``fscai`` verb; :mod:`mapper.cli` gathers them."""
