"""Life under systemd: readiness, status and a watchdog that means something.

The units in ``deploy/systemd/`` are ``Type=notify`` with ``WatchdogSec=``: systemd starts a
player, waits for ``READY=1``, and from then on expects ``WATCHDOG=1`` at least once per
watchdog timeout, or it kills the process (SIGABRT) and ``Restart=on-failure`` starts it again.
This module speaks that protocol (sd_notify(3)) with the standard library alone: one datagram
of ``KEY=value`` lines to the AF_UNIX socket named by ``$NOTIFY_SOCKET`` (a path, or ``@name``
for an abstract socket). Outside systemd there is no ``$NOTIFY_SOCKET`` and every call is a
no-op, so the same code runs from a terminal, in tests and in the demo.

A watchdog is only worth having if its pings stop when the work stops. A thread that pinged
unconditionally would keep a player alive whose renderer is stuck in a driver call or whose
runtime worker died: the screen frozen, systemd content. So :class:`Heartbeat` pings only while
every health check it was given passes (the worker thread is alive, the render loop went round
recently), and a failing check lets the timeout expire, so systemd restarts the unit.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType

log = logging.getLogger(__name__)

NOTIFY_SOCKET = "NOTIFY_SOCKET"
WATCHDOG_USEC = "WATCHDOG_USEC"
WATCHDOG_PID = "WATCHDOG_PID"

HealthCheck = Callable[[], bool]
"""True while a part of the process does its work; called from the heartbeat thread."""


# --- the notification protocol -----------------------------------------------------------------


def _socket_address(value: str) -> str | None:
    """``$NOTIFY_SOCKET`` → an address for ``sendto``: a path, or ``@name`` → abstract ``\\0name``.
    Other forms (``vsock:``, used by VMs) are not ours to support: None."""
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None


def notify(*states: str) -> bool:
    """Send ``states`` (``"READY=1"``, ``"STATUS=…"``) to systemd in one datagram.

    Returns True when the datagram was sent, False when not running under systemd (no
    ``$NOTIFY_SOCKET``) or when the send failed: telling systemd is never worth crashing for,
    and a failure shows up where it matters (a watchdog timeout, a start that times out).
    """
    for state in states:
        if "=" not in state or "\n" in state:
            raise ValueError(f"a notification is one KEY=value line, not {state!r}")
    target = os.environ.get(NOTIFY_SOCKET, "")
    if not target or not states:
        return False
    address = _socket_address(target)
    if address is None:
        log.debug("NOTIFY_SOCKET=%r is not a socket path this module supports", target)
        return False
    message = "\n".join(states).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(message, address)
    except OSError as exc:
        log.debug("cannot notify systemd at %s: %s", target, exc)
        return False
    return True


def ready(status_text: str | None = None) -> bool:
    """Start-up is done: systemd marks the unit active (``Type=notify`` waits for this) and arms
    the watchdog from now on."""
    return notify("READY=1", *([_status_line(status_text)] if status_text else []))


def stopping(status_text: str | None = None) -> bool:
    """Shutting down on purpose: systemd shows "deactivating" instead of a dead or hung process."""
    return notify("STOPPING=1", *([_status_line(status_text)] if status_text else []))


def status(text: str) -> bool:
    """One line for ``systemctl status`` (e.g. the version on screen, or why a check fails)."""
    return notify(_status_line(text))


def _status_line(text: str) -> str:
    return "STATUS=" + " ".join(text.split())


def child_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child process that must not speak for this service: without
    ``$NOTIFY_SOCKET`` and the watchdog variables. mosquitto, for one, sends its own READY=1
    when it finds ``$NOTIFY_SOCKET``, which systemd refuses with a warning under
    ``NotifyAccess=main``, and which under ``NotifyAccess=all`` would be taken as ours."""
    env = os.environ if environ is None else environ
    return {k: v for k, v in env.items() if k not in (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID)}


# --- the watchdog ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Watchdog:
    """systemd's watchdog for this process: ``timeout`` seconds from ``WatchdogSec=``.

    Use :meth:`from_environment`; it returns None when there is no watchdog for this process
    (not under systemd, no ``WatchdogSec=``, or ``$WATCHDOG_PID`` names another process, as
    for a child that inherited its parent's environment).
    """

    timeout: float

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None,
                         pid: int | None = None) -> Watchdog | None:
        env = os.environ if environ is None else environ
        if not env.get(NOTIFY_SOCKET):
            return None
        try:
            usec = int(env.get(WATCHDOG_USEC, ""))
        except ValueError:
            return None
        if usec <= 0:
            return None
        owner = env.get(WATCHDOG_PID)
        if owner:
            try:
                if int(owner) != (os.getpid() if pid is None else pid):
                    return None
            except ValueError:
                return None
        return cls(usec / 1_000_000)

    @property
    def interval(self) -> float:
        """How often to pet: half the timeout, as sd_watchdog_enabled(3) advises, so one late
        ping is not yet a restart."""
        return self.timeout / 2

    def pet(self) -> bool:
        """Tell systemd this process is alive and well (``WATCHDOG=1``)."""
        return notify("WATCHDOG=1")


# --- health ----------------------------------------------------------------------------------


class Heartbeat:
    """Pets the watchdog from a background thread, but only while every health check passes.

    ``checks`` maps a name (shown in the log and in ``systemctl status``) to a callable that
    returns True while that part of the process works; a check that raises counts as failing.
    When one fails the pings stop, systemd's timeout expires and the unit is restarted; if all
    checks pass again before that, the pings resume (a slow moment is not a failure).

    Without a watchdog (not under systemd, no ``WatchdogSec=``) :meth:`start` does nothing.
    With one, it also enables :mod:`faulthandler`, so the SIGABRT systemd sends on a timeout
    writes every thread's stack to the journal: the log then says where the process hung.
    Use as a context manager around the work it guards.
    """

    def __init__(self, checks: Mapping[str, HealthCheck], *, watchdog: Watchdog | None = None,
                 interval: float | None = None, dump_stacks_on_abort: bool = True) -> None:
        self.checks = dict(checks)
        self.watchdog = watchdog if watchdog is not None else Watchdog.from_environment()
        self.interval = interval if interval is not None else (
            self.watchdog.interval if self.watchdog else math.inf)
        self.dump_stacks_on_abort = dump_stacks_on_abort
        self.pings = 0
        self._failing: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def failing(self) -> list[str]:
        """The names of the checks that fail now."""
        names = []
        for name, check in self.checks.items():
            try:
                ok = bool(check())
            except Exception:
                log.exception("health check %r raised", name)
                ok = False
            if not ok:
                names.append(name)
        return names

    def beat(self) -> bool:
        """Check once; pet the watchdog if everything passes. True if it petted."""
        failing = self.failing()
        if failing != self._failing:
            if failing:
                log.error("unhealthy: %s; not petting the watchdog, systemd will restart us",
                          ", ".join(failing))
                status("unhealthy: " + ", ".join(failing))
            else:
                log.warning("healthy again: %s", ", ".join(self._failing))
                status("healthy again after: " + ", ".join(self._failing))
            self._failing = failing
        if failing or self.watchdog is None:
            return False
        self.watchdog.pet()
        self.pings += 1
        return True

    def start(self) -> Heartbeat:
        if self.watchdog is None or self._thread is not None:
            return self
        if self.dump_stacks_on_abort and not faulthandler.is_enabled():
            faulthandler.enable(all_threads=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="watchdog-heartbeat", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            self.beat()
            if self._stop.wait(self.interval):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Heartbeat:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


class PolledEvent(threading.Event):
    """A stop event that remembers, for each thread, when it last looked at it.

    Every loop of a player already checks its stop event each time round (``Renderer.run``:
    render until ``stop`` is set; the runtime worker likewise), so the moment a thread last
    called :meth:`is_set` or :meth:`wait` is the moment its loop last went round: the render
    loop's liveness, measured without touching any renderer. A thread inside ``wait(t)`` counts
    as looking until ``t`` has passed (a loop pacing itself is not stuck); ``wait()`` without a
    timeout counts as looking for as long as it waits.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._created = clock()
        self._due: dict[int, float] = {}  # thread ident → when it is next expected to look

    def is_set(self) -> bool:
        self._due[threading.get_ident()] = self._clock()
        return super().is_set()

    def wait(self, timeout: float | None = None) -> bool:
        ident, now = threading.get_ident(), self._clock()
        self._due[ident] = math.inf if timeout is None else now + max(timeout, 0.0)
        try:
            return super().wait(timeout)
        finally:
            self._due[ident] = self._clock()

    def quiet_for(self, thread: threading.Thread) -> float:
        """Seconds ``thread`` is overdue to look at this event (0 while it looks or waits on it);
        for a thread that never looked, the time since the event was created."""
        due = self._due.get(thread.ident, self._created) if thread.ident is not None else self._created
        return max(self._clock() - due, 0.0)

    def polled_within(self, thread: threading.Thread, seconds: float) -> HealthCheck:
        """A health check: ``thread`` is alive and its loop looked at this event in the last
        ``seconds`` (or is waiting on it)."""
        return lambda: thread.is_alive() and self.quiet_for(thread) <= seconds


def loop_alive(stop: threading.Event, thread: threading.Thread, seconds: float) -> HealthCheck:
    """The best liveness check ``stop`` allows: its loop went round recently when ``stop`` is a
    :class:`PolledEvent`, else only that ``thread`` is alive."""
    if isinstance(stop, PolledEvent):
        return stop.polled_within(thread, seconds)
    return thread.is_alive


@contextlib.contextmanager
def supervised(checks: Mapping[str, HealthCheck], *, ready_text: str | None = None) -> Iterator[None]:
    """``with supervised({...}):`` — READY=1 and the heartbeat running on entry; STOPPING=1 and
    the heartbeat stopped on exit. The whole integration for a long-running command."""
    ready(ready_text)
    heartbeat = Heartbeat(checks).start()
    try:
        yield
    finally:
        stopping()
        heartbeat.stop()
