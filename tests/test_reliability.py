"""Nothing a broker, a file or a client sends stops publishing (issue 15), on a real mosquitto.

Each test first shows publishing working, then does what an attacker or an unlucky office
would (forged and replayed manifests, poisoned objects, hostile statuses, broken layouts, a
killed broker, floods), and shows that publishing goes on and screens converge.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import paho.mqtt.client as mqtt
import pytest
from conftest import POWER, patched
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from harness import LAYOUT, Fleet, wait_until
from paho.mqtt.enums import CallbackAPIVersion
from rich.console import Console

from signage.contract import wire
from signage.contract.keys import SigningKey
from signage.contract.topics import Topics
from signage.fleet.broker import BrokerSupervisor, EmbeddedBroker
from signage.fleet.status import FleetWatcher, status_table
from signage.publishing import publisher as publisher_module
from signage.publishing.publisher import EVENT_LOG, Publisher, serve

TOPICS = Topics()
SCREEN = "lobby-led"


@pytest.fixture
def fleet(tmp_path: Path, broker):
    fleet = Fleet(tmp_path, broker)
    yield fleet
    fleet.close()


class Intruder:
    """A plain MQTT client with no signing key, watching what it asks for."""

    def __init__(self, url: str, topics: list[str] = ()) -> None:
        self.seen: queue.Queue[tuple[float, str, bytes]] = queue.Queue()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"intruder-{uuid.uuid4().hex[:8]}")
        self.client.on_message = lambda c, u, m: self.seen.put((time.monotonic(), m.topic, m.payload))
        host, port = url.removeprefix("mqtt://").rsplit(":", 1)
        self.client.connect(host, int(port))
        self.client.loop_start()
        for topic in topics:
            self.client.subscribe(topic, qos=1)

    def publish(self, topic: str, payload: bytes, retain: bool = True) -> None:
        self.sent_at = time.monotonic()
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(10)
        assert info.is_published()

    def wait_for(self, topic: str, wanted: Any, timeout: float = 10.0) -> float:
        """Seconds from the last publish until a message on ``topic`` satisfies ``wanted``
        (bytes or a predicate)."""
        test = wanted if callable(wanted) else (lambda payload: payload == wanted)
        start = getattr(self, "sent_at", time.monotonic())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                at, got_topic, payload = self.seen.get(timeout=0.1)
            except queue.Empty:
                continue
            if got_topic == topic and test(payload):
                return at - start
        raise AssertionError(f"no wanted message on {topic} within {timeout} s")

    def drain(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self.seen.get_nowait()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def retained(url: str, topic: str) -> bytes | None:
    """The payload the broker retains on ``topic`` now (None: nothing retained)."""
    reader = Intruder(url, [topic])
    try:
        _, _, payload = reader.seen.get(timeout=1.0)
        return payload
    except queue.Empty:
        return None
    finally:
        reader.close()


@contextlib.contextmanager
def serving(fleet: Fleet, publisher: Publisher | None = None) -> Iterator[tuple[Publisher, list[str]]]:
    """A publisher with its watch loop running, as under `signage serve`."""
    publisher = publisher or fleet.publisher()
    stop = threading.Event()
    problems: list[str] = []
    thread = threading.Thread(target=serve, args=(publisher, stop),
                              kwargs={"debounce": 0.05, "on_problem": problems.append}, daemon=True)
    publisher.serve_thread = thread
    thread.start()
    try:
        wait_until(lambda: SCREEN in publisher.owned, what="first publish")
        yield publisher, problems
    finally:
        stop.set()
        publisher.dirty.set()
        thread.join(10)


def forger_key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate())


def forged_as(fleet: Fleet, version: int, plan: str) -> bytes:
    """A manifest claiming the publisher's key id, signed by another key."""
    body = json.loads(wire.encode_manifest(SCREEN, version, plan, forger_key()))
    del body["sig"]
    body["key"] = fleet.key.id
    return wire.canonical({**body, "sig": forger_key().sign(wire.canonical(body))})


def edit(fleet: Fleet, name: str) -> None:
    fleet.factory.write(powers=[patched(POWER, {"name": name})])


def shows(player: Any, name: str) -> bool:
    plan = player.runtime.plan
    return plan is not None and any(e.data.get("name") == name for e in plan.entries)


def events(fleet: Fleet) -> list[dict[str, Any]]:
    path = fleet.data / EVENT_LOG
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


# --- 1. the publisher believes only manifests it verified --------------------------------------


def test_inventory_takes_only_manifests_signed_by_its_own_keys(fleet: Fleet) -> None:
    first = fleet.publisher()
    version = first.publish().versions[SCREEN]
    plan = first.state.manifests[SCREEN]["plan"]
    first.stop()
    intruder = Intruder(fleet.broker.url)
    try:
        # thousands of digits, a huge forged version, and a forgery reusing the real plan id
        intruder.publish(TOPICS.manifest(SCREEN), b'{"schema":"1.0","type":"manifest","version":'
                         + b"9" * 4000 + b',"plan":"' + plan.encode() + b'"}')
        intruder.publish(TOPICS.manifest("hall-kiosk"), forged_as(fleet, 10**15, "0" * 64))
        restarted = fleet.publisher()
        assert SCREEN not in restarted.retained_manifests
        intruder.publish(TOPICS.manifest(SCREEN), forged_as(fleet, version + 5, plan))
        time.sleep(0.3)
    finally:
        intruder.close()
    restarted.stop()
    again = fleet.publisher()  # the forgery with the real plan id survives no restart
    report = again.publish()
    last = first.state.last_version  # versions grow across all screens
    assert sorted(report.versions.values()) == [last + 1, last + 2]  # not inflated by forgeries
    newcomer = fleet.player(SCREEN, cache="fresh")  # an empty cache: takes what is retained
    wait_until(lambda: newcomer.version == report.versions[SCREEN], what="new player converged")
    edit(fleet, "建设工程规划许可证核发（改）")
    assert again.publish().versions[SCREEN] == last + 3  # later publishes go on
    assert {e.get("what") for e in events(fleet)} >= {"foreign-manifest"}


def test_forged_manifest_and_key_ring_are_overwritten_while_serving(fleet: Fleet) -> None:
    player = fleet.player(SCREEN)
    with serving(fleet) as (publisher, _):
        genuine = publisher.owned[SCREEN]
        wait_until(lambda: player.version is not None, what="player showing")
        watch = Intruder(fleet.broker.url, [TOPICS.manifest(SCREEN), TOPICS.keys])
        try:
            watch.drain()
            watch.publish(TOPICS.manifest(SCREEN), forged_as(fleet, 10**6, "1" * 64))
            watch.wait_for(TOPICS.manifest(SCREEN), genuine)
            watch.publish(TOPICS.manifest(SCREEN), b"x" * 1000)
            watch.wait_for(TOPICS.manifest(SCREEN), genuine)
            watch.publish(TOPICS.keys, b'{"schema":"1.0","type":"keyring","sequence":99}')
            watch.wait_for(TOPICS.keys, b"")  # no rotation yet: ours is none, so cleared
        finally:
            watch.close()
        assert retained(fleet.broker.url, TOPICS.manifest(SCREEN)) == genuine
        assert retained(fleet.broker.url, TOPICS.keys) is None
        edit(fleet, "建设工程规划许可证核发（新）")
        wait_until(lambda: shows(player, "建设工程规划许可证核发（新）"), what="edit reached the screen")
        assert publisher.state.last_version < 10**6


# --- 2. a replayed genuine manifest is replaced within a second --------------------------------


def test_replayed_genuine_manifest_is_restored_before_a_new_player_keeps_it(fleet: Fleet) -> None:
    with serving(fleet) as (publisher, _):
        old = publisher.owned[SCREEN]
        edit(fleet, "建设工程规划许可证核发（二）")
        wait_until(lambda: publisher.owned[SCREEN] != old, what="second version")
        latest = publisher.owned[SCREEN]
        wait_until(lambda: retained(fleet.broker.url, TOPICS.manifest(SCREEN)) == latest,
                   what="the second version retained")
        watch = Intruder(fleet.broker.url, [TOPICS.manifest(SCREEN)])
        try:
            watch.drain()
            watch.publish(TOPICS.manifest(SCREEN), old)  # genuine, signed, older
            seconds = watch.wait_for(TOPICS.manifest(SCREEN), latest)
        finally:
            watch.close()
        print(f"replayed manifest restored after {seconds * 1000:.0f} ms")
        wait_until(lambda: publisher.repairs >= 1, what="counted as a repair")
        newcomer = fleet.player(SCREEN, cache="empty-cache")
        latest_version = wire.decode_manifest(latest, publisher.own_keys, SCREEN).version
        wait_until(lambda: newcomer.version == latest_version, what="new player on the latest")
        assert {e.get("what") for e in events(fleet)} >= {"replaced-manifest"}


# --- 3. poisoned objects are repaired ----------------------------------------------------------


def test_poisoned_object_in_the_inventory_is_republished(fleet: Fleet) -> None:
    first = fleet.publisher()
    first.publish()
    plan = first.state.manifests[SCREEN]["plan"]
    first.stop()
    intruder = Intruder(fleet.broker.url)
    try:
        intruder.publish(TOPICS.object(plan), b'{"schema":"1.0","type":"plan","chunks":[]}')
    finally:
        intruder.close()
    assert wire.digest(retained(fleet.broker.url, TOPICS.object(plan))) != plan
    restarted = fleet.publisher()
    assert plan not in restarted.retained  # the inventory checked the hash
    report = restarted.publish()
    assert plan in report.sent_ids and not report.versions  # repaired; no new version needed
    assert wire.digest(retained(fleet.broker.url, TOPICS.object(plan))) == plan
    newcomer = fleet.player(SCREEN, cache="fresh")
    wait_until(lambda: newcomer.version == restarted.state.manifests[SCREEN]["version"],
               what="new player converged")


def test_object_poisoned_or_cleared_while_serving_is_restored(fleet: Fleet) -> None:
    with serving(fleet) as (publisher, _):
        plan = publisher.state.manifests[SCREEN]["plan"]
        genuine = publisher.store.get(plan)
        topic = TOPICS.object(plan)
        stranger = TOPICS.object(wire.digest(b"never published"))
        watch = Intruder(fleet.broker.url, [topic, stranger])
        try:
            watch.drain()
            watch.publish(topic, b"poison")
            print(f"poisoned object restored after {watch.wait_for(topic, genuine) * 1000:.0f} ms")
            watch.publish(topic, b"")  # cleared
            watch.wait_for(topic, genuine)
            watch.publish(stranger, b"not what the id says")
            watch.wait_for(stranger, b"")  # a poisoned id we never made is cleared
        finally:
            watch.close()
        assert retained(fleet.broker.url, topic) == genuine
        assert retained(fleet.broker.url, stranger) is None
        newcomer = fleet.player(SCREEN, cache="fresh")
        wait_until(lambda: newcomer.version == publisher.state.manifests[SCREEN]["version"],
                   what="new player converged")


def test_player_report_of_a_bad_object_makes_the_publisher_republish_it(fleet: Fleet) -> None:
    with serving(fleet) as (publisher, _):
        plan = publisher.state.manifests[SCREEN]["plan"]
        watch = Intruder(fleet.broker.url, [TOPICS.object(plan)])
        try:
            watch.wait_for(TOPICS.object(plan), publisher.store.get(plan))  # the retained copy
            before = publisher.repairs
            watch.publish(TOPICS.event(SCREEN), wire.encode_message(
                "error", screen=SCREEN, code="hash-mismatch", detail="x", objects=[plan]), retain=False)
            watch.wait_for(TOPICS.object(plan), publisher.store.get(plan))  # sent again
        finally:
            watch.close()
        # the count follows the publish it counts: the copy may arrive a moment before it
        wait_until(lambda: publisher.repairs == before + 1, what="the repair counted")


# --- 4. hostile statuses never break the fleet view -------------------------------------------


HOSTILE_STATUSES = [
    {"version": "7", "entries": "lots", "error": "boom"},
    {"version": 3, "entries": 1, "error": {"code": ["x"], "detail": None}},
    {"version": 10**30},
    {"ts": "2026-01-01T00:00:00", "error": {"code": "[red]x[/red]", "detail": "[bold"}},
]


def test_hostile_statuses_are_that_screens_error_and_the_fleet_is_listed(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    version = publisher.publish().versions[SCREEN]
    player = fleet.player(SCREEN)
    wait_until(lambda: player.version == version, what="player showing")
    intruder = Intruder(fleet.broker.url)
    try:
        for index, fields in enumerate(HOSTILE_STATUSES):
            intruder.publish(TOPICS.status(f"evil-{index}"), wire.canonical(
                {"schema": "1.0", "type": "status", **fields}))
        intruder.publish(TOPICS.status("evil-json"), b"{not json")
        intruder.publish(TOPICS.status("evil-big"), b'{"schema":"1.0","pad":"' + b"x" * 40000 + b'"}')
        intruder.publish(TOPICS.presence("evil-0"), b"\xff" * 100)
        watcher = FleetWatcher(fleet.broker.url, known_screens=[SCREEN, "hall-kiosk"])
        assert watcher.start()
        intruder.publish(TOPICS.status("evil-late"), b'{"schema":"1.0","type":"status","entries":[]}')
        time.sleep(0.3)
    finally:
        intruder.close()
    try:
        wait_until(lambda: any(r.screen == SCREEN and r.up_to_date for r in watcher.snapshot()),
                   what="the genuine screen listed up to date")
        rows = {row.screen: row for row in watcher.snapshot()}
        for name in ("evil-0", "evil-1", "evil-2", "evil-json", "evil-big", "evil-late"):
            assert rows[name].error and rows[name].error.split(":")[0] in (
                "bad-message", "bad-json", "too-large"), (name, rows[name].error)
        assert rows["evil-3"].last_seen == "2026-01-01T00:00:00"
        out = io.StringIO()
        Console(file=out, width=200).print(status_table(watcher.snapshot()))
        assert "[red]x[/red]" in out.getvalue()  # shown as text, not taken as markup
        assert watcher._thread.is_alive()
    finally:
        watcher.stop()


def test_status_command_lists_the_fleet_despite_a_hostile_status(fleet: Fleet) -> None:
    from click.testing import CliRunner

    from signage.cli import main

    fleet.publisher().publish()
    intruder = Intruder(fleet.broker.url)
    try:
        intruder.publish(TOPICS.status("evil"), wire.canonical(
            {"schema": "1.0", "type": "status", "entries": "lots", "plays_last_hour": {}}))
    finally:
        intruder.close()
    result = CliRunner().invoke(main, ["status", "--broker", fleet.broker.url, "--screens",
                                       str(fleet.screens), "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["screen"]: row for row in json.loads(result.output)}
    assert rows["evil"]["error"].startswith("bad-message")
    assert rows[SCREEN]["latest"] is not None


# --- 5. a bad layout never stops the watch loop -----------------------------------------------


def test_bad_layout_is_reported_with_its_line_and_the_last_good_layouts_keep_publishing(
        fleet: Fleet) -> None:
    player = fleet.player(SCREEN)
    layout_file = fleet.screens / "led-test.yaml"
    with serving(fleet) as (publisher, problems):
        wait_until(lambda: player.version is not None, what="player showing")
        layout_file.write_text(LAYOUT + "  speed: 5000\n", "utf-8")  # line 6
        wait_until(lambda: problems, what="layout problem reported")
        assert f"{layout_file}:6:" in problems[-1] and "speed" in problems[-1]
        edit(fleet, "建设工程规划许可证核发（版式坏时）")
        wait_until(lambda: shows(player, "建设工程规划许可证核发（版式坏时）"), what="edit published anyway")
        assert player.runtime.plan.layout.get("speed") is None  # the last good layout
        assert publisher.loop_alive()
        layout_file.write_text(LAYOUT + "  speed: 40\n", "utf-8")  # fixed
        wait_until(lambda: player.runtime.plan.layout.get("speed") == 40, what="fixed layout shown")
        assert publisher.loop_alive() and publisher.serve_thread.is_alive()


def test_unexpected_error_in_a_publish_is_reported_and_the_loop_goes_on(
        fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    player = fleet.player(SCREEN)
    with serving(fleet) as (publisher, problems):
        wait_until(lambda: player.version is not None, what="player showing")
        real = publisher.planner.build
        calls = []

        def broken_once(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 1:
                raise KeyError("a bug in planning")
            return real(*args, **kwargs)

        monkeypatch.setattr(publisher.planner, "build", broken_once)
        edit(fleet, "建设工程规划许可证核发（出错后）")
        wait_until(lambda: problems and "发布失败" in problems[-1], what="failure reported")
        wait_until(lambda: shows(player, "建设工程规划许可证核发（出错后）"), 30, "published after retry")
        assert publisher.loop_alive()


def test_watchdog_notices_a_stuck_watch_loop(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(fleet) as (publisher, _):
        assert publisher.loop_alive()
        monkeypatch.setattr(publisher_module, "LOOP_STALL", 0.5)
        publisher.loop_tick -= 1.0  # as if the loop had not gone round for a second
        assert not publisher.loop_alive()


# --- 6. serve supervises its broker ---------------------------------------------------------


def test_killed_embedded_broker_is_restarted_and_publishing_resumes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broker = EmbeddedBroker(tmp_path / "broker")
    broker.start()
    said: list[str] = []
    supervisor = BrokerSupervisor(broker, report=said.append, first_delay=2.0)
    supervisor.start()
    fleet = Fleet(tmp_path / "fleet", broker)
    try:
        player = fleet.player(SCREEN)
        with serving(fleet) as (publisher, _):
            wait_until(lambda: player.version is not None, what="player showing")
            checks = publisher.health_checks()
            assert all(check() for check in checks.values())
            port = broker.port
            monkeypatch.setattr(publisher_module, "LINK_GRACE", 0.2)  # normally 5 s
            os.kill(broker.process.pid, signal.SIGKILL)
            wait_until(lambda: not checks["broker connected"](), 20, "health check fails")
            wait_until(lambda: supervisor.restarts == 1, 30, "broker restarted")
            assert broker.port == port and any("意外退出" in text for text in said)
            wait_until(lambda: all(check() for check in checks.values()), 60, "healthy again")
            edit(fleet, "建设工程规划许可证核发（重启后）")
            wait_until(lambda: shows(player, "建设工程规划许可证核发（重启后）"), 60, "edit after restart")
    finally:
        fleet.close()
        supervisor.stop()
    assert not broker.running


# --- 7. floods are bounded --------------------------------------------------------------------


def test_event_flood_from_a_screen_is_rate_limited(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    publisher.publish()
    intruder = Intruder(fleet.broker.url)
    try:
        big = wire.encode_message("play", screen=SCREEN, key="x" * 7000)
        for _ in range(3000):
            intruder.client.publish(TOPICS.event(SCREEN), big, qos=0)
        huge = b'{"schema":"1.0","type":"play","pad":"' + b"x" * (1 << 20) + b'"}'
        for _ in range(20):
            intruder.client.publish(TOPICS.event("other"), huge, qos=0)
        intruder.publish(TOPICS.event(SCREEN), b"{}", retain=False)
        time.sleep(1.0)
    finally:
        intruder.close()
    lines = (fleet.data / EVENT_LOG).read_bytes().splitlines()
    assert len(lines) <= publisher_module.EVENT_BURST * 2 + 40  # not 3000
    assert max(map(len, lines)) < 2000  # large ones were refused, text cut
    assert any(b'"too-large"' in line for line in lines)
    assert publisher._gate.dropped > 0


def test_logs_rotate(tmp_path: Path) -> None:
    log = publisher_module._rotating_log(tmp_path / "events.jsonl", max_bytes=10_000)
    for n in range(2000):
        log.info(json.dumps({"n": n, "pad": "x" * 100}))
    files = sorted(tmp_path.glob("events.jsonl*"))
    assert len(files) == publisher_module.LOG_BACKUPS + 1
    assert sum(f.stat().st_size for f in files) < 10_000 * (publisher_module.LOG_BACKUPS + 2)


def test_player_drops_oversized_commands_on_arrival(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    version = publisher.publish().versions[SCREEN]
    player = fleet.player(SCREEN)
    wait_until(lambda: player.version == version, what="player showing")
    queued: list[int] = []
    original = player.runtime.events.put
    player.runtime.events.put = lambda item, *a, **k: (queued.append(
        len(getattr(item, "payload", b""))), original(item, *a, **k))[1]
    intruder = Intruder(fleet.broker.url)
    try:
        for _ in range(30):
            intruder.publish(TOPICS.command(SCREEN), b"x" * (1 << 20), retain=False)
    finally:
        intruder.close()
    wait_until(lambda: player.error_code == "too-large", what="too-large reported")
    assert queued and max(queued) <= wire.SIZE_LIMITS["command"]
    edit(fleet, "建设工程规划许可证核发（洪水后）")
    newer = publisher.publish().versions[SCREEN]
    wait_until(lambda: player.version == newer, what="still converging")


def test_generated_broker_config_bounds_queued_bytes(broker: EmbeddedBroker) -> None:
    text = broker.config_path.read_text("utf-8")  # the config the running broker accepted
    assert "\nmax_queued_bytes " in text and "\nmax_connections " in text


# --- 8. tools stay within bounded memory ------------------------------------------------------


@pytest.mark.usefixtures("repo_cwd")
def test_long_gif_preview_is_refused_with_advice_and_a_png_streams(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from players.led.outputs.preview import PreviewTooLong, save_animation
    from signage.cli import main

    frames = (np.zeros((32, 192, 3), np.uint8) for _ in range(10_000))  # never a list
    with pytest.raises(PreviewTooLong, match="预览过长"):
        save_animation(frames, tmp_path / "long.gif", 25, pitch=4, budget=50 * 192 * 32 * 16)
    assert not (tmp_path / "long.gif").exists()
    runner = CliRunner()
    gif = tmp_path / "huge.gif"
    result = runner.invoke(main, ["preview", "led", "--seconds", "30", "--pitch", "40", "-o", str(gif)])
    assert result.exit_code != 0 and "预览过长" in result.output and "--seconds" in result.output
    png = tmp_path / "long.png"
    result = runner.invoke(main, ["preview", "led", "--seconds", "30", "-o", str(png)])
    assert result.exit_code == 0, result.output
    assert "750 frames" in result.output and png.stat().st_size > 0


def test_screenshot_of_a_huge_panel_is_scaled_down() -> None:
    from PIL import Image

    from players.led.dots import MAX_SHOT_PIXELS, bounded_shot, png_bytes

    frame = np.zeros((4096, 4096, 3), np.uint8)
    frame[::2, ::2, 0] = 255
    image = Image.open(io.BytesIO(png_bytes(bounded_shot(frame))))
    assert image.width * image.height <= MAX_SHOT_PIXELS and image.width > 1000
    small = bounded_shot(np.zeros((16, 96, 3), np.uint8))
    assert small.shape[:2] == (64, 384)  # small panels keep the full 4-pixel pitch


def test_failed_screenshot_is_reported_not_silent(fleet: Fleet) -> None:
    from players.log import LogRenderer

    class Broken(LogRenderer):
        def screenshot(self) -> bytes | None:
            raise MemoryError("a panel too large")

    publisher = fleet.publisher()
    version = publisher.publish().versions[SCREEN]
    player = fleet.player(SCREEN, renderer=Broken(out=io.StringIO(), seconds_per_entry=0.02,
                                                  screen=SCREEN))
    wait_until(lambda: player.version == version, what="player showing")
    intruder = Intruder(fleet.broker.url)
    try:
        intruder.publish(TOPICS.command(SCREEN), wire.encode_command(SCREEN, "screenshot", fleet.key,
                                                                     "shot-1"), retain=False)
    finally:
        intruder.close()
    wait_until(lambda: player.error_code == "screenshot-failed", what="failure reported")
    assert all(thread.is_alive() for thread in player.threads)


# --- the shipped production config ------------------------------------------------------------


def test_an_enrolled_screen_cannot_stop_publishing_or_the_fleet_view_in_production(
        tmp_path: Path) -> None:
    """On deploy/mosquitto/mosquitto.conf (TLS, accounts, ACLs): a screen's own account may write
    its status and events, so it sends hostile ones and a flood; the fleet view lists every
    screen, the publisher's event log stays bounded, and edits still reach the other screen."""
    import ssl

    from production import start_production

    from players.runtime import PlayerConfig

    production = start_production(tmp_path / "broker")
    fleet = Fleet(tmp_path / "fleet", production.broker, publisher_broker=production.publisher)
    production.data = fleet.data
    try:
        kiosk = production.enroll("hall-kiosk", tmp_path / "enrolled")
        evil = PlayerConfig.from_file(tmp_path / "enrolled" / "hall-kiosk" / "player.yaml")
        production.enroll(SCREEN, tmp_path / "enrolled")
        led = PlayerConfig.from_file(tmp_path / "enrolled" / SCREEN / "player.yaml")
        led.cache_dir = tmp_path / "cache-led"
        with serving(fleet) as (publisher, _):
            player = fleet.player(SCREEN, config=led)
            wait_until(lambda: player.version is not None, what="enrolled player showing")
            rogue = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=evil.username or "")
            rogue.username_pw_set(evil.username, evil.password)
            rogue.tls_set(ca_certs=production.ca_file, cert_reqs=ssl.CERT_REQUIRED)
            rogue.connect("127.0.0.1", production.player_port)
            rogue.loop_start()
            try:
                info = rogue.publish(TOPICS.status("hall-kiosk"), wire.canonical(
                    {"schema": "1.0", "type": "status", "version": "∞", "entries": {"a": 1}}),
                    qos=1, retain=True)
                info.wait_for_publish(5)
                flood = wire.encode_message("play", screen="hall-kiosk", key="x" * 7000)
                for _ in range(2000):
                    rogue.publish(TOPICS.event("hall-kiosk"), flood, qos=0)
                rogue.publish(TOPICS.event("hall-kiosk"), b"x" * (1 << 20), qos=1).wait_for_publish(5)
            finally:
                rogue.disconnect()
                rogue.loop_stop()
            watcher = FleetWatcher(production.publisher, known_screens=[SCREEN, "hall-kiosk"],
                                   ca_file=production.ca_file)
            assert watcher.start()
            try:
                rows = {row.screen: row for row in watcher.snapshot()}
                assert rows["hall-kiosk"].error.startswith("bad-message")
                wait_until(lambda: {r.screen: r for r in watcher.snapshot()}[SCREEN].up_to_date,
                           what="the other screen listed up to date")
            finally:
                watcher.stop()
            edit(fleet, "建设工程规划许可证核发（生产）")
            wait_until(lambda: shows(player, "建设工程规划许可证核发（生产）"), what="edit in production")
            time.sleep(0.5)
            lines = (fleet.data / EVENT_LOG).read_bytes().splitlines()
            assert len([line for line in lines if b'"hall-kiosk"' in line]) \
                <= publisher_module.EVENT_BURST + 60
            assert publisher.loop_alive() and kiosk is not None
    finally:
        fleet.close()
        production.stop()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_signage_serve_restarts_its_killed_broker_and_keeps_publishing(tmp_path: Path) -> None:
    """As a user runs it: `signage serve`, its mosquitto killed, an edit saved afterwards."""
    import shutil
    import subprocess
    import sys

    from conftest import REPO, SAMPLE_CONTENT

    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    data = tmp_path / "data"
    lines: queue.Queue[str] = queue.Queue()
    serve_process = subprocess.Popen(
        [sys.executable, "-m", "signage.cli", "serve", "--content", content, "--screens",
         REPO / "layouts", "--data", data], cwd=REPO, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    threading.Thread(target=lambda: [lines.put(line) for line in serve_process.stdout],
                     daemon=True).start()
    said: list[str] = []

    def saw(text: str) -> bool:
        with contextlib.suppress(queue.Empty):
            while True:
                said.append(lines.get_nowait())
        return any(text in line for line in said)

    try:
        wait_until(lambda: saw("published:"), 60, "first publish")
        url = (data / "broker.url").read_text().strip()
        mosquitto = [pid for pid in _children(serve_process.pid)
                     if "mosquitto" in Path(f"/proc/{pid}/comm").read_text()]
        assert len(mosquitto) == 1
        os.kill(mosquitto[0], signal.SIGKILL)
        wait_until(lambda: saw("mosquitto 意外退出"), 20, "exit reported")
        wait_until(lambda: saw("mosquitto 已重启"), 30, "restart reported")
        assert any(url in line for line in said if "已重启" in line)  # same port
        count = [0]

        def more_publishes() -> bool:
            saw("")
            total = sum("published:" in line for line in said)
            grew, count[0] = total > count[0], total
            return grew

        wait_until(lambda: saw("published:") and retained(url, TOPICS.publisher_presence), 30,
                   "publisher reconnected")
        time.sleep(1.5)  # its publish after the reconnect's inventory is printed by now
        more_publishes()
        unit = sorted(content.rglob("*.yaml"))[0]
        unit.write_text(unit.read_text("utf-8") + "# 重启后保存\n", "utf-8")
        wait_until(more_publishes, 60, "publish of the file saved after the restart")
        restarted = [pid for pid in _children(serve_process.pid)
                     if "mosquitto" in Path(f"/proc/{pid}/comm").read_text()]
        assert len(restarted) == 1 and restarted != mosquitto
    finally:
        serve_process.send_signal(signal.SIGTERM)
        serve_process.wait(30)
    assert serve_process.returncode == 0, "".join(said)
    assert not Path(f"/proc/{restarted[0]}").exists()  # the restarted broker stopped with serve


def test_rotated_event_logs_are_read_oldest_first(tmp_path: Path) -> None:
    from signage.office.assessment.sources import _lines

    log = publisher_module._rotating_log(tmp_path / EVENT_LOG, max_bytes=2_000)
    for n in range(1000):
        log.info(json.dumps({"n": n}))
    for handler in log.handlers:
        handler.close()
    kept = [json.loads(line)["n"] for line in _lines(tmp_path / EVENT_LOG)]
    assert kept == sorted(kept) and kept[-1] == 999 and len(list(tmp_path.iterdir())) > 2
