"""Who is asking and what they may see: the principal, scope predicates, personal data."""
