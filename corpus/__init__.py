"""Layer 1: documents in, plain records out."""

__version__ = "0.1.0"
