"""A thin, typed face over paho-mqtt: one network thread, jittered reconnects, an inbox queue.

Why our own loop: paho's built-in reconnect backs off without jitter, so 200 players that lost
the broker together reconnect together, every time. Here each retry waits a random time in
[0, min(cap, base·2^attempt)] ("full jitter"). Messages are handed from the network thread to a
queue, so slow rendering or disk writes never stall keepalive.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import random
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import yaml
from paho.mqtt.enums import CallbackAPIVersion

from signage.contract.address import BrokerAddress, parse_broker_url

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BrokerAccess:
    """How to reach and log in to a broker: its URL, the CA that signed its certificate, and
    credentials. Kept in a YAML file (mode 0600) written by `signage broker setup`/`enroll`."""

    url: str
    ca_file: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_file(cls, path: Path) -> BrokerAccess:
        """Read ``broker``, ``ca_file``, ``username``, ``password``; ValueError names the file."""
        try:
            data = yaml.safe_load(path.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{path}: cannot read broker access file: {exc}") from None
        if not isinstance(data, dict) or not data.get("broker"):
            raise ValueError(f"{path}: expected a mapping with at least `broker: mqtts://host:port`")
        parse_broker_url(str(data["broker"]))
        ca_file = data.get("ca_file")
        return cls(str(data["broker"]), str(path.parent / ca_file) if ca_file else None,
                   data.get("username"), data.get("password"))

    def as_yaml(self, ca_name: str | None = None) -> dict[str, Any]:
        """The file form; ``ca_name`` is the CA file's path relative to the written file."""
        data: dict[str, Any] = {"broker": self.url}
        if ca_name:
            data["ca_file"] = ca_name
        if self.username:
            data.update(username=self.username, password=self.password)
        return data


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    payload: bytes
    retain: bool
    oversize: int = 0  # bytes of a payload over its limit, dropped on arrival (payload empty)


@dataclass(frozen=True, slots=True)
class Will:
    topic: str
    payload: bytes
    retain: bool = True


@dataclass(slots=True)
class Backoff:
    """Full-jitter exponential backoff."""

    base: float = 0.5
    cap: float = 30.0
    attempt: int = 0

    def next_delay(self) -> float:
        delay = random.uniform(0.05, min(self.cap, self.base * 2 ** self.attempt))
        self.attempt = min(self.attempt + 1, 16)
        return delay

    def reset(self) -> None:
        self.attempt = 0


def _no_delay(client: mqtt.Client, userdata: Any, sock: Any) -> None:
    """Send small packets (PUBACK, SUBSCRIBE) at once: paho leaves Nagle's algorithm on, which
    with delayed ACKs adds ~40 ms to every subscribe that follows an acknowledgement."""
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _write_on_network_thread(client: mqtt.Client, userdata: Any, sock: Any) -> None:
    """Registered so that paho leaves writing to the loop (see ``_make_client``)."""


class Connection:
    """One MQTT session. ``on_connect`` runs on every (re)connect (subscribe there) and
    ``on_disconnect`` whenever the link drops; both on the network thread, so keep them short."""

    def __init__(self, url: str | BrokerAccess, client_id: str, *, will: Will | None = None,
                 on_connect: Callable[[Connection], None] | None = None,
                 on_disconnect: Callable[[Connection], None] | None = None,
                 ca_file: str | None = None, username: str | None = None,
                 password: str | None = None, keepalive: int = 30,
                 backoff: Backoff | None = None, max_inflight: int = 100,
                 inbox: queue.Queue[Any] | None = None,
                 max_payload: Callable[[str], int] | None = None) -> None:
        if isinstance(url, BrokerAccess):  # explicit arguments win over the access file's
            ca_file, username = ca_file or url.ca_file, username or url.username
            password, url = password or url.password, url.url
        self.address: BrokerAddress = parse_broker_url(url)
        self.client_id = client_id
        self.inbox: queue.Queue[Any] = inbox if inbox is not None else queue.Queue()
        self._max_payload = max_payload  # topic → bytes allowed; larger ones never queue
        self.connected = threading.Event()
        self._on_connect = on_connect
        self._on_disconnect = on_disconnect
        self._keepalive = keepalive
        self._backoff = backoff or Backoff()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.client = self._make_client(will, ca_file, username or self.address.username,
                                        password or self.address.password, max_inflight)

    def _make_client(self, will: Will | None, ca_file: str | None, username: str | None,
                     password: str | None, max_inflight: int) -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             protocol=mqtt.MQTTv311, clean_session=True)
        client.max_inflight_messages_set(max_inflight)
        if will is not None:
            client.will_set(will.topic, will.payload, qos=1, retain=will.retain)
        if username:
            client.username_pw_set(username, password)
        if self.address.tls:
            client.tls_set(ca_certs=ca_file, cert_reqs=ssl.CERT_REQUIRED)
        client.on_socket_open = _no_delay
        # Every write on the network thread: paho otherwise writes a publish from the calling
        # thread, and an SSL connection read and written by two threads at once breaks
        # ("decryption failed or bad record mac"). With a write callback registered paho only
        # queues the packet and wakes our loop, which sends it.
        client.on_socket_register_write = _write_on_network_thread
        client.on_connect = self._handle_connect
        client.on_disconnect = self._handle_disconnect
        client.on_message = self._handle_message
        return client

    # --- paho callbacks (network thread) -------------------------------------------------

    def _handle_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("%s: broker refused the connection: %s", self.client_id, reason_code)
            return
        self._backoff.reset()
        self.connected.set()
        if self._on_connect is not None:
            self._on_connect(self)

    def _handle_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        if self._on_disconnect is not None:
            self._on_disconnect(self)

    def _handle_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        """Queue the message; one over its topic's limit is queued as its size alone, so a
        flood of large messages cannot fill memory while the reader is busy."""
        size = len(message.payload)
        if self._max_payload is not None and size > self._max_payload(message.topic):
            self.inbox.put(Message(message.topic, b"", bool(message.retain), size))
            return
        self.inbox.put(Message(message.topic, message.payload, bool(message.retain)))

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"mqtt-{self.client_id}",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.client.connect_async(self.address.host, self.address.port, self._keepalive)
        while not self._stopping.is_set():
            try:
                self.client.reconnect()
            except OSError as exc:
                log.info("%s: cannot reach broker (%s)", self.client_id, exc)
                self._stopping.wait(self._backoff.next_delay())
                continue
            while not self._stopping.is_set():
                if self.client.loop(timeout=1.0) != mqtt.MQTT_ERR_SUCCESS:
                    break
            self.connected.clear()
            if not self._stopping.is_set():
                self._stopping.wait(self._backoff.next_delay())

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect cleanly (the broker then does not send the last will) and join."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        try:
            self.client.disconnect()
            self.client.loop(timeout=0.1)
        except (OSError, ValueError):
            pass
        self.connected.clear()

    def running(self) -> bool:
        """Whether the network thread is alive (connected or retrying)."""
        return self._thread is not None and self._thread.is_alive()

    def wait_connected(self, timeout: float) -> bool:
        return self.connected.wait(timeout)

    # --- operations (any thread) ---------------------------------------------------------

    def publish(self, topic: str, payload: bytes, *, qos: int = 1,
                retain: bool = False) -> mqtt.MQTTMessageInfo:
        return self.client.publish(topic, payload, qos=qos, retain=retain)

    def subscribe(self, topics: list[str], qos: int = 1) -> None:
        for start in range(0, len(topics), 100):  # bounded SUBSCRIBE packets
            self.client.subscribe([(topic, qos) for topic in topics[start:start + 100]])

    def unsubscribe(self, topics: list[str]) -> None:
        for start in range(0, len(topics), 100):
            self.client.unsubscribe(topics[start:start + 100])
