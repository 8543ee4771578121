"""`signage serve` and `signage demo`: the broker, the publisher, and (demo) one player per screen.

Everything runs on this machine: the embedded mosquitto listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from signage.cli.web import demo_accounts, web_console
from signage.contract.connection import BrokerAccess
from signage.contract.keys import PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, init_keys
from signage.fleet.broker import BrokerSupervisor, EmbeddedBroker
from signage.fleet.status import FleetWatcher, status_table
from signage.publishing.publisher import Publisher, PublishReport, serve
from signage.publishing.screens import load_screens

BROKER_URL_FILE = "broker.url"


def ensure_keys(data_dir: Path, console: Console) -> None:
    if not (data_dir / PRIVATE_KEY_FILE).exists():
        key = init_keys(data_dir)
        console.print(f"created publisher key {key.id} in {data_dir}")


@contextlib.contextmanager
def broker_for(url: str | BrokerAccess | None, data_dir: Path, port: int | None,
               console: Console) -> Iterator[str | BrokerAccess]:
    """The given broker URL, or an embedded mosquitto on loopback for the duration."""
    if url:
        yield url
        return
    broker = EmbeddedBroker(data_dir / "broker", port=port)
    broker.start()
    supervisor = BrokerSupervisor(broker, report=lambda text: console.print(text, markup=False))
    supervisor.start()
    (data_dir / BROKER_URL_FILE).write_text(broker.url + "\n", "utf-8")
    console.print(f"mosquitto listening on {broker.url} (data in {data_dir / 'broker'})")
    try:
        yield broker.url
    finally:
        supervisor.stop()
        (data_dir / BROKER_URL_FILE).unlink(missing_ok=True)


def describe_report(report: PublishReport) -> str:
    versions = ", ".join(f"{s}→v{v}" for s, v in sorted(report.versions.items())) or "no change"
    held = f"; held back {len(report.held_back)}" if report.held_back else ""
    return (f"published: {versions}; {report.objects_sent} objects, {report.bytes_sent} bytes; "
            f"{report.errors} errors in content{held}; cleared {report.cleared}")


@contextlib.contextmanager
def publishing(content: Path, screens: Path, url: str | BrokerAccess, data_dir: Path,
               console: Console, after_publish: Callable[[Any], None] | None = None,
               today: Callable[[], dt.date] = dt.date.today) -> Iterator[Publisher]:
    publisher = Publisher(content, screens, url, data_dir, today=today)
    publisher.start()
    stop = threading.Event()

    def on_report(report: Any) -> None:
        console.print(describe_report(report))
        if after_publish is not None:
            after_publish(report)  # e.g. the web column (serve --site), from the same check

    thread = threading.Thread(
        target=serve, args=(publisher, stop),
        kwargs={"on_report": on_report, "on_problem": lambda text: console.print(text, markup=False)},
        daemon=True)
    thread.start()
    publisher.serve_thread = thread
    try:
        yield publisher
    finally:
        stop.set()
        publisher.dirty.set()
        thread.join(10)
        publisher.stop()


@contextlib.contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM while starting up unwinds like Ctrl-C: every part started so far (mosquitto,
    players, the console) is stopped and the command exits 0. Without it a SIGTERM that comes
    before the wait below kills the process and orphans the embedded broker."""

    def interrupt(*_: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one stop: a second SIGTERM must not cut the cleanup
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def wait_for_signal(seconds: float | None) -> None:
    """Block until Ctrl-C / SIGTERM or ``seconds`` have passed."""
    done = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait(seconds)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_player_config(data_dir: Path, screen: str, url: str,
                        renderer: dict[str, Any] | None = None) -> Path:
    folder = data_dir / "players"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{screen}.yaml"
    config = {"screen": screen, "broker": url,
              "public_keys": [str((data_dir / PUBLIC_KEY_FILE).resolve())],
              "cache_dir": f"cache/{screen}",
              "renderer": renderer or {"seconds_per_entry": 1.5}}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return path


def seed_register(content: Path, data_dir: Path, console: Console) -> None:
    """The sample register of disclosure requests (content/annual/requests-sample.csv) in a new
    demo's data folder, so the console's 依申请公开 pages and the annual report have data."""
    from signage.requests.importing import read_register_csv
    from signage.requests.store import STORE_FILE, Register

    sample = content / "annual" / "requests-sample.csv"
    if (data_dir / STORE_FILE).exists() or not sample.exists():
        return
    count = Register.in_folder(data_dir).add_many(read_register_csv(sample))
    console.print(f"sample register: {count} disclosure requests in {data_dir / STORE_FILE}")


def run_demo(content: Path, screens_path: Path, data_dir: Path, seconds: float | None,
             console: Console, web_bind: str = "127.0.0.1:8080", web: bool = True) -> None:
    with stopped_by_sigterm():
        _run_demo(content, screens_path, data_dir, seconds, console, web_bind, web)


def _run_demo(content: Path, screens_path: Path, data_dir: Path, seconds: float | None,
              console: Console, web_bind: str, web: bool) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    ensure_keys(data_dir, console)
    seed_register(content, data_dir, console)
    screens = load_screens(screens_path).screens
    screen_ids = list(screens)
    logs = data_dir / "logs"
    logs.mkdir(exist_ok=True)
    with broker_for(None, data_dir, None, console) as url, \
            publishing(content, screens_path, url, data_dir, console) as publisher:
        players = [_spawn_player(data_dir, screen, url, logs, screens[screen].kind, index)
                   for index, screen in enumerate(screen_ids)]
        watcher = FleetWatcher(url, known_screens=screen_ids)
        watcher.start()
        try:
            with contextlib.ExitStack() as stack:
                if web:
                    stack.enter_context(web_console(content, data_dir, screens_path, url, publisher,
                                                    console, bind=web_bind, fleet=watcher))
                    demo_accounts(console)
                _live_status(watcher, logs, screen_ids, seconds, console)
        finally:
            for process in players:
                process.send_signal(signal.SIGTERM)
            for process in players:
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
            watcher.stop()
    console.print("demo stopped; data kept in", str(data_dir))


def demo_player_command(kind: str) -> list[str]:
    """The player the demo runs for a screen kind: LED signs in a simulator window when there
    is a display, headless otherwise (screenshots still work); the kiosk in a window when there
    is a display (the log player otherwise); boards rendered to PDF."""
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if kind == "led":
        return ["led", "--output", "sim" if has_display else "preview"]
    if kind == "board":
        return ["board"]  # renders PDFs into the player's cache folder; no printer in the demo
    if kind == "kiosk" and has_display:
        return ["kiosk"]  # a window (the demo's player config turns fullscreen off)
    return ["log"]


def demo_renderer(kind: str, index: int) -> dict[str, Any]:
    """Renderer settings that lay the demo's windows out side by side on a desk screen: the
    kiosk at half size (the same millimetres on half the pixels), LED simulators beside it."""
    if kind == "kiosk":
        return {"fullscreen": False, "width": 540, "height": 960, "pixel_pitch_mm": 0.728}
    if kind == "led":
        return {"output": {"type": "sim", "pitch": 4, "x": 580, "y": 40 + 200 * index}}
    return {"seconds_per_entry": 1.5}


def _spawn_player(data_dir: Path, screen: str, url: str, logs: Path, kind: str,
                  index: int) -> subprocess.Popen[bytes]:
    config = write_player_config(data_dir, screen, url, demo_renderer(kind, index))
    log_file = (logs / f"{screen}.log").open("ab")
    environment = {**os.environ, "SDL_VIDEO_WINDOW_POS": "20,40"} if kind == "kiosk" else None
    return subprocess.Popen([sys.executable, "-m", "signage.cli", "player", *demo_player_command(kind),
                             "--config", str(config)], stdout=log_file, stderr=subprocess.STDOUT,
                            env=environment)


def _live_status(watcher: FleetWatcher, logs: Path, screens: list[str], seconds: float | None,
                 console: Console) -> None:
    deadline = time.monotonic() + seconds if seconds else None
    done = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        with Live(console=console, refresh_per_second=2, transient=False) as live:
            while not done.is_set() and (deadline is None or time.monotonic() < deadline):
                live.update(Group(status_table(watcher.snapshot()), _last_lines(logs, screens)))
                done.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _last_lines(logs: Path, screens: list[str]) -> Table:
    table = Table(title="正在显示 Now showing", show_header=False)
    for screen in screens:
        path = logs / f"{screen}.log"
        lines = path.read_text("utf-8", errors="replace").splitlines() if path.exists() else []
        shown = [line for line in lines if line.startswith(f"[{screen}]")]
        table.add_row(screen, shown[-1].split("] ", 1)[-1] if shown else "")
    return table
