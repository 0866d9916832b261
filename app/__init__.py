"""Achats Durables: responsible public purchasing for small French towns."""

__version__ = "0.1.0"
