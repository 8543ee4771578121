"""Publish-path benchmark: 200 player runtimes on a loopback mosquitto, a 2,000-item catalogue.

Prints, measured in one run:
- full initial sync: time until every player shows the first version, and bytes on the wire;
- a one-item edit acknowledged by every player: p50/p99 latency, and its bytes vs the full push;
- the raw baseline: the same per-screen messages through plain paho publish → subscribe,
  and the ratio ours/raw.

Targets (issue 3): edit p99 ≤ 1 s; edit bytes ≤ 5 % of a full push; ours within 2× of raw.
Everything stays on 127.0.0.1 and every wait is bounded.

    python bench/publish.py [--players 200] [--items 2000] [--units 20]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from check_catalogue import generate  # noqa: E402

from players.log import LogRenderer  # noqa: E402
from players.plan import Plan  # noqa: E402
from players.runtime import PlayerConfig, Runtime  # noqa: E402
from signage.broker import EmbeddedBroker  # noqa: E402
from signage.keys import PUBLIC_KEY_FILE, init_keys  # noqa: E402
from signage.publisher import Publisher  # noqa: E402
from signage.screens import load_screens  # noqa: E402
from signage.wire import encode_manifest  # noqa: E402


class TimingRenderer(LogRenderer):
    """Records when each version was switched to; prints nothing."""

    def __init__(self) -> None:
        super().__init__(out=io.StringIO())
        self.switched: dict[int, float] = {}

    def show(self, plan: Plan) -> None:
        self.switched[plan.version] = time.monotonic()


def write_screens(folder: Path, units: list[str], count: int) -> None:
    """``count`` screens: per-unit LED signs and boards, county-wide kiosks."""
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


def edit_one_item(content: Path) -> Path:
    path = sorted(content.glob("units/*/powers*.yaml"))[0]
    text = path.read_text("utf-8")
    marker = "  - name: "
    start = text.index(marker) + len(marker)
    end = text.index("\n", start)
    path.write_text(text[:start] + text[start:end].strip("'\"") + "（修订）" + text[end:], "utf-8")
    return path


def wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.02)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_players(broker: EmbeddedBroker, data: Path, cache: Path, screens: list[str]):
    players = []
    stop = threading.Event()
    for screen in screens:
        config = PlayerConfig(screen=screen, broker=broker.url,
                              public_keys=[data / PUBLIC_KEY_FILE], cache_dir=cache / screen)
        renderer = TimingRenderer()
        runtime = Runtime(config, renderer)
        runtime.start()
        thread = threading.Thread(target=runtime.run, args=(stop,), daemon=True)
        thread.start()
        players.append((runtime, renderer))
    return players, stop


def raw_baseline(broker: EmbeddedBroker, per_screen: dict[str, list[bytes]]) -> list[float]:
    """Plain paho: publish each screen's messages to it, time until each subscriber has all."""
    port = int(broker.url.rsplit(":", 1)[1])
    received: dict[str, int] = dict.fromkeys(per_screen, 0)
    done: dict[str, float] = {}
    lock = threading.Lock()
    clients = []
    for screen in per_screen:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"raw-{screen}")

        def on_message(c, u, m, screen=screen) -> None:
            with lock:
                received[screen] += 1
                if received[screen] == len(per_screen[screen]):
                    done[screen] = time.monotonic()

        client.on_message = on_message
        client.connect("127.0.0.1", port)
        client.subscribe(f"raw/{screen}", qos=1)
        client.loop_start()
        clients.append(client)
    time.sleep(1.0)
    sender = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="raw-sender")
    sender.max_inflight_messages_set(100)
    sender.connect("127.0.0.1", port)
    sender.loop_start()
    start = time.monotonic()
    infos = [sender.publish(f"raw/{screen}", payload, qos=1)
             for screen, messages in per_screen.items() for payload in messages]
    for info in infos:
        info.wait_for_publish(30)
    wait(lambda: len(done) == len(per_screen), 60, "raw subscribers")
    latencies = [done[s] - start for s in per_screen]
    for client in [*clients, sender]:
        client.loop_stop()
        client.disconnect()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--players", type=int, default=200)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--units", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp_name:
        tmp = Path(tmp_name)
        content = tmp / "content"
        generate(content, args.units, args.items, seed=7)
        units = sorted(p.name for p in (content / "units").iterdir())
        write_screens(tmp / "layouts", units, args.players)
        data = tmp / "publisher"
        init_keys(data)
        with EmbeddedBroker(tmp / "broker") as broker:
            return run(broker, content, tmp, data, args)


def run(broker: EmbeddedBroker, content: Path, tmp: Path, data: Path, args) -> int:
    publisher = Publisher(content, tmp / "layouts", broker.url, data)
    publisher.start()
    screens = list(load_screens(tmp / "layouts").screens)
    players, stop = start_players(broker, data, tmp / "cache", screens)
    try:
        time.sleep(1.0)  # let 200 clients connect
        start = time.monotonic()
        full = publisher.publish()
        wait(lambda: all(r.manifest and r.manifest.version == full.versions[r.screen]
                         for r, _ in players), 600, "initial sync")
        full_seconds = time.monotonic() - start
        full_down = sum(r.bytes_received for r, _ in players)
        print(f"catalogue: {args.items} items in {args.units} units; {len(players)} players; "
              f"{len(full.versions)} screens published")
        print(f"full initial sync: {full_seconds:.2f} s; publisher → broker "
              f"{full.bytes_sent / 1e6:.2f} MB in {full.objects_sent} objects; "
              f"broker → players {full_down / 1e6:.2f} MB")

        before = {r.screen: r.bytes_received for r, _ in players}
        edit_one_item(content)
        start = time.monotonic()
        edit = publisher.publish()
        changed = [(r, t) for r, t in players if r.screen in edit.versions]
        wait(lambda: all(edit.versions[r.screen] in t.switched for r, t in changed), 60,
             "edit acknowledged")
        latencies = [t.switched[edit.versions[r.screen]] - start for r, t in changed]
        edit_down = sum(r.bytes_received - before[r.screen] for r, _ in players)
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        edit_wire = edit.bytes_sent + edit_down
        full_wire = full.bytes_sent + full_down
        print(f"one-item edit: {len(changed)} screens changed; acked p50 {p50 * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms (target p99 ≤ 1000 ms)")
        print(f"edit bytes on the wire: {edit_wire / 1e3:.1f} kB (publisher {edit.bytes_sent / 1e3:.1f}"
              f" kB in {edit.objects_sent} objects + players {edit_down / 1e3:.1f} kB) = "
              f"{100 * edit_wire / full_wire:.2f} % of the full push {full_wire / 1e6:.2f} MB "
              f"(target ≤ 5 %)")
    finally:
        stop.set()
        for runtime, _ in players:
            runtime.stop()
        publisher.stop()

    # The raw baseline: the same bytes each changed screen fetched, as plain messages.
    sent = set(edit.sent_ids)
    per_screen = {}
    for runtime, _ in changed:
        fetched = sorted(runtime.plan.object_ids & sent)
        manifest = encode_manifest(runtime.screen, 1, runtime.plan.plan_id, publisher.key)
        per_screen[runtime.screen] = [manifest, *(publisher.store.get(o) or b"" for o in fetched)]
    raw = raw_baseline(broker, per_screen)
    raw50, raw99 = percentile(raw, 0.5), percentile(raw, 0.99)
    print(f"raw paho baseline (same messages, publish → subscribe): p50 {raw50 * 1000:.0f} ms, "
          f"p99 {raw99 * 1000:.0f} ms")
    print(f"ours / raw: p50 {p50 / raw50:.2f}×, p99 {p99 / raw99:.2f}× (target ≤ 2×)")
    print(f"summary: p99 {p99 * 1000:.0f} ms; edit {100 * edit_wire / full_wire:.2f} % of full; "
          f"ours/raw p99 {p99 / raw99:.2f}×; initial sync {full_seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
