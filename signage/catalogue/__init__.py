"""The content catalogue: vocabularies, the typed model, its YAML source, the rules, the checker.

``load → validate (rules + rectification advice) → review gate``: everything that decides what a
unit's content says and whether it may be published lives here, in one place per rule.

May import: :mod:`signage.text`. Nothing here knows about MQTT, screens or players.
"""
