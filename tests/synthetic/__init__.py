"""The generated city."""
