"""Publisher key rotation: players follow a key ring signed by the key they trust, accept the
old key during the overlap and only the new one after it, and remember across restarts."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Fleet, wait_until

from players.runtime import TRUST_FILE, PlayerConfig
from signage.contract import wire
from signage.contract.keys import KEYRING_FILE, PUBLIC_KEY_FILE, load_signing_key
from signage.contract.rotation import rotate_keys
from signage.contract.topics import Topics

TOPICS = Topics()


@pytest.fixture
def fleet(tmp_path: Path, broker) -> Iterator[Fleet]:
    fleet = Fleet(tmp_path, broker)
    try:
        yield fleet
    finally:
        fleet.close()


def raw_publish(url: str, topic: str, payload: bytes, retain: bool = False) -> None:
    import paho.mqtt.publish as publish

    host, port = url.removeprefix("mqtt://").rsplit(":", 1)
    publish.single(topic, payload, qos=1, retain=retain, hostname=host, port=int(port))


def test_players_follow_a_rotation_and_the_old_key_expires(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    publisher.publish()
    player = fleet.player("lobby-led")
    wait_until(lambda: player.version, what="first version")
    first = player.version or 0

    old, new, _ = rotate_keys(fleet.data, dt.timedelta(seconds=4))
    report = publisher.publish()
    assert report.versions, "manifests signed by the retired key are issued again"
    wait_until(lambda: player.version and player.version > first, what="re-signed version")
    assert json.loads(player.runtime.manifest.payload)["key"] == new.id
    assert set(player.runtime.trusted.keys) == {old.id, new.id}
    assert (player.runtime.config.cache_dir / TRUST_FILE).exists()

    # during the overlap the old key is still accepted
    plan = player.runtime.manifest.plan
    version = player.version or 0
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"),
                wire.encode_manifest("lobby-led", version + 1, plan, old))
    wait_until(lambda: player.version == version + 1, what="old key accepted in the overlap")

    # after it, only the new one
    time.sleep(max(0.0, (player.runtime.trusted.until[old.id] - dt.datetime.now(dt.UTC))
                   .total_seconds()) + 0.2)
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"),
                wire.encode_manifest("lobby-led", version + 2, plan, old))
    player.error_after(since, "expired-key")  # the old key refused after the overlap
    assert player.version == version + 1
    raw_publish(fleet.broker.url, TOPICS.manifest("lobby-led"),
                wire.encode_manifest("lobby-led", version + 3, plan, new))
    wait_until(lambda: player.version == version + 3, what="new key accepted")


def test_a_restarted_player_still_trusts_the_new_key_and_shows_its_cache(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    publisher.publish()
    enrolled_key = fleet.tmp / "enrolled.pub"  # what the player was given at enrolment
    enrolled_key.write_bytes((fleet.data / PUBLIC_KEY_FILE).read_bytes())
    config = PlayerConfig(screen="lobby-led", broker=fleet.broker.url, public_keys=[enrolled_key],
                          cache_dir=fleet.tmp / "cache")
    player = fleet.player("lobby-led", config=config)
    wait_until(lambda: player.version, what="first version")
    old, new, _ = rotate_keys(fleet.data, dt.timedelta(seconds=1))
    publisher.publish()
    wait_until(lambda: new.id in player.runtime.trusted.keys, what="key ring")
    player.stop()
    fleet.players.remove(player)
    time.sleep(1.2)  # the old key's overlap is over
    # offline restart: the config still names only the old key
    again = fleet.player("lobby-led", config=config, start=False)
    assert again.runtime.configured.keys.keys() == {old.id}
    assert new.id in again.runtime.trusted.keys
    assert not again.runtime.trusted.verify(old.id, old.sign(b"x"), b"x")  # expired
    cached = again.runtime.cache.load(again.runtime.trusted.without_expiry(), "lobby-led")
    assert cached is not None and cached[1].entries


def test_a_player_offline_during_the_rotation_catches_up(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    publisher.publish()
    old, _, _ = rotate_keys(fleet.data, dt.timedelta(days=7))
    publisher.publish()
    # enrolled before the rotation: knows only the old key, has never seen the key ring
    player = fleet.player("hall-kiosk", config=PlayerConfig(
        screen="hall-kiosk", broker=fleet.broker.url, cache_dir=fleet.tmp / "cache-kiosk",
        public_keys=[fleet.data / "retired" / f"{old.id}.pub"]))
    wait_until(lambda: player.version, what="a version signed by the new key")
    assert player.error_code is None or player.error_code == "unknown-key"


def test_an_older_or_forged_key_ring_is_refused(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    publisher.publish()
    player = fleet.player("lobby-led")
    wait_until(lambda: player.version, what="first version")
    _, _, first_ring = rotate_keys(fleet.data, dt.timedelta(days=7))
    publisher.publish()
    wait_until(lambda: player.runtime.keyring and player.runtime.keyring.sequence == 1, what="ring 1")
    rotate_keys(fleet.data, dt.timedelta(days=7))
    publisher.publish()
    wait_until(lambda: player.runtime.keyring.sequence == 2, what="ring 2")
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.keys, first_ring)
    player.error_after(since, "stale-keyring")  # the replayed ring refused
    tampered = json.loads(first_ring)
    tampered["sequence"] = 9
    since = player.runtime.last_error
    raw_publish(fleet.broker.url, TOPICS.keys, wire.canonical(tampered))
    player.error_after(since, "bad-signature")  # the tampered ring refused
    assert player.runtime.keyring.sequence == 2


def test_keys_rotate_command(tmp_path: Path) -> None:
    signage = [sys.executable, "-m", "signage.cli"]
    subprocess.run([*signage, "keys", "init", "--data", str(tmp_path)], check=True,
                   capture_output=True)
    before = load_signing_key(tmp_path).id
    done = subprocess.run([*signage, "keys", "rotate", "--data", str(tmp_path), "--overlap", "12h"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    after = load_signing_key(tmp_path).id
    assert after != before and f"new key {after}" in done.stdout and before in done.stdout
    ring = wire.read_keyring((tmp_path / KEYRING_FILE).read_bytes())
    until = {k.id: k.until for k in ring.keys}
    assert until[after] is None
    assert dt.timedelta(hours=11) < until[before] - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=12)
    assert (tmp_path / "retired" / f"{before}.pub").exists()
    assert (tmp_path / PUBLIC_KEY_FILE).read_bytes() != b""
    bad = subprocess.run([*signage, "keys", "rotate", "--data", str(tmp_path), "--overlap", "soon"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "7d, 12h" in bad.stderr
