"""Benchmarks that print their figures: `python -m assistant.bench` (see `__main__`)."""
