"""Per-player CPU per version: what one player spends applying a one-item edit, by plan size.

One player runtime runs in its own process against a loopback mosquitto, its cache preloaded
with a plan of 500, 5,000 or 50,000 entries (one kiosk showing every item). The bench then
publishes one-item edits the way the publisher does (new objects retained, then a signed
manifest naming them, carrying them inline when they fit) and measures the player process's
CPU time (every thread: network, verify, fetch, resolve, switch, cache commit, status) from the
manifest until the version is committed and its status sent. Median of ``--edits`` edits.

Printed per size, for tree plans (schema 1.1) and flat plans (what a 1.0 reader gets), and
the ratio 50,000 ÷ 500 (target ≤ 2 for tree plans). Everything stays on 127.0.0.1.

    python bench/player.py [--sizes 500,5000,50000] [--edits 7]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import statistics
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
sys.path[:0] = [str(ROOT)]

from players.cache import PlayerCache  # noqa: E402
from players.log import LogRenderer  # noqa: E402
from players.plan import Plan, resolve  # noqa: E402
from players.runtime import PlayerConfig, Runtime  # noqa: E402
from signage.contract import wire  # noqa: E402
from signage.contract.keys import PUBLIC_KEY_FILE, init_keys, trusted_keys  # noqa: E402
from signage.contract.topics import Topics  # noqa: E402
from signage.fleet.broker import EmbeddedBroker  # noqa: E402
from signage.publishing.plans import Record, plan_records  # noqa: E402
from signage.publishing.publisher import MAX_INLINED  # noqa: E402
from signage.publishing.screens import Screen, Selection  # noqa: E402

SCREEN = "bench-kiosk"
TOPICS = Topics()


class QuietRenderer(LogRenderer):
    """Takes each plan and nothing more (a renderer's own indexes are its bench's concern)."""

    def __init__(self) -> None:
        super().__init__(out=io.StringIO())

    def show(self, plan: Plan) -> None:
        self._plan = plan


class TimedRuntime(Runtime):
    """Notes the process CPU time once a version is switched to, committed and reported."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.done: dict[int, float] = {}

    def _switch(self, manifest: wire.Manifest, plan: Plan) -> None:
        super()._switch(manifest, plan)
        self.done[manifest.version] = time.process_time()


def player_process(cache: Path, url: str, key: Path, pipe: Pipe) -> None:
    runtime = TimedRuntime(PlayerConfig(screen=SCREEN, broker=url, public_keys=[key],
                                        cache_dir=cache, object_timeout=60), QuietRenderer())
    stop = threading.Event()
    runtime.start()
    threading.Thread(target=runtime.run, args=(stop,), daemon=True).start()
    mark = 0.0
    while True:
        command, argument = pipe.recv()
        if command == "mark":
            time.sleep(0.3)  # let the last version's stragglers (unsubscribes, status) pass
            mark = time.process_time()
            pipe.send("ok")
        elif command == "wait":
            deadline = time.monotonic() + 120
            while argument not in runtime.done and time.monotonic() < deadline:
                time.sleep(0.002)
            pipe.send(runtime.done.get(argument, float("nan")) - mark)
        elif command == "exit":
            stop.set()
            runtime.stop()
            pipe.send("bye")
            return


def item(n: int, revision: int = 0) -> tuple[str, bytes]:
    return wire.encode_object({
        "type": "power", "code": f"BJ-XK-{n:05d}", "name": f"行政许可事项第{n}号" + "（修订）" * revision,
        "department": "审批股", "power_type": "行政许可", "supervision_phone": "0471-1234567",
        "basis": "《中华人民共和国行政许可法》第十二条", "legal_days": 20, "promised_days": 10})


def version_objects(size: int, revisions: dict[int, int], as_tree: bool,
                    unit: tuple[str, bytes], screen: Screen) -> tuple[str, dict[str, bytes]]:
    objects: dict[str, bytes] = {unit[0]: unit[1]}
    records = []
    for n in range(size):
        object_id, payload = item(n, revisions.get(n, 0))
        objects[object_id] = payload
        records.append(Record(kind="powers", unit="u", key=f"BJ-XK-{n:05d}", ref=object_id, file="x"))
    root, build = plan_records(screen, records, {"u": unit[0]}, {"name": "测试县"}, as_tree)
    objects.update(build.objects)
    return root, objects


class Sender:
    def __init__(self, url: str) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-sender")
        self.client.max_inflight_messages_set(100)
        self.client.connect("127.0.0.1", int(url.rsplit(":", 1)[1]))
        self.client.loop_start()

    def send(self, messages: list[tuple[str, bytes]]) -> None:
        infos = [self.client.publish(topic, payload, qos=1, retain=True) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(60)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def measure(size: int, as_tree: bool, edits: int, tmp: Path) -> list[float]:
    """CPU seconds the player process spent on each of ``edits`` one-item edits."""
    key_dir = tmp / "publisher"
    key = init_keys(key_dir)
    screen = Screen(id=SCREEN, kind="kiosk", site="", groups=(), layout={}, select=Selection())
    unit = wire.encode_object({"type": "unit", "id": "u", "name": "测试局"})
    root, objects = version_objects(size, {}, as_tree, unit, screen)
    cache = PlayerCache(tmp / "cache")  # preloaded: the bench is about edits, not the first sync
    for object_id, payload in objects.items():
        cache.store.put(object_id, payload)
    first = wire.encode_manifest(SCREEN, 1, root, key)
    trusted = trusted_keys([key_dir / PUBLIC_KEY_FILE])
    cache.commit(wire.decode_manifest(first, trusted, SCREEN), resolve(cache.resolver, root, 1))
    with EmbeddedBroker(tmp / "broker") as broker:
        sender = Sender(broker.url)
        sender.send([(TOPICS.manifest(SCREEN), first)])
        context = mp.get_context("fork")
        mine, theirs = context.Pipe()
        process = context.Process(target=player_process,
                                  args=(tmp / "cache", broker.url, key_dir / PUBLIC_KEY_FILE, theirs),
                                  daemon=True)
        process.start()
        spent = []
        try:
            revisions: dict[int, int] = {}
            for version in range(2, edits + 2):
                changed = (size // 2 + version * 7919) % size
                revisions[changed] = revisions.get(changed, 0) + 1
                root, new_objects = version_objects(size, revisions, as_tree, unit, screen)
                fresh = sorted(set(new_objects) - set(objects))
                objects = new_objects
                sender.send([(TOPICS.object(o), objects[o]) for o in fresh])
                inline = {o: objects[o] for o in fresh} if len(fresh) <= MAX_INLINED else None
                manifest = wire.encode_manifest(SCREEN, version, root, key, prefetch=fresh,
                                                inline=inline)
                mine.send(("mark", None))
                mine.recv()
                sender.send([(TOPICS.manifest(SCREEN), manifest)])
                mine.send(("wait", version))
                spent.append(mine.recv())
        finally:
            mine.send(("exit", None))
            mine.recv()
            process.join(10)
            sender.close()
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--formats", default="tree,flat")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[tuple[str, int], float] = {}
    for form in args.formats.split(","):
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="bench-player-") as tmp:
                spent = measure(size, form == "tree", args.edits, Path(tmp))
            median = statistics.median(spent)
            results[form, size] = median
            print(f"{form} plan, {size:6d} entries: CPU per one-item version median "
                  f"{median * 1000:7.1f} ms (min {min(spent) * 1000:.1f}, max {max(spent) * 1000:.1f}; "
                  f"{len(spent)} edits)", flush=True)
        low, high = results[form, sizes[0]], results[form, sizes[-1]]
        print(f"{form} plan: {sizes[-1]} ÷ {sizes[0]} = {high / low:.2f}×"
              + (" (target ≤ 2×)" if form == "tree" else ""), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
