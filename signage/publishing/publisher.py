"""The publisher: check the catalogue, plan every screen, push what changed, clean up after.

One publish is: check → plan (signage.publishing.plans) → publish objects the broker lacks (retained,
QoS 1, waiting for every PUBACK) → publish a signed manifest with a higher version for each
screen whose plan changed → persist state → clear retained objects no plan has referenced for
the grace period. On start the publisher takes an inventory of what the broker already retains,
so a restart publishes nothing new when nothing changed (no duplicate versions) and a broker
that lost its data is refilled.

The publisher trusts nothing on the broker it has not verified itself (docs/ARCHITECTURE.md,
"What the publisher verifies"): it takes into its inventory only manifests signed by its own
keys and objects whose payload hashes to their id, and while it runs it watches the retained
manifests, objects and key ring it owns and restores them at once when anyone else changes them.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import gc
import json
import logging
import logging.handlers
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.catalogue.checking import Checker, CheckResult
from signage.contract import wire
from signage.contract.connection import BrokerAccess, Connection, Will
from signage.contract.files import atomic_write
from signage.contract.keys import (
    KEYRING_FILE,
    PRIVATE_KEY_FILE,
    SigningKey,
    TrustedKeys,
    load_signing_key,
)
from signage.contract.objectstore import ObjectStore
from signage.contract.topics import Topics
from signage.publishing.plans import FleetBuild, Planner, Record, record_from_json, record_to_json
from signage.publishing.screens import ScreensError, ScreenSet, load_screens

log = logging.getLogger(__name__)
STATE_FILE = "publisher-state.json"
PUBLICATION_LOG = "publications.jsonl"
EVENT_LOG = "events.jsonl"
LOG_BYTES, LOG_BACKUPS = 64 * 1024 * 1024, 8  # each log rotates: at most 9 × 64 MiB on disk
EVENT_RATE, EVENT_BURST = 20.0, 200.0  # events per second per screen, and the burst allowed
REPORTED_REPAIR_GAP = 2.0  # seconds before an object a player reports is republished again
LINK_GRACE = 5.0  # seconds the broker link may be down before the health check fails
LOOP_TICK = 5.0  # the watch loop goes round at least this often (for the watchdog)
LOOP_STALL = 300.0  # a watch loop that has not gone round for this long is stuck
MAX_INLINED = 16  # new objects a manifest may carry (if they fit wire.MAX_INLINE)


@dataclass(slots=True)
class PublisherState:
    """What survives a publisher restart (the broker's retained data is the other half)."""

    last_version: int = 0
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)  # screen → version, plan
    last_good: dict[str, Record] = field(default_factory=dict)
    unreferenced_since: dict[str, float] = field(default_factory=dict)  # object id → time
    _json: dict[str, tuple[Record, dict[str, Any]]] = field(default_factory=dict, repr=False)

    def _records_json(self) -> dict[str, dict[str, Any]]:
        """``last_good`` as JSON, converting only records that changed since the last save."""
        memo = self._json
        fresh = {}
        for identity, record in self.last_good.items():
            seen = memo.get(identity)
            fresh[identity] = seen if seen is not None and seen[0] is record \
                else (record, record_to_json(record))
        self._json = fresh
        return {identity: as_json for identity, (_, as_json) in fresh.items()}

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
                "last_good": self._records_json(),
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
    layout_error: str | None = None  # layouts unreadable: the last good ones were used
    stages: dict[str, float] = field(default_factory=dict)  # stage → seconds (check, plan, …)


class Publisher:
    def __init__(self, content_dir: Path, screens_path: Path, broker_url: str | BrokerAccess, data_dir: Path,
                 *, topics: Topics | None = None, grace_seconds: float = 600.0,
                 ca_file: str | None = None, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.content_dir, self.screens_path, self.data_dir = content_dir, screens_path, data_dir
        self.today = today  # the day content is checked and planned for (tests give a fixed one)
        self.topics = topics or Topics()
        self.grace_seconds = grace_seconds
        self.key: SigningKey = load_signing_key(data_dir)
        # writes made durable once per publish (flush), after the manifests are out
        self.store = ObjectStore(data_dir / "objects", durable=False)
        self.state = PublisherState.load(data_dir / STATE_FILE)
        self.checker = Checker(content_dir)  # re-reads only what changed
        self.planner = Planner()
        self.uses: dict[str, frozenset[str]] = {}  # screen → objects of its last version
        self.retained: set[str] = set()  # object ids the broker holds
        self.retained_manifests: dict[str, dict[str, Any]] = {}
        self.retained_keyring = b""  # the key ring statement the broker holds
        self._key_stamp: tuple[int, int] | None = None  # key files' mtimes when last read
        self.dirty = threading.Event()  # set when content, layouts or the broker changed
        self.prompt = threading.Event()  # a finished write (content_written): no debounce needed
        self.synced = threading.Event()  # the broker's inventory is complete
        self._lock = threading.Lock()
        self._inventory: set[str] = set()
        self._inventory_manifests: dict[str, dict[str, Any]] = {}
        self._sync_topic = f"{self.topics.root}/publisher/sync"
        self.own_keys: TrustedKeys = self._own_keys()  # what the inventory accepts as ours
        self.genuine_keyring = b""  # our key ring file's bytes (empty before any rotation)
        self.live: frozenset[str] = frozenset()  # objects the current plans reference
        self.owned: dict[str, bytes] = {}  # screen → the manifest we published last
        self._inventory_payloads: dict[str, bytes] = {}
        self._echoes: dict[str, collections.Counter[str]] = {}  # our manifests on their way back
        self._reported: dict[str, float] = {}  # object id → when a player's report repaired it
        self.flat_screens: set[str] = set()  # screens whose status says they read schema 1.0
        self._gate = EventGate()
        self.repairs = 0  # retained messages restored (objects, manifests, key ring)
        self.screen_set: ScreenSet | None = None  # the last layouts that loaded
        self.loop_tick = time.monotonic()  # the watch loop's last round
        self._down_since = time.monotonic()
        self.event_log = _rotating_log(data_dir / EVENT_LOG)
        self.publication_log = _rotating_log(data_dir / PUBLICATION_LOG)
        self.connection = Connection(
            broker_url, "signage-publisher", ca_file=ca_file,
            will=Will(self.topics.publisher_presence, wire.encode_presence("publisher", False)),
            on_connect=self._on_connect,
            on_disconnect=self._on_disconnect, max_payload=self._payload_limit)
        self._inbox = threading.Thread(target=self._consume, name="publisher-inbox", daemon=True)
        self.serve_thread: threading.Thread | None = None  # the watch loop, when serving

    def health_checks(self) -> dict[str, Any]:
        """For the service watchdog: the threads that must be alive while serving (the watch
        loop sleeps until midnight when nothing changes, so only liveness can be checked)."""
        checks: dict[str, Any] = {"inbox": self._inbox.is_alive,
                                  "mqtt link": self.connection.running,
                                  "broker connected": self.link_up}
        if self.serve_thread is not None:
            checks["publish loop"] = self.loop_alive
        return checks

    def _payload_limit(self, topic: str) -> int:
        try:
            return wire.size_limit(self.topics.parse(topic)[0])
        except ValueError:
            return wire.MAX_PAYLOAD  # the sync topic

    def link_up(self) -> bool:
        """Connected, or down for less than LINK_GRACE (a reconnect is no reason to restart)."""
        return self.connection.connected.is_set() or time.monotonic() - self._down_since < LINK_GRACE

    def loop_alive(self) -> bool:
        """The watch loop's thread is alive and went round recently (it ticks every LOOP_TICK)."""
        thread = self.serve_thread
        return thread is not None and thread.is_alive() \
            and time.monotonic() - self.loop_tick < LOOP_STALL

    def _on_disconnect(self, connection: Connection) -> None:
        self.synced.clear()
        self._down_since = time.monotonic()

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
        self._inventory, self._inventory_manifests, self._inventory_payloads = set(), {}, {}
        self._echoes = {}
        self.retained_keyring, self._key_stamp = b"", None  # the inventory says what it holds
        connection.publish(self.topics.publisher_presence, wire.encode_presence("publisher", True),
                           retain=True)
        connection.subscribe([self.topics.all_screens("event"), self.topics.all_objects,
                              self.topics.all_screens("manifest"), self.topics.keys,
                              self.topics.all_screens("status"), self._sync_topic])
        # Retained messages are queued for us when the subscription is made; a message we
        # publish now arrives after them, so its arrival means the inventory is whole. The
        # subscriptions stay: what changes later on topics we own is checked as it comes.
        connection.publish(self._sync_topic, b"sync", qos=1)

    def _consume(self) -> None:
        while True:
            message = self.connection.inbox.get()
            try:
                self._handle(message.topic, message.payload, message.oversize)
            except Exception:
                log.exception("publisher: cannot handle %s", message.topic)

    def _handle(self, topic: str, payload: bytes, oversize: int = 0) -> None:
        """``oversize``: the payload was over its kind's limit and dropped on arrival (it is
        garbage where we own the topic, and replaced like any other)."""
        if topic == self._sync_topic:
            with self._lock:
                self.retained = self._inventory
                self.retained_manifests = self._inventory_manifests
                self._take_owned()
            self.synced.set()
            self.dirty.set()  # publish whatever the broker lacks
            return
        try:
            kind, key = self.topics.parse(topic)
        except ValueError:
            return
        if oversize:
            payload = b"\0"
        if kind == "obj":
            self._on_object(key, payload)
        elif kind == "manifest":
            self._on_manifest(key, payload)
        elif kind == "keys":
            self._on_keyring(payload)
        elif kind == "event":
            self._on_event(key, payload, oversize)
        elif kind == "status" and not oversize:
            self._on_status(key, payload)

    def _on_status(self, screen: str, payload: bytes) -> None:
        """A screen whose status is written in schema 1.0 cannot read tree plans: it gets flat
        ones (a change of reader is a change of plan: publish)."""
        old = (minor := wire.reader_minor(payload)) is not None and minor < wire.TREE_MINOR
        if old != (screen in self.flat_screens):
            (self.flat_screens.add if old else self.flat_screens.discard)(screen)
            self.dirty.set()

    # --- what the broker holds: verified, and restored when someone else changes it -------

    def _own_keys(self) -> TrustedKeys:
        """The current key and every key of our key ring (a rotated-out key's manifests are
        ours too: they are issued again with the current key)."""
        keys = {self.key.id: self.key.public}
        try:
            ring = wire.read_keyring((self.data_dir / KEYRING_FILE).read_bytes())
            keys.update(ring.trusted().keys)
        except (FileNotFoundError, wire.WireError):
            pass
        return TrustedKeys(keys)

    def _on_object(self, object_id: str, payload: bytes) -> None:
        """Only an object whose payload hashes to its id counts as retained. After the
        inventory, a live object cleared or poisoned by anyone is republished from our store."""
        synced = self.synced.is_set()
        held = self.retained if synced else self._inventory
        if payload and len(payload) <= wire.MAX_PAYLOAD and wire.digest(payload) == object_id:
            held.add(object_id)
            return
        held.discard(object_id)
        if payload:
            self._record("poisoned-object", object=object_id, bytes=len(payload))
        if synced and (payload or object_id in self.live):
            self._restore_object(object_id)

    def _restore_object(self, object_id: str) -> None:
        """Our copy of the object, retained again; a poisoned id we never made is cleared."""
        payload = self.store.get(object_id)
        self.connection.publish(self.topics.object(object_id), payload or b"", retain=True)
        if payload:
            self.retained.add(object_id)
            self.repairs += 1

    def _on_manifest(self, screen: str, payload: bytes) -> None:
        """The inventory takes only manifests signed by our keys; after it, anything on a
        screen's manifest topic but the manifest we published last is replaced by ours."""
        echoes = self._echoes.get(screen)
        tag = wire.digest(payload)
        if echoes and echoes[tag] > 0:  # one of ours coming back
            echoes[tag] -= 1
            return
        try:
            manifest = wire.decode_manifest(payload, self.own_keys, screen) if payload else None
            problem = None if manifest else "cleared"
        except wire.WireError as exc:
            manifest, problem = None, exc.code
        if not self.synced.is_set():
            if manifest is not None:
                self._inventory_manifests[screen] = {"version": manifest.version,
                                                     "plan": manifest.plan, "key": manifest.key}
                self._inventory_payloads[screen] = payload
            else:
                self._inventory_manifests.pop(screen, None)
                self._inventory_payloads.pop(screen, None)
                if payload:
                    self._record("foreign-manifest", screen=screen, code=problem)
            return
        owned = self.owned.get(screen)
        if owned is None or payload == owned:
            return
        self._record("replaced-manifest" if manifest else "foreign-manifest", screen=screen,
                     code=problem, version=manifest.version if manifest else None)
        self._send_manifest(screen, owned)
        self.repairs += 1

    def _take_owned(self) -> None:
        """After the inventory: a genuine retained manifest at least as new as our state's is
        the one we restore if it is replaced (a genuine older one is a replay: superseded)."""
        for screen, entry in self.retained_manifests.items():
            ours = self.state.manifests.get(screen, {}).get("version", 0)
            if entry["version"] >= ours and screen in self._inventory_payloads:
                self.owned[screen] = self._inventory_payloads[screen]

    def _send_manifest(self, screen: str, payload: bytes) -> Any:
        self._echoes.setdefault(screen, collections.Counter())[wire.digest(payload)] += 1
        return self.connection.publish(self.topics.manifest(screen), payload, retain=True)

    def _on_keyring(self, payload: bytes) -> None:
        if not self.synced.is_set():
            self.retained_keyring = payload
            return
        if payload in (self.retained_keyring, self.genuine_keyring):
            self.retained_keyring = payload
            return
        self._record("foreign-keyring", bytes=len(payload))
        self.retained_keyring = self.genuine_keyring  # ours again, or cleared before any rotation
        self.connection.publish(self.topics.keys, self.genuine_keyring, retain=True)
        self.repairs += 1

    def _on_event(self, screen: str, payload: bytes, oversize: int = 0) -> None:
        """Validated, rate-limited per screen, logged; a player that reports a bad or missing
        object gets ours again (at most every REPORTED_REPAIR_GAP seconds per object)."""
        if not self._gate.allow(screen):
            return
        try:
            if oversize:
                raise wire.WireError("too-large", f"event of {oversize} bytes exceeds "
                                                  f"{wire.size_limit('event')}")
            event = wire.decode_event(payload, screen)
        except wire.WireError as exc:
            event = {"type": "bad-event", "screen": screen, "code": exc.code, "detail": exc.detail}
        self.event_log.info(wire.canonical({"schema": wire.SCHEMA, **event}).decode("utf-8"))
        if event["type"] == "error" and event.get("code") in ("hash-mismatch", "missing-object"):
            now = time.monotonic()
            for object_id in event.get("objects", []):
                if object_id in self.live and now - self._reported.get(object_id, -1e9) >= \
                        REPORTED_REPAIR_GAP:
                    self._reported[object_id] = now
                    self._restore_object(object_id)
            if len(self._reported) > 10_000:
                self._reported.clear()

    def _record(self, what: str, **fields: Any) -> None:
        """Something on the broker we did not make: in the event log, and in the log."""
        detail = {k: v for k, v in fields.items() if v is not None}
        self.event_log.info(wire.canonical({"schema": wire.SCHEMA, "type": "publisher",
                                            "what": what, "ts": wire.now_iso(), **detail}).decode())
        log.warning("publisher: %s %s; restoring ours", what, detail)

    def content_written(self, unit_id: str) -> None:
        """A writer that has finished (the console's atomic save) changed ``unit_id``: check that
        unit again whatever its files' stamps say, and publish without the watcher's debounce,
        which is there only to let a burst of file events settle."""
        self.checker.changed(unit_id)
        self.prompt.set()
        self.dirty.set()

    # --- one publish ---------------------------------------------------------------------

    def publish(self, today: dt.date | None = None) -> PublishReport:
        """Check, plan and push; safe to call again at any time (idempotent). Each stage's time
        goes into the report and the log, so a slow publish says where its time went."""
        with self._lock, _collector_paused():
            report = PublishReport()
            stage = _Stages(report.stages)
            today = today or self.today()
            check = self.checker.check(today)
            report.check = check
            report.errors = check.errors
            stage("check")
            screens = self._screens(report)
            build = self.planner.build(check, screens, today, self.state.last_good,
                                       self.store.get, tree=self._reads_tree)
            report.held_back = [(h.unit, h.key, h.reason) for h in build.held_back]
            stage("plan")
            self._send_keyring()
            self._send_objects(build, report)
            stage("objects")
            self._send_manifests(build, report)
            stage("manifests")
            self.state.last_good = dict(build.records)
            self.live = frozenset(build.objects)
            self._collect_garbage(build, report)
            self.store.flush()  # every object the state names is on disk before the state
            self.state.save(self.data_dir / STATE_FILE)
            self._log_publication(report, build)
            stage("after")
            if report.versions:
                log.info("publish: %d screens; %s", len(report.versions),
                         ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in report.stages.items()))
            return report

    def _reads_tree(self, screen: str) -> bool:
        return screen not in self.flat_screens

    def _screens(self, report: PublishReport) -> ScreenSet:
        """The layouts, or the last ones that loaded while a file is broken (reported; a fix
        resumes them)."""
        try:
            self.screen_set = load_screens(self.screens_path)
        except (ScreensError, OSError) as exc:
            if self.screen_set is None:
                raise
            report.layout_error = str(exc)
            log.warning("layouts: %s; publishing with the last good layouts", exc)
        return self.screen_set

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
        self.own_keys = self._own_keys()
        try:
            payload = (self.data_dir / KEYRING_FILE).read_bytes()
        except FileNotFoundError:
            payload = b""
        self.genuine_keyring = payload
        if payload != self.retained_keyring:  # ours, or cleared when someone else put one there
            self.retained_keyring = payload
            _wait_all([self.connection.publish(self.topics.keys, payload, retain=True)])

    def _send_objects(self, build: FleetBuild, report: PublishReport) -> None:
        pending = []
        for object_id, payload in build.objects.items():
            if object_id not in self.store:  # the build hashed it: no need to verify again
                self.store.put(object_id, payload, verified=True)
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
        sent = set(report.sent_ids)
        for screen, plan in build.roots.items():
            current = self.retained_manifests.get(screen)
            if current and current["plan"] == plan and current.get("key") == self.key.id \
                    and current["version"] >= self.state.manifests.get(screen, {}).get("version", 0):
                continue  # unchanged (a rotated-out key's manifest or a replay is issued again)
            known += 1
            previous = self.uses.get(screen)
            # new to the screen; after a restart (its last version unknown), new to the broker
            fresh = sorted(build.uses[screen] - previous if previous is not None
                           else build.uses[screen] & sent)
            inline = {o: build.objects[o] for o in fresh} if len(fresh) <= MAX_INLINED else None
            payload = wire.encode_manifest(screen, known, plan, self.key, prefetch=fresh,
                                           inline=inline)  # all or none: a partial saves no hop
            outgoing.append((screen, payload))
            self.owned[screen] = payload
            report.versions[screen] = known
            entry = {"version": known, "plan": plan, "key": self.key.id}
            self.state.manifests[screen] = self.retained_manifests[screen] = entry
        report.manifests_at = time.time()
        pending = [self._send_manifest(screen, payload) for screen, payload in outgoing]
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
        for screen, version in report.versions.items():
            self.publication_log.info(json.dumps(
                {"ts": wire.now_iso(), "screen": screen, "version": version,
                 "plan": build.roots[screen], "objects_sent": report.objects_sent},
                ensure_ascii=False))

    def stop(self) -> None:
        if self.connection.connected.is_set():
            _wait_all([self.connection.publish(self.topics.publisher_presence,
                                               wire.encode_presence("publisher", False),
                                               retain=True)])
        self.connection.stop()
        for handler in (*self.event_log.handlers, *self.publication_log.handlers):
            handler.close()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a publish: with a county's catalogue in memory a full
    collection takes a few hundred ms, and it would fall between a save and the manifests. The
    publish's garbage is bounded; it is collected as usual once the collector runs again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Stages:
    """Times the stages of one publish into ``into`` (seconds since the previous stage)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.last = into, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name], self.last = now - self.last, now


class EventGate:
    """Per-screen token buckets: a screen flooding its event topic costs a bounded rate."""

    def __init__(self, rate: float = EVENT_RATE, burst: float = EVENT_BURST) -> None:
        self.rate, self.burst = rate, burst
        self.buckets: dict[str, tuple[float, float]] = {}  # screen → (tokens, when)
        self.dropped = 0

    def allow(self, screen: str) -> bool:
        now = time.monotonic()
        if len(self.buckets) > 100_000:
            self.buckets.clear()
        tokens, then = self.buckets.get(screen, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens < 1.0:
            self.buckets[screen] = (tokens, now)
            self.dropped += 1
            return False
        self.buckets[screen] = (tokens - 1.0, now)
        return True


def _rotating_log(path: Path, max_bytes: int = LOG_BYTES) -> logging.Logger:
    """A JSON-lines file that rotates (``.1`` … ``.8``), so no client can fill the disk."""
    logger = logging.Logger(f"signage.publisher.{path.name}")  # not registered: ours alone
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    return logger


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
          on_report: Any = None, on_problem: Any = None) -> None:
    """Publish now, then again whenever content, layouts or the broker change, and daily.

    Nothing ends the loop but ``stop``: a publish that fails (broker gone mid-publish, a bug)
    is reported through ``on_problem`` and retried with backoff, sooner if a file changes; a
    broken layout file is reported and the last good layouts are used until it is fixed. The
    loop goes round every LOOP_TICK so the watchdog can tell it is alive.
    """
    folders = [publisher.content_dir, publisher.screens_path if publisher.screens_path.is_dir()
               else publisher.screens_path.parent]
    observer = watch_folders(folders, publisher.dirty, (publisher.data_dir / KEYRING_FILE,))
    publisher.dirty.set()
    failures = 0
    try:
        while not stop.is_set():
            publisher.loop_tick = time.monotonic()
            midnight = _seconds_to_midnight()
            if not publisher.dirty.wait(timeout=min(LOOP_TICK, midnight)):
                if midnight <= LOOP_TICK:
                    publisher.dirty.set()  # a new day: validity dates may have changed the plans
                continue
            publisher.prompt.wait(debounce)  # returns at once after content_written
            publisher.prompt.clear()
            if stop.is_set():
                break
            publisher.dirty.clear()
            if not publisher.synced.is_set():
                continue  # the inventory after reconnect sets dirty again
            try:
                report = publisher.publish()
            except Exception as exc:  # whatever it was, publishing goes on
                failures += 1
                delay = min(2.0 ** failures, 60.0)
                expected = (RuntimeError, TimeoutError, OSError, ValueError, ScreensError)
                log.log(logging.WARNING if isinstance(exc, expected) else logging.ERROR,
                        "publish failed (%s); retrying in %.0f s", exc, delay,
                        exc_info=not isinstance(exc, expected))
                _tell(on_problem, f"发布失败：{exc}；{delay:.0f} 秒后重试（文件改正保存后立即重试）")
                publisher.dirty.wait(delay)  # a saved fix retries at once
                publisher.dirty.set()
                continue
            failures = 0
            if report.layout_error:
                _tell(on_problem, f"版式文件有误，仍使用上次有效的版式：{report.layout_error}"
                                  "（改正后保存即恢复）")
            _tell(on_report, report)
    finally:
        observer.stop()


def _tell(callback: Any, value: Any) -> None:
    """A callback that fails is logged, never the end of the watch loop."""
    if callback is None:
        return
    try:
        callback(value)
    except Exception:
        log.exception("serve: callback %r failed", callback)


def _seconds_to_midnight() -> float:
    now = dt.datetime.now()
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0, 0, 5))
    return max((tomorrow - now).total_seconds(), 1.0)
