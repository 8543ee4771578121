"""Publish-path benchmark: 200 player runtimes on a loopback mosquitto, a 2,000-item catalogue.

Prints, measured in one run:
- full initial sync: time until every player shows the first version, and bytes on the wire;
- a one-item edit acknowledged by every player whose screen shows it: p50/p99 latency from the
  saved edit (check + plan + transport) and from the first manifest (transport alone), and its
  bytes vs. the full push;
- the edit's bytes per screen that shows it, against the size of the changed item;
- the raw baseline: the same per-screen messages through plain paho publish → subscribe, to the
  same number of subscribers in the same worker processes, and the ratio ours/raw;
- the fair transport figure: a second edit to ``--fair`` players that each have a process of
  their own (a real fleet has one box per screen), ours vs raw paho in those same processes.

``--county``: bench/check_catalogue.py's county (10,000 items in 65 units) on 500 screens; the
edit's latency from the save (target p99 ≤ 2 s), the time from the save to the first manifest
with the publisher's stages (check, plan, objects, manifests) apart, and the publisher's peak
RSS. The raw sync baseline and the fair figure are skipped there unless asked for.

Targets (issues 3, 21): edit p99 ≤ 1 s; edit bytes ≤ 0.75 % of a full push; ours within 2× of
raw. The co-hosted players run as threads in a few worker processes (one GIL per process).
Everything stays on 127.0.0.1 and every wait is bounded.

    python bench/publish.py [--players 200] [--items 2000] [--units 20] [--workers 4] [--fair 20]
    python bench/publish.py --county [--workers 4]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing as mp
import resource
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from check_catalogue import generate  # noqa: E402

from players.fetch import SharedFetcher  # noqa: E402
from players.log import LogRenderer  # noqa: E402
from players.plan import Plan  # noqa: E402
from players.runtime import PlayerConfig, Runtime  # noqa: E402
from signage.contract.keys import PUBLIC_KEY_FILE, init_keys  # noqa: E402
from signage.contract.wire import encode_manifest  # noqa: E402
from signage.fleet.broker import EmbeddedBroker  # noqa: E402
from signage.publishing.publisher import Publisher, serve  # noqa: E402
from signage.publishing.screens import load_screens  # noqa: E402


class TimingRenderer(LogRenderer):
    """Records when each version was switched to (wall clock: comparable across processes)."""

    def __init__(self) -> None:
        super().__init__(out=io.StringIO())
        self.switched: dict[int, float] = {}

    def show(self, plan: Plan) -> None:
        self.switched[plan.version] = time.time()


# --- worker processes -------------------------------------------------------------------------


def worker(screens: list[str], url: str, key: Path, cache: Path, pipe: Pipe,
           share: bool = True) -> None:
    """Runs player runtimes (and later raw subscribers) for ``screens``; answers the pipe.
    ``share``: the process's players fetch objects through one shared subscription."""
    stop = threading.Event()
    players = []
    fetcher = SharedFetcher(url, f"fetch-{screens[0]}") if share and len(screens) > 1 else None
    if fetcher is not None:
        fetcher.start()
    for screen in screens:
        runtime = Runtime(PlayerConfig(screen=screen, broker=url, public_keys=[key],
                                       cache_dir=cache / screen, object_timeout=120),
                          renderer := TimingRenderer(), fetcher=fetcher)
        runtime.start()
        threading.Thread(target=runtime.run, args=(stop,), daemon=True).start()
        players.append((runtime, renderer))
    while True:
        command, argument = pipe.recv()
        if command == "snapshot":
            pipe.send({r.screen: (r.manifest.version if r.manifest else None, r.bytes_received,
                                  dict(t.switched)) for r, t in players})
        elif command == "stop-players":
            stop.set()
            for runtime, _ in players:
                runtime.stop()
            if fetcher is not None:
                fetcher.stop()
            pipe.send("ok")
        elif command == "raw":
            pipe.send(raw_subscribers(url, argument, pipe))
        elif command == "raw-sync":
            pipe.send(raw_sync(url, argument, pipe))
        elif command == "exit":
            return


def raw_subscribers(url: str, expected: dict[str, int], pipe: Pipe) -> dict[str, float]:
    """Plain paho clients, one per screen; the time each has received all its messages."""
    port = int(url.rsplit(":", 1)[1])
    received = dict.fromkeys(expected, 0)
    done: dict[str, float] = {}
    lock = threading.Lock()
    clients = []
    for screen in expected:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"raw-{screen}")

        def on_message(c, u, m, screen=screen) -> None:
            with lock:
                received[screen] += 1
                if received[screen] == expected[screen]:
                    done[screen] = time.time()

        client.on_message = on_message
        client.connect("127.0.0.1", port)
        client.subscribe(f"raw/{screen}", qos=1)
        client.loop_start()
        clients.append(client)
    pipe.send("subscribed")
    deadline = time.monotonic() + 120
    while len(done) < len(expected) and time.monotonic() < deadline:
        time.sleep(0.01)
    for client in clients:
        client.loop_stop()
        client.disconnect()
    return done


def raw_sync(url: str, wanted: dict[str, list[str]], pipe: Pipe, batch: int = 200) -> dict[str, float]:
    """Plain paho clients, one per screen, fetching the screen's retained objects the way a
    player may: at most ``batch`` subscriptions outstanding. The time each has all of them."""
    port = int(url.rsplit(":", 1)[1])
    done: dict[str, float] = {}
    lock = threading.Lock()
    clients = []
    pipe.send("ready")
    assert pipe.recv() == "go"
    for screen, topics in wanted.items():
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"rawsync-{screen}")
        state = {"next": 0, "open": 0}

        def ask(c: mqtt.Client, state: dict[str, int] = state, topics: list[str] = topics) -> None:
            room = batch - state["open"]
            chosen = topics[state["next"]:state["next"] + room]
            state["next"] += len(chosen)
            state["open"] += len(chosen)
            if chosen:
                c.subscribe([(t, 1) for t in chosen])

        def on_message(c, u, m, screen=screen, state=state, topics=topics, ask=ask) -> None:
            state["open"] -= 1
            c.unsubscribe(m.topic)
            if state["next"] < len(topics):
                ask(c)
            elif state["open"] == 0:
                with lock:
                    done[screen] = time.time()

        client.on_message = on_message
        client.on_connect = lambda c, u, f, r, p, ask=ask: ask(c)
        client.connect("127.0.0.1", port)
        client.loop_start()
        clients.append(client)
    deadline = time.monotonic() + 600
    while len(done) < len(wanted) and time.monotonic() < deadline:
        time.sleep(0.01)
    for client in clients:
        client.loop_stop()
        client.disconnect()
    return done


class Workers:
    """Worker processes running ``target(screens, url, key, cache, pipe)`` for a share of the
    screens each (shares mixed by a hash, so each process gets every kind)."""

    def __init__(self, count: int, screens: list[str], url: str, key: Path, cache: Path,
                 target: Any = worker, shared: bool = True) -> None:
        context = mp.get_context("fork")
        self.pipes: list[Pipe] = []
        self.processes: list[Any] = []
        mixed = sorted(screens, key=lambda s: hashlib.sha1(s.encode()).digest())  # spread kinds
        self.share: list[list[str]] = [mixed[i::count] for i in range(count)]
        for share in self.share:
            mine, theirs = context.Pipe()
            process = context.Process(target=target, args=(share, url, key, cache, theirs),
                                      kwargs={"share": shared} if target is worker else {},
                                      daemon=True)
            process.start()
            theirs.close()
            self.pipes.append(mine)
            self.processes.append(process)

    def ask(self, command: str, argument: Any = None) -> list[Any]:
        for pipe in self.pipes:
            pipe.send((command, argument))
        return [pipe.recv() for pipe in self.pipes]

    def snapshot(self) -> dict[str, tuple[int | None, int, dict[int, float]]]:
        merged: dict[str, tuple[int | None, int, dict[int, float]]] = {}
        for part in self.ask("snapshot"):
            merged.update(part)
        return merged

    def raw(self, expected: dict[str, int], send: Any) -> dict[str, float]:
        for pipe, share in zip(self.pipes, self.share, strict=True):
            pipe.send(("raw", {s: expected[s] for s in share if s in expected}))
        for pipe in self.pipes:
            assert pipe.recv() == "subscribed"
        time.sleep(0.5)
        start = time.time()
        send()
        done: dict[str, float] = {}
        for pipe in self.pipes:
            done.update(pipe.recv())
        return {screen: t - start for screen, t in done.items()}

    def raw_sync(self, wanted: dict[str, list[str]]) -> tuple[float, dict[str, float]]:
        for pipe, share in zip(self.pipes, self.share, strict=True):
            pipe.send(("raw-sync", {s: wanted[s] for s in share if s in wanted}))
        for pipe in self.pipes:
            assert pipe.recv() == "ready"
        start = time.time()
        for pipe in self.pipes:
            pipe.send("go")
        done: dict[str, float] = {}
        for pipe in self.pipes:
            done.update(pipe.recv())
        return start, done

    def close(self) -> None:
        self.ask("stop-players")
        for pipe in self.pipes:
            pipe.send(("exit", None))
        for process in self.processes:
            process.join(10)


# --- the run ------------------------------------------------------------------------------------


def write_screens(folder: Path, units: list[str], count: int) -> None:
    """``count`` screens: county-wide kiosks, per-unit LED signs and boards."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["screens:"]
    for n in range(count):
        unit = units[n % len(units)]
        if n % 4 == 0:
            lines += [f"  - id: kiosk-{n:03d}", "    kind: kiosk"]
        elif n % 4 == 1:
            lines += [f"  - id: board-{n:03d}", "    kind: board", "    select:",
                      f"      units: [{unit}]"]
        else:
            lines += [f"  - id: led-{n:03d}", "    kind: led", "    select:",
                      f"      units: [{unit}]", "      show: [announcements, powers]"]
    (folder / "screens.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def edited_file(content: Path) -> Path:
    return sorted(content.glob("units/*/powers*.yaml"))[0]


def edit_one_item(content: Path) -> Path:
    path = edited_file(content)
    text = path.read_text("utf-8")
    marker = "  - name: "
    start = text.index(marker) + len(marker)
    end = text.index("\n", start)
    path.write_text(text[:start] + text[start:end].strip("'\"") + "（修订）" + text[end:], "utf-8")
    return path


def wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def prepare_county(tmp: Path, units: int, items: int, players: int) -> tuple[Path, Path]:
    """A generated county in ``tmp/content``, ``players`` screens in ``tmp/layouts`` and a
    publisher key in ``tmp/publisher``; returns (content, publisher data)."""
    content = tmp / "content"
    generate(content, units, items, seed=7)
    write_screens(tmp / "layouts", sorted(p.name for p in (content / "units").iterdir()), players)
    data = tmp / "publisher"
    init_keys(data)
    return content, data


def stages(report: Any) -> str:
    return ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in report.stages.items())


def peak_rss_mb() -> float:
    """This process's peak RSS (the publisher, and the catalogue generated before it)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def current_rss() -> str:
    try:
        import psutil
    except ImportError:
        return ""
    return f", now {psutil.Process().memory_info().rss / 2 ** 20:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--players", type=int, default=200)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-share", action="store_true",
                        help="each co-hosted player fetches on its own (no shared subscription)")
    parser.add_argument("--sync-only", action="store_true",
                        help="stop after the initial sync and its raw baseline")
    parser.add_argument("--fair", type=int, default=None,
                        help="players in a process each for the fair transport figure (0: skip; "
                             "default 20, 0 with --county)")
    parser.add_argument("--fair-only", action="store_true",
                        help="only the fair transport figure (no co-hosted players)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="edits in the fair figure, their latencies pooled (default 1)")
    parser.add_argument("--county", action="store_true",
                        help="the county: 10,000 items in 65 units, 500 screens")
    parser.add_argument("--raw-sync", action=argparse.BooleanOptionalAction, default=None,
                        help="measure raw paho's initial sync (default: yes, no with --county)")
    args = parser.parse_args()
    if args.county:
        args.items, args.units, args.players = 10_000, 65, 500
    if args.fair is None:
        args.fair = 0 if args.county else 20
    if args.raw_sync is None:
        args.raw_sync = not args.county
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp_name:
        tmp = Path(tmp_name)
        content, data = prepare_county(tmp, args.units, args.items, args.players)
        with EmbeddedBroker(tmp / "broker") as broker:
            if args.fair_only:
                fair(broker, content, tmp, data, showing_edit(content, tmp / "layouts")[:args.fair],
                     args.rounds)
                return 0
            screens = list(load_screens(tmp / "layouts").screens)
            workers = Workers(args.workers, screens, broker.url, data / PUBLIC_KEY_FILE,
                              tmp / "cache", shared=not args.no_share)
            try:
                changed = run(broker, workers, content, tmp, data, args)
            finally:
                workers.close()
            if args.fair and changed:
                fair(broker, content, tmp, data, changed[:args.fair], args.rounds)
    return 0


def showing_edit(content: Path, layouts: Path) -> list[str]:
    """The screens that show the item :func:`edit_one_item` changes."""
    unit = edited_file(content).parent.name
    return [s.id for s in load_screens(layouts).screens.values()
            if "powers" in s.select.show and (not s.select.units or unit in s.select.units)]


def fair(broker: EmbeddedBroker, content: Path, tmp: Path, data: Path, screens: list[str],
         rounds: int = 1) -> None:
    """The same kind of edit to players that each have a process of their own (a real fleet has
    one box per screen), ours vs raw paho in those same processes; ``rounds`` edits, pooled."""
    workers = Workers(len(screens), screens, broker.url, data / PUBLIC_KEY_FILE, tmp / "cache-fair")
    publisher = Publisher(content, tmp / "layouts", broker.url, data)
    publisher.start()
    ours: list[float] = []
    raw: list[float] = []
    try:
        publisher.publish()
        shown = publisher.state.manifests
        wait(lambda: all(v == shown[s]["version"] for s, (v, _, _) in workers.snapshot().items()),
             300, "the fair players' first sync")
        for _ in range(rounds):
            time.sleep(1.0)
            edit_one_item(content)
            edit = publisher.publish()
            wait(lambda edit=edit: all(edit.versions[s] in t
                                       for s, (_, _, t) in workers.snapshot().items()),
                 120, "fair edit acknowledged")
            snap = workers.snapshot()
            ours += [snap[s][2][edit.versions[s]] - edit.manifests_at for s in screens]
            messages = raw_messages(publisher, edit, screens)
            raw += list(workers.raw({s: len(m) for s, m in messages.items()},
                                    lambda messages=messages: send_raw(broker, messages)).values())
    finally:
        publisher.stop()
        workers.close()
    t50, t99 = percentile(ours, 0.5), percentile(ours, 0.99)
    r50, r99 = percentile(raw, 0.5), percentile(raw, 0.99)
    print(f"fair transport: {len(screens)} players, one process each, {rounds} edits: "
          f"ours p50 {t50 * 1000:.0f} ms, p99 {t99 * 1000:.0f} ms; raw paho p50 {r50 * 1000:.0f} ms, "
          f"p99 {r99 * 1000:.0f} ms; ours/raw p50 {t50 / r50:.2f}×, p99 {t99 / r99:.2f}× "
          f"(target ≤ 2×)")


def raw_messages(publisher: Publisher, edit: Any, screens: list[str]) -> dict[str, list[bytes]]:
    """What each screen fetched for ``edit``: its manifest and the objects new to it."""
    sent = set(edit.sent_ids)
    per_screen: dict[str, list[bytes]] = {}
    for screen in screens:
        uses = publisher.uses.get(screen, frozenset())
        fresh = sorted(uses & sent)
        manifest = encode_manifest(screen, edit.versions[screen], "0" * 64, publisher.key,
                                   prefetch=fresh)
        per_screen[screen] = [manifest, *(publisher.store.get(o) or b"" for o in fresh)]
    return per_screen


def send_raw(broker: EmbeddedBroker, per_screen: dict[str, list[bytes]]) -> None:
    sender = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="raw-sender")
    sender.max_inflight_messages_set(100)
    sender.connect("127.0.0.1", int(broker.url.rsplit(":", 1)[1]))
    sender.loop_start()
    try:
        infos = [sender.publish(f"raw/{screen}", payload, qos=1)
                 for screen, messages in per_screen.items() for payload in messages]
        for info in infos:
            info.wait_for_publish(30)
    finally:
        sender.loop_stop()
        sender.disconnect()


def run(broker: EmbeddedBroker, workers: Workers, content: Path, tmp: Path, data: Path,
        args: argparse.Namespace) -> list[str]:
    publisher = Publisher(content, tmp / "layouts", broker.url, data)
    publisher.start()
    try:
        time.sleep(2.0)  # let every player connect
        start = time.time()
        full = publisher.publish()
        wait(lambda: all(v == full.versions[s] for s, (v, _, _) in workers.snapshot().items()),
             900, "initial sync")
        full_seconds = time.time() - start
        after_full = workers.snapshot()
        full_down = sum(b for _, b, _ in after_full.values())
        print(f"catalogue: {args.items} items in {args.units} units; {args.players} players in "
              f"{args.workers} processes")
        print(f"full initial sync: {full_seconds:.1f} s; publisher → broker "
              f"{full.bytes_sent / 1e6:.2f} MB in {full.objects_sent} objects; "
              f"broker → players {full_down / 1e6:.1f} MB")
        synced = max(t[full.versions[s]] for s, (_, _, t) in after_full.items()) - full.manifests_at
        print(f"  from the first manifest: {synced:.1f} s; publisher stages: {stages(full)}")
        if args.raw_sync:
            wanted = {s: [publisher.topics.object(o) for o in sorted(publisher.uses[s])]
                      for s in full.versions}
            raw_start, raw_done = workers.raw_sync(wanted)
            raw_seconds = max(raw_done.values()) - raw_start if len(raw_done) == len(wanted) \
                else float("nan")
            print(f"  raw paho, the same retained objects to the same subscribers in the same "
                  f"processes (≤ 200 subscriptions open each): {raw_seconds:.1f} s; ours/raw "
                  f"{synced / raw_seconds:.2f}× (target ≤ 3×)")
        if args.sync_only:
            return []

        # The edit goes the way a unit's does: a saved file, seen by the watcher, published.
        reports: list[Any] = []
        stop = threading.Event()
        watcher = threading.Thread(target=serve, args=(publisher, stop),
                                   kwargs={"on_report": reports.append}, daemon=True)
        watcher.start()
        wait(lambda: reports, 60, "the watcher's first (empty) publish")
        time.sleep(1.0)
        edit_start = time.time()
        edit_one_item(content)
        wait(lambda: any(r.versions for r in reports[1:]), 60, "the watcher publishing the edit")
        edit = next(r for r in reports[1:] if r.versions)
        stop.set()
        publisher.dirty.set()
        watcher.join(10)
        changed = sorted(edit.versions)
        wait(lambda: all(edit.versions[s] in workers.snapshot()[s][2] for s in changed), 120,
             "edit acknowledged")
        snap = workers.snapshot()
        from_edit = [snap[s][2][edit.versions[s]] - edit_start for s in changed]
        from_manifest = [snap[s][2][edit.versions[s]] - edit.manifests_at for s in changed]
        edit_down = sum(snap[s][1] - after_full[s][1] for s in snap)
    finally:
        publisher.stop()
    edit_wire, full_wire = edit.bytes_sent + edit_down, full.bytes_sent + full_down
    p50, p99 = percentile(from_edit, 0.5), percentile(from_edit, 0.99)
    t50, t99 = percentile(from_manifest, 0.5), percentile(from_manifest, 0.99)
    print(f"one-item edit: {len(changed)} screens show it; saved → first manifest (watcher, "
          f"debounce, check, plan, objects) {edit.manifests_at - edit_start:.2f} s; publisher "
          f"stages: {stages(edit)}")
    print(f"  acked from the saved edit: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
          f"(target p99 ≤ 1000 ms from publish; 2 s from save)")
    print(f"  publisher process RSS: peak {peak_rss_mb():.0f} MB{current_rss()}")
    print(f"  acked from the first manifest (transport): p50 {t50 * 1000:.0f} ms, "
          f"p99 {t99 * 1000:.0f} ms")
    print(f"  bytes on the wire: {edit_wire / 1e3:.1f} kB (publisher {edit.bytes_sent / 1e3:.1f} kB "
          f"in {edit.objects_sent} objects + manifests; players {edit_down / 1e3:.1f} kB) = "
          f"{100 * edit_wire / full_wire:.2f} % of the full push {full_wire / 1e6:.1f} MB "
          f"(target ≤ 0.75 %)")
    items = [len(publisher.store.get(o) or b"") for o in edit.sent_ids
             if b'"type":"power"' in (publisher.store.get(o) or b"")]
    print(f"  per screen that shows it: {edit_wire / len(changed) / 1e3:.1f} kB on the wire "
          f"(players {edit_down / len(changed) / 1e3:.1f} kB) for a changed item of "
          f"{sum(items) / 1e3:.1f} kB = {edit_wire / len(changed) / max(sum(items), 1):.1f}× the item")

    # The raw baseline: the same bytes each changed screen fetched, as plain messages.
    messages = raw_messages(publisher, edit, changed)
    raw = list(workers.raw({s: len(m) for s, m in messages.items()},
                           lambda: send_raw(broker, messages)).values())
    r50, r99 = percentile(raw, 0.5), percentile(raw, 0.99)
    print(f"raw paho baseline (same messages, publish → subscribe): p50 {r50 * 1000:.0f} ms, "
          f"p99 {r99 * 1000:.0f} ms")
    print(f"ours (transport, {args.players // args.workers} players per process) / raw: "
          f"p50 {t50 / r50:.2f}×, p99 {t99 / r99:.2f}× (target ≤ 2×)")
    return changed


if __name__ == "__main__":
    raise SystemExit(main())
