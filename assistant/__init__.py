"""Koperasi regulation & programme assistant."""

__version__ = "0.1.0"
