"""Cases and their histories."""
