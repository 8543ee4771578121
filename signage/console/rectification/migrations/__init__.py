"""The rectification app's database schema, as Django's makemigrations wrote it (never edited by hand)."""
