"""SQLite storage: the one connection owner, migrations and the search index."""
