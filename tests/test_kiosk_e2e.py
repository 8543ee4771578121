"""The kiosk player end to end: a real X server (Xvfb), real mouse clicks (xdotool), a real
mosquitto, publisher and player runtime. Every screen is saved as a PNG in the test's tmp_path
(``screens/NN-name.png``).

The kiosk renderer runs in the test's main thread (pygame wants its display calls on one thread,
as in the player), the runtime in a worker thread, and the clicks and checks in a third. Where to
click comes from the render model of the frame on screen (``renderer.app.model``); what the X
server shows is checked, pixel for pixel, against the frame the kiosk drew.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import pytest
import yaml
from conftest import POWER, patched
from harness import NOW, Fleet, wait_until
from PIL import Image, ImageGrab

from players.kiosk.renderer import KioskRenderer
from players.kiosk.screens import DetailScreen, HomeScreen, ListScreen, SearchScreen
from players.kiosk.ui import Target
from signage.publishing.publisher import EVENT_LOG

SCREEN = "hall-kiosk"
# Fits the 1280×800 test X server; 0.5-mm pixels keep the touch targets a sensible size.
LAYOUT = {"id": "kiosk-e2e", "kind": "kiosk", "width": 600, "height": 800, "pixel_pitch_mm": 0.5}
UNIT_NAME, CODE, OLD_NAME = "台安县测试局", POWER["code"], POWER["name"]
NEW_NAME = "建设工程规划许可证核发（变更）"
X_ENV = {"PATH": "/usr/bin:/bin"}


@pytest.fixture
def fleet(tmp_path: Path, broker: Any) -> Any:
    """The harness fleet, its kiosk screen given a layout that fits the test X server."""
    fleet = Fleet(tmp_path, broker)
    (fleet.screens / "kiosk-e2e.yaml").write_text(yaml.safe_dump({"layout": LAYOUT}), "utf-8")
    screens = yaml.safe_load((fleet.screens / "screens.yaml").read_text("utf-8"))
    next(s for s in screens["screens"] if s["id"] == SCREEN)["layout"] = LAYOUT["id"]
    (fleet.screens / "screens.yaml").write_text(yaml.safe_dump(screens, allow_unicode=True), "utf-8")
    yield fleet
    fleet.close()


@pytest.fixture
def kiosk(fleet: Fleet, display: str, tmp_path: Path) -> Kiosk:
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is not installed: run `make test` (deploy/install-system-deps.sh "
                    "installs it) or apt install xdotool")
    return Kiosk(fleet, display, tmp_path / "screens")


class Kiosk:
    """A kiosk player with eyes and hands: its render model, X screenshots, xdotool clicks."""

    def __init__(self, fleet: Fleet, display: str, shots: Path) -> None:
        self.fleet, self.display, self.shots = fleet, display, shots
        shots.mkdir()
        self.publisher = fleet.publisher()
        self.renderer = KioskRenderer(SCREEN, fullscreen=False, now=lambda: NOW)
        self.running = fleet.player(SCREEN, renderer=self.renderer, start=False)
        self.stop = self.running.stop_event
        self.origin = (0, 0)
        self.saved: list[Path] = []
        self.last_shot: np.ndarray | None = None
        self.started = time.monotonic()

    def run(self, scenario: Callable[[Kiosk], None]) -> None:
        """Publish, start the player, and play ``scenario`` against it from a helper thread while
        the kiosk renders in this (main) thread; the scenario's failure is raised here."""
        # Another test module may have left SDL's display open on the dummy driver: start afresh.
        pygame.display.quit()
        assert SCREEN in self.publisher.publish().versions
        self.running.runtime.start()
        worker = threading.Thread(target=self.running.runtime.run, args=(self.stop,), daemon=True)
        worker.start()
        self.running.threads.append(worker)
        failures: list[BaseException] = []

        def drive() -> None:
            try:
                self.until(lambda: self.app is not None and self.app.content.version, "the first version")
                assert pygame.display.get_driver() == "x11"
                self.find_window()
                scenario(self)
            except BaseException as exc:
                failures.append(exc)
            finally:
                self.stop.set()

        hands = threading.Thread(target=drive, name="kiosk-hands", daemon=True)
        hands.start()
        try:
            self.renderer.run(self.stop, self.running.runtime.played)  # as the player runs it
        finally:
            self.stop.set()
            hands.join(30)
            self.log(f"done; screens in {self.shots}")
        if failures:
            raise failures[0]
        assert not hands.is_alive(), "the scenario did not finish"

    def log(self, step: str) -> None:
        print(f"{time.monotonic() - self.started:6.1f} s  {step}")  # shown when a test fails

    # -- waiting ------------------------------------------------------------------------------

    def until(self, predicate: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
        """wait_until, but giving up at once if the render loop has ended."""
        def check() -> Any:
            if self.stop.is_set():
                raise AssertionError(f"the kiosk stopped while waiting for {what}")
            return predicate()

        return wait_until(check, timeout, what)

    def frames(self, count: int = 3) -> None:
        """Let the render loop draw ``count`` more frames (each frame builds a new model); asked
        for, since a kiosk draws nothing while nothing changes."""
        seen = [self.app.model]

        def drawn() -> bool:
            self.renderer.invalidate()
            if self.app.model is not seen[-1]:
                seen.append(self.app.model)
            return len(seen) > count

        self.until(drawn, f"{count} frames")

    @property
    def app(self) -> Any:
        return self.renderer.app

    def text(self) -> str:
        return self.app.model.text()

    def on(self, kind: type, title: str | None = None, depth: int | None = None) -> Any:
        """Wait until the kiosk shows a ``kind`` screen (titled ``title``, ``depth`` deep)."""
        def showing() -> Any:
            screen = self.app.screen
            if not isinstance(screen, kind) or (title is not None and screen.title != title):
                return None
            return screen if depth is None or len(self.app.stack) == depth else None

        screen = self.until(showing, f"a {kind.__name__} {title or ''} at depth {depth}")
        self.frames(2)  # drawn, and its model is the one on screen
        return screen

    # -- the window ---------------------------------------------------------------------------

    def xdotool(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=20,
                                env={**X_ENV, "DISPLAY": self.display}, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)}: {result.stderr.strip() or result.returncode}")
        return result.stdout.strip() if result.returncode == 0 else ""

    def find_window(self) -> None:
        """The kiosk's window, found by this process's id: xdotool 3.20160805 (Debian 12) matches
        ``search --name`` against no SDL window (their names are UTF8_STRING), so the name is
        compared here."""
        name = f"政务公开查询 {SCREEN}"

        def window() -> str:
            found = self.xdotool("search", "--onlyvisible", "--pid", str(os.getpid()), check=False).split()
            return next((w for w in found if self.xdotool("getwindowname", w, check=False) == name), "")

        window_id = self.until(window, f"the window {name!r}")
        geometry = dict(line.split("=", 1) for line in
                        self.xdotool("getwindowgeometry", "--shell", window_id).splitlines())
        self.origin = (int(geometry["X"]), int(geometry["Y"]))
        assert (int(geometry["WIDTH"]), int(geometry["HEIGHT"])) == (LAYOUT["width"], LAYOUT["height"])

    def target(self, label: str, kind: str | None = None) -> Target:
        """The on-screen target labelled ``label`` (a tile's label is followed by its second line)."""
        def found() -> Target | None:
            for target in reversed(self.app.model.targets):
                if (target.label == label or target.label.startswith(label + " ")) and \
                        (kind is None or target.kind == kind):
                    return target
            return None

        return self.until(found, f"a target {label!r} on screen")

    def click(self, label: str, kind: str | None = None) -> None:
        """A real click: the pointer moved to the target's centre, button 1 pressed and released.
        (No ``mousemove --sync``: it stalls for seconds when the pointer is already there.)"""
        x, y, w, h = self.target(label, kind).rect
        self.log(f"click {label}")
        self.xdotool("mousemove", str(self.origin[0] + x + w // 2), str(self.origin[1] + y + h // 2),
                     "click", "1")

    # -- what the X server shows --------------------------------------------------------------

    def grab(self) -> np.ndarray:
        x, y = self.origin
        image = ImageGrab.grab(xdisplay=self.display).convert("RGB")
        return np.asarray(image.crop((x, y, x + LAYOUT["width"], y + LAYOUT["height"])))

    def shot(self, name: str, *, changed: bool = True) -> np.ndarray:
        """Save the window as the X server shows it, once it shows the kiosk's current frame;
        check that it changed since the last one (or, with ``changed=False``, that it did not)."""
        png = self.renderer.screenshot()
        assert png is not None, "the renderer took no screenshot"
        with Image.open(io.BytesIO(png)) as image:
            frame = np.asarray(image.convert("RGB"))
        grabbed = [self.grab()]  # the latest only

        def showing() -> bool:
            if np.array_equal(grabbed[0], frame):
                return True
            grabbed[0] = self.grab()
            return False

        try:
            self.until(showing, f"the X screen to show the frame of {name}", timeout=10)
        finally:
            path = self.shots / f"{len(self.saved) + 1:02d}-{name}.png"
            Image.fromarray(grabbed[0]).save(path)
            self.saved.append(path)
        if self.last_shot is not None:
            assert np.array_equal(grabbed[0], self.last_shot) != changed, \
                f"{name}: the screen {'did not change' if changed else 'changed'}"
        self.last_shot = grabbed[0]
        return grabbed[0]

    # -- the fleet ----------------------------------------------------------------------------

    @property
    def version(self) -> int | None:
        return self.running.version

    def plays(self) -> list[dict[str, Any]]:
        """Proof-of-play events from this kiosk in the publisher's event log."""
        log = self.fleet.data / EVENT_LOG
        if not log.exists():
            return []
        events = [json.loads(line) for line in log.read_text("utf-8").splitlines() if line]
        return [e for e in events if e.get("type") == "play" and e.get("screen") == SCREEN]

    def wait_plays(self, count: int) -> list[dict[str, Any]]:
        plays = self.until(lambda: (lambda p: p if len(p) >= count else None)(self.plays()),
                           f"{count} play events in the publisher's event log")
        assert len(plays) == count, plays  # one per opened page, no more
        return plays


# -- steps --------------------------------------------------------------------------------------


def at_home(kiosk: Kiosk) -> None:
    kiosk.on(HomeScreen, depth=1)
    assert "台安县政务公开查询" in kiosk.text()
    kiosk.shot("home")


def open_by_unit(kiosk: Kiosk, name: str, shots: str = "") -> DetailScreen:
    """Home → 按单位查找 → the unit → the item ``name``: three clicks, each one page deeper."""
    kiosk.click("按单位查找")
    units = kiosk.on(ListScreen, "按单位查找", depth=2)
    assert [row.title for row in units.list.rows] == [UNIT_NAME]
    kiosk.shot(f"units{shots}")
    kiosk.click(UNIT_NAME, "row")
    kiosk.on(ListScreen, UNIT_NAME, depth=3)
    assert name in kiosk.text()
    kiosk.shot(f"unit-items{shots}")
    kiosk.click(name, "row")
    detail = kiosk.on(DetailScreen, name, depth=4)
    assert detail.entry.key == CODE
    assert f"事项名称\n{name}" in kiosk.text() and f"事项编码\n{CODE}" in kiosk.text()
    kiosk.shot(f"detail{shots}")
    return detail


def publish_new_name(kiosk: Kiosk) -> int:
    """Rename the item and publish; returns the new version, once the kiosk holds it pending."""
    kiosk.fleet.factory.write(powers=[patched(POWER, {"name": NEW_NAME})])
    version = kiosk.publisher.publish().versions[SCREEN]
    kiosk.until(lambda: kiosk.version == version, "the edited version at the player")
    kiosk.until(lambda: kiosk.app.pending is not None, "the edited version offered to the kiosk")
    kiosk.frames(3)
    return version


# -- tests --------------------------------------------------------------------------------------


def test_kiosk_on_x_with_real_clicks(kiosk: Kiosk) -> None:
    def scenario(kiosk: Kiosk) -> None:
        at_home(kiosk)

        # Search with the on-screen keys: every click types exactly one letter.
        kiosk.click("搜索事项")
        search = kiosk.on(SearchScreen, depth=2)
        for typed in ("j", "js", "jsg", "jsgc"):
            kiosk.click(typed[-1].upper(), "key")
            kiosk.until(lambda typed=typed: search.query == typed, f"the query {typed!r}")
            kiosk.frames(3)  # a second firing of the same click would have landed by now
            assert search.query == typed
        assert [row.title for row in search.results.rows] == [OLD_NAME]
        assert "JSGC" in kiosk.text() and "找到 1 项" in kiosk.text() and OLD_NAME in kiosk.text()
        kiosk.shot("search-jsgc")
        kiosk.click("退格", "key")
        kiosk.until(lambda: search.query == "jsg", "the query 'jsg' after 退格")
        kiosk.frames(3)
        assert search.query == "jsg" and len(kiosk.app.stack) == 2
        kiosk.click("首页")
        kiosk.on(HomeScreen, depth=1)

        # Three clicks to the item; opening it is the proof of play, reported to the publisher.
        assert kiosk.plays() == []  # nothing was opened yet
        open_by_unit(kiosk, OLD_NAME)
        plays = kiosk.wait_plays(1)
        assert [(p["kind"], p["unit"], p["key"]) for p in plays] == [("powers", "demo", CODE)]
        assert plays[0]["version"] == kiosk.version

        # A live update while the page is open: the page a citizen reads stays as it is …
        version = publish_new_name(kiosk)
        assert isinstance(kiosk.app.screen, DetailScreen) and len(kiosk.app.stack) == 4
        assert f"事项名称\n{OLD_NAME}" in kiosk.text() and NEW_NAME not in kiosk.text()
        kiosk.shot("detail-after-update", changed=False)
        # … until the next navigation, which takes the new version.
        kiosk.click("首页")
        kiosk.on(HomeScreen, depth=1)
        assert kiosk.app.pending is None and kiosk.app.content.version == version
        open_by_unit(kiosk, NEW_NAME, "-new")
        plays = kiosk.wait_plays(2)
        assert plays[1]["key"] == CODE and plays[1]["version"] == version

    kiosk.run(scenario)


def test_back_after_a_live_update_shows_the_new_content(kiosk: Kiosk) -> None:
    def scenario(kiosk: Kiosk) -> None:
        at_home(kiosk)
        open_by_unit(kiosk, OLD_NAME)
        version = publish_new_name(kiosk)
        kiosk.click("返回")
        items = kiosk.on(ListScreen, UNIT_NAME, depth=3)
        assert kiosk.app.pending is None and kiosk.app.content.version == version  # taken …
        kiosk.shot("back-after-update")
        assert [row.title for row in items.list.rows] == [NEW_NAME]  # … but not shown

    kiosk.run(scenario)
