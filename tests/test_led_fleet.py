"""The LED renderer as a real player on the broker fixture: a real mosquitto, the publisher, the
player runtime, the LED renderer's own loop (rendering to a preview output, paced by its clock)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import ANNOUNCEMENT, POWER, patched
from harness import NOW, Fleet, wait_until

from players.led.outputs.preview import PreviewOutput
from players.led.renderer import LedRenderer

SCREEN = "lobby-led"
NAMES = ["建设工程规划许可证核发", "建设用地规划许可证核发", "建筑工程施工许可证核发", "城市道路占用挖掘审批",
         "燃气经营许可证核发", "商品房预售许可", "建设工程竣工验收备案", "城市建筑垃圾处置核准"]
FIRST = "政务服务中心明日8时至12时停电，暂停对外办公。"
CORRECTED = "更正：政务服务中心明日14时至18时停电，暂停对外办公。"


class Entered(logging.Handler):
    """What entered the sign, in order: the renderer logs each item as it enters, and each version."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self.lock:
            self.lines.append(record.getMessage())

    def after(self, needle: str) -> list[str]:
        """The lines after the last one containing ``needle``."""
        with self.lock:
            lines = list(self.lines)
        marks = [i for i, line in enumerate(lines) if needle in line]
        return lines[marks[-1] + 1:] if marks else []


def content(factory: Any, text: str) -> Path:
    powers = [patched(POWER, {"name": name, "code": f"CSJ-XK-{n:03d}"}) for n, name in enumerate(NAMES, 1)]
    return factory.write(powers=powers, announcements=[
        patched(ANNOUNCEMENT, {"text": text, "urgent": True, "valid_from": "2026-11-01"})])


@pytest.fixture
def entered() -> Any:
    handler = Entered()
    logger = logging.getLogger("players.led.renderer")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_corrected_urgent_announcement_preempts_the_loop_again(tmp_path: Path, broker: Any,
                                                                 entered: Entered) -> None:
    fleet = Fleet(tmp_path, broker)
    try:
        content(fleet.factory, FIRST)
        publisher = fleet.publisher()
        renderer = LedRenderer(PreviewOutput(), SCREEN, wall=lambda: NOW)
        player = fleet.player(SCREEN, renderer=renderer)
        first = publisher.publish().versions[SCREEN]
        wait_until(lambda: player.version == first, 30, "the first version at the player")
        # The loop is under way: the urgent text led it, and items of the loop have entered since.
        wait_until(lambda: any(NAMES[1] in line for line in entered.after(FIRST)), 60,
                   "the loop after the urgent text")
        unchanged = publisher.publish()  # nothing changed: nothing interrupts
        assert SCREEN not in unchanged.versions or unchanged.versions[SCREEN] == first

        content(fleet.factory, CORRECTED)  # same id, new wording
        corrected = publisher.publish().versions[SCREEN]
        assert corrected > first
        wait_until(lambda: player.version == corrected, 30, "the corrected version at the player")
        shown = wait_until(lambda: entered.after(f"version {corrected}:"), 30, "an item after the version")
        # The next thing to enter the sign is the corrected text, not the rest of the loop.
        assert CORRECTED in shown[0], shown
        wait_until(lambda: sum(CORRECTED in line for line in entered.after(f"version {corrected}:")) >= 2,
                   60, "the corrected text twice (urgent_repeat)")
        after = entered.after(f"version {corrected}:")
        assert all(FIRST not in line for line in after)  # the old wording is not shown again
    finally:
        fleet.close()
