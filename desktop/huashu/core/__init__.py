"""Pure-Python domain logic: never imports Qt or touches SQLite directly."""
