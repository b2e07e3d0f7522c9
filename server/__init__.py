"""The FastAPI app, settings and the `govgraph` command line."""
