"""The embedded mosquitto: real broker processes on loopback, real paho clients, short timeouts."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from signage.contract.address import BrokerAddress, parse_broker_url
from signage.fleet import broker as broker_module
from signage.fleet.broker import (
    BrokerError,
    BrokerSettings,
    EmbeddedBroker,
    free_port,
    render_config,
)

WAIT = 3.0  # seconds; every wait in this file is bounded so a broken broker fails fast instead of hanging


class Client:
    """A connected paho client that records what it receives and whether it was disconnected."""

    def __init__(self, server: EmbeddedBroker, client_id: str) -> None:
        self.messages: list[mqtt.MQTTMessage] = []
        self.arrived = threading.Condition()
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self.paho = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
        self.paho.on_connect = lambda *_: self.connected.set()
        self.paho.on_disconnect = lambda *_: self.disconnected.set()
        self.paho.on_message = self._on_message
        self.paho.connect(server.host, server.port or 0, keepalive=30)
        self.paho.loop_start()
        assert self.connected.wait(WAIT), f"{client_id} could not connect to {server.url}"

    def _on_message(self, _client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage) -> None:
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()

    def publish(self, topic: str, payload: bytes | str, retain: bool = True) -> mqtt.MQTTMessageInfo:
        info = self.paho.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(WAIT)
        return info

    def subscribe(self, topic: str) -> None:
        self.paho.subscribe(topic, qos=1)

    def wait_for(self, count: int, timeout: float = WAIT) -> list[mqtt.MQTTMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)

    def close(self) -> None:
        self.paho.disconnect()
        self.paho.loop_stop()


def received(
    server: EmbeddedBroker, topic: str, count: int = 1, timeout: float = WAIT
) -> list[mqtt.MQTTMessage]:
    """What a fresh subscriber gets for ``topic`` (retained messages arrive right after subscribing)."""
    client = Client(server, "reader")
    try:
        client.subscribe(topic)
        return client.wait_for(count, timeout)
    finally:
        client.close()


def test_generated_config_is_accepted_and_broker_listens_on_a_free_port(broker: EmbeddedBroker) -> None:
    assert broker.running
    assert broker.url == f"mqtt://127.0.0.1:{broker.port}"
    with socket.create_connection(("127.0.0.1", broker.port), timeout=WAIT):
        pass
    assert f"listener {broker.port} 127.0.0.1\n" in broker.config_path.read_text("utf-8")
    assert "mosquitto version" in broker.log_path.read_text("utf-8")  # logging to our file works


def test_retained_qos1_message_reaches_a_later_subscriber(broker: EmbeddedBroker) -> None:
    publisher = Client(broker, "publisher")
    info = publisher.publish("signage/demo/notice", "元旦假期政务服务中心暂停对外办公".encode())
    publisher.close()
    assert info.is_published()

    [message] = received(broker, "signage/#")
    assert message.topic == "signage/demo/notice"
    assert message.payload.decode("utf-8") == "元旦假期政务服务中心暂停对外办公"
    assert message.retain and message.qos == 1


def test_restart_keeps_retained_messages_on_the_same_port(broker: EmbeddedBroker) -> None:
    publisher = Client(broker, "publisher")
    publisher.publish("signage/demo/catalogue", b"v1")
    publisher.close()
    port, first_pid = broker.port, broker.process.pid if broker.process else None

    broker.restart()

    assert broker.running and broker.port == port
    assert broker.process is not None and broker.process.pid != first_pid
    assert (broker.data_dir / "mosquitto.db").is_file()
    [message] = received(broker, "signage/#")
    assert (message.topic, message.payload) == ("signage/demo/catalogue", b"v1")


def test_packet_larger_than_max_packet_size_is_refused(tmp_path: Path) -> None:
    with EmbeddedBroker(tmp_path / "broker", settings=BrokerSettings(max_packet_size=1024)) as server:
        reader = Client(server, "reader")
        reader.subscribe("signage/#")
        time.sleep(0.2)  # let the subscription settle before publishing
        publisher = Client(server, "publisher")
        publisher.publish("signage/small", b"x" * 100)
        publisher.paho.publish("signage/big", b"x" * 2000, qos=1, retain=True)

        assert publisher.disconnected.wait(WAIT), "the broker kept a client sending an oversized packet"
        assert [m.topic for m in reader.wait_for(2, timeout=0.5)] == ["signage/small"]
        assert "oversize packet" in server.log_path.read_text("utf-8")
        publisher.close()
        reader.close()


def test_retained_deliveries_beyond_the_queue_limit_are_dropped(tmp_path: Path) -> None:
    """Why max_queued_messages is sized for the catalogue: a subscriber only gets inflight + queued."""
    settings = BrokerSettings(max_queued_messages=10, max_inflight_messages=5)
    with EmbeddedBroker(tmp_path / "broker", settings=settings) as server:
        publisher = Client(server, "publisher")
        for number in range(30):
            publisher.publish(f"signage/item/{number}", b"x")
        publisher.close()

        assert len(received(server, "signage/#", count=30, timeout=1.0)) == 15
        assert "Outgoing messages are being dropped" in server.log_path.read_text("utf-8")


def test_render_config_has_the_settings(tmp_path: Path) -> None:
    text = render_config(BrokerSettings(max_queued_messages=12345), 18830, tmp_path)
    lines = text.splitlines()
    assert "listener 18830 127.0.0.1" in lines
    assert "max_queued_messages 12345" in lines
    assert f"persistence_location {tmp_path.resolve()}/" in lines
    assert f"log_dest file {tmp_path.resolve()}/mosquitto.log" in lines
    assert [line for line in lines if line.startswith("log_type")] == [
        "log_type error", "log_type warning", "log_type notice", "log_type information"]
    for line in ("persistence true", "persistence_file mosquitto.db", "max_packet_size 16777216",
                 "max_inflight_messages 100", "retain_available true", "allow_anonymous true",
                 "set_tcp_nodelay true", "connection_messages true"):
        assert line in lines
    assert "max_queued_messages 20000" in render_config(BrokerSettings(), 1883, tmp_path)
    assert "message_size_limit" not in text and "stderr" not in text


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "localhost"])
def test_embedded_broker_refuses_non_loopback_hosts(tmp_path: Path, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        render_config(BrokerSettings(), 1883, tmp_path, host=host)
    with pytest.raises(ValueError, match="loopback"):
        EmbeddedBroker(tmp_path, host=host)


def test_ipv6_loopback_broker(tmp_path: Path) -> None:
    with EmbeddedBroker(tmp_path / "broker", host="::1") as server:
        assert server.url == f"mqtt://[::1]:{server.port}"
        publisher = Client(server, "publisher")
        assert publisher.publish("signage/v6", b"ok").is_published()
        publisher.close()


def test_port_already_in_use_raises_a_helpful_error(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = EmbeddedBroker(tmp_path / "broker", port=port)
        with pytest.raises(BrokerError, match=f"port {port} on 127.0.0.1 is already in use"):
            server.start(timeout=WAIT)
        assert not server.running


def test_broker_dying_at_startup_reports_mosquittos_own_words(tmp_path: Path) -> None:
    server = EmbeddedBroker(tmp_path / "broker", settings=BrokerSettings(max_packet_size=10))
    with pytest.raises(BrokerError, match="exited during startup") as caught:
        server.start(timeout=WAIT)
    assert "Invalid max_packet_size value (10)" in str(caught.value)
    assert server.process is not None and server.process.poll() is not None


def test_broker_never_ready_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(broker_module, "_accepts_connections", lambda _host, _port: False)
    server = EmbeddedBroker(tmp_path / "broker")
    with pytest.raises(BrokerError, match=r"did not accept connections within 0\.5s"):
        server.start(timeout=0.5)
    assert server.process is not None and server.process.poll() is not None


def test_missing_binary_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(broker_module.shutil, "which", lambda _name: None)
    monkeypatch.setattr(broker_module, "FALLBACK_BINARY", str(tmp_path / "no-mosquitto"))
    with pytest.raises(BrokerError, match="apt-get install mosquitto"):
        EmbeddedBroker(tmp_path / "broker").start()


def test_stop_leaves_no_process(tmp_path: Path) -> None:
    server = EmbeddedBroker(tmp_path / "broker")
    server.start(timeout=WAIT)
    process = server.process
    assert process is not None and process.poll() is None

    server.stop()

    assert process.poll() is not None  # reaped: no zombie left behind
    assert process.returncode == 0  # SIGTERM is a clean exit, so the database was saved
    assert not server.running
    assert "Saving in-memory database" in server.log_path.read_text("utf-8")
    server.stop()  # stopping twice is harmless


def test_stop_kills_a_broker_that_ignores_sigterm(tmp_path: Path) -> None:
    server = EmbeddedBroker(tmp_path / "broker")
    server.start(timeout=WAIT)
    assert server.process is not None
    server.process.send_signal(broker_module.signal.SIGSTOP)  # a stopped process cannot act on SIGTERM
    server.stop(timeout=0.5)
    assert server.process.poll() is not None and not server.running


def test_port_chosen_at_first_start_is_kept_and_start_twice_is_an_error(tmp_path: Path) -> None:
    server = EmbeddedBroker(tmp_path / "broker")
    assert server.port is None
    with server:
        port = server.port
        assert port is not None
        with pytest.raises(BrokerError, match="already running"):
            server.start()
        server.restart()
        assert server.port == port
    assert not server.running


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
    assert 0 < free_port("::1") < 65536


def test_mosquitto_rejects_unknown_options(tmp_path: Path) -> None:
    """Guards the test above: mosquitto does validate option names, so 'config accepted' means something."""
    conf = tmp_path / "bad.conf"
    conf.write_text(f"listener {free_port()} 127.0.0.1\nno_such_option 1\n", "utf-8")
    result = subprocess.run([broker_module._find_binary(), "-c", str(conf)], capture_output=True,
                            text=True, timeout=WAIT, check=False)
    assert result.returncode != 0 and "no_such_option" in result.stderr


@pytest.mark.parametrize(("url", "expected"), [
    ("mqtt://127.0.0.1", BrokerAddress("mqtt", "127.0.0.1", 1883, False)),
    ("mqtt://127.0.0.1:18830", BrokerAddress("mqtt", "127.0.0.1", 18830, False)),
    ("mqtts://broker.example.gov.cn", BrokerAddress("mqtts", "broker.example.gov.cn", 8883, True)),
    ("MQTTS://Broker.Example:9883/", BrokerAddress("mqtts", "broker.example", 9883, True)),
    ("mqtt://user:pa%40ss@127.0.0.1:1884", BrokerAddress("mqtt", "127.0.0.1", 1884, False, "user", "pa@ss")),
    ("mqtt://user@127.0.0.1", BrokerAddress("mqtt", "127.0.0.1", 1883, False, "user", None)),
    ("mqtt://[::1]:1883", BrokerAddress("mqtt", "::1", 1883, False)),
    ("mqtts://[::1]", BrokerAddress("mqtts", "::1", 8883, True)),
])
def test_parse_broker_url(url: str, expected: BrokerAddress) -> None:
    address = parse_broker_url(url)
    assert address == expected
    assert address.password is None or address.password not in repr(address)


@pytest.mark.parametrize(("url", "message"), [
    ("tcp://127.0.0.1:1883", "mqtt:// or mqtts://"),
    ("127.0.0.1:1883", "mqtt:// or mqtts://"),
    ("", "mqtt:// or mqtts://"),
    ("mqtt://", "no host"),
    ("mqtt://:1883", "no host"),
    ("mqtt://127.0.0.1:port", "invalid port"),
    ("mqtt://127.0.0.1:70000", "invalid port"),
    ("mqtt://127.0.0.1:0", "port 0"),
    ("mqtt://::1:1883", "brackets"),
    ("mqtt://127.0.0.1:1883/topic", "path, query or fragment"),
    ("mqtt://127.0.0.1?x=1", "path, query or fragment"),
    ("mqtt://:secret@127.0.0.1", "no user name"),
])
def test_parse_broker_url_rejects(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_broker_url(url)
