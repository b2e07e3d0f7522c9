"""Access control and personal data."""
