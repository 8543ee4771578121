"""LED player benchmark: CPU per frame against drawing the text every frame, and peak memory.

The LED player renders each item's text once into a strip and composes every frame as a window
slid over the strips by a monotonic clock (``players/led/compose.py``). This measures, in one run:

- per-frame CPU of ``LedRenderer.step`` (all a headless player does per frame: pending work,
  ``Composer.render``, proof of play, the output) on a virtual clock advancing 1/fps per frame,
  so items keep entering and leaving and their strip rendering is included, amortised; also
  ``Composer.render`` alone. Mean, p50, p99, worst frame and frames/s, best of ``--runs``;
- the naive baseline, measured in the same run: every frame drawn from scratch with Pillow
  (``ImageDraw.text`` of the title, the clock and each visible item's runs at x = start − offset
  into a fresh image, same font, ``fontmode = "1"``, then ``np.asarray``). It keeps the same
  tape, in the same order, with each item's width measured once (kinder to the baseline than
  measuring every frame), and lights the same lamps (the counts are printed side by side);
- both again in real time, paced like the player's loop (a frame, then sleep to the next tick),
  next to a control: what waking from that sleep costs any code on this machine;
- both on a 192×32 mono sign (a 16-px title zone with a clock, a 16-px scroll zone: Unifont) and
  a 256×64 RGB sign (a 24-px title zone with a clock, a 40-px scroll zone: the outline CJK font);
- the cost of fetching the next item (``Playlist.next``) with a ``--items`` playlist;
- peak RSS of a headless LED player holding a ``--items`` playlist, in fresh interpreters: one
  builds the plan and runs ``LedRenderer`` with ``PreviewOutput`` for ``--rss-frames`` frames,
  one imports the same modules and builds the same plan without rendering, so the renderer's
  own share shows;
- the real thing: ``signage player led --output preview`` for one screen of a generated county
  (about ``--items`` LED entries) published to a loopback mosquitto: VmHWM idle, at the ack and
  after ``--player-seconds`` of scrolling, and its CPU share meanwhile (skip: ``--no-player``).

Targets (the LED issue): ≤ 0.05 ms per frame and ≥ 50× faster than the naive baseline on the
192×32 mono sign; peak RSS ≤ 80 MB with a 5,000-item playlist.

    python bench/led.py [--frames 20000] [--naive-frames 3000] [--runs 3] [--items 5000]
                        [--rss-frames 30000] [--paced-frames 600] [--player-seconds 20] [--no-player]
    python bench/led.py --quick            # CI-sized: about a minute
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from check_catalogue import CHILD_PRELUDE, DOMAINS, VirtualClock, Writer, unit_specs  # noqa: E402

from players.led.compose import Composer  # noqa: E402
from players.led.glyphs import GlyphSet, Run  # noqa: E402
from players.led.layout import LedLayout, Zone, parse_layout  # noqa: E402
from players.led.outputs.preview import PreviewOutput  # noqa: E402
from players.led.playlist import Playlist  # noqa: E402
from players.led.renderer import LedRenderer  # noqa: E402
from players.plan import Entry, Plan  # noqa: E402
from signage.text.fonts import LED_ROWS, find_bitmap_font, find_cjk_font, load_pillow_font  # noqa: E402

TARGET_FRAME_MS = 0.05
TARGET_RATIO = 50.0
TARGET_RSS_MB = 80.0

PANELS: dict[str, dict[str, Any]] = {
    "192×32 mono": {
        "id": "bench-192x32-mono", "width": 192, "height": 32, "colour": "mono", "speed": 48,
        "zones": [{"name": "title", "y": 0, "height": 16, "text": "政务公开", "clock": True},
                  {"name": "scroll", "y": 16, "height": 16, "effect": "scroll-left"}],
    },
    "256×64 RGB": {
        "id": "bench-256x64-rgb", "width": 256, "height": 64, "colour": "rgb", "speed": 64,
        "zones": [{"name": "title", "y": 0, "height": 24, "text": "台安县政务公开", "clock": True},
                  {"name": "scroll", "y": 24, "height": 40, "effect": "scroll-left"}],
    },
}
TARGET_PANEL = "192×32 mono"


# --- content ------------------------------------------------------------------------------------


def make_entries(count: int, seed: int) -> tuple[list[Entry], dict[str, dict[str, str]]]:
    """``count`` power items over 65 units, named as in a county catalogue (10–40 characters)."""
    writer = Writer(Path("unused"), seed)  # only its vocabulary and random choices; writes nothing
    specs = unit_specs(65)
    entries = []
    for n in range(count):
        unit = specs[n % len(specs)]
        vocab = DOMAINS[unit.domain]
        power_type, name = _item(writer, vocab)
        key = f"{unit.prefix}-{n:05d}"
        entries.append(Entry(
            kind="powers", unit=unit.folder, key=key, ref=hashlib.sha256(key.encode()).hexdigest(),
            data={"code": key, "name": name, "power_type": power_type,
                  "department": writer.rng.choice(vocab["depts"]),
                  "supervision_phone": f"0412-48{unit.index % 100:02d}110"}))
    units = {u.folder: {"name": u.name, "short_name": u.short_name} for u in specs}
    return entries, units


def _item(writer: Writer, vocab: dict[str, list[str]]) -> tuple[str, str]:
    """A (type, name) with a name of 10–40 characters (a few tries; short ones get the action)."""
    for _ in range(20):
        power_type = writer.pick_type(vocab)
        name, _thing = writer.item_name(power_type, vocab)
        if 10 <= len(name) <= 40:
            return power_type, name
    return power_type, (name + "（新办、变更、延续、注销）")[:40]


def make_plan(layout: dict[str, Any], entries: list[Entry], units: dict[str, dict[str, str]]) -> Plan:
    return Plan(version=1, screen="bench-led", kind="led", site="", layout=layout, county={},
                units=units, entries=tuple(entries), plan_id="0" * 64, object_ids=frozenset())


# --- ours -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Timing:
    samples: np.ndarray  # ns per frame
    first_ms: float  # the first frame: layout, fonts, playlist set-up (not in samples)
    played: int  # items that fully passed

    def ms(self, q: float | None = None) -> float:
        values = self.samples if q is None else np.percentile(self.samples, q)
        return float(np.mean(values)) / 1e6


def time_renderer(plan: Plan, frames: int, fps: float, *, paced: bool = False) -> Timing:
    """``LedRenderer.step`` per frame, as the headless player's render loop calls it."""
    clock = VirtualClock()
    renderer = LedRenderer(PreviewOutput(fps=fps), plan.screen, fps=fps, clock=clock, wall=clock.wall)
    renderer.show(plan)
    played: list[Entry] = []
    return timed_frames(lambda now: renderer.step(now, played.append), clock, range(1, frames), fps,
                        played, paced=paced)


def time_composer(plan: Plan, frames: int, fps: float) -> Timing:
    """``Composer.render`` alone (the frame itself), with the player's playlist as its source."""
    clock = VirtualClock()
    layout = parse_layout(plan.layout)
    playlist = Playlist(layout.template, clock.wall)
    playlist.update(plan)
    composer = Composer(layout, playlist.next, wall=clock.wall)
    played: list[Entry] = []

    def render(now: float) -> None:
        composer.render(now)
        played.extend(composer.passed)
        composer.passed.clear()

    return timed_frames(render, clock, range(1, frames), fps, played)


def timed_frames(frame: Callable[[float], object], clock: VirtualClock, numbers: range, fps: float,
                 played: list[Entry], *, paced: bool = False) -> Timing:
    """Frame 0 (set-up), then each frame ``numbers`` at n / fps, timed. ``paced``: sleep to the next
    1/fps tick after each frame, as the player's loop does (so caches cool down in between)."""
    gc.collect()
    start = time.perf_counter_ns()
    frame(0.0)
    first = time.perf_counter_ns() - start
    samples = np.empty(len(numbers), np.int64)
    tick = time.perf_counter()
    for i, n in enumerate(numbers):
        clock.now = now = n / fps
        start = time.perf_counter_ns()
        frame(now)
        samples[i] = time.perf_counter_ns() - start
        if paced:
            tick += 1 / fps
            time.sleep(max(0.0, tick - time.perf_counter()))
    return Timing(samples, first / 1e6, len(played))


# --- the naive baseline -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Text:
    start: int  # tape position of the left edge
    runs: tuple[Run, ...]
    width: int


class NaiveSign:
    """Every frame drawn from scratch with Pillow: a fresh image, ``ImageDraw.text`` for the title,
    the clock and each visible run, then converted to the (H, W, 3) frame the composer returns.

    Same items in the same order (the player's Playlist), same tape geometry and colours, same
    fonts and baselines as the player; item widths are measured once when an item is placed."""

    def __init__(self, layout: LedLayout, plan: Plan, wall: Callable[[], dt.datetime]) -> None:
        self.layout, self.wall = layout, wall
        self.playlist = Playlist(layout.template, wall)
        self.playlist.update(plan)
        self.fonts: dict[int, tuple[ImageFont.FreeTypeFont, int]] = {}
        for zone in layout.zones:
            if zone.row not in self.fonts:
                font_file = find_bitmap_font() if zone.row == LED_ROWS else find_cjk_font()
                baseline = GlyphSet(zone.row, font_file).baseline  # the player's vertical placement
                self.fonts[zone.row] = (load_pillow_font(font_file, zone.row), baseline)
        self.tape: deque[_Text] = deque()
        self.tape_end = 0
        self.separator = (Run(layout.separator, "tag"),)

    def render(self, now: float) -> np.ndarray:
        image = Image.new("RGB", (self.layout.width, self.layout.height))
        draw = ImageDraw.Draw(image)
        draw.fontmode = "1"
        for zone in self.layout.zones:
            if zone.scrolls:
                self._scroll(draw, zone, now)
            else:
                self._fixed(draw, zone)
        return np.asarray(image)

    def _fixed(self, draw: ImageDraw.ImageDraw, zone: Zone) -> None:
        font, baseline = self.fonts[zone.row]
        y = zone.y + (zone.height - zone.row) // 2 + baseline
        clock = self.wall().strftime("%H:%M") if zone.clock else ""
        clock_width = self._width(font, clock)
        if zone.text:
            room = self.layout.width - (clock_width + 4 if clock else 0)
            title_width = self._width(font, zone.text)
            x = {"left": 0, "centre": (room - title_width) // 2, "right": room - title_width}[zone.align]
            draw.text((max(0, x), y), zone.text, font=font, fill=self.layout.colour_of("title"), anchor="ls")
        if clock:
            draw.text((self.layout.width - clock_width, y), clock, font=font,
                      fill=self.layout.colour_of("clock"), anchor="ls")

    def _scroll(self, draw: ImageDraw.ImageDraw, zone: Zone, now: float) -> None:
        font, baseline = self.fonts[zone.row]
        position = int(now * self.layout.speed)
        left = position - self.layout.width
        self._fill(font, position)
        while self.tape and self.tape[0].start + self.tape[0].width <= left:
            self.tape.popleft()
        y = zone.y + (zone.height - zone.row) // 2 + baseline
        for text in self.tape:
            if text.start >= position:
                break
            x = text.start - left
            for run in text.runs:
                draw.text((x, y), run.text, font=font, fill=self.layout.colour_of(run.role), anchor="ls")
                x += self._width(font, run.text)

    def _fill(self, font: ImageFont.FreeTypeFont, position: int) -> None:
        while self.tape_end <= position:
            item = self.playlist.next()
            if item is None:
                self.tape_end = position + 1
                return
            for runs in (item.runs, self.separator):
                width = sum(self._width(font, run.text) for run in runs)
                self.tape.append(_Text(self.tape_end, runs, width))
                self.tape_end += width + self.layout.gap

    @staticmethod
    def _width(font: ImageFont.FreeTypeFont, text: str) -> int:
        """Advance as the player's glyph masks have it: each character's, rounded."""
        return sum(max(1, round(font.getlength(char))) for char in text)


def time_naive(plan: Plan, frames: int, naive_frames: int, fps: float, *, paced: bool = False) -> Timing:
    """The baseline at ``naive_frames`` instants spread over the same ``frames`` frames' time."""
    clock = VirtualClock()
    sign = NaiveSign(parse_layout(plan.layout), plan, clock.wall)
    stride = max(1, frames // naive_frames)
    return timed_frames(sign.render, clock, range(stride, frames, stride), fps, [], paced=paced)


@dataclass(slots=True)
class Agreement:
    """Lamps lit over the compared frames: ours, the baseline's, and lit in both."""

    ours: int = 0
    naive: int = 0
    both: int = 0
    frames: int = 0

    @property
    def exact(self) -> float:
        either = self.ours + self.naive - self.both
        return self.both / either if either else 1.0


def wake_cost(frames: int, fps: float) -> tuple[float, float]:
    """(tight, paced) p50 ms of a fixed small frame's worth of work — a Python loop and eight
    strip-to-frame copies — so the paced figures can be read against what a sleep between frames
    costs any code on this machine (cold caches, a descheduled CPU)."""
    frame = np.zeros((64, 256, 3), np.uint8)
    strip = np.ones((40, 600, 3), np.uint8)

    def work(now: float) -> int:
        total = 0
        for i in range(200):
            total += i
        for x in range(0, 40, 5):
            frame[24:64, :] = strip[:, x:x + 256]
        return total

    timings = [timed_frames(work, VirtualClock(), range(1, frames), fps, [], paced=paced)
               for paced in (False, True)]
    return timings[0].ms(50), timings[1].ms(50)


def agreement(plan: Plan, frames: int, fps: float) -> Agreement:
    """Ours and the baseline side by side: the baseline must draw the same text, not less."""
    clock = VirtualClock()
    renderer = LedRenderer(PreviewOutput(fps=fps), plan.screen, fps=fps, clock=clock, wall=clock.wall)
    renderer.show(plan)
    sign = NaiveSign(parse_layout(plan.layout), plan, clock.wall)
    result = Agreement(frames=frames)
    for n in range(frames):
        clock.now = n / fps
        ours = renderer.step(clock.now, lambda entry: None).any(axis=2)  # type: ignore[union-attr]
        theirs = sign.render(clock.now).any(axis=2)
        result.ours += int(np.count_nonzero(ours))
        result.naive += int(np.count_nonzero(theirs))
        result.both += int(np.count_nonzero(ours & theirs))
    return result


# --- peak RSS in fresh interpreters ------------------------------------------------------------------

# Imports what a headless LED player holds (runtime, renderer, preview output), builds the plan
# from the spec file, renders ``frames`` frames unless told not to, and reports its own memory.
_CHILD = CHILD_PRELUDE + r"""
import time
import players.runtime
from players.led.outputs.preview import PreviewOutput
from players.led.renderer import LedRenderer
from players.plan import Entry, Plan

out = {"imports_hwm_kb": hwm_kb(), "frames": 0, "played": 0}
with open(sys.argv[2], encoding="utf-8") as spec_file:
    spec = json.load(spec_file)
entries = tuple(Entry(*row) for row in spec.pop("entries"))
plan = Plan(1, "bench-led", "led", "", spec["layout"], {}, spec["units"], entries, "0" * 64,
            frozenset())
out.update(entries=len(plan.entries), plan_hwm_kb=hwm_kb())
if sys.argv[3] == "render":
    fps, now = spec["fps"], [0.0]
    renderer = LedRenderer(PreviewOutput(fps=fps), plan.screen, fps=fps, clock=lambda: now[0])
    renderer.show(plan)
    played = []
    started = time.process_time()
    for n in range(spec["frames"]):
        now[0] = n / fps
        renderer.step(now[0], played.append)
    tape = [d for _, d in renderer.composer.zones if hasattr(d, "pieces")]
    out.update(frames=renderer.output.shown, played=len(played), cpu_s=time.process_time() - started,
               glyphs=sum(len(p.painter.glyphs._masks) for p in tape),
               strips_held=sum(len(p.pieces) for p in tape))
out.update(hwm_kb=hwm_kb(), maxrss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(json.dumps(out))
"""


def write_spec(folder: Path, name: str, layout: dict[str, Any], entries: list[Entry],
               units: dict[str, dict[str, str]], frames: int, fps: float) -> Path:
    path = folder / f"{name}.json"
    rows = [[e.kind, e.unit, e.key, e.ref, e.data] for e in entries]
    path.write_text(json.dumps({"layout": layout, "units": units, "entries": rows, "frames": frames,
                                "fps": fps}, ensure_ascii=False), "utf-8")
    return path


def start_child(spec: Path, mode: str) -> subprocess.Popen[str]:
    """The child runs under a forking shell: on Linux a process's ru_maxrss starts from its
    parent's peak at fork/exec, and the shell (itself small) is what forks it."""
    command = shlex.join([sys.executable, "-c", _CHILD, str(ROOT), str(spec), mode])
    return subprocess.Popen(["/bin/sh", "-c", f"{command}; exit $?"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish_child(proc: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"memory subprocess failed:\n{stderr}")
    return json.loads(stdout.strip().splitlines()[-1])


def _mb(kb: float | None) -> float:
    if kb is None:
        return float("nan")
    return kb / 2**20 if sys.platform == "darwin" else kb / 1024  # ru_maxrss: bytes there, KB here


# --- the real player: `signage player led --output preview` against a broker ------------------------


@dataclass(slots=True)
class PlayerRun:
    entries: int  # entries in the version the player acknowledged
    ack_seconds: float  # publish → the player's ack (fetch, verify, resolve, show)
    hwm_idle_kb: int  # connected, imports done, no version yet
    hwm_at_ack_kb: int
    hwm_kb: int  # VmHWM after ``seconds`` of scrolling
    rss_kb: int
    cpu_share: float  # of one core while scrolling
    seconds: float


def write_fleet(folder: Path, layout: dict[str, Any]) -> None:
    """One LED screen showing every unit's power items, on ``layout`` (JSON is YAML)."""
    folder.mkdir(parents=True)
    body = json.dumps({"layout": {**layout, "kind": "led"}}, ensure_ascii=False, indent=1)
    (folder / f"{layout['id']}.yaml").write_text(body + "\n", "utf-8")
    (folder / "screens.yaml").write_text(
        f"screens:\n  - id: bench-led\n    kind: led\n    layout: {layout['id']}\n"
        "    select:\n      show: [powers]\n", "utf-8")


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS (KB) of a process: its own peak, whoever started it."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def acked(events: Path) -> dict[str, Any] | None:
    if not events.exists():
        return None
    for line in events.read_text("utf-8").splitlines():
        event = json.loads(line)
        if event.get("type") == "ack" and event.get("screen") == "bench-led":
            return event
    return None


def real_player(tmp: Path, layout: dict[str, Any], items: int, seconds: float, fps: float,
                seed: int) -> PlayerRun:
    """Publishes a generated ``items``-item county to one LED screen on a loopback mosquitto and
    runs ``signage player led --output preview`` for it; its memory and CPU from /proc."""
    from check_catalogue import generate

    from signage.contract.keys import PUBLIC_KEY_FILE, init_keys
    from signage.fleet.broker import EmbeddedBroker
    from signage.publishing.publisher import EVENT_LOG, Publisher

    generate(tmp / "content", 65, 2 * items, seed)  # about half the generated items are for LED signs
    write_fleet(tmp / "layouts", layout)
    data = tmp / "publisher"
    init_keys(data)
    with EmbeddedBroker(tmp / "broker") as broker:
        config = tmp / "player.yaml"
        config.write_text(json.dumps({
            "screen": "bench-led", "broker": broker.url, "public_keys": [str(data / PUBLIC_KEY_FILE)],
            "cache_dir": str(tmp / "cache"), "object_timeout": 120,
            "renderer": {"fps": fps, "output": {"type": "preview", "fps": fps}}}), "utf-8")
        publisher = Publisher(tmp / "content", tmp / "layouts", broker.url, data)
        publisher.start()
        log = (tmp / "player.log").open("wb")
        player = subprocess.Popen([str(Path(sys.executable).parent / "signage"), "player", "led",
                                   "--config", str(config)], stdout=log, stderr=subprocess.STDOUT)
        try:
            return _watch_player(player, publisher, data / EVENT_LOG, seconds)
        finally:
            player.terminate()
            try:
                player.wait(15)
            except subprocess.TimeoutExpired:
                player.kill()
                player.wait()
            log.close()
            publisher.stop()


def _watch_player(player: subprocess.Popen[bytes], publisher: Any, events: Path,
                  seconds: float) -> PlayerRun:
    idle = wait_idle(player)
    published = time.monotonic()
    publisher.publish()
    deadline = published + 600
    while (ack := acked(events)) is None:
        if player.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the player did not acknowledge the version (see player.log)")
        time.sleep(0.1)
    ack_seconds = time.monotonic() - published
    at_ack = proc_status(player.pid)
    time.sleep(2.0)  # the cache commit after the ack is not scrolling
    cpu_before, started = cpu_seconds(player.pid), time.monotonic()
    time.sleep(seconds)
    cpu = cpu_seconds(player.pid) - cpu_before
    elapsed = time.monotonic() - started
    end = proc_status(player.pid)
    return PlayerRun(int(ack.get("entries", 0)), ack_seconds, idle, at_ack["VmHWM"], end["VmHWM"],
                     end["VmRSS"], cpu / elapsed, elapsed)


def wait_idle(player: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """VmHWM once the player has started and sits idle (no CPU for 0.5 s): imports, connection."""
    deadline = time.monotonic() + timeout
    last = -1.0
    while time.monotonic() < deadline and player.poll() is None:
        used = cpu_seconds(player.pid)
        if used == last:
            break
        last = used
        time.sleep(0.5)
    return proc_status(player.pid)["VmHWM"]


# --- report ---------------------------------------------------------------------------------------------


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def runs(timings: list[Timing]) -> str:
    return "runs " + " ".join(f"{t.ms():.4f}" for t in timings)


def describe(name: str, timing: Timing, rounds: list[Timing]) -> str:
    late = np.count_nonzero(timing.samples > 1e9 / 60)
    return (f"{name}: mean {timing.ms():.4f} ms, p50 {timing.ms(50):.4f}, p99 {timing.ms(99):.4f}, "
            f"worst {timing.samples.max() / 1e6:.2f} ms ({late} over 16.7 ms) over "
            f"{len(timing.samples) + 1:,} frames ({runs(rounds)}); {1e3 / timing.ms():,.0f} frames/s; "
            f"first frame {timing.first_ms:.1f} ms; {timing.played} items passed")


def bench_panel(name: str, plan: Plan, args: argparse.Namespace) -> tuple[float, float, float]:
    """Times one panel in rounds (ours, Composer alone, naive), prints the best of each round's
    means; returns (ours ms, naive ms, ratio)."""
    rounds: dict[str, list[Timing]] = {"step": [], "compose": [], "naive": []}
    for _ in range(args.runs):
        rounds["step"].append(time_renderer(plan, args.frames, args.fps))
        rounds["compose"].append(time_composer(plan, args.frames, args.fps))
        rounds["naive"].append(time_naive(plan, args.frames, args.naive_frames, args.fps))
    step, compose, naive = (min(runs, key=lambda t: t.ms()) for runs in rounds.values())
    agree = agreement(plan, min(args.frames, 600), args.fps)
    ratio = naive.ms() / step.ms()
    print(f"--- {name} ({args.fps:g} fps virtual clock, {args.frames / args.fps:,.0f} s of scrolling, "
          f"best of {args.runs}; load average now {_load()})")
    print("  " + describe("ours, LedRenderer.step", step, rounds["step"]))
    print("  " + describe("  of which Composer.render alone", compose, rounds["compose"]))
    print(f"  naive, Pillow draws every frame: mean {naive.ms():.3f} ms, p50 {naive.ms(50):.3f}, "
          f"p99 {naive.ms(99):.3f} over {len(naive.samples):,} frames spread over the same time "
          f"({runs(rounds['naive'])}); {1e3 / naive.ms():,.0f} frames/s")
    note = "" if agree.exact > 0.995 else " (Pillow's whole-string layout puts some glyphs a lamp off)"
    print(f"  same text drawn: lamps lit ours {agree.ours:,}, naive {agree.naive:,} over {agree.frames} "
          f"frames; {agree.exact:.1%} lit in both{note}")
    if args.paced_frames > 1:
        paced = time_renderer(plan, args.paced_frames, args.fps, paced=True)
        paced_naive = time_naive(plan, args.paced_frames, args.paced_frames, args.fps, paced=True)
        print(f"  paced like the player's loop (a frame, then sleep to the next 1/{args.fps:g} s tick; "
              f"{args.paced_frames} frames): ours mean {paced.ms():.4f} ms, p50 {paced.ms(50):.4f}, "
              f"p99 {paced.ms(99):.4f}; naive mean {paced_naive.ms():.3f} ms, p50 "
              f"{paced_naive.ms(50):.3f} → {paced_naive.ms() / paced.ms():.0f}×")
    target = f"target ≤ {TARGET_FRAME_MS} ms and ≥ {TARGET_RATIO:.0f}×: " if name == TARGET_PANEL else ""
    verdict = _mark(step.ms() <= TARGET_FRAME_MS and ratio >= TARGET_RATIO) if target else "no target"
    print(f"{name}: ours {step.ms():.4f} ms/frame (p99 {step.ms(99):.4f}), naive {naive.ms():.3f} "
          f"ms/frame → {ratio:.0f}× (p50 to p50 {naive.ms(50) / step.ms(50):.0f}×) ({target}{verdict})")
    return step.ms(), naive.ms(), ratio


def playlist_cost(plan: Plan, calls: int = 50) -> float:
    """ms per ``Playlist.next`` (the work to fetch the next item) with this plan's entries."""
    playlist = Playlist(parse_layout(plan.layout).template, VirtualClock().wall)
    playlist.update(plan)
    start = time.perf_counter_ns()
    for _ in range(calls):
        playlist.next()
    return (time.perf_counter_ns() - start) / calls / 1e6


def report_rss(rss: dict[str, tuple[dict[str, Any], dict[str, Any]]], items: int) -> bool:
    ok = True
    for name, (render, plain) in rss.items():
        peak, base = _mb(render["maxrss_kb"]), _mb(plain["maxrss_kb"])
        met = peak <= TARGET_RSS_MB
        ok = ok and met if name == TARGET_PANEL else ok
        target = f" (target ≤ {TARGET_RSS_MB:.0f} MB: {_mark(met)})" if name == TARGET_PANEL else ""
        print(f"{name}: peak RSS {peak:.1f} MB rendering {render['frames']:,} frames with a "
              f"{items:,}-item playlist{target}; plan only, no rendering {base:.1f} MB → the "
              f"renderer's own share {peak - base:+.1f} MB")
        print(f"  VmHWM {render['hwm_kb'] / 1024:.1f} MB / {plain['hwm_kb'] / 1024:.1f} MB "
              f"(imports alone {plain['imports_hwm_kb'] / 1024:.1f} MB); {render['played']} items "
              f"passed, {render['glyphs']} glyph masks cached, {render['strips_held']} strips held "
              f"at the end; {render['cpu_s']:.1f} s CPU")
    return ok


def report_player(run: PlayerRun, fps: float) -> None:
    met = _mark(run.hwm_kb / 1024 <= TARGET_RSS_MB)
    print(f"real player (`signage player led --output preview`, {TARGET_PANEL}, loopback mosquitto, "
          f"generated county): {run.entries:,} entries acknowledged {run.ack_seconds:.1f} s after "
          f"publish; peak RSS (VmHWM) {run.hwm_kb / 1024:.1f} MB after {run.seconds:.0f} s scrolling at "
          f"{fps:g} fps (target ≤ {TARGET_RSS_MB:.0f} MB: {met})")
    print(f"  VmHWM started and idle {run.hwm_idle_kb / 1024:.1f} MB, at the ack "
          f"{run.hwm_at_ack_kb / 1024:.1f} MB; RSS now {run.rss_kb / 1024:.1f} MB; CPU while scrolling "
          f"{run.cpu_share:.1%} of a core (≈ {run.cpu_share * 1e3 / fps:.3f} ms per frame: runtime thread, "
          "MQTT client and pacing included)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=20_000, help="frames timed per panel and run")
    parser.add_argument("--naive-frames", type=int, default=3_000,
                        help="baseline frames per run (spread over the same time; it is slow)")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds per panel; the best counts")
    parser.add_argument("--items", type=int, default=5_000, help="entries in the playlist")
    parser.add_argument("--rss-frames", type=int, default=30_000, help="frames the memory child renders")
    parser.add_argument("--paced-frames", type=int, default=600,
                        help="frames timed again in real time, paced like the player (0: skip)")
    parser.add_argument("--player-seconds", type=float, default=20.0,
                        help="seconds the real player scrolls before its memory is read")
    parser.add_argument("--no-player", action="store_true",
                        help="skip the real player (it needs mosquitto and generates a county)")
    parser.add_argument("--fps", type=float, default=60.0, help="frame rate (virtual clock; real player)")
    parser.add_argument("--seed", type=int, default=20260527)
    parser.add_argument("--quick", action="store_true",
                        help="CI-sized: 3,000 frames, 300 naive, 120 paced, 3,000 memory frames, 5 s player")
    args = parser.parse_args(argv)
    if args.quick:
        args.frames, args.naive_frames, args.rss_frames = 3_000, 300, 3_000
        args.paced_frames, args.player_seconds = 120, 5.0
    if min(args.frames - 1, args.naive_frames, args.items, args.rss_frames, args.runs) < 1:
        parser.error("--frames must be at least 2; --naive-frames, --items, --rss-frames, --runs at least 1")

    print(f"Python {platform.python_version()} · numpy {np.__version__} · Pillow {Image.__version__} · "
          f"{os.cpu_count()} CPUs · {platform.machine()} · load average {_load()}")
    entries, units = make_entries(args.items, args.seed)
    lengths = [len(e.data["name"]) for e in entries]
    print(f"playlist: {len(entries):,} power items in {len(units)} units; names {min(lengths)}–"
          f"{max(lengths)} characters (mean {sum(lengths) / len(lengths):.0f})")
    plans = {name: make_plan(layout, entries, units) for name, layout in PANELS.items()}

    # Memory first, in fresh interpreters, before anything here is timed (they share the CPUs).
    with tempfile.TemporaryDirectory(prefix="bench-led-") as tmp:
        children = {}
        for n, (name, layout) in enumerate(PANELS.items()):
            spec = write_spec(Path(tmp), f"panel{n}", layout, entries, units, args.rss_frames, args.fps)
            children[name] = (start_child(spec, "render"), start_child(spec, "plan"))
        rss = {name: (finish_child(render), finish_child(plain))
               for name, (render, plain) in children.items()}
    player = None
    if not args.no_player:
        with tempfile.TemporaryDirectory(prefix="bench-led-player-") as tmp:
            try:
                player = real_player(Path(tmp), PANELS[TARGET_PANEL], args.items, args.player_seconds,
                                     args.fps, args.seed)
            except Exception as exc:  # no mosquitto, a port in use …: the rest still stands
                print(f"real player not measured: {exc}")

    print(f"Playlist.next with {args.items:,} entries: {playlist_cost(plans[TARGET_PANEL]):.2f} ms per "
          "item fetched (once per item, inside one frame)")
    if args.paced_frames > 1:
        tight, paced = wake_cost(args.paced_frames, args.fps)
        print(f"this machine after a sleep: a fixed small workload (a Python loop, 8 strip copies) "
              f"takes p50 {paced:.4f} ms paced, {tight:.4f} ms in a tight loop ({paced / tight:.1f}×); "
              "the paced figures below pay that too")
    results = {name: bench_panel(name, plan, args) for name, plan in plans.items()}
    print("--- peak memory (fresh interpreters: imports, plan, rendering)")
    rss_ok = report_rss(rss, args.items)
    if player is not None:
        report_player(player, args.fps)
        rss_ok = rss_ok and player.hwm_kb / 1024 <= TARGET_RSS_MB
    ours, _naive, ratio = results[TARGET_PANEL]
    met = ours <= TARGET_FRAME_MS and ratio >= TARGET_RATIO and rss_ok
    print(f"targets ({TARGET_PANEL}: ≤ {TARGET_FRAME_MS} ms/frame, ≥ {TARGET_RATIO:.0f}× naive; "
          f"peak RSS ≤ {TARGET_RSS_MB:.0f} MB): {'all met' if met else 'NOT all met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
