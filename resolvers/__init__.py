"""GraphQL arguments turned into calls of `graph/` and `loaders/`, checked on the way."""
