"""Composing answers with citations from retrieved provisions."""
