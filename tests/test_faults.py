"""Bad input never changes what a player shows, and is reported (real broker, real players)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from conftest import POWER, patched
from harness import Fleet, wait_until
from paho.mqtt.enums import CallbackAPIVersion

from signage.contract import wire
from signage.contract.keys import SigningKey
from signage.contract.topics import Topics
from signage.fleet.broker import BrokerSettings, EmbeddedBroker

TOPICS = Topics()


@pytest.fixture
def fleet(tmp_path: Path, broker):
    fleet = Fleet(tmp_path, broker)
    yield fleet
    fleet.close()


def raw_publish(url: str, topic: str, payload: bytes, retain: bool = True) -> bool:
    """Publish as an outsider would: a plain client with no signing key. True if acked."""
    port = int(url.rsplit(":", 1)[1])
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"intruder-{time.monotonic_ns()}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        info = client.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(5)
        return info.is_published()
    finally:
        client.disconnect()
        client.loop_stop()


def showing(fleet: Fleet, screen: str = "lobby-led"):
    report = fleet.publisher().publish()
    player = fleet.player(screen, object_timeout=1.0)
    wait_until(lambda: player.version == report.versions[screen], what="first version")
    return player, report.versions[screen]


def assert_refused(player, version: int, code: str, since: object) -> None:
    """The player reported ``code`` after ``since`` (its last error before the action) and still
    shows ``version`` with content."""
    player.error_after(since, code)
    time.sleep(0.3)
    assert player.version == version
    assert player.runtime.plan is not None and player.runtime.plan.entries


def test_forged_manifest_is_refused(fleet: Fleet) -> None:
    player, version = showing(fleet)
    since = player.runtime.last_error
    forger = SigningKey(__import__("cryptography.hazmat.primitives.asymmetric.ed25519",
                                   fromlist=["x"]).Ed25519PrivateKey.generate())
    payload = wire.encode_manifest("lobby-led", version + 100, "0" * 64, forger)
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"), payload)
    assert_refused(player, version, "unknown-key", since)
    # the same forgery claiming the publisher's key id
    since = player.runtime.last_error
    body = json.loads(payload)
    del body["sig"]
    body["key"] = fleet.key.id
    forged = wire.canonical({**body, "sig": forger.sign(wire.canonical(body))})
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"), forged)
    assert_refused(player, version, "bad-signature", since)


def test_tampered_signed_manifest_is_refused(fleet: Fleet) -> None:
    player, version = showing(fleet)
    body = json.loads(wire.encode_manifest("lobby-led", version + 1, "1" * 64, fleet.key))
    body["plan"] = "2" * 64  # signature no longer matches
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"), wire.canonical(body))
    assert_refused(player, version, "bad-signature", since)


def test_replayed_older_manifest_is_refused(fleet: Fleet) -> None:
    player, _ = showing(fleet)
    captured = player.runtime.manifest.payload  # a genuine, signed, older manifest
    fleet.factory.write(powers=[patched(POWER, {"name": "建设工程规划许可证核发（新）"})])
    newer = fleet.publishers[0].publish().versions["lobby-led"]
    wait_until(lambda: player.version == newer, what="newer version")
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"), captured)
    assert_refused(player, newer, "stale-version", since)


def test_same_version_with_another_plan_is_refused(fleet: Fleet) -> None:
    """A genuine signature on the shown version number but another plan is a rollback in disguise
    (or a key misused): refused; the retained copy of the shown manifest itself is not an error."""
    player, version = showing(fleet)
    shown = player.runtime.manifest
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"), shown.payload)  # the same again
    time.sleep(0.5)
    assert player.runtime.last_error is since and player.runtime.manifest.plan == shown.plan
    other_plan = wire.digest(b"another plan")
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"),
                wire.encode_manifest("lobby-led", version, other_plan, fleet.key))
    assert_refused(player, version, "stale-version", since)
    assert player.runtime.manifest.plan == shown.plan and player.runtime.pending is None


def test_a_command_dated_in_the_future_is_refused_by_the_player(fleet: Fleet) -> None:
    """A command issued "later" would never grow stale: replayable for ever. Shown first: the
    same command dated now is obeyed."""
    player, version = showing(fleet)

    def command(issued: dt.datetime, command_id: str) -> bytes:
        body = {k: v for k, v in json.loads(wire.encode_command("lobby-led", "identify", fleet.key,
                                                                 command_id)).items() if k != "sig"}
        body["issued"] = issued.isoformat()
        return wire.canonical({**body, "sig": fleet.key.sign(wire.canonical(body))})

    now = dt.datetime.now(dt.UTC)
    raw_publish(fleet.broker.url, TOPICS.command("lobby-led"), command(now, "c-now"), retain=False)
    wait_until(lambda: "IDENTIFY lobby-led" in player.out.getvalue(), what="identify obeyed")
    shown = player.out.getvalue().count("IDENTIFY lobby-led")
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.command("lobby-led"),
                command(now + dt.timedelta(hours=1), "c-future"), retain=False)
    assert_refused(player, version, "stale-command", since)
    assert player.out.getvalue().count("IDENTIFY lobby-led") == shown


@pytest.mark.parametrize(("payload", "code"), [
    (b'{"schema": "1.0", "type": "manif', "bad-json"),
    (b"\xff\xfe not json", "bad-json"),
    (b'{"schema": "2.0", "type": "manifest"}', "unknown-schema"),
    (b"[1, 2, 3]", "bad-json"),
])
def test_malformed_manifests_are_refused(fleet: Fleet, payload: bytes, code: str) -> None:
    player, version = showing(fleet)
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"), payload)
    assert_refused(player, version, code, since)


def test_object_with_wrong_hash_is_refused(fleet: Fleet) -> None:
    player, version = showing(fleet)
    fleet.publishers[0].stop()  # a running publisher clears the poisoned object at once
    since = player.runtime.last_error
    plan_id = wire.digest(b"the real plan")
    raw_publish(fleet.broker.url, TOPICS.object(plan_id), b'{"schema":"1.0","type":"plan"}')
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"),
                wire.encode_manifest("lobby-led", version + 1, plan_id, fleet.key))
    assert_refused(player, version, "hash-mismatch", since)


def test_missing_object_is_reported_and_old_version_kept(fleet: Fleet) -> None:
    player, version = showing(fleet)
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"),
                wire.encode_manifest("lobby-led", version + 1, "3" * 64, fleet.key))
    assert_refused(player, version, "missing-object", since)
    assert player.runtime.pending is not None  # still waiting: it switches if the object comes


def test_oversized_payload_is_refused_by_broker_and_player(tmp_path: Path) -> None:
    roomy = EmbeddedBroker(tmp_path / "roomy", settings=BrokerSettings(max_packet_size=64 << 20))
    roomy.start()
    fleet = Fleet(tmp_path / "fleet", roomy)
    try:
        player, version = showing(fleet)
        big = b'{"schema":"1.0","pad":"' + b"x" * (50 << 20) + b'"}'
        since = player.runtime.last_error
        raw_publish(roomy.url, TOPICS.manifest("lobby-led"), big)
        assert_refused(player, version, "too-large", since)
    finally:
        fleet.close()
        roomy.stop()


def test_default_broker_drops_oversized_payload_before_players(fleet: Fleet) -> None:
    player, version = showing(fleet)
    assert not raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"), b"x" * (20 << 20))
    time.sleep(0.5)
    assert player.version == version and player.error_code is None


def test_broker_restart_mid_publish_converges(fleet: Fleet) -> None:
    fleet.factory.write(powers=[patched(POWER, {"code": f"CSJ-XK-{n:03d}", "name": f"事项{n}"})
                                for n in range(1, 301)])
    publisher = fleet.publisher()
    players = [fleet.player("lobby-led"), fleet.player("hall-kiosk")]
    failures: list[Exception] = []

    def publish() -> None:
        try:
            publisher.publish()
        except (RuntimeError, TimeoutError, OSError, ValueError) as exc:
            failures.append(exc)

    thread = threading.Thread(target=publish)
    thread.start()
    time.sleep(0.05)
    fleet.broker.restart()
    thread.join(60)
    wait_until(publisher.synced.is_set, 60, "publisher reconnected")
    report = publisher.publish()  # what serve() does after a reconnect
    final = {**report.versions}
    for player in players:
        screen = player.runtime.screen
        wanted = final.get(screen) or publisher.state.manifests[screen]["version"]
        wait_until(lambda p=player, v=wanted: p.version == v, 30, f"{screen} converged")
        assert len(player.runtime.plan.entries) >= 300


def test_signed_commands_are_obeyed_and_forged_ones_refused(fleet: Fleet) -> None:
    player, version = showing(fleet)
    port = int(fleet.broker.url.rsplit(":", 1)[1])
    shots: list[bytes] = []
    watcher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="shot-watcher")
    watcher.on_message = lambda c, u, m: shots.append(m.payload)
    watcher.connect("127.0.0.1", port)
    watcher.subscribe(TOPICS.screenshot("lobby-led"), qos=1)
    watcher.loop_start()
    try:
        for name in ("identify", "screenshot", "reload"):
            raw_publish(fleet.broker.url, TOPICS.command("lobby-led"),
                        wire.encode_command("lobby-led", name, fleet.key, f"c-{name}"), retain=False)
        wait_until(lambda: "IDENTIFY lobby-led" in player.out.getvalue(), what="identify")
        wait_until(lambda: shots, what="screenshot")
        assert shots[0].startswith(b"\x89PNG")
        forged = json.loads(wire.encode_command("lobby-led", "identify", fleet.key, "c-x"))
        forged["command"] = "screenshot"
        since = player.runtime.last_error
        raw_publish(fleet.broker.url, TOPICS.command("lobby-led"), wire.canonical(forged),
                    retain=False)
        assert_refused(player, version, "bad-signature", since)
    finally:
        watcher.loop_stop()
        watcher.disconnect()


def test_stale_command_is_refused() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from signage.contract.keys import TrustedKeys

    key = SigningKey(Ed25519PrivateKey.generate())
    trusted = TrustedKeys({key.id: key.public})
    payload = wire.encode_command("lobby-led", "reload", key, "c-1")
    issued = json.loads(payload)["issued"]
    later = __import__("datetime").datetime.fromisoformat(issued) + wire.COMMAND_MAX_AGE * 2
    with pytest.raises(wire.WireError) as refused:
        wire.decode_command(payload, trusted, "lobby-led", now=later)
    assert refused.value.code == "stale-command"
    assert base64.b64decode(json.loads(payload)["sig"])


def test_broker_that_lost_its_data_is_refilled(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    first = publisher.publish()
    fleet.broker.stop()
    (fleet.broker.data_dir / "mosquitto.db").unlink()  # a new, empty broker
    fleet.broker.start()
    wait_until(publisher.synced.is_set, 30, "publisher back and inventoried")
    again = publisher.publish()
    assert again.objects_sent == first.objects_sent  # everything was missing: all sent again
    assert set(again.versions) == set(first.versions)
    assert min(again.versions.values()) > max(first.versions.values())
    fresh = fleet.player("hall-kiosk", cache="fresh-cache")
    wait_until(lambda: fresh.version == again.versions["hall-kiosk"], 60, "fresh player synced")
