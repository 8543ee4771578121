"""The player's offline cache: verified objects plus a pointer to the version on screen.

Objects are written before the pointer, each atomically, so whatever moment the process dies
at, the pointer names a version whose objects are all on disk: a restart without network shows
the last good content at once.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from players.plan import Incomplete, Plan, Resolver, resolve
from signage.contract.files import atomic_write
from signage.contract.keys import TrustedKeys
from signage.contract.objectstore import ObjectStore
from signage.contract.wire import Manifest, WireError, decode_manifest

log = logging.getLogger(__name__)
POINTER = "current.json"
GC_MIN_GROWTH = 64  # objects the store may gain over the version's before a clean-up


class PlayerCache:
    def __init__(self, folder: Path,
                 choose_fields: Callable[[dict[str, Any]], frozenset[str] | None] | None = None) -> None:
        self.folder = folder
        self.choose_fields = choose_fields  # see Resolver.choose_fields
        # Objects are written without an fsync each; commit() flushes them together, before
        # the pointer that names them is written.
        self.store = ObjectStore(folder / "objects", durable=False)
        self.store.remove_leftovers()
        self.resolver = self._resolver()
        self._clean_size = len(self.store)  # objects right after the last clean-up

    def _resolver(self) -> Resolver:
        resolver = Resolver(self.store)
        resolver.choose_fields = self.choose_fields
        return resolver

    def load(self, trusted: TrustedKeys, screen: str) -> tuple[Manifest, Plan] | None:
        """The cached version, verified again from disk (signature and every hash), or None."""
        self.resolver = self._resolver()
        try:
            pointer = json.loads((self.folder / POINTER).read_text("utf-8"))
            manifest = decode_manifest(base64.b64decode(pointer["manifest"]), trusted, screen)
            return manifest, resolve(self.resolver, manifest.plan, manifest.version)
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, WireError, Incomplete) as exc:
            log.warning("%s: cached version unusable (%s); waiting for the broker", screen, exc)
            return None

    def commit(self, manifest: Manifest, plan: Plan) -> None:
        """Make ``manifest`` the cached version: its objects (stored, or remembered by the
        resolver) are flushed to disk before the pointer that names them is replaced.

        Objects no version uses any more are removed once the store has grown by a quarter
        (and GC_MIN_GROWTH) since the last clean-up, not at every version: a clean-up walks
        the whole plan, and a one-item edit should cost what it changed (bench/player.py).
        Disk and memory stay within 1.25× of the version's own, plus a little."""
        pointer = {"manifest": base64.b64encode(manifest.payload).decode("ascii"),
                   "version": manifest.version, "plan": manifest.plan}
        for object_id, payload in self.resolver.unwritten.items():
            self.store.put(object_id, payload)  # verified inline objects of a signed manifest
        self.resolver.unwritten.clear()
        self.store.flush()
        atomic_write(self.folder / POINTER, json.dumps(pointer).encode("utf-8"))
        if len(self.store) > self._clean_size + max(GC_MIN_GROWTH, self._clean_size // 4):
            self.clean(plan)

    def clean(self, plan: Plan) -> None:
        """Remove every object ``plan`` does not use, from disk and from memory."""
        self.store.keep_only(plan.object_ids)
        self.resolver.forget_except(plan.object_ids)
        self._clean_size = len(self.store)
