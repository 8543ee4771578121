"""The player runtime shared by every renderer: sync, verify, cache, switch, report, obey.

- Starts from the cache before touching the network (offline first).
- Accepts a manifest only if it is signed by a trusted key, for this screen, and newer than
  the version on screen (no rollback or replay); the same version again is a no-op, since
  retained messages arrive again on every subscribe.
- Follows publisher key rotations: a key ring signed by a trusted key replaces the trusted
  keys (the old one kept until its overlap ends) and is kept in the cache folder, so a restart
  still trusts the new key. A manifest signed by a key not yet known waits for the key ring.
- Fetches only the objects the cache lacks, a bounded number of subscriptions at a time,
  verifies each hash on arrival, and switches only when the version is complete.
- Reports presence (retained, with a last will), status (retained), and events: ack of a
  version, proof of play, errors. Obeys signed commands: reload, identify, screenshot, print.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from players.cache import PlayerCache
from players.fetch import SharedFetcher
from players.plan import Entry, Incomplete, Plan, resolve
from players.renderer import Renderer
from players.versions import Verdict, judge
from signage.contract import service
from signage.contract.connection import Connection, Message, Will
from signage.contract.files import atomic_write
from signage.contract.keys import KeyRing, TrustedKeys, trusted_keys
from signage.contract.topics import Topics, valid_screen_id
from signage.contract.wire import (
    MAX_REPORTED_OBJECTS,
    MAX_TEXT,
    Manifest,
    WireError,
    decode_command,
    decode_keyring,
    decode_manifest,
    decode_object,
    encode_message,
    encode_presence,
    read_keyring,
    size_limit,
)

log = logging.getLogger(__name__)
MAX_SUBSCRIBED_OBJECTS = 200  # bounds the retained messages the broker sends us at once
STATUS_INTERVAL = 60.0  # a status at least this often
STATUS_MIN_GAP = 5.0  # and after plays, at most this often
# Watchdog: how long a loop may go without looking at its stop event. The worker looks every
# 0.5 s, but a cache commit on an SD card can be slow; a print station renders and prints every
# changed board in one go, and a kiosk builds its search index.
WORKER_STALL = 120.0
RENDER_STALL = {"board": 900.0, "kiosk": 120.0}  # other renderers: 60 s
TRUST_FILE = "trust.json"  # in the cache folder: the last key ring accepted, keys retired


@dataclass(slots=True)
class PlayerConfig:
    screen: str
    broker: str = "mqtt://127.0.0.1:1883"
    public_keys: list[Path] = field(default_factory=list)
    cache_dir: Path = Path("player-cache")
    topic_root: str = Topics().root
    ca_file: str | None = None
    username: str | None = None
    password: str | None = None
    object_timeout: float = 30.0
    renderer: dict[str, Any] = field(default_factory=dict)  # options for the renderer

    @classmethod
    def from_file(cls, path: Path, screen: str | None = None) -> PlayerConfig:
        """Read a player config (YAML); relative paths are relative to the file."""
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of settings")
        base = path.parent
        screen_id = screen or str(data.get("screen", ""))
        if not valid_screen_id(screen_id):
            raise ValueError(f"{path}: screen id {screen_id!r} is missing or invalid")
        return cls(
            screen=screen_id, broker=str(data.get("broker", cls.broker)),
            public_keys=[base / str(p) for p in data.get("public_keys", [])],
            cache_dir=base / str(data.get("cache_dir", f"cache-{screen_id}")),
            topic_root=str(data.get("topic_root", Topics().root)),
            ca_file=str(base / data["ca_file"]) if data.get("ca_file") else None,
            username=data.get("username"), password=data.get("password"),
            object_timeout=float(data.get("object_timeout", 30.0)),
            renderer=dict(data.get("renderer") or {}),
        )


class Runtime:
    def __init__(self, config: PlayerConfig, renderer: Renderer,
                 trusted: TrustedKeys | None = None, fetcher: SharedFetcher | None = None) -> None:
        self.config = config
        self.fetcher = fetcher  # objects through a subscription shared in the process
        self.renderer = renderer
        self.topics = Topics(config.topic_root)
        self.cache = PlayerCache(config.cache_dir, getattr(renderer, "entry_fields", None))
        self.screen = config.screen
        self.keyring: KeyRing | None = None
        self.configured = trusted or trusted_keys(config.public_keys)
        self.retired: set[str] = set()  # keys a rotation has retired: never trusted again
        self.trusted = self.configured
        self._load_trust()
        self.unverified: bytes | None = None  # a manifest signed by a key we may learn soon
        self.manifest: Manifest | None = None  # the version on screen
        self.plan: Plan | None = None
        self.pending: Manifest | None = None  # the version being fetched
        self.wanted: set[str] = set()  # objects subscribed for
        self.backlog: list[str] = []  # objects to subscribe for when there is room
        self.wanted_since = 0.0
        self.arrived: list[str] = []  # received objects still subscribed (unsubscribed in batches)
        self.last_error: dict[str, Any] | None = None
        self.plays: collections.deque[float] = collections.deque()
        self.bytes_received = 0  # payload bytes from the broker (for status and benchmarks)
        self._last_status = 0.0
        self._next_status = time.monotonic() + STATUS_INTERVAL
        self.events: queue.Queue[Message | tuple[str, Any]] = queue.Queue()
        self.connection = Connection(
            config.broker, config.screen, ca_file=config.ca_file, username=config.username,
            password=config.password, on_connect=self._on_connect, inbox=self.events,
            max_payload=self._payload_limit,
            will=Will(self.topics.presence(config.screen), encode_presence(config.screen, False)))

    # --- start-up -------------------------------------------------------------------------

    def start(self) -> None:
        """Show the cached version (before any network), then connect."""
        cached = self.cache.load(self.trusted.without_expiry(), self.screen)
        if cached is not None:
            self.manifest, self.plan = cached
            self.renderer.show(self.plan)
            log.info("%s: showing cached version %d", self.screen, self.manifest.version)
        self.connection.start()

    def _on_connect(self, connection: Connection) -> None:
        connection.publish(self.topics.presence(self.screen), encode_presence(self.screen, True),
                           retain=True)
        connection.subscribe([self.topics.keys, self.topics.manifest(self.screen),
                              self.topics.command(self.screen)])
        self.events.put(("connected", None))

    # --- the worker loop --------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Process messages until ``stop``; call from a worker thread (the renderer owns main)."""
        self._next_status = time.monotonic() + STATUS_INTERVAL
        while not stop.is_set():
            try:
                item = self.events.get(timeout=0.5)
            except queue.Empty:
                item = None
            try:
                if isinstance(item, Message):
                    self._on_message(item)
                elif item is not None:
                    self._on_local(*item)
                self._check_timeouts()
            except Exception as exc:
                log.exception("%s: unexpected error", self.screen)
                self._error("internal", str(exc))
            if time.monotonic() >= self._next_status:
                self._publish_status()

    def played(self, entry: Entry) -> None:
        """Proof of play, called by the renderer (any thread)."""
        self.events.put(("played", entry))

    def _on_local(self, kind: str, value: Any) -> None:
        if kind == "connected":
            if self.wanted and self.fetcher is None:  # re-subscribe what we were fetching
                self.connection.subscribe([self.topics.object(o) for o in self.wanted])
            self._publish_status()
        elif kind == "played":
            self.plays.append(time.time())
            version = self.manifest.version if self.manifest else None
            self._event("play", version=version, kind=value.kind, unit=value.unit, key=value.key)
            self._next_status = min(self._next_status, self._last_status + STATUS_MIN_GAP)

    def _payload_limit(self, topic: str) -> int:
        """Bytes a message on ``topic`` may have (the wire module's limit for its kind)."""
        try:
            return size_limit(self.topics.parse(topic)[0])
        except ValueError:
            return 0

    def _on_message(self, message: Message) -> None:
        self.bytes_received += len(message.payload) + message.oversize
        kind, key = self.topics.parse(message.topic)
        if message.oversize:
            self._error("too-large", f"{kind} of {message.oversize} bytes exceeds {size_limit(kind)}")
            return
        if kind == "manifest":
            self._on_manifest(message.payload)
        elif kind == "obj":
            self._on_object(key, message.payload)
        elif kind == "command":
            self._on_command(message.payload)
        elif kind == "keys":
            self._on_keyring(message.payload)

    # --- key rotation -----------------------------------------------------------------------

    def _load_trust(self) -> None:
        """The key ring accepted before a restart (written only after it verified)."""
        try:
            stored = json.loads((self.config.cache_dir / TRUST_FILE).read_text("utf-8"))
            ring = read_keyring(str(stored["keyring"]).encode("utf-8"))
            self.retired = {str(k) for k in stored.get("retired", [])}
        except FileNotFoundError:
            return
        except (ValueError, KeyError, TypeError, AttributeError, WireError) as exc:
            log.warning("%s: %s unusable (%s); using the configured keys", self.screen,
                        TRUST_FILE, exc)
            return
        self._trust(ring)

    def _trust(self, ring: KeyRing) -> None:
        """Trust ``ring``, plus configured keys no rotation has retired (a player enrolled
        again after a rotation is given the new key in its config)."""
        self.keyring = ring
        self.retired |= {k.id for k in ring.keys if k.until is not None}
        trusted = ring.trusted()
        extra = {kid: public for kid, public in self.configured.keys.items()
                 if kid not in trusted.keys and kid not in self.retired}
        self.trusted = TrustedKeys({**trusted.keys, **extra}, trusted.until)

    def _on_keyring(self, payload: bytes) -> None:
        if not payload or (self.keyring and payload == self.keyring.payload):
            return
        try:
            ring = decode_keyring(payload, self.trusted)
        except WireError as exc:
            self._error(exc.code, f"key ring: {exc.detail}")
            return
        if self.keyring and ring.sequence <= self.keyring.sequence:
            self._error("stale-keyring", f"refused key ring {ring.sequence}: "
                                         f"have {self.keyring.sequence} (replay)")
            return
        self._trust(ring)
        atomic_write(self.config.cache_dir / TRUST_FILE, json.dumps(
            {"keyring": payload.decode("utf-8"), "retired": sorted(self.retired)}).encode("utf-8"))
        log.info("%s: key ring %d: trusting %s", self.screen, ring.sequence,
                 ", ".join(k.id for k in ring.keys))
        waiting, self.unverified = self.unverified, None
        if waiting is not None:
            self._on_manifest(waiting)

    # --- versions ---------------------------------------------------------------------------

    def _on_manifest(self, payload: bytes) -> None:
        if not payload:
            return  # cleared retained manifest: keep showing what we have
        try:
            manifest = decode_manifest(payload, self.trusted, self.screen)
        except WireError as exc:
            if exc.code == "unknown-key":  # signed after a rotation: the key ring may follow
                self.unverified = payload
            self._error(exc.code, exc.detail)
            return
        verdict = judge(manifest, self.manifest, self.pending)
        if verdict in (Verdict.SAME, Verdict.BEHIND_PENDING):
            return
        if verdict is Verdict.STALE:
            current = self.manifest.version if self.manifest else 0
            self._error("stale-version", f"refused version {manifest.version}: "
                                         f"showing {current} (rollback or replay)")
            return
        self.pending = manifest
        self._unsubscribe(self.wanted)
        self.wanted, self.backlog = set(), []
        try:
            for object_id, data in manifest.inline:  # written to disk after the switch
                self.cache.resolver.remember(object_id, data)
        except WireError as exc:
            self._error(exc.code, f"version {manifest.version}: {exc.detail}")
            self.pending = None
            return
        hinted = [o for o in manifest.prefetch if not self.cache.resolver.has(o)]
        if hinted:  # the publisher says what is new: ask for all of it at once
            self.backlog = hinted
            self.wanted_since = time.monotonic()
            self._subscribe_backlog()
        else:
            self._advance()

    def _advance(self) -> None:
        """Fetch the next level of missing objects, or switch if the version is complete."""
        assert self.pending is not None
        try:
            plan = resolve(self.cache.resolver, self.pending.plan, self.pending.version)
        except Incomplete as incomplete:
            self.backlog = sorted(incomplete.missing)
            self.wanted_since = time.monotonic()
            self._subscribe_backlog()
            return
        except WireError as exc:
            self._error(exc.code, f"version {self.pending.version}: {exc.detail}")
            self.pending = None
            return
        self._switch(self.pending, plan)

    def _subscribe_backlog(self) -> None:
        room = MAX_SUBSCRIBED_OBJECTS - len(self.wanted)
        batch, self.backlog = self.backlog[:room], self.backlog[room:]
        self.wanted.update(batch)
        if batch:
            self._subscribe(batch)

    def _subscribe(self, object_ids: list[str]) -> None:
        if self.fetcher is not None:
            self.fetcher.want(self.events, object_ids)
        else:
            self.connection.subscribe([self.topics.object(o) for o in object_ids])

    def _unsubscribe(self, object_ids: set[str] | list[str]) -> None:
        if not object_ids:
            return
        if self.fetcher is not None:
            self.fetcher.release(self.events, object_ids)
        else:
            self.connection.unsubscribe([self.topics.object(o) for o in object_ids])

    def _on_object(self, object_id: str, payload: bytes) -> None:
        if object_id not in self.wanted or not payload:
            return
        try:
            decode_object(payload, object_id)
        except WireError as exc:
            self._error(exc.code, exc.detail, objects=[object_id])
            return  # keep waiting: the publisher republishes what a player reports
        self.cache.store.put(object_id, payload, verified=True)  # decode_object checked it
        self.wanted.discard(object_id)
        self.arrived.append(object_id)
        self.wanted_since = time.monotonic()
        if len(self.arrived) >= 100 or not self.wanted:
            self._unsubscribe(self.arrived)
            self.arrived = []
        self._subscribe_backlog()
        if not self.wanted and self.pending is not None:
            self._advance()

    def _check_timeouts(self) -> None:
        if self.wanted and time.monotonic() - self.wanted_since > self.config.object_timeout:
            missing = sorted(self.wanted)
            self._error("missing-object", f"{len(missing)} objects did not arrive: "
                                          f"{', '.join(o[:12] for o in missing[:5])}",
                        objects=missing[:MAX_REPORTED_OBJECTS])
            if self.fetcher is not None:  # ask again: a fresh subscribe re-sends retained
                self.fetcher.refresh(missing)
            else:
                self._unsubscribe(missing)
                self.connection.subscribe([self.topics.object(o) for o in missing])
            self.wanted_since = time.monotonic()

    def _switch(self, manifest: Manifest, plan: Plan) -> None:
        """Show the verified version, then make it the cached one. The screen does not wait for
        the disk: if power fails before the commit, the previous complete version comes back
        and the player fetches this one again."""
        self.manifest, self.plan, self.pending = manifest, plan, None
        self.renderer.show(plan)
        self._event("ack", version=manifest.version, plan=manifest.plan, entries=len(plan.entries))
        self.last_error = None
        self.cache.commit(manifest, plan)
        self._publish_status()
        service.status(f"version {manifest.version}: {len(plan.entries)} entries")

    # --- commands ---------------------------------------------------------------------------

    def _on_command(self, payload: bytes) -> None:
        try:
            command = decode_command(payload, self.trusted, self.screen)
        except WireError as exc:
            self._error(exc.code, exc.detail)
            return
        if command.name == "reload":
            cached = self.cache.load(self.trusted.without_expiry(), self.screen)
            if cached:
                self.manifest, self.plan = cached
                self.renderer.show(self.plan)
        elif command.name == "identify":
            self.renderer.identify()
        elif command.name == "screenshot":
            self._screenshot()
        elif command.name == "print":  # a print station's optional reprint(); others say they cannot
            reprint = getattr(self.renderer, "reprint", None)
            if reprint is None:
                self._error("print-unsupported", f"a {self.renderer.kind} screen does not print")
            else:
                reprint()
        self._event("command", id=command.id, command=command.name)

    def _screenshot(self) -> None:
        """A PNG of the screen, or an error saying why there is none (never silence)."""
        try:
            image = self.renderer.screenshot()
        except (MemoryError, OSError, ValueError, RuntimeError) as exc:
            self._error("screenshot-failed", f"the renderer could not take a screenshot: {exc}")
            return
        if not image:
            self._error("screenshot-failed", "nothing on screen to take a screenshot of")
        elif len(image) > size_limit("screenshot"):
            self._error("screenshot-failed", f"screenshot of {len(image)} bytes exceeds "
                                             f"{size_limit('screenshot')}")
        else:
            self.connection.publish(self.topics.screenshot(self.screen), image, qos=1)

    # --- reporting --------------------------------------------------------------------------

    def _event(self, event_type: str, /, **fields: Any) -> None:
        self.connection.publish(self.topics.event(self.screen),
                                encode_message(event_type, screen=self.screen, **fields), qos=1)

    def _error(self, code: str, detail: str, objects: list[str] | None = None) -> None:
        """Log, report (an event naming the objects at fault, so the publisher can repair
        them) and keep as the status's last error."""
        log.warning("%s: %s: %s", self.screen, code, detail)
        detail = detail[:MAX_TEXT]
        self.last_error = {"code": code, "detail": detail, "at": dt.datetime.now(dt.UTC).isoformat()}
        self._event("error", code=code, detail=detail,
                    version=self.manifest.version if self.manifest else None,
                    **({"objects": objects} if objects else {}))
        self._publish_status()

    def _publish_status(self) -> None:
        self._last_status = time.monotonic()
        self._next_status = self._last_status + STATUS_INTERVAL
        hour_ago = time.time() - 3600
        while self.plays and self.plays[0] < hour_ago:
            self.plays.popleft()
        status = {
            "screen": self.screen, "renderer": self.renderer.kind,
            "version": self.manifest.version if self.manifest else None,
            "plan": self.manifest.plan if self.manifest else None,
            "entries": len(self.plan.entries) if self.plan else 0,
            "fetching": self.pending.version if self.pending else None,
            "plays_last_hour": len(self.plays), "error": self.last_error,
            "bytes_received": self.bytes_received,
        }
        self.connection.publish(self.topics.status(self.screen),
                                encode_message("status", **status), retain=True)

    def stop(self) -> None:
        """Say goodbye cleanly: offline presence, then disconnect."""
        if self.connection.connected.is_set():
            info = self.connection.publish(self.topics.presence(self.screen),
                                           encode_presence(self.screen, False), retain=True)
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(2.0)
        self.connection.stop()


def run_player(config: PlayerConfig, renderer: Renderer, stop: threading.Event) -> None:
    """Run runtime and renderer together until ``stop``: the renderer owns this thread. Under
    systemd the unit is told when the player is ready, and its watchdog is fed only while both
    loops go round (``stop`` a :class:`signage.contract.service.PolledEvent` tells how recently)."""
    runtime = Runtime(config, renderer)
    runtime.start()
    worker = threading.Thread(target=runtime.run, args=(stop,), name="player-runtime", daemon=True)
    worker.start()
    checks = {
        "runtime worker": service.loop_alive(stop, worker, WORKER_STALL),
        "renderer loop": service.loop_alive(stop, threading.current_thread(),
                                            RENDER_STALL.get(renderer.kind, 60.0)),
    }
    try:
        with service.supervised(checks, ready_text=f"{config.screen}: {renderer.kind}"):
            renderer.run(stop, runtime.played)
    finally:
        stop.set()
        worker.join(5)
        runtime.stop()
