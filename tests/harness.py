"""A small fleet for tests: content, screens, a publisher and players on a real mosquitto."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import TODAY, ContentFactory

from players.log import LogRenderer
from players.runtime import PlayerConfig, Runtime
from signage.contract.keys import PUBLIC_KEY_FILE, init_keys
from signage.publishing.publisher import Publisher

SCREENS = """\
screens:
  - id: lobby-led
    kind: led
    site: 测试大厅
    layout: led-test
    select:
      show: [announcements, powers]
  - id: hall-kiosk
    kind: kiosk
    site: 测试大厅
"""
LAYOUT = "layout:\n  id: led-test\n  kind: led\n  width: 96\n  height: 16\n"
# The fleet lives on the suite's day, whatever the calendar says: the publisher plans for it and
# the log players show what is valid on it (at 10:00, inside every daypart the fixtures use).
NOW = dt.datetime.combine(TODAY, dt.time(10, 0))


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    """Poll until ``predicate`` is true; generous, since CI machines may be heavily loaded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")


@dataclass
class RunningPlayer:
    runtime: Runtime
    renderer: Any  # LogRenderer unless a test passes another
    out: io.StringIO
    stop_event: threading.Event = field(default_factory=threading.Event)
    errors: list[dict[str, Any]] = field(default_factory=list)  # every error reported, in order
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def version(self) -> int | None:
        return self.runtime.manifest.version if self.runtime.manifest else None

    @property
    def error_code(self) -> str | None:
        return (self.runtime.last_error or {}).get("code")

    def errors_since(self, since: object) -> list[dict[str, Any]]:
        """The errors reported after ``since`` (a ``runtime.last_error`` read earlier), in order."""
        history = self.errors
        for index in range(len(history) - 1, -1, -1):
            if history[index] is since:
                return history[index + 1:]
        return list(history)

    def error_after(self, since: object, code: str, timeout: float = 30.0) -> None:
        """Wait for an error *newer* than ``since`` (``runtime.last_error`` read before the action)
        with ``code``: an earlier step's identical code cannot satisfy the wait, and a later,
        different error (the publisher repairing what the test forged) cannot hide it."""
        wait_until(lambda: any(e.get("code") == code for e in self.errors_since(since)), timeout,
                   f"a new error {code} (last: {self.runtime.last_error})")

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(5)
        self.runtime.stop()


class Fleet:
    def __init__(self, tmp: Path, broker: Any, publisher_broker: Any = None) -> None:
        self.tmp = tmp
        self.broker = broker
        self.publisher_broker = publisher_broker or broker.url  # a URL or a BrokerAccess
        self.factory = ContentFactory(tmp / "content")
        self.content = self.factory.write()
        self.screens = tmp / "layouts"
        self.screens.mkdir()
        (self.screens / "screens.yaml").write_text(SCREENS, "utf-8")
        (self.screens / "led-test.yaml").write_text(LAYOUT, "utf-8")
        self.data = tmp / "publisher"
        self.key = init_keys(self.data)
        self.players: list[RunningPlayer] = []
        self.publishers: list[Publisher] = []

    def publisher(self, **options: Any) -> Publisher:
        options.setdefault("today", lambda: TODAY)
        publisher = Publisher(self.content, self.screens, self.publisher_broker, self.data, **options)
        publisher.start()
        self.publishers.append(publisher)
        return publisher

    def player(self, screen: str, *, cache: str | None = None, start: bool = True,
               renderer: Any = None, config: PlayerConfig | None = None,
               fetcher: Any = None, **options: Any) -> RunningPlayer:
        config = config or PlayerConfig(screen=screen, broker=self.broker.url,
                                        public_keys=[self.data / PUBLIC_KEY_FILE],
                                        cache_dir=self.tmp / (cache or f"cache-{screen}"), **options)
        out = io.StringIO()
        renderer = renderer or LogRenderer(out=out, seconds_per_entry=0.02, screen=screen, now=lambda: NOW)
        running = RunningPlayer(Runtime(config, renderer, fetcher=fetcher), renderer, out)
        _record_errors(running)
        if start:
            self.start_player(running)
        self.players.append(running)
        return running

    def start_player(self, running: RunningPlayer) -> None:
        running.runtime.start()
        for target, args in ((running.runtime.run, (running.stop_event,)),
                             (running.renderer.run, (running.stop_event, running.runtime.played))):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            running.threads.append(thread)

    def close(self) -> None:
        for running in self.players:
            running.stop()
        for publisher in self.publishers:
            publisher.stop()


def _record_errors(running: RunningPlayer) -> None:
    """Keep every error the runtime reports (it keeps only the last one)."""
    runtime, report = running.runtime, running.runtime._error

    def recorded(code: str, detail: str, **fields: Any) -> None:
        report(code, detail, **fields)
        running.errors.append(runtime.last_error)

    runtime._error = recorded  # type: ignore[method-assign]
