"""The publisher's own mosquitto: by default it starts a broker on 127.0.0.1 and publishes to it.

Players subscribe to retained topics, so the broker is the catalogue's live copy: it keeps the
retained messages on disk (persistence) and its limits are sized for the whole catalogue.
The embedded broker is anonymous and therefore refuses to listen anywhere but loopback;
the production broker (TLS, ACLs) is configured from deploy/.
"""

from __future__ import annotations

import errno
import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from signage.contract.service import child_environment

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1"})
FALLBACK_BINARY = "/usr/sbin/mosquitto"
CONFIG_NAME = "mosquitto.conf"
LOG_NAME = "mosquitto.log"
DB_NAME = "mosquitto.db"
# mosquitto prints config errors to stderr before its log file is open, so keep stderr too.
STDERR_NAME = "mosquitto.stderr"


class BrokerError(RuntimeError):
    """The embedded broker could not be started (missing binary, port in use, bad config...)."""


@dataclass
class BrokerSettings:
    """The mosquitto limits we size for the catalogue; defaults fit a county's full disclosure set."""

    # QoS 1/2 messages queued per client beyond those in flight. mosquitto's default (1000) silently
    # drops the rest, and retained messages delivered on subscribe go through the same queue
    # (QoS 1/2 in 2.0.11; from 2.0.16 QoS 0 too), so a player subscribing to the whole catalogue
    # would miss topics. 20000 covers the catalogue with room to spare.
    max_queued_messages: int = 20000
    # QoS 1/2 messages on the wire per client before waiting for acks (mosquitto default 20);
    # more keeps a catalogue resync fast on a LAN without letting one slow player hog memory.
    max_inflight_messages: int = 100
    # Bytes per MQTT packet (topic + payload + headers); the broker disconnects a client sending a
    # bigger one, so the publisher notices. 16 MiB fits a rendered page with images. We don't use
    # message_size_limit: it acks oversized QoS 1 messages and then silently drops them.
    max_packet_size: int = 16 * 1024 * 1024
    # Bytes of QoS 1/2 messages queued per client (beyond those in flight). Without it a client
    # that subscribes and stops reading makes mosquitto hold everything sent meanwhile: a flood
    # grew the broker to several GB. 512 MiB is more than a full catalogue resync needs.
    max_queued_bytes: int = 512 * 1024 * 1024
    # Clients on the listener; far above a county's screens, it bounds a connection flood.
    max_connections: int = 5000
    # Keep retained messages (the catalogue) and persistent sessions across broker restarts.
    persistence: bool = True
    # Seconds between database saves; a clean stop (SIGTERM) always saves, this bounds the loss
    # after a crash or SIGKILL. mosquitto's default is 1800.
    autosave_interval: int = 300
    # Players get the current catalogue from retained messages on (re)connect.
    retain_available: bool = True
    # Seconds; MQTT v5 clients asking for a longer keepalive are told to use this, so a dead
    # player is noticed within 1.5x this. mosquitto says never below 10.
    max_keepalive: int = 120
    # Loopback-only broker: nothing but local processes can reach it. Production (TLS, ACLs)
    # is configured from deploy/.
    allow_anonymous: bool = True
    # Small control messages (acks, status) should not wait for Nagle's algorithm.
    set_tcp_nodelay: bool = True

    def lines(self) -> list[str]:
        """The settings as mosquitto.conf lines (persistence paths are added by render_config)."""
        return [
            f"max_queued_messages {self.max_queued_messages}",
            f"max_queued_bytes {self.max_queued_bytes}",
            f"max_connections {self.max_connections}",  # applies to the listener above
            f"max_inflight_messages {self.max_inflight_messages}",
            f"max_packet_size {self.max_packet_size}",
            f"persistence {_flag(self.persistence)}",
            f"autosave_interval {self.autosave_interval}",
            f"retain_available {_flag(self.retain_available)}",
            f"max_keepalive {self.max_keepalive}",
            f"allow_anonymous {_flag(self.allow_anonymous)}",
            f"set_tcp_nodelay {_flag(self.set_tcp_nodelay)}",
        ]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _require_loopback(host: str) -> None:
    """The embedded broker is anonymous, so it must never be reachable from the network."""
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"the embedded broker only listens on loopback (127.0.0.1 or ::1), not {host!r}")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it, so parallel tests don't clash)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _port_is_free(host: str, port: int) -> bool:
    """Whether mosquitto could bind ``port``: it sets SO_REUSEADDR, so TIME_WAIT from a restart is fine."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
        return True


def _run_as_user() -> str:
    """Started as root, mosquitto switches to user 'mosquitto', which cannot write our data folder."""
    return pwd.getpwuid(os.geteuid()).pw_name


def render_config(settings: BrokerSettings, port: int, data_dir: Path, host: str = "127.0.0.1") -> str:
    """The mosquitto.conf text for a loopback broker keeping its database and log in ``data_dir``."""
    _require_loopback(host)
    folder = str(Path(data_dir).resolve())
    if any(char in folder for char in "\r\n"):
        raise ValueError(f"data folder {folder!r} cannot be written into mosquitto.conf")
    lines = [
        "# Generated by signage.fleet.broker; rewritten at every start.",
        f"listener {port} {host}",
        f"user {_run_as_user()}",
        f"persistence_location {folder}/",
        f"persistence_file {DB_NAME}",
        f"log_dest file {folder}/{LOG_NAME}",
        # One type per line: mosquitto 2.0.11 silently ignores "log_type error warning ...".
        *(f"log_type {kind}" for kind in ("error", "warning", "notice", "information")),
        "connection_messages true",
        *settings.lines(),
    ]
    return "\n".join(lines) + "\n"


def _find_binary() -> str:
    binary = shutil.which("mosquitto") or (FALLBACK_BINARY if os.access(FALLBACK_BINARY, os.X_OK) else None)
    if binary is None:
        raise BrokerError("mosquitto is not installed; install it with: apt-get install mosquitto")
    return binary


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text("utf-8", errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def _accepts_connections(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class EmbeddedBroker:
    """A mosquitto subprocess on loopback with its config, database and log in ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        settings: BrokerSettings | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        _require_loopback(host)
        self.data_dir = Path(data_dir).resolve()  # mosquitto runs with this as its cwd
        self.port = port
        self.settings = settings or BrokerSettings()
        self.host = host
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def config_path(self) -> Path:
        return self.data_dir / CONFIG_NAME

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    @property
    def url(self) -> str:
        if self.port is None:
            raise BrokerError("the broker has no port until it is started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"mqtt://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10) -> None:
        """Start mosquitto and return once it accepts connections; the port is kept for restarts."""
        if self.running:
            raise BrokerError(f"broker already running at {self.url}")
        binary = _find_binary()
        if self.port is None:
            self.port = free_port(self.host)
        if not _port_is_free(self.host, self.port):
            raise BrokerError(f"cannot start mosquitto: port {self.port} on {self.host} is already in use "
                              "(another broker running?); choose another port or leave it unset")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(self.config_text(), "utf-8")
        with (self.data_dir / STDERR_NAME).open("wb") as stderr:
            self.process = subprocess.Popen(
                [binary, "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, cwd=self.data_dir,
                env=child_environment(),  # systemd's notify socket is ours, not mosquitto's
            )
        try:
            self._wait_until_ready(timeout)
        except BaseException:  # including Ctrl-C: never leave a half-started broker behind
            self.stop()
            raise

    def config_text(self) -> str:
        """The mosquitto.conf to start with (the port is known by now)."""
        return render_config(self.settings, self.port or 0, self.data_dir, self.host)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise BrokerError(self._failure("mosquitto exited during startup"))
            if _accepts_connections(self.host, self.port or 0) and self.running:
                return
            time.sleep(0.05)
        raise BrokerError(self._failure(f"mosquitto did not accept connections within {timeout}s"))

    def _failure(self, what: str) -> str:
        code = self.process.returncode if self.process else None
        tails = (_tail(self.data_dir / STDERR_NAME), _tail(self.log_path))
        details = "\n".join(tail for tail in tails if tail)
        return f"{what} (exit code {code}, port {self.port}, config {self.config_path}):\n{details}"

    def stop(self, timeout: float = 5) -> None:
        """SIGTERM first so mosquitto saves its database, SIGKILL if it hangs; always reaps the process."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    def restart(self, timeout: float = 10) -> None:
        """Stop and start on the same port and data: retained messages survive through persistence."""
        self.stop()
        self.start(timeout=timeout)

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class BrokerSupervisor:
    """Keeps an :class:`EmbeddedBroker` running: when mosquitto exits on its own it is started
    again, on the same port with the same persistence, after a backoff (0.5 s doubling to 30 s
    while starts fail). ``report`` hears every exit and restart (in Chinese, for the terminal).
    Waiting on the process costs no CPU."""

    def __init__(self, broker: EmbeddedBroker, report: Callable[[str], None] | None = None,
                 first_delay: float = 0.5, max_delay: float = 30.0) -> None:
        self.broker = broker
        self.report = report or (lambda text: None)
        self.first_delay, self.max_delay = first_delay, max_delay
        self.restarts = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="broker-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def healthy(self) -> bool:
        """The supervisor is watching and the broker runs (false while a restart is pending)."""
        return self._thread.is_alive() and self.broker.running

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self.broker.process
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            self.report(f"mosquitto 意外退出（退出码 {code}），正在重启（端口 {self.broker.port}）…")
            self._restart()

    def _restart(self) -> None:
        delay = self.first_delay
        while not self._stopping.wait(delay):
            try:
                self.broker.start()
            except (BrokerError, OSError) as exc:
                delay = min(delay * 2, self.max_delay)
                self.report(f"mosquitto 重启失败：{exc}；{delay:.1f} 秒后再试")
                continue
            self.restarts += 1
            self.report(f"mosquitto 已重启：{self.broker.url}（第 {self.restarts} 次）")
            return

    def stop(self, timeout: float = 5) -> None:
        """Stop watching, then stop the broker (so its exit is not taken for a crash)."""
        self._stopping.set()
        self.broker.stop(timeout)
        if self._thread.is_alive():
            self._thread.join(timeout)
