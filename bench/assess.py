"""Benchmark: ``signage assess`` on a whole county (65 units, 10,000 power items).

Generates the county with bench/check_catalogue.py (fixed seed), plans and "publishes" it offline
(publisher state, object store and publication log as `signage serve` leaves them, for the
repository's layouts/), writes a month and a half of proof of play (``--plays`` events, half of
them older than the 30-day window) and a print history, stores one earlier assessment, then
measures, best of ``--runs``:

* check   — ``check_content(root)``: load and check (what `signage check` costs; not the target);
* assess  — ``assess(check, data)``: every indicator and veto for every unit, with the stored
            assessment, the state, the logs and the print history read — the 5 s target;
* outputs — CSV and HTML (``write_outputs`` without PDFs; notices are timed by bench/board.py).

Target: assess < 5 s.

    python bench/assess.py                      # 65 units, 10,000 items, 200,000 plays, best of 3
    python bench/assess.py --plays 1000000 --runs 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from check_catalogue import generate  # noqa: E402

from signage.catalogue.checking import CheckResult, check_content  # noqa: E402
from signage.contract.objectstore import ObjectStore  # noqa: E402
from signage.contract.wire import canonical  # noqa: E402
from signage.office.assessment.scoring import assess, write_outputs  # noqa: E402
from signage.office.assessment.storage import save_assessment  # noqa: E402
from signage.publishing.plans import FleetBuild, build_fleet  # noqa: E402
from signage.publishing.publisher import EVENT_LOG, PUBLICATION_LOG, STATE_FILE, PublisherState  # noqa: E402
from signage.publishing.screens import load_screens  # noqa: E402

TARGET_SECONDS = 5.0
TODAY = dt.date(2026, 11, 27)


def best_of(runs: int, func: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def publish_offline(check: CheckResult, data: Path) -> FleetBuild:
    """The publisher's state, objects and publication log after one publish (no broker)."""
    build = build_fleet(check, load_screens(ROOT / "layouts"), TODAY)
    store = ObjectStore(data / "objects", durable=False)
    for object_id, payload in build.objects.items():
        store.put(object_id, payload)
    state = PublisherState(last_version=1, last_good=dict(build.records),
                           manifests={s: {"version": 1, "plan": p} for s, p in build.roots.items()})
    state.save(data / STATE_FILE)
    lines = [json.dumps({"ts": f"2026-{m:02d}-15T04:00:00+00:00", "screen": "county-hall-led"})
             for m in range(1, 12)]
    (data / PUBLICATION_LOG).write_text("\n".join(lines) + "\n", "utf-8")
    return build


def entries(build: FleetBuild, screen: str) -> list[dict[str, Any]]:
    plan = json.loads(build.objects[build.roots[screen]])
    return [e for chunk in plan["chunks"] for e in json.loads(build.objects[chunk])["entries"]]


def write_logs(build: FleetBuild, data: Path, plays: int, seed: int) -> None:
    """Acks of every screen's version, ``plays`` plays over 45 days, a print per unit's board."""
    rng = random.Random(seed)
    led = entries(build, "county-hall-led")
    with (data / EVENT_LOG).open("wb") as handle:
        for screen, plan in build.roots.items():
            handle.write(canonical({"schema": "1.0", "type": "ack", "screen": screen, "version": 1,
                                    "plan": plan, "ts": "2026-11-01T04:00:00+00:00"}) + b"\n")
        start = dt.datetime(2026, 10, 13, tzinfo=dt.UTC)
        for n in range(plays):  # in time order, as the publisher appends them
            entry = led[rng.randrange(len(led))]
            ts = (start + dt.timedelta(seconds=45 * 86400 * n / max(1, plays))).isoformat(timespec="seconds")
            handle.write(canonical({"schema": "1.0", "type": "play", "screen": "county-hall-led",
                                    "version": 1, "kind": entry["kind"], "unit": entry["unit"],
                                    "key": entry["key"], "ts": ts}) + b"\n")
    station = data / "print-station"
    station.mkdir()
    units = sorted({r.unit for r in build.records.values()})
    (station / "history.jsonl").write_text("".join(
        json.dumps({"board": f"renshe-board/{u}", "digest": "0" * 64, "version": 1, "pages": 2,
                    "printed_at": "2026-11-20T09:00:00+08:00", "file": f"{u}.pdf"}) + "\n"
        for u in units), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=65)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--plays", type=int, default=200_000, help="proof-of-play events in the log")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--seed", type=int, default=20260527)
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} · {os.cpu_count()} CPUs · {platform.machine()}")
    with tempfile.TemporaryDirectory(prefix="signage-assess-") as tmp:
        root, data = Path(tmp) / "content", Path(tmp) / "data"
        data.mkdir()
        gen = generate(root, args.units, args.items, args.seed)
        print(f"generated {gen.units} units, {gen.powers} power items, {gen.notices} notices, "
              f"{gen.announcements} announcements")
        check_time, check = best_of(args.runs, lambda: check_content(root, TODAY))
        build = publish_offline(check, data)
        write_logs(build, data, args.plays, args.seed)
        events_mb = (data / EVENT_LOG).stat().st_size / 2**20
        print(f"published offline: {len(build.records)} records, {len(build.roots)} screens; "
              f"{args.plays} plays ({events_mb:.0f} MB of events.jsonl)")
        earlier = assess(check, data, today=TODAY - dt.timedelta(days=25))
        save_assessment(data, earlier.to_record(), dt.datetime(2026, 11, 2, 9, 0))
        assess_time, result = best_of(args.runs, lambda: assess(check, data, today=TODAY))
        out = Path(tmp) / "out"
        outputs_time, _ = best_of(args.runs, lambda: write_outputs(result, check, out, pdf=False))
    scored = sorted(u.score for u in result.units)
    print(f"check_content:               {check_time:6.2f} s   (loading and checking; not in the target)")
    print(f"assess (all indicators):     {assess_time:6.2f} s   target < {TARGET_SECONDS:g} s  "
          f"{'OK' if assess_time < TARGET_SECONDS else 'MISSED'}")
    print(f"outputs (CSV + HTML):        {outputs_time:6.2f} s")
    print(f"scores: {len(scored)} units, min {scored[0]:.1f}, median {scored[len(scored) // 2]:.1f}, "
          f"max {scored[-1]:.1f}")
    return 0 if assess_time < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
