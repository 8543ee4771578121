"""Security of the production setup, on a real mosquitto running deploy/mosquitto/mosquitto.conf
(TLS, dynamic security, no anonymous clients) on loopback, with players enrolled as in
production."""

from __future__ import annotations

import json
import queue
import shutil
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import paho.mqtt.client as mqtt
import pytest
from harness import Fleet, RunningPlayer, wait_until
from paho.mqtt.enums import CallbackAPIVersion
from production import Production, start_production

from signage.contract import wire
from signage.contract.keys import SigningKey
from signage.contract.objectstore import ObjectStore
from signage.contract.topics import Topics

TOPICS = Topics()


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Production, Fleet]]:
    tmp = tmp_path_factory.mktemp("security")
    production = start_production(tmp / "broker")
    fleet = Fleet(tmp / "fleet", production.broker, publisher_broker=production.publisher)
    production.data = fleet.data  # enrolment hands out this publisher's key
    fleet.publisher().publish()
    try:
        yield production, fleet
    finally:
        fleet.close()
        production.stop()


class Client:
    """A raw MQTT client, to try what an attacker would; records CONNACK, SUBACKs, messages.

    Every client is closed after its test (``close_clients``), also when an assertion failed
    before the test's own close: a client left connected would change what the next test sees."""

    open_clients: ClassVar[list[Client]] = []

    def __init__(self, production: Production, username: str | None = None,
                 password: str | None = None, *, client_id: str = "", tls: bool = True,
                 ca_file: str | None = None, port: int | None = None) -> None:
        Client.open_clients.append(self)
        self.connack: Any = None
        self.connected = threading.Event()
        self.subacks: queue.Queue[list[Any]] = queue.Queue()
        self.messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv311)
        if username:
            self.client.username_pw_set(username, password)
        if tls:
            self.client.tls_set(ca_certs=ca_file or production.ca_file, cert_reqs=ssl.CERT_REQUIRED)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.subacks.put(list(codes))
        self.client.on_message = lambda c, u, m: self.messages.put(m)
        self.error: Exception | None = None
        try:
            self.client.connect("127.0.0.1", port or production.player_port, keepalive=30)
        except (OSError, ssl.SSLError) as exc:
            self.error = exc
            return
        self.client.loop_start()
        self.connected.wait(5)

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self.connack = reason
        if not reason.is_failure:
            self.connected.set()

    def subscribe(self, topic: str) -> bool:
        """Whether the broker granted the subscription."""
        self.client.subscribe(topic, qos=1)
        codes = self.subacks.get(timeout=5)
        return not codes[0].is_failure

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def received(self, wait: float = 0.8) -> list[str]:
        time.sleep(wait)
        topics = []
        while not self.messages.empty():
            topics.append(self.messages.get().topic)
        return topics

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture(autouse=True)
def close_clients() -> Iterator[None]:
    yield
    while Client.open_clients:
        Client.open_clients.pop().close()


@pytest.fixture(autouse=True)
def one_player_per_screen(prod: tuple[Production, Fleet]) -> Iterator[None]:
    """A screen's client id is its user name: two players of one screen would take turns, so
    each test stops the players it started."""
    _, fleet = prod
    yield
    while fleet.players:
        fleet.players.pop().stop()


def enroll_once(production: Production, fleet: Fleet, screen: str) -> Path:
    folder = fleet.tmp / "enrolled"
    if not (folder / screen / "player.yaml").exists():
        production.enroll(screen, folder)
    return folder / screen / "player.yaml"


def enrolled_player(production: Production, fleet: Fleet, screen: str) -> RunningPlayer:
    from players.runtime import PlayerConfig

    config = PlayerConfig.from_file(enroll_once(production, fleet, screen))
    config.cache_dir = fleet.tmp / f"cache-{screen}"
    player = fleet.player(screen, config=config)
    wait_until(lambda: player.version, what=f"{screen} shows a version")
    # subscribed: its retained manifest has arrived (a cached version shows before that)
    wait_until(lambda: player.runtime.bytes_received, what=f"{screen} subscribed")
    return player


def credentials(production: Production, fleet: Fleet, screen: str) -> tuple[str, str]:
    from players.runtime import PlayerConfig

    config = PlayerConfig.from_file(enroll_once(production, fleet, screen))
    return config.username or "", config.password or ""


def test_anonymous_clients_are_refused(prod: tuple[Production, Fleet]) -> None:
    production, _ = prod
    for port in (production.player_port, production.tools_port):
        client = Client(production, port=port)
        assert not client.connected.is_set()
        assert client.connack is not None and client.connack.is_failure, client.connack
        client.close()


def test_wrong_password_is_refused(prod: tuple[Production, Fleet]) -> None:
    production, _ = prod
    client = Client(production, "signage-publisher", "guess")
    assert client.connack is not None and client.connack.is_failure
    client.close()


def test_plain_tcp_is_refused_where_tls_is_required(prod: tuple[Production, Fleet]) -> None:
    production, _ = prod
    for port in (production.player_port, production.tools_port):
        client = Client(production, production.publisher.username, production.publisher.password,
                        tls=False, port=port)
        assert not client.connected.wait(2), "a plain-TCP client was let in"
        assert client.connack is None  # the TLS listener never answered in MQTT
        client.close()


def test_a_certificate_from_another_ca_is_refused(prod: tuple[Production, Fleet],
                                                  tmp_path: Path) -> None:
    from signage.fleet.tls import create_tls

    production, _ = prod
    other = create_tls(tmp_path / "other", ["localhost"])
    client = Client(production, production.publisher.username, production.publisher.password,
                    ca_file=str(other.ca_cert))
    assert client.error is not None and "certificate verify failed" in str(client.error)


def test_the_publisher_and_an_enrolled_player_work_over_tls(prod: tuple[Production, Fleet]) -> None:
    production, fleet = prod
    player = enrolled_player(production, fleet, "lobby-led")
    assert player.runtime.plan is not None and player.runtime.plan.entries
    assert player.runtime.connection.address.tls


def test_a_player_reads_only_its_own_screen(prod: tuple[Production, Fleet]) -> None:
    production, fleet = prod
    enroll_once(production, fleet, "hall-kiosk")
    user, password = credentials(production, fleet, "lobby-led")
    client = Client(production, user, password)
    assert client.connected.is_set()
    assert client.subscribe(TOPICS.manifest("lobby-led"))
    own = json.loads(client.messages.get(timeout=5).payload)
    assert own["screen"] == "lobby-led"
    # another screen's manifest and commands, and every wildcard, are refused
    for topic in (TOPICS.manifest("hall-kiosk"), TOPICS.command("hall-kiosk"), TOPICS.all_objects,
                  f"{TOPICS.root}/obj/#", f"{TOPICS.root}/#", "#", f"{TOPICS.root}/screen/+/manifest",
                  f"{TOPICS.root}/+/+", TOPICS.status("hall-kiosk"), TOPICS.all_screens("event")):
        assert not client.subscribe(topic), f"{topic} was granted"
    assert client.received() == []
    # an object its own plan names is readable by exact topic
    assert client.subscribe(TOPICS.object(own["plan"]))
    assert client.received() == [TOPICS.object(own["plan"])]
    client.close()


def test_a_player_cannot_publish_content_or_another_players_reports(
        prod: tuple[Production, Fleet]) -> None:
    production, fleet = prod
    user, password = credentials(production, fleet, "lobby-led")
    watcher = Client(production, production.publisher.username, production.publisher.password,
                     client_id="watcher", port=production.tools_port)
    assert watcher.subscribe(f"{TOPICS.root}/#")
    watcher.received(0.5)  # the retained catalogue
    attacker = Client(production, user, password)
    object_id, payload = wire.encode_object({"type": "power", "name": "伪造事项"})
    for topic, data in ((TOPICS.object(object_id), payload),
                        (TOPICS.manifest("lobby-led"), b"{}"), (TOPICS.manifest("hall-kiosk"), b"{}"),
                        (TOPICS.keys, b"{}"), (TOPICS.command("hall-kiosk"), b"{}"),
                        (TOPICS.status("hall-kiosk"), b"{}"), (TOPICS.event("hall-kiosk"), b"{}"),
                        (TOPICS.presence("hall-kiosk"), b"{}")):
        attacker.publish(topic, data, retain=True)
    attacker.publish(TOPICS.status("lobby-led"), wire.encode_message("status", screen="lobby-led"))
    seen = watcher.received(1.0)
    assert seen == [TOPICS.status("lobby-led")], seen  # only its own report got through
    attacker.close()
    watcher.close()


def test_a_player_cannot_take_another_players_client_id(prod: tuple[Production, Fleet]) -> None:
    production, fleet = prod
    player = enrolled_player(production, fleet, "lobby-led")
    user, password = credentials(production, fleet, "hall-kiosk")
    impostor = Client(production, user, password, client_id="lobby-led")
    assert impostor.connected.is_set()
    time.sleep(1.0)
    assert player.runtime.connection.connected.is_set(), "the real lobby-led was disconnected"
    impostor.close()


def test_publish_rights_without_the_signing_key_cannot_switch_a_screen(
        prod: tuple[Production, Fleet]) -> None:
    """Even with the publisher's broker password, a forger lacking the signing key is refused."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    production, fleet = prod
    player = enrolled_player(production, fleet, "lobby-led")
    version = player.version
    rogue = Client(production, production.publisher.username, production.publisher.password,
                   client_id="rogue", port=production.tools_port)
    forger = SigningKey(Ed25519PrivateKey.generate())
    object_id, payload = wire.encode_object({"type": "plan", "screen": "lobby-led", "chunks": []})
    rogue.publish(TOPICS.object(object_id), payload, retain=False)
    since = player.runtime.last_error
    rogue.publish(TOPICS.manifest("lobby-led"),
                  wire.encode_manifest("lobby-led", (version or 0) + 100, object_id, forger))
    player.error_after(since, "unknown-key")  # forged manifest refused
    # a rogue key ring is refused too: it is not signed by a key the player trusts
    from signage.contract.keys import RingKey

    since = player.runtime.last_error
    rogue.publish(TOPICS.keys, wire.encode_keyring(99, [RingKey(forger.public)], [forger]))
    player.error_after(since, "unknown-key")  # forged key ring refused
    time.sleep(0.5)
    assert player.version == version and player.runtime.plan.entries
    assert forger.id not in player.runtime.trusted.keys
    rogue.close()


def test_a_replayed_older_manifest_is_refused(prod: tuple[Production, Fleet]) -> None:
    production, fleet = prod
    player = enrolled_player(production, fleet, "lobby-led")
    older = player.runtime.manifest.payload
    version = player.version
    newer = wire.encode_manifest("lobby-led", (version or 0) + 1, player.runtime.manifest.plan,
                                 fleet.key)
    rogue = Client(production, production.publisher.username, production.publisher.password,
                   client_id="replayer", port=production.tools_port)
    rogue.publish(TOPICS.manifest("lobby-led"), newer)
    wait_until(lambda: player.version == (version or 0) + 1, what="the newer version")
    since = player.runtime.last_error
    rogue.publish(TOPICS.manifest("lobby-led"), older)
    player.error_after(since, "stale-version")  # the replay refused
    assert player.version == (version or 0) + 1
    rogue.close()


def test_a_revoked_player_is_disconnected_and_cannot_connect(prod: tuple[Production, Fleet]) -> None:
    from signage.fleet.enrollment import revoke

    production, fleet = prod
    player = enrolled_player(production, fleet, "hall-kiosk")  # its credentials work …
    user, password = credentials(production, fleet, "hall-kiosk")
    try:
        assert revoke(production.admin, "hall-kiosk")
        wait_until(lambda: not player.runtime.connection.connected.is_set(), what="kicked off")
        client = Client(production, user, password)  # … and after the revocation they don't
        assert client.connack is not None and client.connack.is_failure
        client.close()
        time.sleep(1.5)
        assert not player.runtime.connection.connected.is_set()  # its retries are refused too
        assert player.runtime.plan is not None and player.runtime.plan.entries  # still shows content
        assert not revoke(production.admin, "hall-kiosk")  # twice is harmless
    finally:  # the module's broker is shared: later tests enrol the screen afresh
        player.stop()
        fleet.players.remove(player)
        shutil.rmtree(fleet.tmp / "enrolled" / "hall-kiosk", ignore_errors=True)


@pytest.mark.parametrize("hostile", ["../../../etc/passwd", "/etc/passwd", "a/../../b", "..",
                                     "0" * 63 + "/", "x" * 64, "A" * 64, "\x00" * 64])
def test_asset_ids_cannot_escape_the_cache(tmp_path: Path, hostile: str) -> None:
    store = ObjectStore(tmp_path / "cache" / "objects")
    with pytest.raises(ValueError):
        store.put(hostile, b"data")
    with pytest.raises(ValueError):
        TOPICS.parse(f"{TOPICS.root}/obj/{hostile}")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_screen_cannot_be_enrolled_under_a_service_account_name(
        prod: tuple[Production, Fleet]) -> None:
    from signage.fleet.enrollment import EnrollmentError

    production, fleet = prod
    for name in ("signage-publisher", "signage-admin", "signage-bridge-x"):
        with pytest.raises(EnrollmentError, match="rename the screen"):
            production.enroll(name, fleet.tmp / "enrolled", again=True)
    client = Client(production, production.publisher.username, production.publisher.password,
                    port=production.tools_port)
    assert client.connected.is_set()  # the publisher's password is untouched
    client.close()
