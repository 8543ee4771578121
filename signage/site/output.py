"""Writing the site into its folder incrementally and atomically.

Each file is written through a temporary file and a rename (a visitor gets the old page or the
new one, never half of one) and only when its bytes changed (a manifest of digests remembers what
is there, so an unchanged page costs no read). New pages go first, then the pages linking to them,
and files no longer in the site are removed last: no link ever points at a missing page.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from signage.contract.files import atomic_write

MANIFEST = ".site-manifest.json"
DURABLE_UP_TO = 200  # fsync each file for small rebuilds; a full build syncs once at the end


@dataclass(slots=True)
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    bytes_written: int = 0
    files: int = 0
    total_bytes: int = 0


def write_site(out: Path, files: dict[str, bytes], order: list[str]) -> WriteReport:
    """Make ``out`` hold exactly ``files`` (site path → bytes); ``order`` lists paths to write
    first (leaf pages), the rest follow."""
    out.mkdir(parents=True, exist_ok=True)
    old = _read_manifest(out)
    digests = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    changed = [
        p for p in dict.fromkeys([*order, *files]) if old.get(p) != digests[p] or not (out / p).exists()
    ]
    durable = len(changed) <= DURABLE_UP_TO
    report = WriteReport(files=len(files), total_bytes=sum(map(len, files.values())))
    for path in changed:
        atomic_write(out / path, files[path], durable=durable)
        report.written.append(path)
        report.bytes_written += len(files[path])
    if not durable:
        os.sync()
    atomic_write(out / MANIFEST, json.dumps(digests, sort_keys=True).encode("utf-8"))
    for path in sorted(set(old) - set(files)):
        target = out / path
        if target.is_file():
            target.unlink()
            report.removed.append(path)
    return report


def _read_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
