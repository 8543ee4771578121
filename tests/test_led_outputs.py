"""LED outputs on a real X server and the LED player end to end on a real broker."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import paho.mqtt.client as mqtt
import pytest
from click.testing import CliRunner
from conftest import POWER, REVIEW, patched
from harness import LAYOUT, NOW, Fleet, wait_until
from paho.mqtt.enums import CallbackAPIVersion
from PIL import Image, ImageGrab
from test_faults import TOPICS, raw_publish
from test_led import NOON, plan_of, power

from players.led.dots import led_dots
from players.led.outputs import make_output
from players.led.outputs.base import OutputError
from players.led.outputs.preview import PreviewOutput
from players.led.renderer import LedRenderer
from signage.cli import main
from signage.contract import wire
from signage.publishing.publisher import EVENT_LOG

TWO_ROWS = {"id": "t192", "kind": "led", "width": 192, "height": 32, "colour": "dual", "speed": 48,
            "zones": [{"name": "title", "y": 0, "height": 16, "text": "政务公开"},
                      {"name": "items", "y": 16, "height": 16}]}


def run_and_grab(renderer: LedRenderer, display: str, seconds: float = 1.5) -> Image.Image:
    """Run the renderer on this (main) thread, as the player does, and grab the X screen."""
    stop = threading.Event()
    grabbed: list[Image.Image] = []

    def grab() -> None:
        deadline = time.monotonic() + 30  # a loaded CI machine may take a while to map the window
        while renderer.frame is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(seconds * 0.5)  # some frames presented since
        grabbed.append(ImageGrab.grab(xdisplay=display))
        stop.set()

    renderer.show(plan_of([power("a", "建设工程规划许可证核发")], TWO_ROWS))
    threading.Thread(target=grab, daemon=True).start()
    renderer.run(stop, lambda entry: None)
    return grabbed[0]


def test_window_output_is_borderless_and_one_to_one_at_its_position(display: str, tmp_path: Path) -> None:
    renderer = LedRenderer(make_output({"type": "window", "x": 40, "y": 30}), "s1", wall=lambda: NOON)
    screen = run_and_grab(renderer, display)
    screen.save(tmp_path / "window.png")
    shot = np.asarray(screen.convert("RGB"))
    title = renderer.frame[:16]  # the fixed title zone does not move
    assert (shot[30:46, 40:232] == title).all()
    assert shot[46:62, 40:232].any()  # the items zone is lit
    assert not shot[:30].any() and not shot[62:].any()  # nothing else: no border, no title bar


def test_sim_output_draws_round_lamps(display: str, tmp_path: Path) -> None:
    renderer = LedRenderer(make_output({"type": "sim", "pitch": 5, "x": 0, "y": 0}), "s1",
                           wall=lambda: NOON)
    screen = run_and_grab(renderer, display)
    screen.save(tmp_path / "sim.png")
    shot = np.asarray(screen.convert("RGB"))
    lamps = led_dots(renderer.frame, 5)[:80]  # the title rows, as lamps
    rows = np.flatnonzero(shot.any(axis=(1, 2)))
    top = rows[0]  # below the window manager's decorations, if any
    assert (shot[top:top + 80, :960] == lamps).mean() > 0.99


def test_window_without_a_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    renderer = LedRenderer(make_output("window"), "s1")
    renderer.show(plan_of([power("a", "取水许可")], TWO_ROWS))
    with pytest.raises(OutputError, match="is a display running"):
        renderer.step(0.0, lambda entry: None)


def test_unknown_output_settings_are_named() -> None:
    with pytest.raises(OutputError, match="'hologram' is unknown"):
        make_output("hologram")
    with pytest.raises(OutputError, match=r"output 'sim'.*pitchh"):
        make_output({"type": "sim", "pitchh": 3})


@pytest.mark.usefixtures("repo_cwd")
def test_preview_command_on_the_sample_content(tmp_path: Path) -> None:
    gif, png = tmp_path / "a.gif", tmp_path / "a.png"
    runner = CliRunner()
    result = runner.invoke(main, ["preview", "led", "--item", "RSJ-JF-001", "-o", str(gif),
                                  "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    with Image.open(gif) as image:
        assert image.size == (192 * 4, 32 * 4) and image.n_frames > 100
    result = runner.invoke(main, ["preview", "led", "--layout", "led-96x16", "--unit", "taixi",
                                  "--seconds", "4", "-o", str(png)])
    assert result.exit_code == 0, result.output
    with Image.open(png) as image:
        assert np.asarray(image.convert("RGB")).max() > 200  # text, not a blank panel
    result = runner.invoke(main, ["preview", "led", "--item", "NO-SUCH-1", "-o", str(gif)])
    assert result.exit_code == 2 and "NO-SUCH-1" in result.output
    result = runner.invoke(main, ["preview", "led", "--layout", "led-999", "-o", str(gif)])
    assert result.exit_code == 2 and "led-999" in result.output and "led-96x16" in result.output


def test_led_player_on_a_real_broker_plays_identifies_and_screenshots(tmp_path: Path, broker: Any) -> None:
    fleet = Fleet(tmp_path, broker)
    try:
        fleet.publisher().publish()
        renderer = LedRenderer(PreviewOutput(), "lobby-led", fps=50, wall=lambda: NOW)
        running = fleet.player("lobby-led", renderer=renderer)
        wait_until(lambda: running.version, what="the first version")
        wait_until(lambda: renderer.frame is not None and renderer.frame.any(), what="lit lamps")
        events = fleet.data / EVENT_LOG
        wait_until(lambda: events.exists() and '"play"' in events.read_text("utf-8"), 60, "proof of play")
        plays = [json.loads(line) for line in events.read_text("utf-8").splitlines()]
        assert any(e.get("type") == "play" and e.get("screen") == "lobby-led" for e in plays)
        shots: list[bytes] = []
        watcher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="shot-watcher")
        watcher.on_message = lambda c, u, m: shots.append(m.payload)
        watcher.connect("127.0.0.1", int(broker.url.rsplit(":", 1)[1]))
        watcher.subscribe(TOPICS.screenshot("lobby-led"), qos=1)
        watcher.loop_start()
        try:
            raw_publish(broker.url, TOPICS.command("lobby-led"),
                        wire.encode_command("lobby-led", "identify", fleet.key, "c-identify"), retain=False)
            wait_until(lambda: renderer.playlist and renderer.composer and _shows_identify(renderer),
                       what="the screen id on the sign")
            # The id enters from the right edge of a cleared panel: shoot once it is in view.
            wait_until(lambda: renderer.frame is not None and renderer.frame.any(), what="the id in view")
            raw_publish(broker.url, TOPICS.command("lobby-led"),
                        wire.encode_command("lobby-led", "screenshot", fleet.key, "c-shot"), retain=False)
            wait_until(lambda: shots, what="a screenshot")
        finally:
            watcher.loop_stop()
            watcher.disconnect()
        with Image.open(io.BytesIO(shots[0])) as shot:
            assert shot.size == (96 * 4, 16 * 4)
            assert np.asarray(shot.convert("RGB")).max() > 200
    finally:
        fleet.close()


def _shows_identify(renderer: LedRenderer) -> bool:
    tape = renderer.composer.zones[0][1]
    return any(p.entry is not None and p.entry.key == "identify" for p in tape.pieces)


def test_led_player_command_runs_headless(tmp_path: Path) -> None:
    """`signage player led --output preview` starts and exits cleanly without a display."""
    # Full runs over MQTT are covered above; here the CLI wiring and option parsing.
    result = CliRunner().invoke(main, ["player", "led", "--screen", "lobby-led", "--output", "hologram",
                                       "--public-key", str(tmp_path / "none.pub")])
    assert result.exit_code == 2 and "hologram" in result.output



URGENT = {"id": "tingdian", "urgent": True, "valid_from": "2026-11-01", "valid_until": "2031-01-04",
          "channels": ["led"], "review": REVIEW}
STALE, CORRECTED = "明日8时至12时停电", "更正：明日14时至18时停电"


def test_a_corrected_urgent_announcement_preempts_over_mqtt(tmp_path: Path, broker: Any,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    """Published, then corrected (same id, new wording): the sign cuts the stale text at once for
    the corrected one, ahead of the loop, and never shows the stale wording after the switch."""
    caplog.set_level(logging.INFO, logger="players.led.renderer")
    fleet = Fleet(tmp_path, broker)
    (fleet.screens / "led-test.yaml").write_text(LAYOUT + "  speed: 160\n", "utf-8")
    loop = [patched(POWER, {"code": f"CSJ-XK-{n:03d}", "name": f"第{n}号许可事项"}) for n in range(1, 13)]
    try:
        publisher = fleet.publisher()
        fleet.factory.write(powers=loop, announcements=[])
        publisher.publish()
        renderer = LedRenderer(PreviewOutput(), "lobby-led", fps=50, wall=lambda: NOW)
        running = fleet.player("lobby-led", renderer=renderer)
        wait_until(lambda: _entered(caplog, "许可事项"), 60, "the loop on the sign")
        fleet.factory.write(powers=loop, announcements=[{**URGENT, "text": STALE}])
        first = publisher.publish().versions["lobby-led"]
        wait_until(lambda: _entered(caplog, STALE), 60, "the urgent announcement")
        fleet.factory.write(powers=loop, announcements=[{**URGENT, "text": CORRECTED}])
        second = publisher.publish().versions["lobby-led"]
        assert second > first
        wait_until(lambda: running.version == second, 60, "the corrected version")
        # Twice (urgent_repeat), then the loop again: the whole interruption has played out.
        wait_until(lambda: "许可事项" in "".join(_after_version(caplog, second)[2:]), 60,
                   "the corrected text twice, then the loop")
        shown = _after_version(caplog, second)
        assert all(CORRECTED in text for text in shown[:2]), shown  # at once: nothing of the loop first
        assert not any(STALE in text and CORRECTED not in text for text in shown), shown
        tape = renderer.composer.zones[0][1]
        assert all(p.entry is None or p.entry.data.get("text") != STALE for p in tape.pieces)
    finally:
        fleet.close()


def _entered(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    return any(text in r.getMessage() for r in caplog.records if r.name == "players.led.renderer")


def _after_version(caplog: pytest.LogCaptureFixture, version: int) -> list[str]:
    """What entered the panel (the renderer's log, in order) after it took ``version``."""
    messages = [r.getMessage() for r in list(caplog.records) if r.name == "players.led.renderer"]
    marks = [i for i, m in enumerate(messages) if m.startswith(f"[lobby-led] version {version}:")]
    if not marks:
        return []
    return [m.removeprefix("[lobby-led] ") for m in messages[marks[0] + 1:]
            if m.startswith("[lobby-led] ") and " entries on layout " not in m]
