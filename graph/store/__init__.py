"""The database itself: migrations and the local Neo4j server."""
