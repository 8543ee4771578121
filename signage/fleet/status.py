"""Fleet status: every screen's presence, version shown vs. latest, last seen, last error."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import uuid
from dataclasses import asdict, dataclass

from rich.markup import escape
from rich.table import Table

from signage.contract import wire
from signage.contract.connection import BrokerAccess, Connection
from signage.contract.topics import Topics

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ScreenStatus:
    screen: str
    online: bool | None = None  # None: never seen
    shown: int | None = None  # version on screen
    latest: int | None = None  # version the publisher last published
    last_seen: str | None = None
    error: str | None = None
    entries: int = 0
    plays_last_hour: int = 0
    fetching: int | None = None

    @property
    def up_to_date(self) -> bool:
        return self.shown is not None and self.shown == self.latest


MAX_SCREENS = 10_000  # rows the view keeps for screens it was not told about


class FleetWatcher:
    """Collects retained presence, status and manifests for every screen."""

    def __init__(self, broker_url: str | BrokerAccess, topics: Topics | None = None,
                 known_screens: list[str] | None = None, ca_file: str | None = None) -> None:
        self.topics = topics or Topics()
        self.screens: dict[str, ScreenStatus] = {s: ScreenStatus(s) for s in known_screens or []}
        self._lock = threading.Lock()
        self._synced = threading.Event()
        self._sync_topic = f"{self.topics.root}/status-sync/{uuid.uuid4().hex[:12]}"
        self.connection = Connection(broker_url, f"signage-status-{uuid.uuid4().hex[:8]}",
                                     on_connect=self._on_connect, ca_file=ca_file,
                                     max_payload=self._payload_limit)
        self._thread = threading.Thread(target=self._consume, daemon=True)

    def start(self, timeout: float = 10.0) -> bool:
        """Connect and wait until the retained state has arrived; False if the broker is away."""
        self.connection.start()
        self._thread.start()
        return self._synced.wait(timeout)

    def stop(self) -> None:
        self.connection.stop()

    def _on_connect(self, connection: Connection) -> None:
        connection.subscribe([self.topics.all_screens(leaf)
                              for leaf in ("presence", "status", "manifest")] + [self._sync_topic])
        connection.publish(self._sync_topic, b"sync", qos=1)

    def _consume(self) -> None:
        """One bad message is that screen's error, never the end of the fleet view."""
        while True:
            message = self.connection.inbox.get()
            if message.topic == self._sync_topic:
                self._synced.set()
                continue
            try:
                kind, screen = self.topics.parse(message.topic)
            except ValueError:
                continue
            with self._lock:
                row = self.screens.get(screen) or self._new_row(screen)
                if row is None:
                    continue
                try:
                    if message.oversize:
                        raise wire.WireError("too-large", f"of {message.oversize} bytes exceeds "
                                                          f"{wire.size_limit(kind)}")
                    self._update(row, kind, message.payload)
                except wire.WireError as exc:
                    row.error = f"{exc.code}: {kind} {exc.detail}"[:wire.MAX_TEXT]
                except Exception:  # a bug here must not stop the view of every other screen
                    log.exception("status: cannot read %s", message.topic)

    def _payload_limit(self, topic: str) -> int:
        try:
            return wire.size_limit(self.topics.parse(topic)[0])
        except ValueError:
            return 1024  # our sync topic

    def _new_row(self, screen: str) -> ScreenStatus | None:
        """A row for a screen first seen on the broker; bounded, so topics invented by a
        client cannot grow the table without end."""
        if len(self.screens) >= MAX_SCREENS:
            return None
        return self.screens.setdefault(screen, ScreenStatus(screen))

    def _update(self, row: ScreenStatus, kind: str, payload: bytes) -> None:
        if kind == "presence":
            row.online = wire.is_online(payload) if payload else None
            return
        if not payload:
            return
        if kind == "manifest":  # shown as published; players verify the signature themselves
            row.latest = wire.claimed_version(payload)
        elif kind == "status":
            status = wire.decode_status(payload, row.screen)
            row.shown = status.get("version")
            row.last_seen = status.get("ts")
            row.entries = status.get("entries") or 0
            row.plays_last_hour = status.get("plays_last_hour") or 0
            row.fetching = status.get("fetching")
            error = status.get("error")
            row.error = f"{error['code']}: {error['detail']}" if error else None

    def snapshot(self) -> list[ScreenStatus]:
        with self._lock:
            return [ScreenStatus(**asdict(row)) for _, row in sorted(self.screens.items())]


def status_table(rows: list[ScreenStatus], title: str = "屏幕状态") -> Table:
    table = Table(title=title)
    for column in ("屏幕", "在线", "显示版本", "最新版本", "条目", "近1小时播放", "最后上报", "最近错误"):
        table.add_column(column)
    for row in rows:
        online = {True: "[green]online[/]", False: "[red]offline[/]", None: "[dim]never seen[/]"}
        version_style = "green" if row.up_to_date else "yellow"
        shown = "-" if row.shown is None else f"[{version_style}]{row.shown}[/]"
        if row.fetching:
            shown += f" → {row.fetching}"
        table.add_row(escape(row.screen), online[row.online], shown, str(row.latest or "-"),
                      str(row.entries), str(row.plays_last_hour), escape(_ago(row.last_seen)),
                      escape(row.error or ""))
    return table


def _ago(iso: str | None) -> str:
    if not iso:
        return "-"
    try:
        seconds = (dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(iso)).total_seconds()
    except (ValueError, TypeError, OverflowError):  # a time without its zone, or nonsense
        return iso
    return f"{int(seconds)} s ago" if seconds < 120 else f"{int(seconds // 60)} min ago"


def status_json(rows: list[ScreenStatus]) -> str:
    return json.dumps([{**asdict(row), "up_to_date": row.up_to_date} for row in rows],
                      ensure_ascii=False, indent=2)
