"""Soak: 200 player runtimes while the broker restarts every 10 s and content changes every second.

Bounded in time, loopback only. A generated county (fixed seed) is published by a real
``Publisher`` to an ``EmbeddedBroker`` (mosquitto on 127.0.0.1, persistence on); player
runtimes run as threads in a few worker processes, each under a renderer that records the
version it shows and when. After the initial sync the publisher's watch loop (``serve``, as in
production) runs while, for ``--duration`` seconds:

- every ``--edit-every`` seconds one power item is edited: its YAML file rewritten in place, as
  a unit's editor would (files and items in rotation, a new name each time);
- every ``--restart-every`` seconds the broker is restarted (SIGTERM, same port and database).

Prints, measured in one run:

- for each restart (times from the broker accepting connections again): when the watch loop
  published again (after its inventory of the broker); when every player was reconnected; when
  every player was reconnected and showed (at least) the version the publisher had issued for its
  screen at that moment (convergence); when every player showed the first versions published
  after the restart (the edits saved while the broker was away); p50/max over the restarts;
- edit latency during the soak (manifest out → shown) and versions superseded before shown;
- the end: after the last edit, a check that the watch loop had published it, and a bounded
  settle: players showing the latest version and plan, crashed worker processes, dead runtime
  and connection threads, the watch loop alive, edits written and publishes, player error codes
  and warnings logged;
- memory: RSS, threads and open files of each worker process, of the main (publisher) process
  and of mosquitto, sampled every second; averages per quarter of the soak, last/first quarter
  ratio and peak ("flat" means a ratio close to 1: printed, not asserted);
- the baseline, in the same run: as many plain paho clients (paho's own reconnect, its default
  delays) in the same worker processes, each subscribed to its screen's retained manifest,
  through ``--baseline-restarts`` broker restarts with no edits (players stopped): the time until
  all are reconnected and have the manifest again, and the ratio of our convergence to it.

- the hostile client (unless ``--no-hostile``), attacking at a bounded rate (one attack every
  ``--attack-every`` seconds) during the soak: forged manifests, replays of genuine older
  manifests, poisoned objects the plans use, statuses with wrong types, and floods of events
  (including oversized ones) from a screen's topic; for each kind the attacks made and the repair
  latency (attack sent → the genuine manifest or object delivered again by the broker)
  p50/p99/max, and the publisher's repairs and dropped events.

Targets (the issue): every player shows the latest version at the end, none crashed, memory
flat. Exit status 1 if a player does not show the latest version or a worker process, runtime
thread, connection thread or the publisher's watch loop died. Everything stays on 127.0.0.1,
every wait is bounded, and the broker and worker processes are stopped and reaped on any exit
(Ctrl-C and SIGTERM included; workers also leave by themselves if the main process is killed).

Objects no plan uses are cleared after ``--grace`` seconds (30 here, 600 in production) so the
clean-up also runs during the soak, as it does in a long-running installation.

    python bench/soak.py                  # 200 players, 120 s, restart every 10 s, edit every 1 s
    python bench/soak.py --quick          # 40 players, 30 s, smaller catalogue: a fast check
    python bench/soak.py --quick --no-hostile   # without the hostile client
    python bench/soak.py [--players N] [--duration S] [--restart-every S] [--edit-every S]
                         [--workers 4] [--items 2000] [--units 20] [--settle 60] [--grace 30]
                         [--baseline-restarts 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import publish  # noqa: E402
from check_catalogue import cn_number, s  # noqa: E402
from publish import TimingRenderer, percentile, prepare_county  # noqa: E402

from players.runtime import PlayerConfig, Runtime  # noqa: E402
from signage.contract import wire  # noqa: E402
from signage.contract.connection import Connection  # noqa: E402
from signage.contract.keys import PUBLIC_KEY_FILE, SigningKey  # noqa: E402
from signage.contract.topics import Topics  # noqa: E402
from signage.fleet.broker import EmbeddedBroker  # noqa: E402
from signage.publishing.publisher import Publisher, PublishReport, serve  # noqa: E402
from signage.publishing.screens import load_screens  # noqa: E402

QUICK = {"players": 40, "duration": 30.0, "items": 500, "units": 10, "baseline_restarts": 2}
DEFAULTS = {"players": 200, "duration": 120.0, "items": 2000, "units": 20, "baseline_restarts": 3}
SYNC_TIMEOUT = 600.0  # the initial full sync of every player
ANSWER_TIMEOUT = 120.0  # a worker answering one command


# --- logging: counted, not printed (200 players would flood the terminal) -----------------------


class LogCounter(logging.Handler):
    """Counts warnings and errors by logger and level; keeps the first few messages of each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.samples: dict[str, list[str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        key = f"{record.levelname} {record.name}"
        self.counts[key] += 1
        kept = self.samples.setdefault(key, [])
        if len(kept) < 3:
            with contextlib.suppress(Exception):
                text = record.getMessage()
                if record.exc_info and record.exc_info[1] is not None:
                    text += f" [{type(record.exc_info[1]).__name__}: {record.exc_info[1]}]"
                kept.append(text[:200])

    def report(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "samples": {k: list(v) for k, v in self.samples.items()}}


def count_logs() -> LogCounter:
    counter = LogCounter()
    root = logging.getLogger()
    root.handlers[:] = [counter]
    root.setLevel(logging.WARNING)
    return counter


# --- worker processes ---------------------------------------------------------------------------


class SoakRuntime(Runtime):
    """The product runtime; the bench also notes the time of each (re)connect and error codes."""

    def __init__(self, config: PlayerConfig, renderer: TimingRenderer) -> None:
        self.connects: list[float] = []
        self.error_codes: Counter[str] = Counter()
        super().__init__(config, renderer)

    def _on_connect(self, connection: Connection) -> None:
        self.connects.append(time.time())
        super()._on_connect(connection)

    def _error(self, code: str, detail: str) -> None:
        self.error_codes[code] += 1
        super()._error(code, detail)


class RawClients:
    """Plain paho clients, one per screen, each subscribed to its screen's retained manifest,
    reconnecting by paho's own loop with its default delays (1 s, doubling up to 120 s)."""

    def __init__(self, port: int, topics: dict[str, str]) -> None:
        self.connects: dict[str, list[float]] = {screen: [] for screen in topics}
        self.received: dict[str, list[float]] = {screen: [] for screen in topics}
        self.clients: list[mqtt.Client] = []
        for screen, topic in topics.items():
            client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"raw-{screen}")

            def on_connect(c, u, f, reason, p, screen=screen, topic=topic) -> None:
                if not reason.is_failure:
                    self.connects[screen].append(time.time())
                    c.subscribe(topic, qos=1)

            def on_message(c, u, message, screen=screen) -> None:
                if message.payload:
                    self.received[screen].append(time.time())

            client.on_connect, client.on_message = on_connect, on_message
            client.connect_async("127.0.0.1", port)
            client.loop_start()
            self.clients.append(client)

    def snapshot(self) -> dict[str, tuple[list[float], list[float]]]:
        return {screen: (list(self.connects[screen]), list(self.received[screen]))
                for screen in self.connects}

    def stop(self) -> None:
        for client in self.clients:
            with contextlib.suppress(Exception):
                client.disconnect()
        for client in self.clients:
            with contextlib.suppress(Exception):
                client.loop_stop()
        self.clients = []


def worker(screens: list[str], url: str, key: Path, cache: Path, pipe: Pipe) -> None:
    """Runs the player runtimes for ``screens`` (later the raw clients); answers the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the whole group: main decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logs = count_logs()
    stop = threading.Event()
    players: list[tuple[SoakRuntime, TimingRenderer, threading.Thread]] = []
    for screen in screens:
        runtime = SoakRuntime(PlayerConfig(screen=screen, broker=url, public_keys=[key],
                                           cache_dir=cache / screen), renderer := TimingRenderer())
        runtime.start()
        thread = threading.Thread(target=runtime.run, args=(stop,), name=f"run-{screen}", daemon=True)
        thread.start()
        players.append((runtime, renderer, thread))
    raw: RawClients | None = None
    parent = os.getppid()
    try:
        while True:
            try:
                while not pipe.poll(1.0):
                    if os.getppid() != parent:
                        return  # the main process died (even by SIGKILL): so do we
                command, argument = pipe.recv()
            except (EOFError, OSError):
                return  # the main process is gone
            if command == "shown":
                pipe.send({r.screen: (r.manifest.version if r.manifest else None,
                                      r.manifest.plan if r.manifest else None,
                                      r.connection.connected.is_set()) for r, _, _ in players})
            elif command == "snapshot":
                pipe.send({
                    "players": {r.screen: {
                        "version": r.manifest.version if r.manifest else None,
                        "plan": r.manifest.plan if r.manifest else None,
                        "connects": list(r.connects), "switched": dict(t.switched),
                        "errors": dict(r.error_codes),
                        "run_alive": thread.is_alive(),
                        "net_alive": bool(r.connection._thread and r.connection._thread.is_alive()),
                    } for r, t, thread in players},
                    "threads": threading.active_count(), "logs": logs.report()})
            elif command == "stop-players":  # together: each waits up to a second for its thread
                stop.set()
                stoppers = [threading.Thread(target=r.stop, daemon=True) for r, _, _ in players]
                for thread in stoppers:
                    thread.start()
                deadline = time.monotonic() + 20
                for thread in stoppers + [thread for _, _, thread in players]:
                    thread.join(max(0.0, deadline - time.monotonic()))
                pipe.send("ok")
            elif command == "raw-start":
                raw = RawClients(*argument)
                pipe.send("ok")
            elif command == "raw-snapshot":
                pipe.send(raw.snapshot() if raw else {})
            elif command == "raw-stop":
                if raw:
                    raw.stop()
                pipe.send("ok")
            elif command == "exit":
                return
    finally:
        if raw:
            raw.stop()


class Workers(publish.Workers):
    """The worker processes; every exchange is bounded and a dead worker answers None."""

    def __init__(self, count: int, screens: list[str], url: str, key: Path, cache: Path) -> None:
        super().__init__(count, screens, url, key, cache, target=worker)

    def ask(self, command: str, argument: Any = None, timeout: float = ANSWER_TIMEOUT,
            per_worker: list[Any] | None = None) -> list[Any]:
        sent = []
        for n, pipe in enumerate(self.pipes):
            try:
                pipe.send((command, per_worker[n] if per_worker is not None else argument))
                sent.append(True)
            except (OSError, ValueError):
                sent.append(False)
        deadline = time.monotonic() + timeout
        answers: list[Any] = []
        for pipe, ok in zip(self.pipes, sent, strict=True):
            answer = None
            with contextlib.suppress(EOFError, OSError, ValueError):
                if ok and pipe.poll(max(0.0, deadline - time.monotonic())):
                    answer = pipe.recv()
            answers.append(answer)
        return answers

    def shown(self) -> dict[str, tuple[int | None, str | None, bool]]:
        merged: dict[str, tuple[int | None, str | None, bool]] = {}
        for part in self.ask("shown"):
            merged.update(part or {})
        return merged

    def close(self) -> None:
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            if process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    pipe.send(("exit", None))
        deadline = time.monotonic() + 15
        for process in self.processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        for pipe in self.pipes:
            pipe.close()


# --- content edits, publishes, restarts, memory ---------------------------------------------------

NAME_LINE = re.compile(r"^  - name: (.+)$", re.MULTILINE)
EDITED_ITEMS = 5  # per file, in rotation


class Editor:
    """Edits one power item per call, rotating over every unit's first powers file and, within
    it, over its first items; the file is rewritten in place like a text editor saves it."""

    def __init__(self, content: Path) -> None:
        self.files = sorted(content.glob("units/*/powers-1.yaml"))
        self.original: dict[tuple[Path, int], str] = {}
        self.written: list[float] = []

    def edit(self, n: int) -> None:
        path = self.files[n % len(self.files)]
        text = path.read_text("utf-8")
        names = list(NAME_LINE.finditer(text))
        index = (n // len(self.files)) % min(EDITED_ITEMS, len(names))
        match = names[index]
        base = self.original.setdefault((path, index), match.group(1).strip().strip("'\""))
        name = s(f"{base}（第{cn_number(n % 999 + 1)}次修订）")
        self.written.append(time.time())  # before: a publish starting later surely sees it
        path.write_text(text[:match.start(1)] + name + text[match.end(1):], "utf-8")


@dataclass(frozen=True, slots=True)
class Published:
    """What the bench keeps of a publish (not the report's check result: that holds a catalogue)."""

    versions: dict[str, int]
    manifests_at: float
    errors: int
    held_back: int


class PublishLog:
    """Wraps ``publisher.publish`` (the watch loop calls it) to note each publish's start and end."""

    def __init__(self, publisher: Publisher) -> None:
        self.original = publisher.publish
        self.lock = threading.Lock()
        self.running = 0
        self.done: list[tuple[float, float, Published]] = []
        self.failed: list[tuple[float, str]] = []
        publisher.publish = self  # type: ignore[method-assign]

    def __call__(self, today: Any = None) -> PublishReport:
        start = time.time()
        with self.lock:
            self.running += 1
        try:
            report = self.original(today)
        except Exception as exc:
            self.failed.append((time.time(), f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            with self.lock:
                self.running -= 1
        self.done.append((start, time.time(), Published(dict(report.versions), report.manifests_at,
                                                        report.errors, len(report.held_back))))
        return report

    def issued(self) -> dict[tuple[str, int], float]:
        """(screen, version) → when its manifest went out."""
        return {(screen, version): report.manifests_at
                for _, _, report in self.done for screen, version in report.versions.items()}


@dataclass(slots=True)
class Restart:
    number: int
    down: float  # wall clock: SIGTERM sent
    up: float = 0.0  # wall clock: accepting connections again
    targets: dict[str, int] = field(default_factory=dict)  # screen → version issued at ``up``
    error: str | None = None


def restart_broker(broker: EmbeddedBroker, number: int,
                   targets: Callable[[], dict[str, int]] | None = None) -> Restart:
    record = Restart(number, time.time())
    try:
        broker.restart()
    except Exception as exc:  # noted and reported: the soak stops at the first failed restart
        record.error = f"{type(exc).__name__}: {exc}"
        return record
    record.up = time.time()
    record.targets = targets() if targets else {}
    return record


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS (kB), VmHWM (kB) and Threads of a process, plus its open file descriptors."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM", "Threads"):
                    out[name] = int(value.split()[0])
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, ValueError, IndexError):
        return {}
    return out if "VmRSS" in out else {}  # a zombie (mosquitto stopping) has no memory lines


class MemorySampler(threading.Thread):
    """Samples every ``interval`` seconds; ``sources`` name → a function giving a pid (or None)."""

    def __init__(self, sources: dict[str, Callable[[], int | None]], interval: float = 1.0) -> None:
        super().__init__(name="memory-sampler", daemon=True)
        self.sources, self.interval = sources, interval
        self.samples: list[tuple[float, dict[str, dict[str, int]]]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            row = {}
            for name, pid_of in self.sources.items():
                pid = pid_of()
                if pid is not None and (status := proc_status(pid)):
                    row[name] = status
            self.samples.append((time.time(), row))
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)


def wait_for(predicate: Callable[[], bool], timeout: float, every: float = 0.25) -> float | None:
    """Seconds until ``predicate`` held, or None after ``timeout``."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            return None
        time.sleep(every)


def versions_of(publisher: Publisher) -> dict[str, int]:
    """The version the publisher has issued for each screen (entries are replaced, not mutated)."""
    return {screen: int(entry["version"]) for screen, entry in list(publisher.state.manifests.items())}


# --- the hostile client -------------------------------------------------------------------------


class Hostile:
    """An outsider on the broker (anonymous, no signing key) attacking while the soak runs, and
    timing how long the publisher takes to put back what it owns."""

    KINDS = ("forged manifest", "replayed manifest", "poisoned object", "bad status", "event flood")
    REPAIR_TIMEOUT = 5.0

    def __init__(self, url: str, screens: list[str], publisher: Publisher, every: float) -> None:
        self.screens, self.publisher, self.every = screens, publisher, every
        self.topics = Topics()
        self.random = random.Random(15)
        self.forger = SigningKey(__import__("cryptography.hazmat.primitives.asymmetric.ed25519",
                                            fromlist=["x"]).Ed25519PrivateKey.generate())
        self.first_seen: dict[str, bytes] = {}  # genuine manifests, old by the time they are replayed
        self.latency: dict[str, list[float]] = {kind: [] for kind in self.KINDS}
        self.made: Counter[str] = Counter()
        self.unrepaired: Counter[str] = Counter()
        self.waiting: tuple[str, Callable[[bytes], bool]] | None = None
        self.repaired = threading.Event()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        host, port = url.removeprefix("mqtt://").rsplit(":", 1)
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="soak-hostile")
        self.client.on_connect = lambda c, u, f, r, p: c.subscribe(self.topics.all_screens("manifest"), 1)
        self.client.on_message = self._on_message
        self.client.connect(host, int(port))
        self.client.loop_start()
        self.thread = threading.Thread(target=self.run, name="hostile", daemon=True)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        kind, key = self.topics.parse(message.topic)
        if kind == "manifest" and key not in self.first_seen and message.payload:
            self.first_seen[key] = message.payload
        with self.lock:
            if self.waiting and self.waiting[0] == message.topic and self.waiting[1](message.payload):
                self.waiting = None
                self.repaired.set()

    def run(self) -> None:
        round_ = 0
        while not self.stopping.wait(self.every):
            kind = self.KINDS[round_ % len(self.KINDS)]
            round_ += 1
            with contextlib.suppress(OSError, RuntimeError, ValueError, IndexError):
                self.attack(kind)  # failing while the broker restarts: the next one comes anyway

    def attack(self, kind: str) -> None:
        screen = self.random.choice(self.screens)
        if kind == "forged manifest":
            forged = wire.encode_manifest(screen, 10**12, "0" * 64, self.forger)
            self.timed(kind, self.topics.manifest(screen), forged, lambda p: p and p != forged)
        elif kind == "replayed manifest":
            old = self.first_seen.get(screen)
            if old and old != self.publisher.owned.get(screen):
                self.timed(kind, self.topics.manifest(screen), old, lambda p: p and p != old)
        elif kind == "poisoned object":
            live = sorted(self.publisher.live)
            if live:
                object_id = self.random.choice(live)
                topic = self.topics.object(object_id)
                self.client.subscribe(topic, 1)
                time.sleep(0.2)  # its retained copy arrives first
                self.timed(kind, topic, b"poison", lambda p: wire.digest(p) == object_id)
                self.client.unsubscribe(topic)
        elif kind == "bad status":
            self.send(self.topics.status(screen), json.dumps(
                {"schema": "1.0", "type": "status", "version": "x", "entries": [], "error": 7}).encode())
            self.made[kind] += 1
        else:  # a bounded flood: 400 events (over the publisher's burst) and an oversized one
            event = wire.encode_message("play", screen=screen, key="x" * 4000)
            for _ in range(400):
                self.client.publish(self.topics.event(screen), event, qos=0)
            self.client.publish(self.topics.event(screen), b"x" * 200_000, qos=0)
            self.made[kind] += 1

    def send(self, topic: str, payload: bytes) -> None:
        info = self.client.publish(topic, payload, qos=1, retain=True)
        info.wait_for_publish(5)

    def timed(self, kind: str, topic: str, payload: bytes, restored: Callable[[bytes], bool]) -> None:
        """Attack, and time until the genuine payload is back (from sending the attack)."""
        with self.lock:
            self.repaired.clear()
            self.waiting = (topic, restored)
        start = time.monotonic()  # the repair may arrive before our PUBACK does
        info = self.client.publish(topic, payload, qos=1, retain=True)
        info.wait_for_publish(5)
        if not info.is_published():
            return
        self.made[kind] += 1
        if self.repaired.wait(self.REPAIR_TIMEOUT):
            self.latency[kind].append(time.monotonic() - start)
        else:
            self.unrepaired[kind] += 1
        with self.lock:
            self.waiting = None

    def rows(self) -> list[tuple[str, str]]:
        rows = []
        for kind in self.KINDS:
            values = self.latency[kind]
            timing = (f"{percentile(values, 0.5) * 1000:.0f}/{percentile(values, 0.99) * 1000:.0f}/"
                      f"{max(values) * 1000:.0f} ms" if values else "-")
            missed = f", {self.unrepaired[kind]} not in {self.REPAIR_TIMEOUT:g} s" \
                if self.unrepaired[kind] else ""
            rows.append((f"hostile {kind}: made; repair p50/p99/max",
                         f"{self.made[kind]}; {timing}{missed}"))
        rows.append(("publisher repairs / events dropped",
                     f"{self.publisher.repairs} / {self.publisher._gate.dropped}"))
        return rows

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)
        self.client.disconnect()
        self.client.loop_stop()


# --- the soak -----------------------------------------------------------------------------------


class Soak:
    def __init__(self, args: argparse.Namespace, broker: EmbeddedBroker, workers: Workers,
                 publisher: Publisher, content: Path, logs: LogCounter) -> None:
        self.args, self.broker, self.workers, self.publisher = args, broker, workers, publisher
        self.content, self.logs = content, logs
        self.screens = [s for share in workers.share for s in share]
        self.publishes = PublishLog(publisher)
        self.editor = Editor(content)
        self.restarts: list[Restart] = []
        self.baseline: list[Restart] = []
        self.stopping = threading.Event()  # stops the restarter and the watch loop
        self.watcher: threading.Thread | None = None
        self.restarter: threading.Thread | None = None
        sources: dict[str, Callable[[], int | None]] = {"main (publisher)": os.getpid}
        for n, (process, share) in enumerate(zip(workers.processes, workers.share, strict=True), 1):
            sources[f"worker {n} ({len(share)} players)"] = lambda p=process: p.pid
        sources["mosquitto (restarted)"] = lambda: broker.process.pid if broker.running else None
        self.sampler = MemorySampler(sources)
        self.t0 = 0.0
        self.soak_end = 0.0
        self.memory_rows: list[tuple[str, str]] = []
        self.main_ratio: float | None = None
        self.hostile: Hostile | None = None
        self.baseline_raw: dict[str, tuple[list[float], list[float]]] = {}

    # The phases, in order; each wait is bounded.

    def run(self) -> int:
        args = self.args
        print(f"soak: {args.players} players in {args.workers} processes; {args.items} items in "
              f"{args.units} units; {args.duration:.0f} s, broker restart every "
              f"{args.restart_every:g} s, an edit every {args.edit_every:g} s", flush=True)

        def connected_all() -> bool:
            shown = self.workers.shown()
            return len(shown) == len(self.screens) and all(c for _, _, c in shown.values())

        connected = wait_for(connected_all, 60)
        if connected is None:
            print("not every player connected within 60 s", flush=True)
            return 1
        start = time.time()
        full = self.publishes()
        # Only numbers are kept: a report holds its check result, and so a whole catalogue.
        first = {s: (v, None) for s, v in full.versions.items()}
        objects_sent, bytes_sent = full.objects_sent, full.bytes_sent
        del full
        synced = wait_for(lambda: self.all_show(first), SYNC_TIMEOUT, every=0.5)
        if synced is None:
            print(f"the initial sync did not complete within {SYNC_TIMEOUT:.0f} s", flush=True)
            return 1
        print(f"initial sync: every player shows its first version after {time.time() - start:.1f} s "
              f"({objects_sent} objects, {bytes_sent / 1e6:.1f} MB published)", flush=True)

        self.watcher = threading.Thread(target=self.watch, name="publisher-watch", daemon=True)
        self.watcher.start()
        if wait_for(lambda: len(self.publishes.done) > 1, 60) is None:
            print("the watch loop did not publish within 60 s", flush=True)
            return 1
        first_health = self.snapshot()
        self.sampler.start()
        self.t0 = time.time()
        self.restarter = threading.Thread(target=self.restart_loop, name="restarter", daemon=True)
        self.restarter.start()
        if not args.no_hostile:
            self.hostile = Hostile(self.broker.url, self.screens, self.publisher, args.attack_every)
            self.hostile.thread.start()
        self.edit_loop()
        self.soak_end = time.time()
        if self.hostile is not None:
            self.hostile.stop()
        self.restarter.join(60)
        return self.finish(first_health)

    def watch(self) -> None:
        serve(self.publisher, self.stopping)

    def edit_loop(self) -> None:
        args, n = self.args, 0
        while (when := self.t0 + n * args.edit_every) < self.t0 + args.duration:
            time.sleep(max(0.0, when - time.time()))
            if self.stopping.is_set() or any(r.error for r in self.restarts):
                return
            self.editor.edit(n)
            n += 1

    def restart_loop(self) -> None:
        args, k = self.args, 1
        while (when := self.t0 + k * args.restart_every) < self.t0 + args.duration:
            if self.stopping.wait(max(0.0, when - time.time())):
                return
            record = restart_broker(self.broker, k, lambda: versions_of(self.publisher))
            self.restarts.append(record)
            state = record.error or f"down {record.up - record.down:.2f} s"
            print(f"  +{record.down - self.t0:5.1f} s  broker restart {k}: {state}; "
                  f"{len(self.editor.written)} edits so far", flush=True)
            if record.error:
                return
            k += 1

    def all_show(self, expected: dict[str, tuple[int, str | None]]) -> bool:
        shown = self.workers.shown()
        return len(shown) == len(self.screens) and all(
            shown[s][0] == v and (p is None or shown[s][1] == p) for s, (v, p) in expected.items())

    def snapshot(self) -> list[dict[str, Any] | None]:
        return self.workers.ask("snapshot")

    def finish(self, first_health: list[dict[str, Any] | None]) -> int:
        """The last edit published, the fleet settled, health, then the baseline."""
        publishes, publisher = self.publishes, self.publisher
        if not self.broker.running:  # a failed restart: bring it back for the settle
            with contextlib.suppress(Exception):
                self.broker.start()
        last_edit = self.editor.written[-1] if self.editor.written else self.t0

        def caught_up() -> bool:
            with publishes.lock:
                idle = publishes.running == 0
            return (time.time() - last_edit > 1.0 and idle and not publisher.dirty.is_set()
                    and publisher.synced.is_set() and bool(publishes.done)
                    and publishes.done[-1][0] > last_edit)

        published_last = wait_for(caught_up, 90)
        watcher_alive = bool(self.watcher and self.watcher.is_alive())
        self.stopping.set()
        publisher.dirty.set()
        if self.watcher:
            self.watcher.join(90)
        extra: dict[str, int] | None = None
        if wait_for(publisher.synced.is_set, 30) is not None:
            with contextlib.suppress(Exception):
                extra = dict(publishes().versions)  # nothing new: the watcher had published it all
        expected = {s: (int(e["version"]), str(e["plan"]))
                    for s, e in publisher.state.manifests.items() if s in set(self.screens)}
        settled = wait_for(lambda: self.all_show(expected), self.args.settle, every=0.5)
        settle_end = time.time()
        self.sampler.stop()
        final = self.snapshot()
        workers_alive = [p.is_alive() for p in self.workers.processes]

        if self.args.baseline_restarts > 0 and all(workers_alive):
            self.run_baseline()

        return self.report(first_health, final, expected, workers_alive, watcher_alive, published_last,
                           extra, settled, settle_end)

    def run_baseline(self) -> None:
        """Plain paho clients through broker restarts, no edits (the players are stopped)."""
        self.workers.ask("stop-players")
        topics = Topics()
        port = int(self.broker.url.rsplit(":", 1)[1])
        self.workers.ask("raw-start", per_worker=[
            (port, {s: topics.manifest(s) for s in share}) for share in self.workers.share])

        def raw() -> dict[str, tuple[list[float], list[float]]]:
            merged: dict[str, tuple[list[float], list[float]]] = {}
            for part in self.workers.ask("raw-snapshot"):
                merged.update(part or {})
            return merged

        def all_received(since: float) -> bool:
            snap = raw()
            return len(snap) == len(self.screens) and all(
                any(t > since for t in received) for _, received in snap.values())

        if wait_for(lambda: all_received(0.0), 60, every=0.5) is None:
            print("baseline: not every raw client got its manifest within 60 s", flush=True)
        for k in range(1, self.args.baseline_restarts + 1):
            time.sleep(2.0)
            record = restart_broker(self.broker, k)
            self.baseline.append(record)
            if record.error or wait_for(lambda r=record: all_received(r.down), 60, every=0.5) is None:
                break
        self.baseline_raw = raw()
        self.workers.ask("raw-stop")

    # --- the report ---------------------------------------------------------------------

    def report(self, first_health: list[dict[str, Any] | None], final: list[dict[str, Any] | None],
               expected: dict[str, tuple[int, str]], workers_alive: list[bool], watcher_alive: bool,
               published_last: float | None, extra: dict[str, int] | None, settled: float | None,
               settle_end: float) -> int:
        args = self.args
        players: dict[str, dict[str, Any]] = {}
        for part in final:
            players.update((part or {}).get("players", {}))

        # Restarts: reconnect and convergence.
        print()
        print(f"broker restarts during the soak ({len(self.restarts)}; times in s from the broker "
              "accepting connections again)")
        print("  #   at +s  down  publisher  behind  reconnect p50  all reconnected  all converged  "
              "next publish shown")
        reconnect_all: list[float] = []
        converge_all: list[float] = []
        caught_all: list[float] = []
        windows = [r.down for r in self.restarts[1:]] + [settle_end]
        for record, window_end in zip(self.restarts, windows, strict=True):
            head = f"  {record.number:<3d} +{record.down - self.t0:5.1f}"
            if record.error:
                print(f"{head}  failed: {record.error}")
                continue
            resumed = next(((start, r) for start, _, r in self.publishes.done
                            if start > record.up and r.versions), None)
            after = resumed[1].versions if resumed else {}
            back, converged, next_shown, behind = self.converge(players, record, window_end, after)
            line = (f"{head}  {record.up - record.down:4.2f}"
                    f"  {'-' if resumed is None else f'{resumed[0] - record.up:.2f}':>9}  {behind:6d}")
            if back is None:
                print(f"{line}  players not reconnected before the next restart")
                continue
            reconnect_all.append(max(back))
            line += f"  {percentile(back, 0.5):13.2f}  {max(back):15.2f}"
            if converged is None:
                print(f"{line}  players not converged before the next restart")
                continue
            converge_all.append(converged)
            line += f"  {converged:13.2f}"
            if next_shown is not None:
                caught_all.append(next_shown)
            print(f"{line}  {'-' if next_shown is None else f'{next_shown:.2f}':>18}")
        print("  (publisher: until the watch loop publishes again, having taken the broker's "
              "inventory; behind: players\n  not showing the version issued for their screen when "
              "the broker came back; converged: every player\n  reconnected and showing it; next "
              "publish shown: every player shows the first versions published after\n  the restart, "
              "i.e. the edits saved while the broker was away)")
        for what, values in (("every player reconnected", reconnect_all),
                             ("every player converged", converge_all),
                             ("every player shows the next publish", caught_all)):
            if values:
                print(f"  {what}: p50 {percentile(values, 0.5):.2f} s, max {max(values):.2f} s "
                      f"over {len(values)} restarts")

        # Edits and their latency under restarts.
        issued = self.publishes.issued()
        latencies, superseded = [], 0
        soak_issued = {key: at for key, at in issued.items() if self.t0 <= at <= self.soak_end}
        for (screen, version), at in soak_issued.items():
            shown = players.get(screen, {}).get("switched", {}).get(version)
            if shown is None:
                superseded += 1
            else:
                latencies.append(shown - at)
        with_versions = [r for start, _, r in self.publishes.done
                         if self.t0 <= start <= self.soak_end and r.versions]
        held = max((r.held_back for _, _, r in self.publishes.done), default=0)
        errors = max((r.errors for _, _, r in self.publishes.done), default=0)
        print()
        print(f"edits: {len(self.editor.written)} written (one power item each, {len(self.editor.files)} "
              f"files in rotation); {len(with_versions)} publishes by the watch loop issued "
              f"{len(soak_issued)} screen versions (edits inside one debounce/publish coalesce); "
              f"{len(self.publishes.failed)} publishes failed and were retried")
        print(f"  check: at most {errors} error findings and {held} items held back in any publish")
        if latencies:
            print(f"  manifest out → shown, during the soak: p50 {percentile(latencies, 0.5):.2f} s, "
                  f"p99 {percentile(latencies, 0.99):.2f} s, max {max(latencies):.2f} s over "
                  f"{len(latencies)} versions shown; {superseded} superseded before being shown")
        if published_last is None:
            print("  ! the watch loop had not published the last edit within 90 s")
        if extra is not None:
            state = ("nothing new: the watch loop had published the last edit" if not extra
                     else f"! {len(extra)} screens got a version the watch loop had not issued")
            print(f"  publish after the watch loop stopped: {state}")

        # The end state.
        right = [s for s in self.screens
                 if (players.get(s, {}).get("version"), players.get(s, {}).get("plan")) == expected.get(s)]
        final_lag = [players[s]["switched"][expected[s][0]] - issued[(s, expected[s][0])]
                     for s in right if (s, expected[s][0]) in issued
                     and expected[s][0] in players[s]["switched"]]
        dead_processes = workers_alive.count(False)
        lost = len(self.screens) - len(players)  # in dead workers: their threads died with them
        run_dead = lost + sum(not p["run_alive"] for p in players.values())
        net_dead = lost + sum(not p["net_alive"] for p in players.values())
        print()
        settle_text = (f"settled {settled:.1f} s after the final publish" if settled is not None
                       else f"NOT settled within {args.settle:.0f} s")
        print(f"end: {len(right)}/{len(self.screens)} players show the latest version and plan "
              f"({settle_text})")
        if final_lag:
            print(f"  each screen's latest manifest → shown: p50 {percentile(final_lag, 0.5):.2f} s, "
                  f"max {max(final_lag):.2f} s")
        wrong = [s for s in self.screens if s not in right][:5]
        for screen in wrong:
            info = players.get(screen)
            got = (info["version"], (info["plan"] or "")[:12]) if info else "worker lost"
            print(f"  ! {screen}: shows {got}, latest {expected.get(screen, (None, ''))[0]}")
        threads_before = [(h or {}).get("threads") for h in first_health]
        threads_after = [(h or {}).get("threads") for h in final]
        print(f"  worker processes alive: {workers_alive.count(True)}/{len(workers_alive)}; runtime "
              f"threads dead {run_dead}, connection threads dead {net_dead}; threads per worker "
              f"{threads_before} → {threads_after}; publisher watch loop "
              f"{'alive' if watcher_alive else 'DEAD'}")
        codes: Counter[str] = Counter()
        worker_logs: Counter[str] = Counter()
        samples: dict[str, list[str]] = {}
        for info in players.values():
            codes.update(info["errors"])
        for part in final:
            worker_logs.update((part or {}).get("logs", {}).get("counts", {}))
            for key, texts in (part or {}).get("logs", {}).get("samples", {}).items():
                samples.setdefault(key, texts)
        print(f"  player error codes: {dict(codes) or 'none'}")
        main_logs = self.logs.report()
        for origin, counts, texts in (("workers", worker_logs, samples),
                                      ("main", Counter(main_logs["counts"]), main_logs["samples"])):
            for key, count in counts.most_common(6):
                print(f"  log ({origin}) {key}: {count}, e.g. {texts.get(key, [''])[0]!r}")

        # Memory.
        self.print_memory()

        # Baseline.
        ours_c50 = percentile(converge_all, 0.5) if converge_all else None
        base = self.print_baseline()
        print()
        print("summary")
        failures = []
        rows = [("players showing the latest version", f"{len(right)}/{len(self.screens)}", "all",
                 len(right) == len(self.screens)),
                ("crashed worker processes", str(dead_processes), "0", dead_processes == 0),
                ("dead runtime / connection threads", f"{run_dead} / {net_dead}", "0 / 0",
                 run_dead == 0 and net_dead == 0),
                ("publisher watch loop", "alive" if watcher_alive else "dead", "alive", watcher_alive),
                ("publisher RSS last quarter / first", f"{self.main_ratio or 0:.3f}×", "≤ 1.1×",
                 self.main_ratio is not None and self.main_ratio <= 1.1)]
        for name, value, target, ok in rows:
            print(f"  {name:<44} {value:>14}   target {target:<8} {'ok' if ok else 'FAILED'}")
            if not ok:
                failures.append(name)
        info_rows = [("edits written / publishes with versions",
                      f"{len(self.editor.written)} / {len(with_versions)}"),
                     ("broker restarts (ok / all)",
                      f"{sum(not r.error for r in self.restarts)} / {len(self.restarts)}")]
        if reconnect_all:
            info_rows.append(("all reconnected after restart p50 / max",
                              f"{percentile(reconnect_all, 0.5):.2f} / {max(reconnect_all):.2f} s"))
        if converge_all:
            info_rows.append(("all converged after restart p50 / max",
                              f"{percentile(converge_all, 0.5):.2f} / {max(converge_all):.2f} s"))
        if caught_all:
            info_rows.append(("all show the next publish p50 / max",
                              f"{percentile(caught_all, 0.5):.2f} / {max(caught_all):.2f} s"))
        if base and ours_c50 is not None:
            info_rows.append(("raw paho baseline p50 / max",
                              f"{base[0]:.2f} / {base[1]:.2f} s"))
            info_rows.append(("ours converged / raw (p50, max)",
                              f"{ours_c50 / base[0]:.2f}× / {max(converge_all) / base[1]:.2f}×"))
        if self.hostile is not None:
            info_rows += self.hostile.rows()
        for name, value in info_rows + self.memory_rows:
            print(f"  {name:<44} {value:>14}")
        if failures:
            print(f"FAILED: {', '.join(failures)}")
            return 1
        return 0

    def converge(self, players: dict[str, dict[str, Any]], record: Restart, window_end: float,
                 after: dict[str, int]) -> tuple[list[float] | None, float | None, float | None, int]:
        """After one restart: each player's reconnect time; when every player was reconnected and
        showing the version issued when the broker came back; when every player showed the first
        versions published after it; and how many players were behind. Times from ``record.up``;
        None when not reached before ``window_end`` (the next restart)."""
        back: list[float] = []
        shown: list[float] = []
        caught: list[float] = []
        behind = 0

        def first_showing(info: dict[str, Any], version: int) -> float | None:
            at = min((t for v, t in info["switched"].items() if v >= version), default=None)
            return at if at is not None and at < window_end else None

        for screen in self.screens:
            info = players.get(screen)
            if info is None:
                return None, None, None, behind
            connected = next((t for t in info["connects"] if record.down < t < window_end), None)
            if connected is None:
                return None, None, None, behind
            back.append(connected - record.up)
            target = first_showing(info, record.targets.get(screen, 0))
            behind += target is None or target > record.up
            later = first_showing(info, after.get(screen, record.targets.get(screen, 0)))
            shown.append(max(connected, target) - record.up if target is not None else float("inf"))
            caught.append(max(connected, later) - record.up if later is not None else float("inf"))
        converged = max(shown) if max(shown) < float("inf") else None
        return back, converged, (max(caught) if after and max(caught) < float("inf") else None), behind

    def print_memory(self) -> None:
        samples = [(t, row) for t, row in self.sampler.samples if self.t0 <= t <= self.soak_end]
        print()
        print(f"memory: RSS in MB, {len(samples)} samples (one a second during the soak) averaged by "
              "quarter of the soak; peak over the soak and settle")
        print(f"  {'process':<26} {'  '.join(f'{h:>6}' for h in ('¼1', '¼2', '¼3', '¼4', '¼4/¼1', 'peak'))}"
              "  threads   fds")
        size = max(1, len(samples) // 4)
        quarters = [samples[i * size:(i + 1) * size] for i in range(3)] + [samples[-size:]]
        names = list(self.sampler.sources)
        workers = [n for n in names if n.startswith("worker")]
        rows: list[tuple[str, str]] = []

        def average(part: list[tuple[float, dict[str, dict[str, int]]]], key: str,
                    members: list[str]) -> float:
            values = [sum(row[n][key] for n in members) for _, row in part if all(n in row for n in members)]
            return sum(values) / len(values) if values else 0.0

        for label, members in [*((n, [n]) for n in names), ("workers together", workers)]:
            rss = [average(q, "VmRSS", members) / 1024 for q in quarters]
            peak = max((sum(row[n]["VmRSS"] for n in members) for _, row in self.sampler.samples
                        if all(n in row for n in members)), default=0) / 1024
            threads = [average(quarters[i], "Threads", members) for i in (0, 3)]
            fds = [average(quarters[i], "fds", members) for i in (0, 3)]
            ratio = rss[3] / rss[0] if rss[0] else float("nan")
            print(f"  {label:<26} {'  '.join(f'{v:6.1f}' for v in rss)}  {ratio:6.3f}  {peak:6.1f}  "
                  f"{threads[0]:3.0f}→{threads[1]:<3.0f} {fds[0]:3.0f}→{fds[1]:<3.0f}")
            if label.startswith("main"):
                self.main_ratio = ratio
            if label.startswith(("main", "workers together")):
                rows.append((f"memory {label.split()[0]}: ¼4/¼1, peak", f"{ratio:.3f}×, {peak:.0f} MB"))
        self.memory_rows = rows[::-1]

    def print_baseline(self) -> tuple[float, float] | None:
        if not self.baseline:
            return None
        raw = self.baseline_raw
        print()
        print(f"baseline: {len(raw)} plain paho clients (paho's reconnect, default delays), each "
              f"subscribed to its retained manifest; broker restarts with no edits")
        print("  #   down  reconnect p50  all reconnected  all have the manifest again   (s, from the broker "
              "accepting connections)")
        converged = []
        windows = [r.down for r in self.baseline[1:]] + [time.time()]
        for record, window_end in zip(self.baseline, windows, strict=True):
            if record.error:
                print(f"  {record.number:<3d} failed: {record.error}")
                continue
            backs = [next((t for t in c if record.down < t < window_end), None) for c, _ in raw.values()]
            gots = [next((t for t in r if record.down < t < window_end), None) for _, r in raw.values()]
            if not raw or None in backs or None in gots:
                print(f"  {record.number:<3d} {record.up - record.down:4.2f}  "
                      f"{backs.count(None)} not reconnected, {gots.count(None)} without the manifest")
                continue
            back_times = [t - record.up for t in backs]
            converged.append(max(gots) - record.up)
            print(f"  {record.number:<3d} {record.up - record.down:4.2f}  "
                  f"{percentile(back_times, 0.5):13.2f}  {max(back_times):15.2f}  {converged[-1]:27.2f}")
        if not converged:
            return None
        return percentile(converged, 0.5), max(converged)


# --- set-up and clean-up ------------------------------------------------------------------------


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="40 players, 30 s, 500 items in 10 units (unless given)")
    parser.add_argument("--players", type=int)
    parser.add_argument("--duration", type=float, help="seconds of edits and restarts")
    parser.add_argument("--restart-every", type=float, default=10.0)
    parser.add_argument("--edit-every", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--items", type=int)
    parser.add_argument("--units", type=int)
    parser.add_argument("--settle", type=float, default=60.0, help="seconds allowed at the end")
    parser.add_argument("--grace", type=float, default=30.0,
                        help="seconds before unused objects are cleared (production: 600)")
    parser.add_argument("--baseline-restarts", type=int)
    parser.add_argument("--no-hostile", action="store_true", help="no hostile client during the soak")
    parser.add_argument("--attack-every", type=float, default=0.5,
                        help="seconds between the hostile client's attacks")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    signal.signal(signal.SIGTERM, _interrupt)
    logs = count_logs()
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp_name:
        tmp = Path(tmp_name)
        content, data = prepare_county(tmp, args.units, args.items, args.players)
        broker = EmbeddedBroker(tmp / "broker")
        workers: Workers | None = None
        publisher: Publisher | None = None
        soak: Soak | None = None
        try:
            broker.start()
            screens = list(load_screens(tmp / "layouts").screens)
            workers = Workers(args.workers, screens, broker.url, data / PUBLIC_KEY_FILE, tmp / "cache")
            publisher = Publisher(content, tmp / "layouts", broker.url, data, grace_seconds=args.grace)
            publisher.start()
            soak = Soak(args, broker, workers, publisher, content, logs)
            return soak.run()
        except KeyboardInterrupt:
            print("\ninterrupted: cleaning up", flush=True)
            return 130
        finally:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the clean-up finish
            try:
                cleanup(soak, publisher, workers, broker)
            finally:
                signal.signal(signal.SIGINT, previous)


def cleanup(soak: Soak | None, publisher: Publisher | None, workers: Workers | None,
            broker: EmbeddedBroker) -> None:
    """Every step bounded and independent: threads, publisher, worker processes, broker."""
    start = time.monotonic()
    if soak is not None:
        if soak.hostile is not None:
            with contextlib.suppress(Exception):
                soak.hostile.stop()
        soak.stopping.set()
        if publisher is not None:
            publisher.dirty.set()
        for thread in (soak.restarter, soak.watcher):
            if thread is not None:
                thread.join(30)
        soak.sampler.stopping.set()
    if publisher is not None:
        with contextlib.suppress(Exception):
            publisher.stop()
    if workers is not None:
        workers.close()
    broker.stop()
    alive = sum(p.is_alive() for p in workers.processes) if workers else 0
    print(f"clean-up: broker {'RUNNING' if broker.running else 'stopped'}, "
          f"{alive} worker processes left, {time.monotonic() - start:.1f} s", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
