"""Players: one runtime (sync, verify, cache, report) under several renderers."""
