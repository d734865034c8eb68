"""fscai: the machine-readable compliance map of the FSC AI guideline for the financial industry."""

__version__ = "0.1.0"
