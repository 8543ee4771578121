"""索引号: the index number every disclosed record carries in the 主动公开目录.

Scheme (docs/SITE.md): ``<unit prefix>-<class>-<year>-<serial>``

- unit prefix: the unit's ``code_prefix`` (e.g. ``RSJ``), else its id in capitals;
- class: ``QL`` for a power item (行政权力), ``XX`` for government information (政府信息);
- year: a notice's 成文日期 year; ``0000`` for power items (they are standing lists, not dated);
- serial: 8 digits from the SHA-256 of the record's identity (unit id, class, item code or 文号),
  so the number depends on nothing but the record itself: stable across builds and machines,
  unchanged when other records are added or removed. Should two records of a unit draw the same
  number, the one whose key sorts later takes the next salted digest (``#1``, ``#2`` …).
"""

from __future__ import annotations

import hashlib

POWER, NOTICE = "QL", "XX"


def index_number(prefix: str, cls: str, year: int | None, unit_id: str, key: str, salt: int = 0) -> str:
    identity = f"{unit_id}\x00{cls}\x00{key}" + (f"#{salt}" if salt else "")
    serial = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big") % 100_000_000
    return f"{prefix}-{cls}-{year or 0:04d}-{serial:08d}"


def assign(prefix: str, unit_id: str, records: list[tuple[str, int | None, str]]) -> dict[str, str]:
    """Index numbers for a unit's (class, year, key) records, by key; collisions resolved."""
    taken: set[str] = set()
    numbers: dict[str, str] = {}
    for cls, year, key in sorted(records, key=lambda r: (r[0], r[2])):
        salt = 0
        number = index_number(prefix, cls, year, unit_id, key)
        while number in taken:
            salt += 1
            number = index_number(prefix, cls, year, unit_id, key, salt)
        taken.add(number)
        numbers[f"{cls}/{key}"] = number
    return numbers
