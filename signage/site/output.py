"""Writing the site into its folder incrementally and atomically.

Each file is written through a temporary file and a rename (a visitor gets the old page or the
new one, never half of one) and only when its bytes changed: a manifest of digests remembers what
is there, so an unchanged page costs no read. Files are written as they are rendered (memory stays
bounded whatever the catalogue's size): a unit's item pages before the lists linking to them, the
county pages after every unit, and files no longer in the site are removed last, so no link ever
points at a missing page.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from signage.contract.files import atomic_write

MANIFEST = ".site-manifest.json"
DURABLE_UP_TO = 200  # fsync each of the first files; beyond that, one sync at the end


@dataclass(slots=True)
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    bytes_written: int = 0
    files: int = 0
    total_bytes: int = 0


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SiteWriter:
    """One pass over the site: ``put`` each file (written if changed), ``keep`` files known
    unchanged, then ``finish`` (manifest, removals). ``verify`` also rewrites a file the manifest
    lists but someone deleted (one stat per file: for one-shot builds, not the serve loop)."""

    def __init__(self, out: Path, *, verify: bool) -> None:
        self.out = out
        self.verify = verify
        out.mkdir(parents=True, exist_ok=True)
        self.old = _read_manifest(out)
        self.digests: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.report = WriteReport()

    def put(self, path: str, data: bytes) -> str:
        found = digest(data)
        self.digests[path], self.sizes[path] = found, len(data)
        if self.old.get(path) != found or (self.verify and not (self.out / path).exists()):
            durable = len(self.report.written) < DURABLE_UP_TO
            atomic_write(self.out / path, data, durable=durable)
            self.report.written.append(path)
            self.report.bytes_written += len(data)
        return found

    def keep(self, path: str, known: str, size: int) -> bool:
        """Record an unchanged file; False when it must be rendered again (missing, or the
        folder holds another version)."""
        if self.old.get(path) != known or (self.verify and not (self.out / path).exists()):
            return False
        self.digests[path], self.sizes[path] = known, size
        return True

    def finish(self) -> WriteReport:
        if len(self.report.written) > DURABLE_UP_TO:
            os.sync()
        atomic_write(self.out / MANIFEST, json.dumps(self.digests, sort_keys=True).encode("utf-8"))
        for path in sorted(set(self.old) - set(self.digests)):
            target = self.out / path
            if target.is_file():
                target.unlink()
                self.report.removed.append(path)
        self.report.files = len(self.digests)
        self.report.total_bytes = sum(self.sizes.values())
        return self.report


def _read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
