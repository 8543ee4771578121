"""Tree plans (schema 1.1): the same entries as a flat plan, an edit moves only its path, and a
screen that reads only 1.0 keeps getting flat plans."""

from __future__ import annotations

import collections
import json
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from conftest import POWER, TODAY, ContentFactory, patched
from harness import Fleet, wait_until
from paho.mqtt.enums import CallbackAPIVersion

from players.cache import GC_MIN_GROWTH, PlayerCache
from players.plan import chunk_ids, resolve
from signage.catalogue.checking import check_content
from signage.contract import wire
from signage.contract.keys import PUBLIC_KEY_FILE, init_keys, trusted_keys
from signage.contract.objectstore import ObjectStore
from signage.contract.topics import Topics
from signage.publishing.plans import FleetBuild, Record, build_fleet, plan_records
from signage.publishing.screens import Screen, Selection, load_screens

SCREENS = "screens:\n  - id: hall-kiosk\n    kind: kiosk\n"


def _powers(count: int, changed: int | None = None) -> list[dict]:
    return [patched(POWER, {"code": f"CSJ-XK-{n:04d}",
                            "name": f"事项{n}" + ("（变更）" if n == changed else "")})
            for n in range(1, count + 1)]


def _build(tmp: Path, powers: list[dict], tree: bool) -> FleetBuild:
    root = ContentFactory(tmp / "content").write(powers=powers)
    layouts = tmp / "layouts"
    layouts.mkdir(exist_ok=True)
    (layouts / "screens.yaml").write_text(SCREENS, "utf-8")
    return build_fleet(check_content(root, today=TODAY), load_screens(layouts), TODAY,
                       tree=lambda screen: tree)


def _store(tmp: Path, build: FleetBuild) -> ObjectStore:
    store = ObjectStore(tmp / "store")
    for object_id, payload in build.objects.items():
        store.put(object_id, payload)
    return store


def _types(build: FleetBuild, ids: set[str]) -> collections.Counter[str]:
    return collections.Counter(json.loads(build.objects[o])["type"] for o in ids)


def test_a_tree_plan_resolves_to_the_flat_plans_entries(tmp_path: Path) -> None:
    flat = _build(tmp_path / "flat", _powers(700), tree=False)
    tree = _build(tmp_path / "tree", _powers(700), tree=True)
    flat_plan = resolve(_store(tmp_path / "flat", flat), flat.roots["hall-kiosk"], 1)
    tree_plan = resolve(_store(tmp_path / "tree", tree), tree.roots["hall-kiosk"], 1)
    assert len(tree_plan.entries) > 700
    assert [(e.kind, e.unit, e.key, e.ref) for e in tree_plan.entries] == \
        [(e.kind, e.unit, e.key, e.ref) for e in flat_plan.entries]
    assert tree_plan.units == flat_plan.units and tree_plan.object_ids >= set(tree.roots.values())
    plan = json.loads(tree.objects[tree.roots["hall-kiosk"]])
    root = json.loads(tree.objects[plan["tree"]])
    assert "nodes" in root  # 700 entries: two index levels
    assert set(json.loads(tree.objects[plan["roster"]])["units"]) == {"demo"}
    assert _types(tree, tree.uses["hall-kiosk"])["index"] > 2
    # a 1.0 reader walks plan["chunks"]: null makes it refuse the version, never show it empty
    assert plan["chunks"] is None and "chunks" in plan
    with pytest.raises(TypeError):
        list(plan.get("chunks", []))
    # tools reading a store (the assessment) find the same chunks through the tree
    chunks = chunk_ids(plan, lambda o: json.loads(tree.objects[o]) if o in tree.objects else None)
    keys = [row["key"] for c in chunks for row in json.loads(tree.objects[c])["entries"]]
    assert keys == [e.key for e in tree_plan.entries]


def test_an_edit_moves_its_item_its_chunk_and_the_path_above(tmp_path: Path) -> None:
    before = _build(tmp_path / "a", _powers(2000), tree=True)
    after = _build(tmp_path / "b", _powers(2000, changed=1234), tree=True)
    new = set(after.uses["hall-kiosk"]) - set(before.uses["hall-kiosk"])
    kinds = _types(after, new)
    assert kinds["power"] == kinds["chunk"] == kinds["plan"] == 1
    depth = 1
    node = json.loads(after.objects[json.loads(after.objects[after.roots["hall-kiosk"]])["tree"]])
    while "nodes" in node:
        node, depth = json.loads(after.objects[node["nodes"][0]]), depth + 1
    assert kinds["index"] == depth and set(kinds) == {"power", "chunk", "plan", "index"}
    item = next(o for o in new if _types(after, {o})["power"])
    path = sum(len(after.objects[o]) for o in new) - len(after.objects[item])
    assert path < 8_000, path  # a flat plan of 2,000 entries alone is ~5 kB of chunk ids
    flat = _build(tmp_path / "c", _powers(2000), tree=False)
    assert len(flat.objects[flat.roots["hall-kiosk"]]) > 4_000


@pytest.fixture
def fleet(tmp_path: Path, broker):
    fleet = Fleet(tmp_path, broker)
    yield fleet
    fleet.close()


def _retain(url: str, topic: str, payload: bytes) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"old-{uuid.uuid4().hex[:8]}")
    host, port = url.removeprefix("mqtt://").rsplit(":", 1)
    client.connect(host, int(port))
    client.loop_start()
    try:
        client.publish(topic, payload, qos=1, retain=True).wait_for_publish(10)
    finally:
        client.loop_stop()
        client.disconnect()


def _plan_of(fleet: Fleet, publisher, screen: str) -> dict:
    return json.loads(publisher.store.get(publisher.state.manifests[screen]["plan"]))


def test_a_screen_that_reads_1_0_gets_flat_plans(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    first = publisher.publish()
    led = fleet.player("lobby-led")
    wait_until(lambda: led.version == first.versions["lobby-led"], what="first version")
    assert "tree" in _plan_of(fleet, publisher, "hall-kiosk")  # a 1.1 reader, or unknown: tree
    assert "tree" in _plan_of(fleet, publisher, "lobby-led")
    assert led.runtime.plan.entries  # and the 1.1 player shows it
    old_status = wire.canonical({"schema": "1.0", "type": "status", "screen": "hall-kiosk"})
    _retain(fleet.broker.url, Topics().status("hall-kiosk"), old_status)
    wait_until(lambda: "hall-kiosk" in publisher.flat_screens, what="the old reader noticed")
    second = publisher.publish()
    assert set(second.versions) == {"hall-kiosk"}  # the 1.1 player keeps its version
    plan = _plan_of(fleet, publisher, "hall-kiosk")
    assert "tree" not in plan and plan["chunks"] and plan["units"]
    new_status = wire.canonical({"schema": "1.1", "type": "status", "screen": "hall-kiosk"})
    _retain(fleet.broker.url, Topics().status("hall-kiosk"), new_status)
    wait_until(lambda: "hall-kiosk" not in publisher.flat_screens, what="the upgrade noticed")
    assert set(publisher.publish().versions) == {"hall-kiosk"}
    assert "tree" in _plan_of(fleet, publisher, "hall-kiosk")


def _synthetic(size: int, revisions: dict[int, int]) -> tuple[str, dict[str, bytes]]:
    screen = Screen(id="hall-kiosk", kind="kiosk", site="", groups=(), layout={}, select=Selection())
    unit = wire.encode_object({"type": "unit", "id": "u", "name": "测试局"})
    objects, records = {unit[0]: unit[1]}, []
    for n in range(size):
        ref, payload = wire.encode_object({"type": "power", "code": f"K{n:04d}",
                                           "name": f"事项{n}" + "改" * revisions.get(n, 0)})
        objects[ref] = payload
        records.append(Record(kind="powers", unit="u", key=f"K{n:04d}", ref=ref, file="x"))
    root, build = plan_records(screen, records, {"u": unit[0]}, {}, as_tree=True)
    return root, {**objects, **build.objects}


def test_the_cache_cleans_up_now_and_then_and_stays_bounded(tmp_path: Path) -> None:
    key = init_keys(tmp_path / "keys")
    trusted = trusted_keys([tmp_path / "keys" / PUBLIC_KEY_FILE])
    cache = PlayerCache(tmp_path / "cache")
    revisions: dict[int, int] = {}
    largest, cleaned = 0, False
    for version in range(1, 80):
        revisions[version * 37 % 400] = version
        root, objects = _synthetic(400, revisions)
        for object_id, payload in objects.items():
            cache.store.put(object_id, payload)
        manifest = wire.decode_manifest(wire.encode_manifest("hall-kiosk", version, root, key),
                                        trusted, "hall-kiosk")
        plan = resolve(cache.resolver, root, version)
        before = len(cache.store)
        cache.commit(manifest, plan)
        cleaned |= len(cache.store) < before
        largest = max(largest, len(cache.store))
        assert set(plan.object_ids) <= set(objects) and len(plan.object_ids) == len(objects)
    assert cleaned  # old versions' objects went, in a clean-up
    assert len(objects) < largest <= len(objects) * 1.25 + GC_MIN_GROWTH + 10  # …not every time
    again = PlayerCache(tmp_path / "cache").load(trusted, "hall-kiosk")  # a restart: all there
    assert again is not None and again[1].plan_id == root and len(again[1].entries) == 400
    cache.clean(plan)
    assert len(cache.store) == len(plan.object_ids)


def test_after_a_restart_the_manifest_still_carries_the_edit(fleet: Fleet) -> None:
    fleet.factory.write(powers=_powers(300))
    first = fleet.publisher()
    first.publish()
    fleet.factory.write(powers=_powers(300, changed=5))
    edit = first.publish()
    carried = wire.decode_manifest(first.owned["lobby-led"], first.own_keys, "lobby-led")
    assert carried.prefetch and len(carried.inline) == len(carried.prefetch)  # the running one
    first.stop()
    fleet.publishers.remove(first)
    restarted = fleet.publisher()  # knows nothing of what each screen had
    fleet.factory.write(powers=_powers(300, changed=6))
    again = restarted.publish()
    assert again.versions["lobby-led"] > edit.versions["lobby-led"]
    manifest = wire.decode_manifest(restarted.owned["lobby-led"], restarted.own_keys, "lobby-led")
    assert set(manifest.prefetch) == set(again.sent_ids) & restarted.uses["lobby-led"]
    assert manifest.inline and {o for o, _ in manifest.inline} == set(manifest.prefetch)
    led = fleet.player("lobby-led")  # a player from scratch takes it all the same
    wait_until(lambda: led.version == again.versions["lobby-led"], what="the version after restart")
    assert led.runtime.plan.entries[6].data["name"] == "事项6（变更）"
