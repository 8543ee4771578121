"""A content-addressed folder of objects, written so that a crash never leaves a torn file.

Used by the publisher (last good objects) and by players (their offline cache). Every write
goes to a temporary file that is fsynced and renamed into place; the folder is fsynced too, so
after a power cut an object is either wholly there or absent. Reads verify the hash.
One process owns a store: it keeps the set of present ids in memory to save a stat per lookup.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from signage.contract.files import atomic_write, fsync_path
from signage.contract.topics import OBJECT_ID
from signage.contract.wire import digest

BULK_SYNC_THRESHOLD = 256  # more unsynced files than this: one os.sync() beats many fsyncs


class ObjectStore:
    def __init__(self, folder: Path, *, durable: bool = True) -> None:
        self.folder = folder
        self.durable = durable  # False: the caller runs flush() before relying on the writes
        folder.mkdir(parents=True, exist_ok=True)
        self._present: set[str] = set(self._scan())  # saves a stat per lookup
        self._unsynced: list[Path] = []

    def _path(self, object_id: str) -> Path:
        """The object's file; only a SHA-256 hex id names one, so no id leads out of the folder."""
        if OBJECT_ID.fullmatch(object_id) is None:
            raise ValueError(f"{object_id[:80]!r} is not an object id (64 hex digits)")
        return self.folder / object_id[:2] / object_id

    def __contains__(self, object_id: str) -> bool:
        return object_id in self._present

    def __len__(self) -> int:
        return len(self._present)

    def put(self, object_id: str, payload: bytes, *, verified: bool = False) -> None:
        """Store ``payload``; ``verified``: the caller has just checked its hash (saves one)."""
        self._path(object_id)  # refuses what is not an object id
        if not verified and digest(payload) != object_id:
            raise ValueError(f"payload does not hash to {object_id[:12]}")
        if object_id not in self._present:
            path = self._path(object_id)
            atomic_write(path, payload, durable=self.durable)
            self._present.add(object_id)
            if not self.durable:
                self._unsynced.append(path)

    def flush(self) -> None:
        """Make every object written since the last flush durable (the files and folders)."""
        written, self._unsynced = self._unsynced, []
        if len(written) > BULK_SYNC_THRESHOLD:
            os.sync()
            return
        for path in written:
            with contextlib.suppress(FileNotFoundError):
                fsync_path(path)
        for folder in {path.parent for path in written}:
            fsync_path(folder)

    def get(self, object_id: str) -> bytes | None:
        """The payload, or None if absent or damaged (a damaged file is removed)."""
        if object_id not in self._present:
            return None
        path = self._path(object_id)
        try:
            payload = path.read_bytes()
        except FileNotFoundError:
            self._present.discard(object_id)
            return None
        if digest(payload) != object_id:
            path.unlink(missing_ok=True)
            self._present.discard(object_id)
            return None
        return payload

    def _scan(self) -> Iterator[str]:
        for sub in self.folder.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                for path in sub.iterdir():
                    if OBJECT_ID.fullmatch(path.name):
                        yield path.name

    def keep_only(self, keep: Iterable[str]) -> int:
        """Delete every object not in ``keep``; returns how many were removed."""
        gone = self._present - (keep if isinstance(keep, set | frozenset) else set(keep))
        for object_id in gone:
            self._path(object_id).unlink(missing_ok=True)
        self._present -= gone
        return len(gone)

    def remove_leftovers(self) -> None:
        """Delete temporary files a crash mid-write left behind (run at start-up)."""
        for leftover in self.folder.glob("*/.*.tmp"):
            leftover.unlink(missing_ok=True)
