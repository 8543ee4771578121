"""Onbon BX-5E single/red-green controllers: each item's bitmap sent once, the controller moves it.

Followed document
-----------------
Onbon's "5th动态区域用户手册" (5th-generation dynamic area user manual, v1.5, 2018-03-12), published
by Onbon in https://github.com/onbonlab/BX-V-VI, file ``bx.dual.Aux.Data/5th动态区域用户手册.md``:

* §2 frame: eight 0xA5, a 16-byte header, the data, CRC16 of header and data, one 0x5A;
* §2.3 escaping: 0xA5→A6 02, 0xA6→A6 01, 0x5A→5B 02, 0x5B→5B 01 over header, data and CRC;
  lengths and the CRC are those of the unescaped bytes;
* §4 header: DstAddr, SrcAddr 0x8000, ProtocolVer 0xF0, reserved, DeviceType (BX-5E1 0x0154,
  BX-5E2 0x0254, BX-5E3 0x0354), 4 reserved, DataLen (4 bytes); everything little-endian (§1.5);
* §5.1 request (RtnReq, CmdGroup, Cmd, data) and reply (reserved, group, cmd, Status, Error,
  DataLen, data); §5.2.2 error numbers; §5.3 ACK (A0 00) and NACK (A0 01);
* §5.4.1 "更新动态区域信息" (CmdGroup 0xA7, Cmd 0x00): one dynamic area with its pages, each page
  with DisplayMode, Speed, StayTime (10 ms), RepeatTime, ValidLen and a bitmap;
* §5.5.2 "亮度调节命令" (0xA2 0x07): manual brightness, 16 levels, 48 half-hour values;
* Appendix 1 CRC16 (polynomial X^16+X^15+X^2+1, reflected, initial value 0 — CRC-16/ARC);
* Appendix 2 §1 the BX-5E bitmap: rows top to bottom, 8 lamps a byte, the leftmost in bit 7,
  for red/green signs a red byte then a green byte for the same 8 lamps; 0 is lit, 1 is dark;
  a row is padded to whole bytes with 1s. §1.2 gives 9600/57600 baud, 8N1; §3.2 TCP port 5005
  carries the same frames (``socket://host:5005``).

The Ping example of §5.5.1 (``… fe ff 00 80 f0 00 fe ff … C6 86 5a``) is reproduced by the tests.

Read into the document, not stated in it (not yet checked on a controller)
-------------------------------------------------------------------------
* PageDataLen ("每页的数据长度") is taken as the bytes of the page after that field: its 13
  bytes of settings and its bitmap (Onbon's BX-6 Java SDK, onbonlab/bx.dual.dyn.java, counts the
  page record after the field the same way).
* A strip wider than the sign is sent as sign-wide pages with DisplayMode 0x04 "向左连移"
  (continuous left move); the last page's ValidLen is its real width (§5.4.1: ValidLen matters in
  left/right moves and may not exceed the area width). ``page`` uses 0x01 "静止显示" with the
  zone's hold time; ``scroll-up`` uses 0x06 "向上连移" with zone-high pages.
* DeviceType 0xFFFE (the wildcard of the Ping example) unless ``model`` names the controller;
  DstAddr 0xFFFE (as in that example) unless ``address`` gives the screen number.
* Speed is a level: Onbon's bx_sdk_dual.dll interface document (same repository,
  ``bx.dual.cplus/doc/bx_sdk_dual.dll接口说明文档.md``, §2.2.1) gives 1–65 but no pixels per second
  or direction, so ``speed_level`` must be set when commissioning and the layout's px/s is unused.
* ImmePlay 1 (stored programs stop, the dynamic areas play); whether several areas sent with
  ImmePlay 1 show together is not stated. ``immediate: false`` sends ImmePlay 0 and RelateAllPro 1
  (play along with every stored program) instead.

Not implemented
---------------
BX-6E/6Q (the 6th-generation manual in the same folder splits area settings from bitmaps with
DataOffset and packs lamps in 32-bit words whose byte order is only drawn in a figure), BX-5Q
(RGB565; no serial port), BX-5K/6K font controllers (their protocol sends text for the
controller's own fonts; their bitmap area is 5K2/5MK only, a single page without effects, and its
bitmap layout is not described), area borders, voice, program files, deleting areas, clock,
power and sensor commands. RGB layouts are refused.
"""

from __future__ import annotations

import logging
import re
import struct
import time
from dataclasses import dataclass

import numpy as np

from players.led.layout import LedLayout, Zone
from players.led.outputs.base import BITS_PER_BYTE_ON_THE_WIRE, Frame, OutputError
from players.led.outputs.serial_link import Clock, SerialLink

log = logging.getLogger(__name__)

PREAMBLE, END = b"\xa5" * 8, b"\x5a"
SOURCE_ADDRESS, PROTOCOL_VERSION = 0x8000, 0xF0
ANY_DEVICE, BROADCAST = 0xFFFE, 0xFFFE
MODELS = {"BX-5E1": 0x0154, "BX-5E2": 0x0254, "BX-5E3": 0x0354}
HEADER = struct.Struct("<HHBBH4xI")  # DstAddr, SrcAddr, ProtocolVer, reserved, DeviceType, …, DataLen
DYNAMIC, SEND_AREA = 0xA7, 0x00
SYSTEM, BRIGHTNESS = 0xA2, 0x07
REPLY, ACK, NACK = 0xA0, 0x00, 0x01
STATIC, LEFT_CONTINUOUS, UP_CONTINUOUS = 0x01, 0x04, 0x06
AREA_TYPE = 0x10
MAX_AREAS = 4  # §1.1
MAX_AREA_BYTES = 300_000  # §1.3: "每个动态区域最大容量为300K"
SPEED_LEVELS = range(1, 66)
PAGE_SETTINGS = struct.Struct("<BBBBHBH4x")  # PageStyle, DisplayMode, ClearMode, Speed, StayTime, …
ERRORS = ("ERR_NO", "ERR_OUTOFGROUP", "ERR_NOCMD", "ERR_BUSY", "ERR_MEMORYVOLUME", "ERR_CHECKSUM",
          "ERR_FILENOTEXIST", "ERR_FLASH", "ERR_FILE_DOWNLOAD", "ERR_FILE_NAME", "ERR_FILE_TYPE",
          "ERR_FILE_CRC16", "ERR_FONT_NOT_EXIST", "ERR_FIRMWARE_TYPE", "ERR_DATE_TIME_FORMAT",
          "ERR_FILE_EXIST", "ERR_FILE_BLOCK_NUM", "ERR_CONTROLLER_TYPE", "ERR_SCREEN_PARA",
          "ERR_CONTROLLER_ID")


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


CRC_TABLE = _crc_table()  # Appendix 1's table (0x0000, 0xC0C1, 0xC181, … 0x4040)


def crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


_ESCAPE = {b"\xa5": b"\xa6\x02", b"\xa6": b"\xa6\x01", b"\x5a": b"\x5b\x02", b"\x5b": b"\x5b\x01"}
_UNESCAPE = {v: k for k, v in _ESCAPE.items()}
_TO_ESCAPE = re.compile(rb"[\xa5\xa6\x5a\x5b]")
_ESCAPED = re.compile(rb"[\xa6\x5b][\x01\x02]?")
_FRAMES = re.compile(rb"\xa5+([^\xa5\x5a]*)\x5a")


def escape(data: bytes) -> bytes:
    return _TO_ESCAPE.sub(lambda match: _ESCAPE[match.group()], data)


def unescape(data: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        if match.group() not in _UNESCAPE:
            raise ValueError(f"bad escape {match.group().hex()} in an Onbon frame")
        return _UNESCAPE[match.group()]

    return _ESCAPED.sub(one, data)


def frame(data: bytes, *, address: int = BROADCAST, device: int = ANY_DEVICE) -> bytes:
    """The bytes on the wire for one data field (§2): preamble, escaped header+data+CRC, end."""
    body = HEADER.pack(address, SOURCE_ADDRESS, PROTOCOL_VERSION, 0, device, len(data)) + data
    return PREAMBLE + escape(body + struct.pack("<H", crc16(body))) + END


def request(group: int, command: int, data: bytes) -> bytes:
    """A request data field (§5.1.1) asking for a reply."""
    return bytes((0x01, group, command)) + data


@dataclass(frozen=True, slots=True)
class Page:
    """One dynamic-area page: how it moves and its Appendix-2 bitmap."""

    display_mode: int
    speed: int
    stay: int  # 10 ms units
    valid_length: int
    bitmap: bytes
    repeat: int = 1

    def pack(self) -> bytes:
        settings = PAGE_SETTINGS.pack(0, self.display_mode, 0, self.speed, self.stay, self.repeat,
                                      self.valid_length)
        return struct.pack("<I", len(settings) + len(self.bitmap)) + settings + self.bitmap


@dataclass(frozen=True, slots=True)
class Area:
    """A dynamic area (§5.4.1) as sent: where it is and its pages."""

    area_id: int
    x: int
    y: int
    width: int
    height: int
    pages: tuple[Page, ...]
    immediate: bool = True
    run_mode: int = 0  # loop the pages until the next update


def send_area(area: Area) -> bytes:
    """The data field of "更新动态区域信息" for one area."""
    settings = struct.pack("<BBHBHB4xBHHHHBH", area.area_id, area.run_mode, 0, int(not area.immediate), 0,
                           int(area.immediate), AREA_TYPE, area.x, area.y, area.width, area.height, 0,
                           len(area.pages))
    body = settings + b"".join(page.pack() for page in area.pages)
    return request(DYNAMIC, SEND_AREA, b"\x00\x00" + struct.pack("<I", len(body)) + body)


def set_brightness(level: int) -> bytes:
    """The data field of "亮度调节命令", manual mode: ``level`` 0–15 in all 48 half hours."""
    return request(SYSTEM, BRIGHTNESS, struct.pack("<HB", 49, 0x00) + bytes([level]) * 48)


# -- bitmaps (Appendix 2 §1) --------------------------------------------------------------------

def lamps_of(strip: Frame, colour: str) -> np.ndarray:
    """Which lamps are lit, ``(h, w, 2)`` booleans (red, green); a mono sign has only "red"."""
    lamps = np.zeros((*strip.shape[:2], 2), dtype=bool)
    if colour == "mono":
        lamps[..., 0] = strip.max(axis=2) >= 128
    else:
        lamps[..., 0], lamps[..., 1] = strip[..., 0] >= 128, strip[..., 1] >= 128
    return lamps


def encode_bitmap(lamps: np.ndarray, colour: str) -> bytes:
    """Rows of 8 lamps a byte, bit 7 leftmost, 0 lit; red/green signs: red byte, green byte."""
    height, width, _ = lamps.shape
    padded = np.zeros((height, -(-width // 8) * 8, 2), dtype=bool)
    padded[:, :width] = lamps
    packed = np.packbits(~padded, axis=1)  # padding lamps are dark: 1 bits
    return (packed[..., 0] if colour == "mono" else packed).tobytes()


def decode_bitmap(bitmap: bytes, width: int, height: int, colour: str) -> np.ndarray:
    """The lamps of an Appendix-2 bitmap, ``(height, width, 2)`` booleans (red, green)."""
    planes = 1 if colour == "mono" else 2
    packed = np.frombuffer(bitmap, dtype=np.uint8).reshape(height, -1, planes)
    lit = ~np.unpackbits(packed, axis=1).astype(bool)[:, :width]
    lamps = np.zeros((height, width, 2), dtype=bool)
    lamps[..., :planes] = lit
    return lamps


def pages_of(lamps: np.ndarray, width: int, height: int, effect: str) -> list[tuple[np.ndarray, int]]:
    """Cut lamps into area-sized pages (dark padding) with each page's real extent along the motion."""
    if effect == "scroll-up":
        lamps = _fit(lamps, width, axis=1)
        return [(_fit(lamps[top:top + height], height, axis=0), min(height, lamps.shape[0] - top))
                for top in range(0, max(lamps.shape[0], 1), height)]
    lamps = _fit(lamps, height, axis=0)
    return [(_fit(lamps[:, left:left + width], width, axis=1), min(width, lamps.shape[1] - left))
            for left in range(0, max(lamps.shape[1], 1), width)]


def _fit(lamps: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Crop or pad (dark) ``lamps`` to ``size`` along ``axis``."""
    lamps = lamps[:size] if axis == 0 else lamps[:, :size]
    missing = size - lamps.shape[axis]
    if missing <= 0:
        return lamps
    pad = [(0, 0)] * lamps.ndim
    pad[axis] = (0, missing)
    return np.pad(lamps, pad)


# -- decoding (replies, and our own frames in tests) -------------------------------------------

@dataclass(frozen=True, slots=True)
class BxFrame:
    address: int
    source: int
    protocol: int
    device: int
    data: bytes
    crc_ok: bool


@dataclass(frozen=True, slots=True)
class Reply:
    group: int
    command: int
    status: int
    error: int
    data: bytes

    @property
    def ok(self) -> bool:
        return (self.group, self.command) == (REPLY, ACK) and not self.status & 1

    @property
    def error_name(self) -> str:
        return ERRORS[self.error] if self.error < len(ERRORS) else f"error {self.error}"


def decode_frames(stream: bytes) -> list[BxFrame]:
    """The frames in ``stream`` (any number of 0xA5 before each), unescaped and CRC-checked."""
    frames = []
    for match in _FRAMES.finditer(stream):
        try:
            body = unescape(match.group(1))
        except ValueError:  # line noise
            continue
        if len(body) < HEADER.size + 2:
            continue
        address, source, protocol, _, device, length = HEADER.unpack_from(body)
        end = HEADER.size + length
        crc_ok = len(body) == end + 2 and struct.unpack_from("<H", body, end)[0] == crc16(body[:end])
        frames.append(BxFrame(address, source, protocol, device, body[HEADER.size:end], crc_ok))
    return frames


def parse_reply(data: bytes) -> Reply:
    """A reply data field (§5.1.2); ValueError when it is too short to be one."""
    if len(data) < 9:
        raise ValueError(f"an Onbon reply has at least 9 bytes, not {len(data)}")
    _, group, command, status, error, length = struct.unpack_from("<BBBHHH", data)
    return Reply(group, command, status, error, data[9:9 + length])


def parse_area(data: bytes) -> Area:
    """A "更新动态区域信息" request data field back into an :class:`Area` (no borders)."""
    if data[1:3] != bytes((DYNAMIC, SEND_AREA)):
        raise ValueError(f"not a dynamic-area update: {data[:3].hex()}")
    area_id, run_mode, _, _, related = struct.unpack_from("<BBHBH", data, 9)
    at = 16 + 2 * related
    immediate, _, x, y, width, height, border, count = struct.unpack_from("<B4xBHHHHBH", data, at)
    if border:
        raise ValueError("areas with borders are not decoded")
    at += 17
    pages = []
    for _ in range(count):
        (length,) = struct.unpack_from("<I", data, at)
        _, mode, _, speed, stay, repeat, valid = PAGE_SETTINGS.unpack_from(data, at + 4)
        bitmap = data[at + 4 + PAGE_SETTINGS.size:at + 4 + length]
        pages.append(Page(mode, speed, stay, valid, bitmap, repeat))
        at += 4 + length
    return Area(area_id, x, y, width, height, tuple(pages), bool(immediate), run_mode)


# -- the output --------------------------------------------------------------------------------

class OnbonOutput:
    """A program output (``type: onbon``) for BX-5E1/5E2/5E3 controllers, one dynamic area a zone."""

    name = "onbon"

    def __init__(self, port: str, baud: int = 57600, *, speed_level: int | None = None,
                 model: str | None = None, address: int = BROADCAST, immediate: bool = True,
                 reply_timeout: float = 2.0, reopen_interval: float = 2.0,
                 clock: Clock = time.monotonic) -> None:
        if speed_level is None or int(speed_level) not in SPEED_LEVELS:
            raise OutputError(
                f"output onbon: speed_level {speed_level!r} must be set to a level 1–65: Onbon gives "
                "the scroll speed only as a level, not in pixels per second, so choose it by watching "
                "the sign (the layout's speed cannot be translated)")
        if model is not None and model not in MODELS:
            raise OutputError(f"output onbon: model {model!r} is not one of {', '.join(MODELS)} "
                              "(leave it out to address any controller)")
        self.port, self.baud, self.speed_level = port, int(baud), int(speed_level)
        self.device = MODELS[model] if model else ANY_DEVICE
        self.address, self.immediate, self.reply_timeout = int(address), bool(immediate), reply_timeout
        self.reopen_interval, self.clock = reopen_interval, clock
        self.link: SerialLink | None = None
        self.layout: LedLayout | None = None
        self.last_error: str | None = None
        self._brightness: int | None = None
        self._silent_warned = False

    def open(self, layout: LedLayout, fps: float) -> float:
        if layout.colour == "rgb":
            raise OutputError(f"a BX-5E drives single-colour and red/green signs; layout {layout.id} "
                              "is RGB: use a streaming output (window, tpm2) for full-colour panels")
        if len(layout.zones) > MAX_AREAS:
            raise OutputError(f"a BX-5E holds {MAX_AREAS} dynamic areas and layout {layout.id} has "
                              f"{len(layout.zones)} zones; merge zones")
        self.close()
        self.layout, self._brightness = layout, None
        self.link = SerialLink(self.port, self.baud, reopen_interval=self.reopen_interval, clock=self.clock)
        self.link.connect()
        log.info("onbon on %s: the controller scrolls at speed level %d (the layout's %g px/s has no "
                 "documented equivalent)", self.port, self.speed_level, layout.speed)
        return fps

    def play(self, zone: Zone, strip: Frame, effect: str, speed: float, brightness: int) -> None:
        if self.link is None or self.layout is None:
            raise RuntimeError("OnbonOutput.play() before open()")
        level = round(min(max(brightness, 0), 100) * 15 / 100)
        if level != self._brightness and self._send(set_brightness(level)):
            self._brightness = level
        self._send(send_area(self.area(zone, strip, effect)))

    def area(self, zone: Zone, strip: Frame, effect: str) -> Area:
        """The dynamic area that shows ``strip`` in ``zone`` (OutputError when it is too big)."""
        assert self.layout is not None
        width, colour = self.layout.width, self.layout.colour
        mode, stay = {"scroll-left": (LEFT_CONTINUOUS, 0), "scroll-up": (UP_CONTINUOUS, 0)}.get(
            effect, (STATIC, min(round(zone.hold * 100), 0xFFFF)))
        pages = tuple(Page(mode, self.speed_level, stay, valid if mode == LEFT_CONTINUOUS else width,
                           encode_bitmap(lamps, colour))
                      for lamps, valid in pages_of(lamps_of(strip, colour), width, zone.height, effect))
        size = sum(len(page.bitmap) for page in pages)
        if size > MAX_AREA_BYTES:
            raise OutputError(f"a strip {strip.shape[1]} px long needs {size:,} bytes; a BX-5E dynamic "
                              f"area holds {MAX_AREA_BYTES:,}: shorten the item")
        return Area(self.layout.zones.index(zone), 0, zone.y, width, zone.height, pages, self.immediate)

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        self.link = None

    def _send(self, data: bytes) -> bool:
        """Write one request; with ``reply_timeout`` wait for the ACK and log a NACK or silence."""
        assert self.link is not None
        wire = frame(data, address=self.address, device=self.device)
        if self.reply_timeout:
            self.link.read(65536, 0)  # a late reply to an earlier command must not answer this one
        if not self.link.write(wire):
            return False
        if not self.reply_timeout:
            return True
        reply = self._reply(self.reply_timeout + len(wire) * BITS_PER_BYTE_ON_THE_WIRE / self.baud)
        if reply is None:
            self._silent(data)
            return False
        self._silent_warned = False
        self.last_error = None if reply.ok else reply.error_name
        if not reply.ok:
            log.warning("onbon controller on %s refused command %02X %02X: %s", self.port, data[1], data[2],
                        reply.error_name)
        return reply.ok

    def _reply(self, timeout: float) -> Reply | None:
        assert self.link is not None
        frames = [f for f in decode_frames(self.link.read_until(END, timeout)) if f.crc_ok]
        try:
            return parse_reply(frames[-1].data) if frames else None
        except ValueError:
            return None

    def _silent(self, data: bytes) -> None:
        self.last_error = "no reply"
        if not self._silent_warned:
            self._silent_warned = True
            log.warning("onbon controller on %s did not answer command %02X %02X within %g s; check the "
                        "baud rate (9600 or 57600), the screen address (%#06x) and the RS-232/485 wiring",
                        self.port, data[1], data[2], self.reply_timeout, self.address)

