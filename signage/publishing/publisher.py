"""The publisher: check the catalogue, plan every screen, push what changed, clean up after.

One publish is: check → plan (signage.publishing.plans) → publish objects the broker lacks (retained,
QoS 1, waiting for every PUBACK) → publish a signed manifest with a higher version for each
screen whose plan changed → persist state → clear retained objects no plan has referenced for
the grace period. On start the publisher takes an inventory of what the broker already retains,
so a restart publishes nothing new when nothing changed (no duplicate versions) and a broker
that lost its data is refilled.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.catalogue.checking import Checker, CheckResult
from signage.contract import wire
from signage.contract.connection import BrokerAccess, Connection, Will
from signage.contract.files import atomic_write
from signage.contract.keys import KEYRING_FILE, PRIVATE_KEY_FILE, SigningKey, load_signing_key
from signage.contract.objectstore import ObjectStore
from signage.contract.topics import Topics
from signage.publishing.plans import FleetBuild, Planner, Record, record_from_json, record_to_json
from signage.publishing.screens import ScreenSet, load_screens

log = logging.getLogger(__name__)
STATE_FILE = "publisher-state.json"
PUBLICATION_LOG = "publications.jsonl"
EVENT_LOG = "events.jsonl"


@dataclass(slots=True)
class PublisherState:
    """What survives a publisher restart (the broker's retained data is the other half)."""

    last_version: int = 0
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)  # screen → version, plan
    last_good: dict[str, Record] = field(default_factory=dict)
    unreferenced_since: dict[str, float] = field(default_factory=dict)  # object id → time

    @classmethod
    def load(cls, path: Path) -> PublisherState:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("%s unreadable (%s); starting from the broker's inventory", path, exc)
            return cls()
        return cls(int(data.get("last_version", 0)), dict(data.get("manifests", {})),
                   {k: record_from_json(v) for k, v in data.get("last_good", {}).items()},
                   dict(data.get("unreferenced_since", {})))

    def save(self, path: Path) -> None:
        data = {"last_version": self.last_version, "manifests": self.manifests,
                "last_good": {k: record_to_json(v) for k, v in self.last_good.items()},
                "unreferenced_since": self.unreferenced_since}
        atomic_write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


@dataclass(slots=True)
class PublishReport:
    """What one publish did, for the terminal and the publication log."""

    versions: dict[str, int] = field(default_factory=dict)  # screens that got a new version
    objects_sent: int = 0
    bytes_sent: int = 0
    sent_ids: list[str] = field(default_factory=list)
    manifests_at: float = 0.0  # wall-clock time the first manifest went out
    cleared: int = 0
    errors: int = 0
    held_back: list[tuple[str, str, str]] = field(default_factory=list)
    check: CheckResult | None = None


class Publisher:
    def __init__(self, content_dir: Path, screens_path: Path, broker_url: str | BrokerAccess, data_dir: Path,
                 *, topics: Topics | None = None, grace_seconds: float = 600.0,
                 ca_file: str | None = None, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.content_dir, self.screens_path, self.data_dir = content_dir, screens_path, data_dir
        self.today = today  # the day content is checked and planned for (tests give a fixed one)
        self.topics = topics or Topics()
        self.grace_seconds = grace_seconds
        self.key: SigningKey = load_signing_key(data_dir)
        self.store = ObjectStore(data_dir / "objects")
        self.state = PublisherState.load(data_dir / STATE_FILE)
        self.checker = Checker(content_dir)  # re-reads only what changed
        self.planner = Planner()
        self.uses: dict[str, frozenset[str]] = {}  # screen → objects of its last version
        self.retained: set[str] = set()  # object ids the broker holds
        self.retained_manifests: dict[str, dict[str, Any]] = {}
        self.retained_keyring = b""  # the key ring statement the broker holds
        self._key_stamp: tuple[int, int] | None = None  # key files' mtimes when last read
        self.dirty = threading.Event()  # set when content, layouts or the broker changed
        self.synced = threading.Event()  # the broker's inventory is complete
        self._lock = threading.Lock()
        self._inventory: set[str] = set()
        self._inventory_manifests: dict[str, dict[str, Any]] = {}
        self._sync_topic = f"{self.topics.root}/publisher/sync"
        self.connection = Connection(
            broker_url, "signage-publisher", ca_file=ca_file,
            will=Will(self.topics.publisher_presence, wire.encode_presence("publisher", False)),
            on_connect=self._on_connect,
            on_disconnect=lambda _: self.synced.clear())
        self._inbox = threading.Thread(target=self._consume, name="publisher-inbox", daemon=True)
        self.serve_thread: threading.Thread | None = None  # the watch loop, when serving

    def health_checks(self) -> dict[str, Any]:
        """For the service watchdog: the threads that must be alive while serving (the watch
        loop sleeps until midnight when nothing changes, so only liveness can be checked)."""
        checks: dict[str, Any] = {"inbox": self._inbox.is_alive,
                                  "mqtt link": self.connection.running}
        if self.serve_thread is not None:
            checks["publish loop"] = self.serve_thread.is_alive
        return checks

    # --- connection and inventory --------------------------------------------------------

    def start(self, timeout: float = 15.0) -> None:
        """Connect and wait for the broker's inventory of retained objects and manifests."""
        self.connection.start()
        self._inbox.start()
        if not self.connection.wait_connected(timeout):
            raise ConnectionError(f"cannot reach the broker at {self.connection.address}")
        if not self.synced.wait(timeout):
            raise TimeoutError("the broker's inventory did not complete")

    def _on_connect(self, connection: Connection) -> None:
        """Every (re)connect takes a fresh inventory: the broker may have lost its data."""
        self.synced.clear()
        self._inventory, self._inventory_manifests = set(), {}
        self.retained_keyring, self._key_stamp = b"", None  # the inventory says what it holds
        connection.publish(self.topics.publisher_presence, wire.encode_presence("publisher", True),
                           retain=True)
        connection.subscribe([self.topics.all_screens("event"), self.topics.all_objects,
                              self.topics.all_screens("manifest"), self.topics.keys,
                              self._sync_topic])
        # Retained messages are queued for us when the subscription is made; a message we
        # publish now arrives after them, so its arrival means the inventory is whole.
        connection.publish(self._sync_topic, b"sync", qos=1)

    def _consume(self) -> None:
        while True:
            message = self.connection.inbox.get()
            try:
                self._handle(message.topic, message.payload)
            except Exception:
                log.exception("publisher: cannot handle %s", message.topic)

    def _handle(self, topic: str, payload: bytes) -> None:
        if topic == self._sync_topic:
            self.connection.unsubscribe([self.topics.all_objects])
            with self._lock:
                self.retained = self._inventory
                self.retained_manifests = self._inventory_manifests
            self.synced.set()
            self.dirty.set()  # publish whatever the broker lacks
            return
        kind, key = self.topics.parse(topic)
        if kind == "obj":
            (self._inventory.add if payload else self._inventory.discard)(key)
        elif kind == "manifest" and payload:
            try:
                body = json.loads(payload)
                self._inventory_manifests[key] = {"version": int(body["version"]),
                                                  "plan": str(body["plan"]),
                                                  "key": str(body.get("key"))}
            except (ValueError, KeyError, TypeError):
                log.warning("unreadable retained manifest for %s", key)
        elif kind == "keys":
            self.retained_keyring = payload
        elif kind == "event":
            with (self.data_dir / EVENT_LOG).open("ab") as handle:
                handle.write(payload.replace(b"\n", b" ") + b"\n")

    # --- one publish ---------------------------------------------------------------------

    def publish(self, today: dt.date | None = None) -> PublishReport:
        """Check, plan and push; safe to call again at any time (idempotent)."""
        with self._lock:
            report = PublishReport()
            today = today or self.today()
            check = self.checker.check(today)
            report.check = check
            report.errors = check.errors
            screens: ScreenSet = load_screens(self.screens_path)
            build = self.planner.build(check, screens, today, self.state.last_good,
                                       self.store.get)
            report.held_back = [(h.unit, h.key, h.reason) for h in build.held_back]
            self._send_keyring()
            self._send_objects(build, report)
            self._send_manifests(build, report)
            self.state.last_good = dict(build.records)
            self._collect_garbage(build, report)
            self.state.save(self.data_dir / STATE_FILE)
            self._log_publication(report, build)
            return report

    def _last_good_ids(self) -> set[str]:
        return {oid for r in self.state.last_good.values() for oid in (r.ref, *r.deps)}

    def _send_keyring(self) -> None:
        """After `signage keys rotate`: sign with the new key from now on, and publish the key
        ring statement (retained) before any manifest signed by it, so players learn the key
        first."""
        stamp = _stamp(self.data_dir / PRIVATE_KEY_FILE), _stamp(self.data_dir / KEYRING_FILE)
        if stamp == self._key_stamp:
            return  # no rotation since the last look (two stats instead of reading the keys)
        self._key_stamp = stamp
        current = load_signing_key(self.data_dir)
        if current.id != self.key.id:
            self.key = current
            log.info("publisher: signing with the rotated key %s", self.key.id)
        try:
            payload = (self.data_dir / KEYRING_FILE).read_bytes()
        except FileNotFoundError:
            return
        if payload != self.retained_keyring:
            _wait_all([self.connection.publish(self.topics.keys, payload, retain=True)])
            self.retained_keyring = payload

    def _send_objects(self, build: FleetBuild, report: PublishReport) -> None:
        pending = []
        for object_id, payload in build.objects.items():
            self.store.put(object_id, payload)
            if object_id in self.retained:
                continue
            pending.append(self.connection.publish(self.topics.object(object_id), payload,
                                                   retain=True))
            report.objects_sent += 1
            report.bytes_sent += len(payload)
            report.sent_ids.append(object_id)
            self.retained.add(object_id)
        _wait_all(pending)  # every object is on the broker before any manifest names it

    def _send_manifests(self, build: FleetBuild, report: PublishReport) -> None:
        """A new signed manifest for each screen whose plan changed. All are encoded first and
        then sent in one burst, so the last screen does not wait for the others' signing."""
        known = max([self.state.last_version,
                     *(m["version"] for m in self.retained_manifests.values())], default=0)
        outgoing: list[tuple[str, bytes]] = []
        for screen, plan in build.roots.items():
            current = self.retained_manifests.get(screen) or self.state.manifests.get(screen)
            if current and current["plan"] == plan and screen in self.retained_manifests \
                    and current.get("key", self.key.id) == self.key.id:
                continue  # unchanged (a manifest signed by a rotated-out key is issued again)
            known += 1
            previous = self.uses.get(screen)
            fresh = sorted(build.uses[screen] - previous) if previous is not None else []
            outgoing.append((screen, wire.encode_manifest(
                screen, known, plan, self.key, prefetch=fresh,
                inline={o: build.objects[o] for o in fresh[:16]})))
            report.versions[screen] = known
            entry = {"version": known, "plan": plan, "key": self.key.id}
            self.state.manifests[screen] = self.retained_manifests[screen] = entry
        report.manifests_at = time.time()
        pending = [self.connection.publish(self.topics.manifest(screen), payload, retain=True)
                   for screen, payload in outgoing]
        report.bytes_sent += sum(len(payload) for _, payload in outgoing)
        self.state.last_version = known
        self.uses = dict(build.uses)
        _wait_all(pending)

    def _collect_garbage(self, build: FleetBuild, report: PublishReport) -> None:
        """Clear retained objects no plan has referenced for ``grace_seconds``."""
        now = time.time()
        live = set(build.objects)
        since = self.state.unreferenced_since
        for object_id in list(since):
            if object_id in live:
                del since[object_id]
        pending = []
        for object_id in sorted(self.retained - live):
            first = since.setdefault(object_id, now)
            if now - first >= self.grace_seconds:
                pending.append(self.connection.publish(self.topics.object(object_id), b"",
                                                       retain=True))
                self.retained.discard(object_id)
                del since[object_id]
                report.cleared += 1
        _wait_all(pending)
        self.store.keep_only(live | set(since) | self._last_good_ids())

    def _log_publication(self, report: PublishReport, build: FleetBuild) -> None:
        if not report.versions:
            return
        lines = [json.dumps({"ts": wire.now_iso(), "screen": screen, "version": version,
                             "plan": build.roots[screen], "objects_sent": report.objects_sent},
                            ensure_ascii=False) for screen, version in report.versions.items()]
        with (self.data_dir / PUBLICATION_LOG).open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")

    def stop(self) -> None:
        if self.connection.connected.is_set():
            _wait_all([self.connection.publish(self.topics.publisher_presence,
                                               wire.encode_presence("publisher", False),
                                               retain=True)])
        self.connection.stop()


def _stamp(path: Path) -> int:
    """A file's modification time in ns (0 when absent): cheap to compare between publishes."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _wait_all(pending: list[Any], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    for info in pending:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the broker did not acknowledge the publish in time")
        info.wait_for_publish(remaining)


def watch_folders(folders: list[Path], on_change: threading.Event,
                  files: tuple[Path, ...] = ()) -> Any:
    """Set ``on_change`` whenever a file below ``folders``, or one of ``files``, is created,
    changed or removed."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def __init__(self, names: frozenset[str] | None = None) -> None:
            self.names = names

        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            touched = {Path(str(event.src_path)).name, Path(str(event.dest_path or "")).name}
            if self.names is None or touched & self.names:
                on_change.set()

    observer = Observer()
    for folder in folders:
        observer.schedule(Handler(), str(folder), recursive=True)
    for folder in {f.parent for f in files}:
        names = frozenset(f.name for f in files if f.parent == folder)
        observer.schedule(Handler(names), str(folder), recursive=False)
    observer.daemon = True
    observer.start()
    return observer


def serve(publisher: Publisher, stop: threading.Event, *, debounce: float = 0.2,
          on_report: Any = None) -> None:
    """Publish now, then again whenever content, layouts or the broker change, and daily.

    A publish that fails (broker gone mid-publish) is retried after the next reconnect.
    """
    folders = [publisher.content_dir, publisher.screens_path if publisher.screens_path.is_dir()
               else publisher.screens_path.parent]
    observer = watch_folders(folders, publisher.dirty, (publisher.data_dir / KEYRING_FILE,))
    publisher.dirty.set()
    try:
        while not stop.is_set():
            if not publisher.dirty.wait(timeout=_seconds_to_midnight()):
                publisher.dirty.set()  # a new day: validity dates may have changed the plans
                continue
            if stop.wait(debounce):
                break
            publisher.dirty.clear()
            if not publisher.synced.is_set():
                continue  # the inventory after reconnect sets dirty again
            try:
                report = publisher.publish()
            except (RuntimeError, TimeoutError, OSError, ValueError) as exc:
                log.warning("publish failed (%s); retrying", exc)
                stop.wait(1.0)
                publisher.dirty.set()
                continue
            if on_report is not None:
                on_report(report)
    finally:
        observer.stop()


def _seconds_to_midnight() -> float:
    now = dt.datetime.now()
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0, 0, 5))
    return max((tomorrow - now).total_seconds(), 1.0)
