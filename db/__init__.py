"""Schema migrations (append-only) and the current schema snapshot."""
