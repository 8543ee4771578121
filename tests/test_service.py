"""signage.contract.service against a real notify socket, the way systemd listens: an AF_UNIX datagram
socket named by $NOTIFY_SOCKET, with SO_PASSCRED so each message says which process sent it."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

from signage.contract import service

CREDENTIALS = struct.Struct("3i")  # struct ucred: pid, uid, gid
PYTHON = REPO / ".venv" / "bin" / "python"


class NotifySocket:
    """What systemd's end of the protocol sees: datagrams and their senders' pids."""

    def __init__(self, address: str, name: str) -> None:
        self.name = name  # the value for $NOTIFY_SOCKET
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)

    def receive(self, timeout: float = 2.0) -> tuple[list[str], int] | None:
        """One datagram as its lines, and the pid of the process that sent it; None on timeout."""
        self.sock.settimeout(timeout)
        try:
            data, ancillary, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(CREDENTIALS.size))
        except TimeoutError:
            return None
        pid = -1
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = CREDENTIALS.unpack(payload[:CREDENTIALS.size])[0]
        return data.decode("utf-8").split("\n"), pid

    def lines(self, timeout: float = 2.0) -> list[str]:
        got = self.receive(timeout)
        assert got is not None, "no notification arrived"
        return got[0]

    def wait_for(self, wanted: str, timeout: float = 10.0) -> list[str]:
        """Every line up to and including ``wanted``; fails if it does not come in time."""
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while wanted not in lines:
            left = deadline - time.monotonic()
            got = self.receive(left) if left > 0 else None
            assert got is not None, f"{wanted!r} did not arrive; got {lines}"
            lines.extend(got[0])
        return lines

    def collect(self, seconds: float) -> list[str]:
        """Every line that arrives within ``seconds``."""
        deadline = time.monotonic() + seconds
        lines: list[str] = []
        while (left := deadline - time.monotonic()) > 0:
            got = self.receive(left)
            if got is not None:
                lines.extend(got[0])
        return lines

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def notify_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifySocket]:
    """A path socket in a short temporary folder (socket paths are limited to 107 bytes)."""
    monkeypatch.delenv(service.WATCHDOG_USEC, raising=False)
    monkeypatch.delenv(service.WATCHDOG_PID, raising=False)
    with tempfile.TemporaryDirectory(prefix="sdn-", dir="/tmp") as folder:
        path = str(Path(folder) / "notify")
        listener = NotifySocket(path, path)
        monkeypatch.setenv(service.NOTIFY_SOCKET, path)
        yield listener
        listener.close()


# --- the protocol ----------------------------------------------------------------------------


def test_ready_status_stopping_arrive_as_systemd_reads_them(notify_socket: NotifySocket) -> None:
    assert service.ready()
    assert notify_socket.lines() == ["READY=1"]
    assert service.status("showing version 12\n(3 entries)")
    assert notify_socket.lines() == ["STATUS=showing version 12 (3 entries)"]  # one line, always
    assert service.stopping("bye")
    assert notify_socket.lines() == ["STOPPING=1", "STATUS=bye"]
    assert service.ready("v7")
    assert notify_socket.lines() == ["READY=1", "STATUS=v7"]


def test_messages_come_from_this_process(notify_socket: NotifySocket) -> None:
    """NotifyAccess=main: systemd keeps only what the main process sends, by its credentials."""
    service.notify("READY=1")
    got = notify_socket.receive()
    assert got == (["READY=1"], os.getpid())


def test_abstract_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"signage-test-{uuid.uuid4().hex}"
    listener = NotifySocket("\0" + name, "@" + name)
    try:
        monkeypatch.setenv(service.NOTIFY_SOCKET, "@" + name)
        assert service.status("abstract")
        assert listener.lines() == ["STATUS=abstract"]
    finally:
        listener.close()


def test_nothing_happens_without_notify_socket(notify_socket: NotifySocket,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(service.NOTIFY_SOCKET)
    monkeypatch.setenv(service.WATCHDOG_USEC, "100000")
    assert service.ready() is False
    assert service.status("x") is False
    assert service.Watchdog.from_environment() is None
    heartbeat = service.Heartbeat({"ok": lambda: True}).start()
    try:
        assert heartbeat.watchdog is None and heartbeat._thread is None
    finally:
        heartbeat.stop()
    assert notify_socket.receive(0.3) is None


def test_unusable_socket_is_not_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(service.NOTIFY_SOCKET, str(tmp_path / "gone"))
    assert service.ready() is False  # systemd went away: the service carries on
    monkeypatch.setenv(service.NOTIFY_SOCKET, "vsock:2:1234")
    assert service.ready() is False


def test_a_notification_is_one_line_per_state() -> None:
    with pytest.raises(ValueError):
        service.notify("READY=1\nWATCHDOG=1")
    with pytest.raises(ValueError):
        service.notify("READY")


def test_child_environment_does_not_speak_for_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(service.NOTIFY_SOCKET, "/run/systemd/notify")
    monkeypatch.setenv(service.WATCHDOG_USEC, "30000000")
    monkeypatch.setenv(service.WATCHDOG_PID, "1")
    monkeypatch.setenv("SIGNAGE_KIND", "led")
    env = service.child_environment()
    assert env["SIGNAGE_KIND"] == "led"
    assert not {service.NOTIFY_SOCKET, service.WATCHDOG_USEC, service.WATCHDOG_PID} & env.keys()
    assert os.environ[service.NOTIFY_SOCKET] == "/run/systemd/notify"  # ours is untouched


# --- the watchdog ----------------------------------------------------------------------------


def test_watchdog_from_environment() -> None:
    env = {service.NOTIFY_SOCKET: "/run/systemd/notify", service.WATCHDOG_USEC: "30000000"}
    watchdog = service.Watchdog.from_environment(env, pid=42)
    assert watchdog is not None
    assert watchdog.timeout == 30.0
    assert watchdog.interval == 15.0
    assert service.Watchdog.from_environment({**env, service.WATCHDOG_PID: "42"}, pid=42) == watchdog
    # A child that inherited its parent's environment must not pet the parent's watchdog.
    assert service.Watchdog.from_environment({**env, service.WATCHDOG_PID: "41"}, pid=42) is None
    assert service.Watchdog.from_environment({**env, service.WATCHDOG_USEC: "0"}) is None
    assert service.Watchdog.from_environment({**env, service.WATCHDOG_USEC: "soon"}) is None
    assert service.Watchdog.from_environment({service.WATCHDOG_USEC: "30000000"}) is None


def test_watchdog_pet(notify_socket: NotifySocket, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(service.WATCHDOG_USEC, "2000000")
    monkeypatch.setenv(service.WATCHDOG_PID, str(os.getpid()))
    watchdog = service.Watchdog.from_environment()
    assert watchdog is not None and watchdog.interval == 1.0
    assert watchdog.pet()
    assert notify_socket.lines() == ["WATCHDOG=1"]


def test_heartbeat_pings_only_while_healthy(notify_socket: NotifySocket,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(service.WATCHDOG_USEC, "100000")  # pet every 50 ms
    healthy = threading.Event()
    healthy.set()
    with service.Heartbeat({"worker": lambda: True, "renderer loop": healthy.is_set}) as heartbeat:
        assert heartbeat.interval == pytest.approx(0.05)
        for _ in range(3):
            notify_socket.wait_for("WATCHDOG=1")
        healthy.clear()  # the renderer hangs
        notify_socket.wait_for("STATUS=unhealthy: renderer loop")
        assert "WATCHDOG=1" not in notify_socket.collect(0.4)  # systemd's timeout runs out
        healthy.set()  # a slow moment, not a hang: the pings resume
        notify_socket.wait_for("STATUS=healthy again after: renderer loop")
        notify_socket.wait_for("WATCHDOG=1")
    time.sleep(0.1)
    pings = heartbeat.pings
    time.sleep(0.2)
    assert heartbeat.pings == pings  # stopped with the context


def test_a_check_that_raises_is_failing(notify_socket: NotifySocket,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(service.WATCHDOG_USEC, "1000000")

    def broken() -> bool:
        raise RuntimeError("renderer gone")

    heartbeat = service.Heartbeat({"fine": lambda: True, "broken": broken})
    assert heartbeat.failing() == ["broken"]
    assert heartbeat.beat() is False
    assert notify_socket.lines() == ["STATUS=unhealthy: broken"]
    assert notify_socket.receive(0.2) is None  # and no WATCHDOG=1


def test_supervised_sends_ready_then_stopping(notify_socket: NotifySocket) -> None:
    with service.supervised({"ok": lambda: True}, ready_text="up"):
        assert notify_socket.lines() == ["READY=1", "STATUS=up"]
    assert notify_socket.lines() == ["STOPPING=1"]


# --- loop liveness -------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_polled_event_tells_each_threads_loop_apart() -> None:
    clock = FakeClock()
    stop = service.PolledEvent(clock)
    hang, looked = threading.Event(), threading.Event()

    def renderer_loop() -> None:  # goes round once, then hangs (say, in a driver call)
        stop.is_set()
        looked.set()
        hang.wait()

    renderer = threading.Thread(target=renderer_loop, daemon=True)
    renderer.start()
    looked.wait(5)
    renderer_ok = stop.polled_within(renderer, 30)
    main_ok = stop.polled_within(threading.current_thread(), 30)
    clock.now += 20
    assert renderer_ok() and main_ok()
    stop.is_set()  # the main thread's loop goes on
    clock.now += 20
    assert main_ok()
    assert not renderer_ok()  # 40 s since the renderer looked
    assert stop.quiet_for(renderer) == pytest.approx(40)
    hang.set()
    renderer.join(5)
    assert not renderer_ok()  # and a dead thread is never healthy


def test_polled_event_wait_counts_as_looking_until_its_timeout() -> None:
    clock = FakeClock()
    stop = service.PolledEvent(clock)
    waiter = threading.Thread(target=stop.wait, args=(60.0,), daemon=True)
    waiter.start()
    deadline = time.monotonic() + 5
    while waiter.ident not in stop._due and time.monotonic() < deadline:
        time.sleep(0.01)  # until the waiter is inside wait()
    check = stop.polled_within(waiter, 5)
    clock.now += 50
    assert check()  # pacing itself, not stuck
    clock.now += 20
    assert not check()  # 10 s past the end of its wait
    stop.set()
    waiter.join(5)


def test_loop_alive_falls_back_to_the_thread() -> None:
    plain = threading.Event()
    thread = threading.Thread(target=plain.wait, daemon=True)
    thread.start()
    check = service.loop_alive(plain, thread, 1)
    assert check()
    plain.set()
    thread.join(5)
    assert not check()
    assert service.loop_alive(service.PolledEvent(), threading.current_thread(), 1)()


# --- a real process, as systemd starts it ------------------------------------------------------


def _python() -> str:
    return str(PYTHON if PYTHON.exists() else Path(sys.executable))


def _child_env(notify: NotifySocket, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WATCHDOG_", "NOTIFY_"))}
    return {**env, "NOTIFY_SOCKET": notify.name, "PYTHONPATH": str(REPO), **extra}


def test_a_process_under_systemd_reports_ready(notify_socket: NotifySocket) -> None:
    code = "from signage.contract import service; service.ready('started'); service.status('working')"
    child = subprocess.run([_python(), "-c", code], env=_child_env(notify_socket), cwd=REPO,
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    first, second = notify_socket.receive(), notify_socket.receive()
    assert first is not None and second is not None
    assert first[0] == ["READY=1", "STATUS=started"]
    assert second[0] == ["STATUS=working"]
    assert first[1] == second[1] != os.getpid()  # sent by the child itself


HUNG_PLAYER = textwrap.dedent("""
    import threading, time
    from signage.contract import service

    stop = service.PolledEvent()

    def render() -> None:
        for _ in range(8):  # a few frames, then the renderer hangs
            stop.wait(0.05)
        time.sleep(60)

    renderer = threading.Thread(target=render, daemon=True)
    renderer.start()
    with service.supervised({"renderer loop": stop.polled_within(renderer, 0.5)}):
        time.sleep(60)
""")


def test_a_hung_renderer_stops_the_pings_of_a_real_process(notify_socket: NotifySocket) -> None:
    """systemd sets WATCHDOG_PID to the pid it started: `exec` keeps the shell's $$."""
    script = f'WATCHDOG_PID=$$ exec "{_python()}" -c "$0"'
    child = subprocess.Popen(["sh", "-c", script, HUNG_PLAYER], cwd=REPO,
                             env=_child_env(notify_socket, WATCHDOG_USEC="200000"),
                             stderr=subprocess.PIPE, text=True)
    try:
        first = notify_socket.receive(30.0)  # Python starting on a busy machine
        assert first is not None, "the child said nothing"
        received = [first]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            got = notify_socket.receive(2.0)
            if got is None:
                break  # silence: the pings have stopped
            received.append(got)
        lines = [line for got, _ in received for line in got]
        assert child.poll() is None  # still running: only the watchdog can tell
        assert {pid for _, pid in received} == {child.pid}
        assert lines[0] == "READY=1"
        assert lines.count("WATCHDOG=1") >= 2
        assert lines[-1] == "STATUS=unhealthy: renderer loop"
        assert notify_socket.receive(0.5) is None
    finally:
        child.kill()
        _, stderr = child.communicate(timeout=10)
    assert "not petting the watchdog" in stderr


def test_a_child_with_another_pid_does_not_pet(notify_socket: NotifySocket) -> None:
    code = ("from signage.contract import service; h = service.Heartbeat({'ok': lambda: True}); "
            "print(h.watchdog); h.beat()")
    child = subprocess.run([_python(), "-c", code], cwd=REPO, capture_output=True, text=True,
                           env=_child_env(notify_socket, WATCHDOG_USEC="200000", WATCHDOG_PID="1"),
                           timeout=60)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "None"
    assert notify_socket.receive(0.3) is None
