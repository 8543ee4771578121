"""A data folder as `signage serve` leaves it after publishing the sample county: objects,
publisher-state.json, and players' plays in events.jsonl (written as players' events are:
canonical JSON, UTC time). For the console's proof-of-play, assessment and board pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from conftest import REPO, TODAY

from signage.catalogue.checking import check_content
from signage.contract.objectstore import ObjectStore
from signage.contract.wire import canonical
from signage.publishing.plans import build_fleet
from signage.publishing.publisher import EVENT_LOG, STATE_FILE, PublisherState
from signage.publishing.screens import load_screens

SCREENS = REPO / "layouts"


def publish(content: Path, data: Path) -> Any:
    """Objects and state for every screen of layouts/screens.yaml; returns the build."""
    data.mkdir(parents=True, exist_ok=True)
    store = ObjectStore(data / "objects", durable=False)
    state = PublisherState.load(data / STATE_FILE)
    build = build_fleet(check_content(content, TODAY), load_screens(SCREENS), TODAY, state.last_good,
                        store.get)
    for object_id, payload in build.objects.items():
        store.put(object_id, payload)
    state.last_version += 1
    state.manifests = {s: {"version": state.last_version, "plan": p} for s, p in build.roots.items()}
    state.last_good = dict(build.records)
    state.save(data / STATE_FILE)
    return build


def entries(build: Any, screen: str) -> list[dict[str, Any]]:
    plan = json.loads(build.objects[build.roots[screen]])
    return [e for chunk in plan["chunks"] for e in json.loads(build.objects[chunk])["entries"]]


def log_plays(data: Path, screen: str, played: list[dict[str, Any]]) -> None:
    stamp = dt.datetime.combine(TODAY, dt.time(2, 0), dt.UTC).isoformat()
    with (data / EVENT_LOG).open("ab") as handle:
        for e in played:
            handle.write(canonical({"schema": "1.0", "type": "play", "screen": screen, "version": 1,
                                    "kind": e["kind"], "unit": e["unit"], "key": e["key"], "ts": stamp})
                         + b"\n")


def published_site(site: Any, tmp_path: Path) -> Any:
    """The console's site with its own data folder, published (the session's folder stays clean)."""
    from signage.console.site import install

    data = tmp_path / "signage-data"
    new = install(dataclasses.replace(site, data_dir=data, screens_path=SCREENS))
    (data).mkdir(parents=True, exist_ok=True)
    (data / "console-review.key").write_bytes(site.review_key_path.read_bytes())
    return new
