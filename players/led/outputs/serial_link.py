"""A serial link that survives the device going away: the player keeps running, the sign comes back.

Signs hang off USB-serial adapters that get unplugged, RS-485 converters that lose power and
controllers reached through ``socket://host:port`` that reboot. :class:`SerialLink` wraps
``serial.serial_for_url`` (so ``/dev/ttyUSB0``, ``/dev/pts/3``, ``loop://`` and ``socket://`` all
work) and turns every failure into "the device is away": it closes the port, logs one warning
naming the port and what to check, and tries to reopen at most every ``reopen_interval`` seconds
on later calls. :meth:`write` never raises; it returns False while the device is away.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable

import serial

from players.led.outputs.base import BITS_PER_BYTE_ON_THE_WIRE

log = logging.getLogger(__name__)
Clock = Callable[[], float]


class SerialLink:
    """Bytes to one serial device, reopened on demand after it disappears."""

    def __init__(self, url: str, baud: int, *, reopen_interval: float = 2.0,
                 clock: Clock = time.monotonic, stall_timeout: float = 2.0) -> None:
        """``stall_timeout``: seconds a write may take beyond its time on the wire (a stuck
        socket or pseudo-terminal nobody reads) before the link counts as lost."""
        self.url, self.baud = url, baud
        self.reopen_interval, self.clock, self.stall_timeout = reopen_interval, clock, stall_timeout
        self._port: serial.SerialBase | None = None
        self._next_attempt = -math.inf
        self._away = False  # a warning was logged for the current outage

    @property
    def connected(self) -> bool:
        return self._port is not None

    def connect(self) -> bool:
        """Open the port now unless it is open or the last attempt was too recent."""
        if self._port is not None:
            return True
        now = self.clock()
        if now < self._next_attempt:
            return False
        self._next_attempt = now + self.reopen_interval
        try:
            self._port = serial.serial_for_url(self.url, baudrate=self.baud, timeout=0,
                                               write_timeout=self.stall_timeout)
        except Exception as exc:  # url handlers raise their own types; all mean "not there"
            self._lost(exc)
            return False
        if self._away:
            log.info("serial link %s is back", self.url)
        self._away = False
        return True

    def write(self, data: bytes) -> bool:
        """Send ``data``; False (never an exception) while the device is away."""
        data = bytes(data)
        if not self.connect():
            return False
        port = self._port
        assert port is not None
        try:
            self._budget(port, len(data))
            port.write(data)
        except Exception as exc:  # SerialException, OSError (EIO when unplugged), queue.Full (loop://)
            self._lost(exc)
            return False
        return True

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes arriving within ``timeout`` seconds; b"" while away."""
        return self._reading(lambda port: port.read(size), timeout)

    def read_until(self, terminator: bytes, timeout: float, limit: int = 65536) -> bytes:
        """Bytes up to and including ``terminator`` (or what came before the timeout)."""
        return self._reading(lambda port: port.read_until(terminator, limit), timeout)

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()

    def _reading(self, read: Callable[[serial.SerialBase], bytes], timeout: float) -> bytes:
        if not self.connect():
            return b""
        port = self._port
        assert port is not None
        try:
            port.timeout = timeout
            return bytes(read(port))
        except Exception as exc:  # as in write(): any failure of the port means it is away
            self._lost(exc)
            return b""

    def _budget(self, port: serial.SerialBase, size: int) -> None:
        """Allow a write its time on the wire plus ``stall_timeout`` (set only when it changes,
        as changing it reconfigures a real port)."""
        wire = size * BITS_PER_BYTE_ON_THE_WIRE / self.baud
        budget = round(self.stall_timeout + 2 * wire, 1)
        if port.write_timeout is None or port.write_timeout < budget:
            port.write_timeout = budget

    def _lost(self, exc: BaseException) -> None:
        self.close()
        self._next_attempt = max(self._next_attempt, self.clock() + self.reopen_interval)
        if not self._away:
            self._away = True
            log.warning("serial link %s is not available (%s: %s); %s. Retrying every %g s",
                        self.url, type(exc).__name__, exc, _what_to_check(self.url),
                        self.reopen_interval)


def _what_to_check(url: str) -> str:
    if url.startswith("socket://"):
        return (f"check that the controller at {url.removeprefix('socket://')} is powered and "
                "reachable on the network")
    return (f"check that the USB-serial adapter is plugged in and powered, that {url} is the right "
            "device (ls -l /dev/serial/by-id/ gives names that survive replugging), that this user "
            "may open it (group dialout) and the cable to the sign")
