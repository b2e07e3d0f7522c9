"""`make bench`: govgraph against @neo4j/graphql 7 and hand-written Cypher (issue #5)."""
