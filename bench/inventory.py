"""Inventory benchmark: what verifying every retained object's hash costs a publisher restart.

A generated county of ``--items`` power items (10,000 by default) is published to a loopback
mosquitto; then a new publisher takes the broker's inventory (every retained object and
manifest) several times, alternately:

- as shipped: every object's payload hashed and compared with its id, every manifest's
  signature checked against the publisher's own keys;
- the baseline, in the same run: the same inventory taking object ids on trust (the behaviour
  before issue 15), by replacing the publisher's object handler.

Prints the inventory time p50 of each, the ratio verified/trusting, the number of objects and
bytes hashed, and the pure hashing cost of those bytes. Loopback only; every wait bounded.

    python bench/inventory.py [--items 10000] [--units 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from publish import prepare_county  # noqa: E402

from signage.contract import wire  # noqa: E402
from signage.fleet.broker import EmbeddedBroker  # noqa: E402
from signage.publishing.publisher import Publisher  # noqa: E402


def trusting(self: Publisher, object_id: str, payload: bytes) -> None:
    """The inventory before issue 15: an object id counts as retained, whatever its payload."""
    (self._inventory.add if payload else self._inventory.discard)(object_id)


def inventory_seconds(content: Path, layouts: Path, url: str, data: Path, verify: bool) -> float:
    publisher = Publisher(content, layouts, url, data)
    if not verify:
        publisher._on_object = trusting.__get__(publisher)  # type: ignore[method-assign]
    start = time.perf_counter()
    publisher.start(timeout=300)
    seconds = time.perf_counter() - start
    publisher.stop()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-inventory-") as tmp_name:
        tmp = Path(tmp_name)
        content, data = prepare_county(tmp, args.units, args.items, 2)
        with EmbeddedBroker(tmp / "broker") as broker:
            first = Publisher(content, tmp / "layouts", broker.url, data)
            first.start()
            report = first.publish()
            first.stop()
            payloads = [first.store.get(o) or b"" for o in first.live]
            total = sum(map(len, payloads))
            print(f"inventory of {len(payloads)} retained objects ({total / 1e6:.1f} MB), "
                  f"{report.objects_sent} published; {args.runs} runs each")
            times: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(args.runs):
                for verify in (False, True):
                    times[verify].append(inventory_seconds(content, tmp / "layouts", broker.url,
                                                           data, verify))
        start = time.perf_counter()
        for payload in payloads:
            wire.digest(payload)
        hashing = time.perf_counter() - start
    ours, base = statistics.median(times[True]), statistics.median(times[False])
    print(f"  verified inventory p50        {ours * 1000:8.0f} ms")
    print(f"  trusting inventory (baseline) {base * 1000:8.0f} ms")
    print(f"  ratio verified / trusting     {ours / base:8.2f}×")
    print(f"  SHA-256 of those bytes alone  {hashing * 1000:8.1f} ms "
          f"({total / hashing / 1e6:.0f} MB/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
