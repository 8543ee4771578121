"""Serial LED outputs: TPM2 streaming, the Onbon BX-5E protocol and a link that outlives its device.

Bytes go through real ports (``loop://``, pseudo-terminals, a TCP socket) and are decoded back;
time is a hand-moved clock, so nothing here waits for reconnect intervals.
"""

from __future__ import annotations

import logging
import os
import select
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
import pytest

from players.led.layout import LedLayout, parse_layout
from players.led.outputs import onbon
from players.led.outputs.base import Bandwidth, OutputError, frame_bytes
from players.led.outputs.serial_link import SerialLink
from players.led.outputs.tpm2 import Tpm2Output, decode_tpm2, tpm2_packet


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def led_layout(width: int, height: int, colour: str = "mono", **more: object) -> LedLayout:
    return parse_layout({"id": "test", "width": width, "height": height, "colour": colour, **more})


def random_frame(height: int, width: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


@contextmanager
def pty_pair() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal: the master fd (the "device" end) and the slave's path."""
    master, slave = os.openpty()
    try:
        yield master, os.ttyname(slave)
    finally:
        for fd in (master, slave):
            with suppress(OSError):
                os.close(fd)


def read_exactly(fd: int, size: int, timeout: float = 2.0) -> bytes:
    data = b""
    while len(data) < size and select.select([fd], [], [], timeout)[0]:
        data += os.read(fd, size - len(data))
    return data


# -- TPM2 -------------------------------------------------------------------------------------

def test_tpm2_packet_is_start_type_size_payload_end() -> None:
    assert tpm2_packet(b"abc") == bytes([0xC9, 0xDA, 0x00, 0x03]) + b"abc" + bytes([0x36])
    assert len(tpm2_packet(bytes(300))) == 305 and tpm2_packet(bytes(300))[2:4] == b"\x01\x2c"
    with pytest.raises(ValueError):
        tpm2_packet(bytes(65536))


def test_decode_tpm2_skips_noise_and_cut_packets() -> None:
    noise, cut = b"\x00\x36\xc9", tpm2_packet(b"cut")[:-2]
    stream = noise + tpm2_packet(b"\xc9\x36one") + b"junk" + tpm2_packet(b"two") + cut
    assert decode_tpm2(stream) == [b"\xc9\x36one", b"two"]


def test_tpm2_frames_decode_back_from_loop() -> None:
    clock = Clock()
    out = Tpm2Output("loop://", 921600, clock=clock)
    assert out.open(led_layout(16, 8, "rgb"), 30) == 30
    frame = random_frame(8, 16)
    packet_size = 16 * 8 * 3 + 5

    out.show(frame, 100)
    assert decode_tpm2(out.link.read(packet_size, 1.0)) == [frame.tobytes()]
    out.show(frame, 50)
    assert decode_tpm2(out.link.read(packet_size, 1.0)) == [(frame // 2).tobytes()]


def test_tpm2_skips_an_unchanged_frame_until_the_keepalive() -> None:
    clock = Clock()
    out = Tpm2Output("loop://", 921600, keepalive=1.0, clock=clock)
    out.open(led_layout(16, 8, "rgb"), 30)
    frame = random_frame(8, 16)
    out.show(frame, 100)
    out.link.read(16 * 8 * 3 + 5, 1.0)

    clock.now += 0.5
    out.show(frame.copy(), 100)
    assert out.link.read(4096, 0) == b""
    clock.now += 0.6
    out.show(frame, 100)
    assert decode_tpm2(out.link.read(16 * 8 * 3 + 5, 1.0)) == [frame.tobytes()]


def test_tpm2_sends_a_mono_layout_as_rgb_through_a_pty() -> None:
    with pty_pair() as (master, slave):
        out = Tpm2Output(slave, 115200)
        out.open(led_layout(16, 8, "mono"), 5)
        frame = np.zeros((8, 16, 3), dtype=np.uint8)
        frame[2:5, 3:12] = (255, 0, 0)
        out.show(frame, 100)
        payloads = decode_tpm2(read_exactly(master, 16 * 8 * 3 + 5))
        out.close()
    assert payloads == [frame.tobytes()]


def test_bandwidth_of_a_192x32_mono_sign_at_115200_baud() -> None:
    layout = led_layout(192, 32, "mono")
    assert frame_bytes(layout) == 192 * 32 // 8 == 768
    assert Bandwidth(bytes_per_frame=768, baud=115200).max_fps == pytest.approx(15.0)
    # TPM2 carries RGB whatever the sign: 18,437 bytes a packet, under 1 fps on the same UART
    with pytest.raises(OutputError) as refused:
        Tpm2Output("loop://", 115200).open(layout, 30)
    assert "not viable" in str(refused.value) and "18437 bytes per frame" in str(refused.value)


def test_rgb_256x64_at_115200_baud_is_refused_with_the_numbers() -> None:
    with pytest.raises(OutputError) as refused:
        Tpm2Output("loop://", 115200).open(led_layout(256, 64, "rgb"), 30)
    message = str(refused.value)
    assert "not viable" in message and "program output" in message and "faster link" in message
    assert "49157 bytes per frame" in message and "115,200" in message


def test_tpm2_lowers_the_frame_rate_to_what_the_uart_carries(caplog: pytest.LogCaptureFixture) -> None:
    out = Tpm2Output("loop://", 115200)
    with caplog.at_level(logging.WARNING):
        fps = out.open(led_layout(32, 16, "rgb"), 30)
    assert fps == pytest.approx(7.4)  # 11,520 bytes/s ÷ 1,541 bytes = 7.48 fps, rounded down
    assert "1541 bytes per frame × 30 fps" in caplog.text and "7.4 fps instead of 30" in caplog.text


def test_tpm2_refuses_a_frame_larger_than_one_packet() -> None:
    with pytest.raises(OutputError, match="65,535 bytes"):
        Tpm2Output("loop://", 12_000_000).open(led_layout(256, 128, "rgb"), 30)


# -- the link -------------------------------------------------------------------------------

def test_link_outlives_a_device_that_goes_away_and_comes_back(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    device = tmp_path / "ttyLED"
    link = SerialLink(str(device), 115200, reopen_interval=2.0, clock=clock)
    caplog.set_level(logging.INFO, logger="players.led.outputs.serial_link")

    with pty_pair() as (master, slave):
        device.symlink_to(slave)
        assert link.write(b"one")
        assert read_exactly(master, 3) == b"one"
    device.unlink()  # unplugged: the pty is gone and so is the name

    assert link.write(b"two") is False
    clock.now += 2.0
    assert link.write(b"two") is False  # reopening fails, quietly
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(device) in warnings[0].getMessage() and "plugged in" in warnings[0].getMessage()

    with pty_pair() as (master, slave):
        device.symlink_to(slave)  # plugged in again
        assert link.write(b"three") is False  # not retried before reopen_interval
        clock.now += 2.0
        assert link.write(b"three")
        assert read_exactly(master, 5) == b"three"
        link.close()
    assert "is back" in caplog.text


def test_link_to_a_missing_port_returns_false_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    link = SerialLink("/dev/does-not-exist-led", 9600, clock=clock)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert link.write(b"x") is False
            clock.now += 5
    [warning] = caplog.records
    assert "/dev/does-not-exist-led" in warning.getMessage() and "dialout" in warning.getMessage()


def test_link_speaks_to_a_controller_over_tcp() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        link = SerialLink(f"socket://127.0.0.1:{server.getsockname()[1]}", 57600)
        assert link.write(b"hello")
        peer, _ = server.accept()
        with peer:
            peer.settimeout(2)
            assert peer.recv(5) == b"hello"
        link.close()


# -- Onbon BX-5E ----------------------------------------------------------------------------

def test_onbon_framing_reproduces_the_ping_example_of_the_manual() -> None:
    # 5th动态区域用户手册 §5.5.1, byte for byte (header, CRC16 C6 86, end byte)
    manual = bytes.fromhex("a5a5a5a5a5a5a5a5 feff0080f000feff000000000500000001a2000000 c686 5a")
    assert onbon.frame(onbon.request(0xA2, 0x00, b"\x00\x00")) == manual
    assert onbon.CRC_TABLE[:4] == (0x0000, 0xC0C1, 0xC181, 0x0140) and onbon.CRC_TABLE[-1] == 0x4040
    [decoded] = onbon.decode_frames(b"\x00" + manual)
    assert decoded.crc_ok and decoded.data == bytes.fromhex("01a2000000") and decoded.protocol == 0xF0


def test_onbon_escapes_frame_bytes_inside_a_frame() -> None:
    raw = bytes([0xA5, 0xA6, 0x00, 0x5B, 0x00, 0x5A])
    assert onbon.escape(raw) == bytes.fromhex("a602 a601 00 5b01 00 5b02")
    assert onbon.unescape(onbon.escape(raw)) == raw
    wire = onbon.frame(raw)
    assert wire.count(0xA5) == 8 and wire.count(0x5A) == 1
    [decoded] = onbon.decode_frames(wire)
    assert decoded.data == raw and decoded.crc_ok


def test_onbon_bitmap_follows_appendix_2() -> None:
    lamps = np.zeros((2, 10, 2), dtype=bool)
    lamps[0, 0, 0] = True  # red lamp at (0, 0)
    lamps[0, 1, 1] = True  # green lamp at (1, 0)
    # 8 lamps a byte, bit 7 leftmost, 0 = lit; dark padding bits are 1
    assert onbon.encode_bitmap(lamps, "mono") == bytes([0x7F, 0xFF, 0xFF, 0xFF])
    # red/green: a red byte then a green byte for the same 8 lamps
    assert onbon.encode_bitmap(lamps, "dual") == bytes([0x7F, 0xBF, 0xFF, 0xFF] + [0xFF] * 4)
    assert (onbon.decode_bitmap(onbon.encode_bitmap(lamps, "dual"), 10, 2, "dual") == lamps).all()


def test_onbon_lamps_of_a_frame() -> None:
    strip = np.zeros((1, 4, 3), dtype=np.uint8)
    strip[0] = [(255, 0, 0), (0, 255, 0), (255, 255, 0), (40, 40, 40)]
    dual = onbon.lamps_of(strip, "dual")
    assert dual[0, :, 0].tolist() == [True, False, True, False]
    assert dual[0, :, 1].tolist() == [False, True, True, False]
    assert onbon.lamps_of(strip, "mono")[0, :, 0].tolist() == [True, True, True, False]


def dual_strip(height: int, width: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    palette = np.array([(0, 0, 0), (255, 0, 0), (0, 255, 0), (255, 255, 0)], dtype=np.uint8)
    return palette[rng.integers(0, 4, (height, width))]


def test_onbon_scrolling_strip_decodes_back_from_loop() -> None:
    layout = led_layout(64, 16, "dual")
    out = onbon.OnbonOutput("loop://", 57600, speed_level=5, reply_timeout=0)
    out.open(layout, 30)
    strip = dual_strip(16, 150)
    out.play(layout.scroll_zone, strip, "scroll-left", 32.0, 60)

    brightness, command = onbon.decode_frames(out.link.read(4096, 0))
    assert brightness.crc_ok and command.crc_ok
    assert brightness.data[:6] == bytes.fromhex("01a207 3100 00") and set(brightness.data[6:]) == {9}
    assert len(brightness.data) == 6 + 48
    area = onbon.parse_area(command.data)
    assert (area.area_id, area.x, area.y, area.width, area.height, area.immediate) == (0, 0, 0, 64, 16, True)
    assert [p.valid_length for p in area.pages] == [64, 64, 22]
    assert {(p.display_mode, p.speed, p.stay) for p in area.pages} == {(onbon.LEFT_CONTINUOUS, 5, 0)}
    shown = np.concatenate([onbon.decode_bitmap(p.bitmap, 64, 16, "dual") for p in area.pages], axis=1)
    assert (shown[:, :150] == onbon.lamps_of(strip, "dual")).all() and not shown[:, 150:].any()

    out.play(layout.scroll_zone, strip, "scroll-left", 32.0, 60)  # same brightness: not sent again
    assert len(onbon.decode_frames(out.link.read(4096, 0))) == 1


def test_onbon_zones_are_areas_and_pages_hold() -> None:
    layout = led_layout(64, 24, "mono", zones=[{"name": "title", "y": 0, "height": 8, "text": "标题"},
                                               {"name": "items", "y": 8, "height": 16, "effect": "page",
                                                "hold": 2.5}])
    out = onbon.OnbonOutput("loop://", 9600, speed_level=1, model="BX-5E2", address=1, reply_timeout=0)
    out.open(layout, 30)
    title, items = layout.zones
    out.play(title, np.full((8, 40, 3), 255, dtype=np.uint8), "static", 32.0, 100)
    out.play(items, np.full((16, 100, 3), 255, dtype=np.uint8), "page", 32.0, 100)

    frames = onbon.decode_frames(out.link.read(4096, 0))
    assert {(f.address, f.device) for f in frames} == {(1, 0x0254)}
    first, second = (onbon.parse_area(f.data) for f in frames[1:])
    assert (first.area_id, first.y, first.height, len(first.pages)) == (0, 0, 8, 1)
    assert (second.area_id, second.y, second.height, len(second.pages)) == (1, 8, 16, 2)
    assert {(p.display_mode, p.stay, p.valid_length) for p in second.pages} == {(onbon.STATIC, 250, 64)}


class FakeController(threading.Thread):
    """The master end of a pty answering each frame with the next reply (ACK or an error)."""

    def __init__(self, master: int, errors: list[int]) -> None:
        super().__init__(daemon=True)
        self.master, self.errors, self.stop = master, errors, threading.Event()
        self.received: list[onbon.BxFrame] = []

    def run(self) -> None:
        pending = b""
        while not self.stop.is_set():
            if not select.select([self.master], [], [], 0.02)[0]:
                continue
            pending += os.read(self.master, 4096)
            while onbon.END in pending:
                one, pending = pending.split(onbon.END, 1)
                self.received += onbon.decode_frames(one + onbon.END)
                self._answer()

    def _answer(self) -> None:
        error = self.errors.pop(0) if self.errors else 0
        command = onbon.NACK if error else onbon.ACK
        reply = struct.pack("<BBBHHH", 0, onbon.REPLY, command, int(bool(error)), error, 0)
        os.write(self.master, onbon.frame(reply, address=0x8000))


def test_onbon_reads_the_controllers_ack_and_nack_through_a_pty(caplog: pytest.LogCaptureFixture) -> None:
    layout = led_layout(32, 16, "mono")
    with pty_pair() as (master, slave):
        controller = FakeController(master, errors=[0, 17])
        controller.start()
        out = onbon.OnbonOutput(slave, 57600, speed_level=10, reply_timeout=2.0)
        out.open(layout, 30)
        with caplog.at_level(logging.WARNING):
            out.play(layout.scroll_zone, np.zeros((16, 20, 3), dtype=np.uint8), "scroll-left", 32.0, 100)
        controller.stop.set()
        controller.join()
        out.close()
    assert [f.data[1:3] for f in controller.received] == [b"\xa2\x07", b"\xa7\x00"]
    assert all(f.crc_ok for f in controller.received)
    assert out.last_error == "ERR_CONTROLLER_TYPE" and "ERR_CONTROLLER_TYPE" in caplog.text


def test_onbon_warns_once_when_the_controller_is_silent(caplog: pytest.LogCaptureFixture) -> None:
    layout = led_layout(32, 16, "mono")
    with pty_pair() as (_master, slave):
        out = onbon.OnbonOutput(slave, 57600, speed_level=10, reply_timeout=0.05)
        out.open(layout, 30)
        with caplog.at_level(logging.WARNING):
            out.play(layout.scroll_zone, np.zeros((16, 8, 3), dtype=np.uint8), "scroll-left", 32.0, 100)
        out.close()
    assert out.last_error == "no reply" and caplog.text.count("did not answer") == 1


def test_onbon_refuses_what_it_cannot_drive() -> None:
    with pytest.raises(OutputError, match="speed_level"):
        onbon.OnbonOutput("loop://")
    with pytest.raises(OutputError, match="model"):
        onbon.OnbonOutput("loop://", speed_level=3, model="BX-6E1")
    out = onbon.OnbonOutput("loop://", speed_level=3, reply_timeout=0)
    with pytest.raises(OutputError, match="RGB"):
        out.open(led_layout(64, 16, "rgb"), 30)
    layout = led_layout(64, 16, "mono")
    out.open(layout, 30)
    with pytest.raises(OutputError, match="300,000"):
        out.area(layout.scroll_zone, np.zeros((16, 160_000, 3), dtype=np.uint8), "scroll-left")


# -- the renderer driving serial outputs ------------------------------------------------------


def test_renderer_streams_its_frames_as_tpm2_through_a_pty() -> None:
    from test_led import NOON, plan_of, power

    from players.led.renderer import LedRenderer

    layout = {"id": "t32", "kind": "led", "width": 32, "height": 16, "colour": "rgb", "speed": 60}
    with pty_pair() as (master, port):
        renderer = LedRenderer(Tpm2Output(port, 921600), "s1", fps=30, wall=lambda: NOON)
        renderer.show(plan_of([power("a", "取水许可")], layout))
        for step in (0, *range(30, 36)):  # the blank panel, then 2 px a frame with text in view
            renderer.step(step / 30, lambda entry: None)
            payload = decode_tpm2(read_exactly(master, 32 * 16 * 3 + 5))
            assert payload == [renderer.frame.tobytes()]
        renderer.output.close()


def test_renderer_sends_each_item_once_to_an_onbon_controller_in_turn() -> None:
    from test_led import NOON, plan_of, power

    from players.led.renderer import LedRenderer

    layout = {"id": "t64", "kind": "led", "width": 64, "height": 32, "colour": "dual", "speed": 32,
              "zones": [{"name": "title", "y": 0, "height": 16, "text": "政务公开"},
                        {"name": "items", "y": 16, "height": 16}]}
    output = onbon.OnbonOutput("loop://", 57600, speed_level=8, reply_timeout=0)
    renderer = LedRenderer(output, "s1", fps=10, wall=lambda: NOON)
    renderer.show(plan_of([power("a", "取水许可"), power("b", "采矿许可")], layout))
    played: list[str] = []
    areas: list[onbon.Area] = []
    for step in range(600):  # 60 s
        renderer.step(step / 10, lambda entry: played.append(entry.key))
        areas += [onbon.parse_area(f.data) for f in onbon.decode_frames(output.link.read(65536, 0))
                  if f.data[1:3] == bytes([onbon.DYNAMIC, onbon.SEND_AREA])]
    assert [a.area_id for a in areas[:3]] == [0, 1, 1]  # the title once, then items one by one
    assert areas[0].y == 0 and areas[1].y == 16
    assert played[:3] == ["a", "b", "a"]
    # an item's turn lasts as long as the layout's speed takes it across the panel
    assert len([a for a in areas if a.area_id == 1]) == len(played) + 1
