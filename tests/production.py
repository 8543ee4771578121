"""The production broker for tests: deploy/mosquitto/mosquitto.conf, as shipped, with its ports
and folders moved to a temporary folder on loopback (TLS, dynamic security, no anonymous)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from players.runtime import PlayerConfig
from signage.contract.connection import BrokerAccess
from signage.fleet.broker import free_port
from signage.fleet.enrollment import PLAYER_CONFIG, enroll
from signage.fleet.production import (
    DYNSEC_FILE,
    TEMPLATE,
    ConfiguredBroker,
    dynsec_plugin,
    render_config,
    setup_broker,
)


@dataclass
class Production:
    broker: ConfiguredBroker
    files: Path  # certificates and the plugin's bootstrap file
    data: Path  # the publisher's data folder: keys and access files
    admin: BrokerAccess
    publisher: BrokerAccess
    player_url: str
    tools_port: int

    @property
    def player_port(self) -> int:
        return self.broker.port or 0

    @property
    def ca_file(self) -> str:
        return str(self.files / "ca.crt")

    def enroll(self, screen: str, out: Path, **options: object) -> PlayerConfig:
        enroll(self.admin, screen, out, self.data, player_url=self.player_url, **options)
        config = PlayerConfig.from_file(out / screen / PLAYER_CONFIG)
        config.cache_dir = out / f"cache-{screen}"
        return config

    def stop(self) -> None:
        self.broker.stop()


def start_production(tmp: Path, key_dir: Path | None = None, extra_config: str = "") -> Production:
    """Set up (certificates, accounts) and start a production broker under ``tmp``."""
    from signage.contract.keys import init_keys

    files, data, state = tmp / "broker-files", key_dir or tmp / "publisher", tmp / "broker-state"
    player_port, tools_port = free_port(), free_port()
    result = setup_broker(files, data, ["localhost"], tools_url=f"mqtts://127.0.0.1:{tools_port}",
                          player_url=f"mqtts://127.0.0.1:{player_port}")
    if not (data / "publisher.key").exists():
        init_keys(data)
    state.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(files / DYNSEC_FILE, state / DYNSEC_FILE)
    template = TEMPLATE.read_text("utf-8")
    user = pwd.getpwuid(os.geteuid()).pw_name

    def render(port: int) -> str:
        return render_config(template, cert_dir=files, state_dir=state, plugin=dynsec_plugin(),
                             player_listener=f"{port} 127.0.0.1",
                             tools_listener=f"{tools_port} 127.0.0.1",
                             log_file=state / "mosquitto.log", user=user) + extra_config

    broker = ConfiguredBroker(state, player_port, render)
    broker.start()
    return Production(broker, files, data, BrokerAccess.from_file(result.admin),
                      BrokerAccess.from_file(result.publisher), result.player_url, tools_port)


class LinkProxy:
    """A TCP relay on loopback standing for the county link: ``cut()`` drops it (every open
    connection and the listening socket), ``restore()`` brings it back on the same port."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the blocked accept(), freeing the port
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
