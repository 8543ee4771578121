"""The log renderer: prints what a screen would show. For headless demos and tests."""

from __future__ import annotations

import datetime as dt
import io
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from PIL import Image, ImageDraw

from players.plan import Entry, Plan
from players.renderer import PlayReporter
from signage.text.fonts import find_cjk_font, load_pillow_font
from signage.text.timezones import utc_now


def describe(entry: Entry) -> str:
    data = entry.data
    if entry.kind == "powers":
        kind = data.get("power_type_declared") or data.get("power_type", "")
        return (f"【{kind}】{data.get('name', '')} · {data.get('department', '')} · "
                f"监督电话 {data.get('supervision_phone', '')}")
    if entry.kind == "notices":
        return f"【{data.get('kind', '')}】{data.get('title', '')} {data.get('doc_number', '')}".rstrip()
    prefix = "【紧急】" if entry.urgent else "【公告】"
    return prefix + str(data.get("text", ""))


class LogRenderer:
    kind = "log"

    def __init__(self, out: TextIO | None = None, seconds_per_entry: float = 1.0,
                 screen: str = "", now: Callable[[], dt.datetime] = utc_now) -> None:
        self.out = out or sys.stdout
        self.now = now  # what is valid when (tests give a fixed day)
        self.seconds_per_entry = seconds_per_entry
        self.screen = screen
        self._plan: Plan | None = None
        self._current: Entry | None = None
        self._changed = threading.Event()
        self._lock = threading.Lock()

    def _print(self, text: str) -> None:
        self.out.write(f"[{self.screen}] {text}\n")
        self.out.flush()

    def show(self, plan: Plan) -> None:
        with self._lock:
            self._plan = plan
        self._print(f"version {plan.version}: {len(plan.entries)} entries for {plan.kind} "
                    f"screen at {plan.site or '-'}")
        self._changed.set()

    def run(self, stop: threading.Event, played: PlayReporter) -> None:
        while not stop.is_set():
            with self._lock:
                plan = self._plan
            entries = plan.current(self.now()) if plan else []
            if not entries:
                self._changed.wait(0.5)
                self._changed.clear()
                continue
            self._changed.clear()
            for entry in entries:
                self._current = entry
                self._print(describe(entry))
                if stop.wait(self.seconds_per_entry):
                    return
                played(entry)
                if self._changed.is_set():
                    break  # switch to the new version at the entry boundary

    def identify(self) -> None:
        self._print(f"*** IDENTIFY {self.screen} ***")

    def screenshot(self) -> bytes | None:
        """The line on screen now, drawn in the CJK outline font as a PNG."""
        text = describe(self._current) if self._current else "（暂无内容）"
        font = load_pillow_font(find_cjk_font(), 22)
        width = int(font.getlength(text)) + 16
        image = Image.new("RGB", (max(width, 200), 40), "black")
        ImageDraw.Draw(image).text((8, 6), text, font=font, fill="white")
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()
