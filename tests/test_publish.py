"""Publishing to real players through a real mosquitto: versions, delta, offline, held back."""

from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import NOTICE, POWER, dump, patched
from harness import Fleet, wait_until

from players.plan import Entry
from signage.publishing.publisher import EVENT_LOG


@pytest.fixture
def fleet(tmp_path: Path, broker):
    fleet = Fleet(tmp_path, broker)
    yield fleet
    fleet.close()


def _keys(player) -> list[str]:
    return [entry.key for entry in player.runtime.plan.entries]


def test_player_syncs_acks_and_caches(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    report = publisher.publish()
    assert set(report.versions) == {"lobby-led", "hall-kiosk"}
    led = fleet.player("lobby-led")
    wait_until(lambda: led.version == report.versions["lobby-led"], what="first version")
    assert _keys(led) == ["demo-yuandan", "CSJ-XK-001"]  # announcements first, no notices on LED
    kiosk = fleet.player("hall-kiosk")
    wait_until(lambda: kiosk.version, what="kiosk version")
    assert {"CSJ-XK-001", "台测发〔2026〕12号"} <= set(_keys(kiosk))
    assert (fleet.tmp / "cache-lobby-led" / "current.json").exists()
    wait_until(lambda: "【行政许可】建设工程规划许可证核发" in led.out.getvalue(), what="rendered line")
    events = wait_until(lambda: (fleet.data / EVENT_LOG).exists()
                        and (fleet.data / EVENT_LOG).read_text("utf-8"), what="event log")
    types = {json.loads(line)["type"] for line in events.splitlines()}
    assert "ack" in types
    wait_until(lambda: "play" in (fleet.data / EVENT_LOG).read_text("utf-8"), what="proof of play")


def _powers(count: int, changed: int | None = None) -> list[dict]:
    return [patched(POWER, {"code": f"CSJ-XK-{n:03d}", "name": f"建设工程规划许可证核发{n}号"
                            + ("（变更）" if n == changed else "")}) for n in range(1, count + 1)]


def test_edit_reaches_player_and_costs_little(fleet: Fleet) -> None:
    fleet.factory.write(powers=_powers(300))
    publisher = fleet.publisher()
    first = publisher.publish()
    led = fleet.player("lobby-led")
    wait_until(lambda: led.version == first.versions["lobby-led"])
    fleet.factory.write(powers=_powers(300, changed=7))
    second = publisher.publish()
    assert second.versions["lobby-led"] > first.versions["lobby-led"]
    wait_until(lambda: led.version == second.versions["lobby-led"], what="edited version")
    assert led.runtime.plan.entries[7].data["name"] == "建设工程规划许可证核发7号（变更）"
    # the item, the chunk holding it (the same bytes on both screens, so sent once), the path
    # of index nodes above it (300 entries: a leaf node and a root per screen), two plans
    kinds = collections.Counter(json.loads(publisher.store.get(o))["type"] for o in second.sent_ids)
    assert kinds["power"] == kinds["chunk"] == 1 and kinds["plan"] == 2
    assert 2 <= kinds["index"] <= 4 and second.objects_sent == sum(kinds.values())
    # the manifests also carry those small objects inline (one hop): still a few per cent
    assert second.bytes_sent < first.bytes_sent * 0.1


def test_unchanged_content_publishes_nothing_even_after_restart(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    first = publisher.publish()
    assert publisher.publish().versions == {}
    publisher.stop()
    fleet.publishers.remove(publisher)
    again = fleet.publisher().publish()
    assert again.versions == {} and again.objects_sent == 0
    edited_power = patched(POWER, {"department": "规划管理股（新）"})
    fleet.factory.write(powers=[edited_power])
    after = fleet.publishers[-1].publish()
    assert after.versions["lobby-led"] == max(first.versions.values()) + 1


def test_empty_cache_syncs_from_broker_alone(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    report = publisher.publish()
    publisher.stop()
    fleet.publishers.clear()
    led = fleet.player("lobby-led")  # publisher is gone: retained data only
    wait_until(lambda: led.version == report.versions["lobby-led"], what="sync without publisher")


def test_restart_without_network_shows_cache_at_once(fleet: Fleet) -> None:
    report = fleet.publisher().publish()
    led = fleet.player("lobby-led")
    wait_until(lambda: led.version == report.versions["lobby-led"])
    led.stop()
    fleet.broker.stop()
    again = fleet.player("lobby-led", start=False)
    again.runtime.start()  # broker down: only the cache
    assert again.version == report.versions["lobby-led"]
    assert "version" in again.out.getvalue()
    fleet.broker.start()


def test_item_with_error_is_held_back_rest_goes_out(fleet: Fleet) -> None:
    bad = patched(POWER, {"code": "CSJ-XK-002", "name": "无依据事项", "legal_basis": ["无"]})
    fleet.factory.write(powers=[POWER, bad])
    report = fleet.publisher().publish()
    assert ("demo", "CSJ-XK-002", "not published") in report.held_back
    led = fleet.player("lobby-led")
    wait_until(lambda: led.version)
    assert "CSJ-XK-002" not in _keys(led) and "CSJ-XK-001" in _keys(led)


def test_broken_edit_keeps_last_good_version(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    publisher.publish()
    fleet.factory.write(powers=[patched(POWER, {"promised_days": "40"})])  # now an error
    report = publisher.publish()
    assert ("demo", "CSJ-XK-001", "showing last good") in report.held_back
    assert report.versions == {}  # the screens keep exactly what they had
    # a file that no longer parses keeps its items on screen too
    (fleet.content / "units/demo/powers.yaml").write_text("powers: [\n", "utf-8")
    assert publisher.publish().versions == {}
    led = fleet.player("lobby-led")
    wait_until(lambda: led.version)
    assert led.runtime.plan.entries[1].data["promised_days"] == 10


def test_deleted_item_goes_and_garbage_is_cleared(fleet: Fleet) -> None:
    publisher = fleet.publisher(grace_seconds=0)
    publisher.publish()
    fleet.factory.write(notices=[patched(NOTICE, {"title": "台安县测试局关于调整办公地点的通知"})])
    report = publisher.publish()
    assert report.cleared >= 1  # the old notice object is no longer referenced
    kiosk = fleet.player("hall-kiosk")
    wait_until(lambda: kiosk.version)
    titles = [e.data.get("title") for e in kiosk.runtime.plan.entries if e.kind == "notices"]
    assert titles == ["台安县测试局关于调整办公地点的通知"]


def test_validity_and_dayparts_filter_entries() -> None:
    entry = Entry("announcements", "demo", "a", "0" * 64, {}, valid_from="2026-12-25",
                  valid_until="2027-01-04", hours=("17:30-08:00",))
    assert not entry.active(dt.datetime(2026, 12, 24, 20, 0))
    assert entry.active(dt.datetime(2026, 12, 25, 20, 0))
    assert entry.active(dt.datetime(2026, 12, 26, 7, 59))
    assert not entry.active(dt.datetime(2026, 12, 26, 9, 0))
    assert not entry.active(dt.datetime(2027, 1, 5, 20, 0))


def test_file_review_after_error_fix_republishes(fleet: Fleet) -> None:
    fleet.factory.write(powers=[patched(POWER, {"legal_basis": ["无"]})])
    publisher = fleet.publisher()
    publisher.publish()
    led = fleet.player("lobby-led")
    wait_until(lambda: led.version)
    assert "CSJ-XK-001" not in _keys(led)
    (fleet.content / "units/demo/powers.yaml").write_text(dump({"powers": [POWER]}), "utf-8")
    report = publisher.publish()
    wait_until(lambda: led.version == report.versions["lobby-led"])
    assert "CSJ-XK-001" in _keys(led)


def test_saved_edit_reaches_player_through_the_watcher(fleet: Fleet) -> None:
    import threading

    from signage.publishing.publisher import serve

    publisher = fleet.publisher()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(publisher, stop), daemon=True)
    thread.start()
    try:
        led = fleet.player("lobby-led")
        first = wait_until(lambda: led.version, what="first version")
        fleet.factory.write(powers=[patched(POWER, {"place": "台安县政务服务中心三楼1号窗口"})])
        wait_until(lambda: led.version and led.version > first, what="edit via watcher")
        assert led.runtime.plan.entries[1].data["place"] == "台安县政务服务中心三楼1号窗口"
    finally:
        stop.set()
        publisher.dirty.set()
        thread.join(10)


def test_flowchart_image_travels_as_blob_parts(fleet: Fleet) -> None:
    import io

    from PIL import Image

    from players.plan import read_blob

    buffer = io.BytesIO()
    Image.effect_noise((900, 700), 64).save(buffer, "PNG")  # incompressible: several parts
    png = buffer.getvalue()
    fleet.factory.write(powers=[patched(POWER, {"flowchart": {"image": "images/流程图.png"}})],
                        files={"units/demo/images/流程图.png": png})
    report = fleet.publisher().publish()
    kiosk = fleet.player("hall-kiosk")
    wait_until(lambda: kiosk.version == report.versions["hall-kiosk"], what="version with image")
    entry = next(e for e in kiosk.runtime.plan.entries if e.kind == "powers")
    blob_id = entry.data["flowchart"]["image"]
    assert read_blob(kiosk.runtime.cache.store, blob_id) == png
    assert len(png) > 256 * 1024  # it really was split into parts


def test_killed_player_is_marked_offline_by_its_last_will(fleet: Fleet, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from conftest import REPO

    from signage.fleet.status import FleetWatcher

    fleet.publisher().publish()
    player = subprocess.Popen(
        [sys.executable, "-m", "signage.cli", "player", "log", "--screen", "lobby-led",
         "--broker", fleet.broker.url, "--public-key", fleet.data / "publisher.pub",
         "--cache", tmp_path / "killed-cache"], cwd=REPO, stdout=subprocess.DEVNULL)
    watcher = FleetWatcher(fleet.broker.url, known_screens=["lobby-led"])
    assert watcher.start()
    try:
        row = lambda: {r.screen: r for r in watcher.snapshot()}["lobby-led"]  # noqa: E731
        wait_until(lambda: row().online and row().up_to_date, 60, "player online, up to date")
        player.send_signal(signal.SIGKILL)
        player.wait(10)
        wait_until(lambda: row().online is False, 60, "last will: offline")
        assert row().shown == row().latest  # the last status it reported stays visible
    finally:
        watcher.stop()
        if player.poll() is None:
            player.kill()
