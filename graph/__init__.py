"""The only layer that holds Cypher or touches the Neo4j driver (DESIGN §1)."""
