"""Finding the provisions that answer a question."""
