"""An administrative power item's flowchart (办理流程图), drawn from its steps for printed boards.

Units give their flow as ordered steps with optional branches; boards print it as a standard
flowchart (GB/T 1526 / ISO 5807 symbols): rounded terminals 开始/结束, a rectangle per step, a
diamond after every step that branches, each branch's condition beside its arrow.

Placement, chosen so that the usual government flows read straight down:

* the main column holds the steps in order, joined by downward arrows;
* a *side chain* — the step right after a decision, reached only from it, that rejoins the flow
  further down or ends (一次性告知补正, 撤销立案, 陈述申辩和听证) — sits in a right-hand column, so
  the ordinary path stays in the main column;
* a branch to an outcome that is not a step (结束, 不予受理) goes right to a rounded terminal;
* loops back run along lanes in the right margin when nothing is beside them there, jumps forward
  (and the other loops) along lanes in the left margin, into the target's side.

Everything is laid out in millimetres against the real font (see ``canvas``), so the PDF and
PNG backends draw the same chart and tests can check it without parsing either.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from signage.diagrams.shapes import PT, Colour, Fonts, Line, Polygon, Rect, Shape, Text, arrow
from signage.text.linebreak import Measure, wrap

MIN_SIZE = 6.5  # points: nothing on a board is set smaller
LEAD = 1.3  # line pitch, in ems
ASCENT, DESCENT = 0.88, 0.12  # of an ideograph, in ems: the text box used for layout
END = "结束"
TERMINAL_FILL: Colour = (242, 242, 242)
HEAD = 1.8  # arrowhead length, mm
GAP = 4.0  # shortest arrow between two boxes, mm
EDGE = 0.6  # blank border inside the chart so strokes stay within it, mm
LANE = 2.2  # distance between margin lanes, mm


@dataclass
class Chart:
    """A laid-out flowchart: shapes with (0, 0) at its top-left corner, in millimetres."""

    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)


def placed(chart: Chart, x: float, y: float) -> list[Shape]:
    """The chart's shapes moved so that its top-left corner is at (x, y) on the page."""
    return [_moved(shape, x, y) for shape in chart.shapes]


def _moved(shape: Shape, dx: float, dy: float) -> Shape:
    if isinstance(shape, Line):
        return dataclasses.replace(shape, x1=shape.x1 + dx, y1=shape.y1 + dy,
                                   x2=shape.x2 + dx, y2=shape.y2 + dy)
    if isinstance(shape, Polygon):
        return dataclasses.replace(shape, points=tuple((px + dx, py + dy) for px, py in shape.points))
    return dataclasses.replace(shape, x=shape.x + dx, y=shape.y + dy)


# ---------------------------------------------------------------------------------------------
# The flow as a graph


@dataclass(frozen=True)
class _Step:
    """A step as read, every field text (days already as 1个工作日)."""

    name: str
    post: str
    days: str
    note: str
    branches: tuple[tuple[str, str], ...]  # (condition, target text)


@dataclass(frozen=True)
class _Edge:
    """One arrow out of a step: to a step index, to the final 结束 (-1), or to an outcome text."""

    when: str
    step: int | None = None  # target step, -1 for the final terminal
    outcome: str = ""


def _steps(raw: object) -> list[_Step]:
    """Tolerant reading: content is checked elsewhere, a board must still print something."""
    items = raw if isinstance(raw, list) else []
    return [_step(item, number) for number, item in enumerate(items, 1)]


def _step(item: object, number: int) -> _Step:
    data = item if isinstance(item, dict) else {"name": item}
    name = _text(data.get("name")) or f"环节{number}"
    raw = data.get("branches")
    branches = tuple((_text(b.get("when")), _text(b.get("to")) or END)
                     for b in (raw if isinstance(raw, list) else []) if isinstance(b, dict))
    return _Step(name, _text(data.get("post")), _days(data.get("days")), _text(data.get("note")), branches)


def _text(value: object) -> str:
    """A field as one line of text; nothing for a missing or structured value."""
    if value is None or isinstance(value, bool | dict | list):
        return ""
    return " ".join(str(value).split())


def _days(value: object) -> str:
    """'1' or 1 → 1个工作日; 0 → 即时办结; anything else is shown as written."""
    text = _text(value)
    if text.isdecimal():
        return "即时办结" if int(text) == 0 else f"{int(text)}个工作日"
    return text


def _edges(steps: list[_Step]) -> list[list[_Edge]]:
    """Each step's outgoing arrows; a step without branches flows to the next (the last to 结束)."""
    index: dict[str, int] = {}
    for i, step in enumerate(steps):
        index.setdefault(step.name, i)
    result = []
    for i, step in enumerate(steps):
        if not step.branches:
            result.append([_Edge("", i + 1 if i + 1 < len(steps) else -1)])
            continue
        merged: dict[tuple[int | None, str], list[str]] = {}  # one arrow per target
        for when, to in step.branches:
            if to in index:
                key: tuple[int | None, str] = (index[to], "")
            else:  # the last step's 结束 is the final terminal; any other outcome gets its own
                key = (-1, "") if to == END and i == len(steps) - 1 else (None, to)
            merged.setdefault(key, []).append(when)
        result.append([_Edge("；".join(w for w in whens if w), target, outcome)
                       for (target, outcome), whens in merged.items()])
    return result


def _chains(edges: list[list[_Edge]]) -> dict[int, tuple[list[int], _Edge]]:
    """Side chains by the decision they hang from: the steps and the edge that leaves the chain.

    A chain starts right after a decision that also jumps forward past it, is entered only from
    that decision, runs straight (one arrow per step), and ends in an outcome or rejoins the flow
    at the decision's forward target (or past plain steps after it).
    """
    incoming: dict[int, int] = {0: 1}
    for out in edges:
        for edge in out:
            if edge.step is not None and edge.step >= 0:
                incoming[edge.step] = incoming.get(edge.step, 0) + 1
    chains: dict[int, tuple[list[int], _Edge]] = {}
    for d, out in enumerate(edges):
        chain = _chain_after(d, out, edges, incoming)
        if chain and not any(d in steps for steps, _ in chains.values()):
            chains[d] = chain
    return chains


def _chain_after(d: int, out: list[_Edge], edges: list[list[_Edge]],
                 incoming: dict[int, int]) -> tuple[list[int], _Edge] | None:
    targets = {e.step for e in out if e.step is not None}
    ahead = [t for t in targets if t > d + 1]
    if len(out) < 2 or d + 1 not in targets or not ahead:
        return None
    rejoin = min(ahead)
    chain = [d + 1]
    while incoming.get(chain[-1]) == 1 and len(edges[chain[-1]]) == 1:
        last = edges[chain[-1]][0]
        if last.step is None:
            return (chain, last) if chain[-1] == rejoin - 1 else None
        if last.step == chain[-1] + 1 < rejoin:
            chain.append(last.step)
            continue
        plain = all(len(edges[s]) == 1 and edges[s][0].step == s + 1 for s in range(rejoin, last.step))
        if chain[-1] == rejoin - 1 and last.step >= rejoin and plain:
            return chain, last
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Text and boxes


@dataclass(frozen=True)
class _Style:
    size: float
    small: float
    question: float


@dataclass
class _Para:
    lines: list[str]
    size: float
    bold: bool = False


def _para(fonts: Fonts, text: str, width: float, size: float, bold: bool = False) -> _Para:
    """``text`` wrapped to ``width`` mm, its lines evened out so that no word is left alone."""
    measure = fonts.measure(size, bold)
    lines = _wrapped(text, width, measure)
    low, high = width * 0.5, width
    while len(lines) > 1 and high - low > 0.3:  # the narrowest width needing no more lines
        middle = (low + high) / 2
        if len(_wrapped(text, middle, measure)) == len(lines):
            high = middle
        else:
            low = middle
    return _Para(_wrapped(text, high, measure) if len(lines) > 1 else lines, size, bold)


def _wrapped(text: str, width: float, measure: Measure) -> list[str]:
    return [line for line in wrap(text, max(width, 1.0), measure) if line] if text else []


def _lines(paras: Iterable[_Para]) -> list[tuple[str, float, bool]]:
    return [(line, p.size, p.bold) for p in paras for line in p.lines]


def _height(paras: Iterable[_Para]) -> float:
    """Height of the text from the top of its first line to the bottom of its last."""
    lines = _lines(paras)
    if not lines:
        return 0.0
    return sum(size * PT * LEAD for _, size, _ in lines[:-1]) + lines[-1][1] * PT


def _texts(fonts: Fonts, paras: Iterable[_Para], left: float, right: float, top: float,
           centred: bool = True) -> list[Text]:
    shapes = []
    y = top
    for line, size, bold in _lines(paras):
        em = size * PT
        width = fonts.width(line, size, bold)
        x = (left + right - width) / 2 if centred else left
        shapes.append(Text(max(x, left) if centred else x, y + ASCENT * em, line, size, bold))
        y += em * LEAD
    return shapes


@dataclass
class _Box:
    """A step, terminal or outcome: its frame and centred text."""

    w: float
    h: float
    paras: list[_Para]
    radius: float = 0.0
    fill: Colour | None = None
    x: float = 0.0
    y: float = 0.0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def shapes(self, fonts: Fonts) -> list[Shape]:
        top = self.cy - _height(self.paras) / 2
        pad = max(self.radius * 0.3, 1.2)
        return [Rect(self.x, self.y, self.w, self.h, fill=self.fill, width=0.35, radius=self.radius),
                *_texts(fonts, self.paras, self.x + pad, self.x + self.w - pad, top)]


def _step_box(fonts: Fonts, step: _Step, w: float, style: _Style) -> _Box:
    inner = w - 3.2
    paras = [_para(fonts, step.name, inner, style.size, True), _para(fonts, step.post, inner, style.small),
             _para(fonts, step.days, inner, style.small), _para(fonts, step.note, inner, style.small)]
    return _Box(w, max(8.0, _height(paras) + 3.2), paras)


def _terminal(fonts: Fonts, text: str, w: float, style: _Style) -> _Box:
    """A rounded terminal (开始, 结束, an outcome such as 不予受理)."""
    para = _para(fonts, text, w - 5.0, style.size if text in ("开始", END) else style.small)
    h = max(7.0, _height([para]) + 3.0)
    return _Box(w, h, [para], radius=min(h / 2, 3.5), fill=TERMINAL_FILL)


# ---------------------------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class _Zones:
    """What the columns must make room for, found before anything is placed."""

    left_lanes: int = 0
    left_note: float = 0.0  # widest label on one line, mm
    right_lanes: int = 0
    right_note: float = 0.0
    side: bool = False
    side_note: float = 0.0  # widest label of an arrow into the side column, on one line, mm


@dataclass(frozen=True)
class _Columns:
    """x of everything, left to right: margin lanes and labels, main column, gap, side column."""

    left_lanes: tuple[float, ...]  # innermost first
    note_left: float  # labels of the left margin: [note_left, x0)
    x0: float  # main column
    mw: float
    right_lanes: tuple[float, ...]
    bus: float  # where arrows to the side column fan out
    sx: float  # side column
    sw: float
    right: float  # the chart's right edge, less the border

    @property
    def cx(self) -> float:
        return self.x0 + self.mw / 2

    @property
    def gap(self) -> tuple[float, float]:
        """Where labels of sideways arrows go, between the bus and the side column's arrowheads."""
        return self.bus + 0.8, self.sx - HEAD - 0.4


def _columns(width: float, zones: _Zones) -> _Columns:
    usable = width - 2 * EDGE
    lanes_l = zones.left_lanes * LANE + 0.4 if zones.left_lanes else 0.0
    lanes_r = zones.right_lanes * LANE + 1.0 if zones.right_lanes else 0.0
    note_l = _note(zones.left_note, width) if zones.left_lanes else 0.0
    note_r = _note(zones.right_note, width) if zones.right_lanes and not zones.side else 0.0
    gap = min(max(0.2 * width, 15.0), 26.0) if zones.side else 0.0
    sw = min(max(0.3 * width, 20.0), 40.0) if zones.side else 0.0
    fixed = lanes_l + lanes_r
    mw = usable - fixed - note_l - note_r - gap - sw
    least = max(0.36 * usable, 24.0)
    if mw < least:  # a narrow chart: the zones give way proportionally
        scale = max(usable - fixed - least, 0.0) / max(note_l + note_r + gap + sw, 1e-6)
        note_l, note_r, gap, sw = note_l * scale, note_r * scale, gap * scale, sw * scale
        mw = usable - fixed - note_l - note_r - gap - sw
    spare = max(mw - max(62.0, 0.5 * usable), 0.0)  # no needlessly wide boxes: centre instead
    mw -= spare
    if zones.side:  # room to spare: labels of sideways arrows on one line rather than wrapped
        wider = min(spare, max(zones.side_note + 1.4 + HEAD + 0.4 - gap, 0.0))
        gap, spare = gap + wider, spare - wider
    if zones.left_lanes:  # and labels in the left margin
        wider = min(spare, max(zones.left_note + 2.0 - note_l, 0.0))
        note_l, spare = note_l + wider, spare - wider
    left = EDGE + spare / 2
    x0 = left + lanes_l + note_l
    after = x0 + mw
    return _Columns(tuple(left + lanes_l - 0.2 - (i + 0.5) * LANE for i in range(zones.left_lanes)),
                    left + lanes_l, x0, mw,
                    tuple(after + 0.5 + (i + 0.5) * LANE for i in range(zones.right_lanes)),
                    after + lanes_r + 1.4, after + lanes_r + gap, sw, width - EDGE - spare / 2)


def _note(label: float, width: float) -> float:
    return min(max(label + 2.0, 9.0), 0.15 * width, 20.0)


# ---------------------------------------------------------------------------------------------
# Layout


def layout_flowchart(steps: list[dict], width: float, fonts: Fonts, *, size: float = 8.0) -> Chart:
    """Lay out the flowchart of ``steps`` in a chart ``width`` mm wide; its height follows."""
    size = max(size, MIN_SIZE)
    style = _Style(size, max(size - 1.0, MIN_SIZE), max(size - 1.0, MIN_SIZE))
    flow = _steps(steps)
    if not flow:
        return _empty(fonts, width, style)
    return _Layout(fonts, flow, width, style).chart()


def _empty(fonts: Fonts, width: float, style: _Style) -> Chart:
    """A chart without steps still says so, instead of leaving a blank cell."""
    box = _terminal(fonts, "无流程图", min(width - 2 * EDGE, 40.0), style)
    box.x, box.y = (width - box.w) / 2, EDGE
    return Chart(width, box.bottom + EDGE, box.shapes(fonts))


@dataclass
class _Margin:
    """A loop back or a jump forward, routed along a lane of the left or right margin."""

    x: float  # where it leaves its step or diamond
    y: float
    target: int  # main column position
    label: str
    right: bool
    lane: int
    source: int  # main column position of the step it leaves
    diamond: bool


class _Layout:
    """One sweep down the main column; side and margin arrows are placed as their ends appear."""

    def __init__(self, fonts: Fonts, steps: list[_Step], width: float, style: _Style) -> None:
        self.fonts, self.steps, self.width, self.style = fonts, steps, width, style
        self.edges = _edges(steps)
        self.chains = _chains(self.edges)
        aside = {s for chain, _ in self.chains.values() for s in chain}
        self.main = [i for i in range(len(steps)) if i not in aside]
        self.pos = {step: m for m, step in enumerate(self.main)}
        self.margins: list[_Margin] = []
        self.lane_of = self._lanes()
        self.cols = _columns(width, self._zones())
        self.shapes: list[Shape] = []
        self.boxes: dict[int, _Box] = {}
        self.side_y = self.zone_y = 0.0  # lowest point used in the side column / the gap before it
        self.returns: dict[int, list[tuple[float, float, str]]] = {}  # side chains rejoining
        self.bottom_main = EDGE
        self.rejoined: set[int] = set()  # main positions a side chain came back into

    # -- classification --------------------------------------------------------------------

    def _is_side(self, i: int, edge: _Edge) -> bool:
        chain = self.chains.get(i)
        if edge.step is None or (chain is not None and edge.step == chain[0][0]):
            return True
        return edge.step != -1 and edge.step not in self.pos  # never so when built as above

    def _is_down(self, i: int, edge: _Edge) -> bool:
        m = self.pos[i]
        return (edge.step == -1 and m == len(self.main) - 1) or self.pos.get(edge.step, -9) == m + 1

    def _spans(self) -> list[tuple[float, float, tuple[int, int]]]:
        """Margin arrows as (from, to, (step, edge)) in main column positions (a diamond is +0.5)."""
        spans = []
        for i in self.main:
            exit_at = self.pos[i] + (0.5 if len(self.edges[i]) > 1 else 0.0)
            for k, edge in enumerate(self.edges[i]):
                if not self._is_side(i, edge) and not self._is_down(i, edge):
                    spans.append((exit_at, float(self.pos[edge.step]), (i, k)))
        return spans

    def _right_busy(self) -> list[tuple[float, float]]:
        """Stretches of the main column with something beside it on the right (positions)."""
        busy = []
        for i in self.main:
            if any(self._is_side(i, e) for e in self.edges[i]):
                chain = self.chains.get(i)
                rejoin = chain[1].step if chain else None
                busy.append((self.pos[i], self.pos.get(rejoin, self.pos[i] + 1)))
        return busy

    def _lanes(self) -> dict[tuple[int, int], tuple[bool, int]]:
        """A side and lane per margin arrow: loops back go right when nothing is beside them there,
        so they do not cross jumps forward; shorter spans run inside longer ones."""
        busy = self._right_busy()
        taken: dict[bool, list[list[tuple[float, float]]]] = {False: [], True: []}
        lanes = {}
        for start, end, key in sorted(self._spans(), key=lambda s: abs(s[0] - s[1])):
            lo, hi = min(start, end), max(start, end)
            right = end <= start and all(b < lo or a > hi for a, b in busy)
            used = taken[right]
            lane = next((n for n, spans in enumerate(used)
                         if all(hi < a or lo > b for a, b in spans)), len(used))
            if lane == len(used):
                used.append([])
            used[lane].append((lo, hi))
            lanes[key] = (right, lane)
        return lanes

    def _zones(self) -> _Zones:
        notes: dict[bool, list[float]] = {False: [0.0], True: [0.0]}
        lanes: dict[bool, int] = {False: 0, True: 0}
        for (i, k), (right, lane) in self.lane_of.items():
            notes[right].append(self.fonts.width(self.edges[i][k].when, self.style.small))
            lanes[right] = max(lanes[right], lane + 1)
        sideways = [e.when for i in self.main for e in self.edges[i] if self._is_side(i, e)]
        sideways += [leave.when for _, leave in self.chains.values()]  # rejoining: labelled in the gap too
        side_note = max((self.fonts.width(w, self.style.small) for w in sideways), default=0.0)
        side = any(self._is_side(i, e) for i in self.main for e in self.edges[i])
        return _Zones(lanes[False], max(notes[False]), lanes[True], max(notes[True]), side, side_note)

    # -- the sweep -------------------------------------------------------------------------

    def chart(self) -> Chart:
        cols = self.cols
        start = _terminal(self.fonts, "开始", self._terminal_width(), self.style)
        start.x, start.y = cols.cx - start.w / 2, EDGE
        self.shapes += start.shapes(self.fonts)
        self.bottom_main = start.bottom
        down: tuple[float, str] | None = (start.bottom, "")
        for m, i in enumerate(self.main):
            box = _step_box(self.fonts, self.steps[i], cols.mw, self.style)
            box.x = cols.x0
            self._place_main(box, m, down)
            down = self._leave(i, box)
        if down is not None:
            end = _terminal(self.fonts, END, self._terminal_width(), self.style)
            end.x = cols.cx - end.w / 2
            self._place_main(end, len(self.main), down)
        self._route_margins()
        return Chart(self.width, _bottom(self.shapes) + EDGE, self.shapes)

    def _terminal_width(self) -> float:
        return min(self.cols.mw, max(24.0, 0.42 * self.cols.mw))

    def _place_main(self, box: _Box, m: int, down: tuple[float, str] | None) -> None:
        """Put a main column box below what came before, with its incoming arrows."""
        cols = self.cols
        label = _para(self.fonts, down[1], cols.mw / 2 - 1.8, self.style.small) if down else None
        top = self.bottom_main + (max(GAP, _height([label]) + 2.0) if label else GAP)
        entry = self._entry(m) * box.h
        for _, y_from, text in self.returns.get(m, []):
            lh = _height([self._gap_para(text)])
            top = max(top, y_from + 3.5 - entry, self.zone_y + lh + 1.8 - entry)
        box.y = top
        self.boxes[m] = box
        self.shapes += box.shapes(self.fonts)
        if down is not None:
            self.shapes += arrow(cols.cx, down[0], cols.cx, top, head=HEAD)
            self.shapes += _texts(self.fonts, [label], cols.cx + 1.2, cols.x0 + cols.mw, down[0] + 1.0, False)
        for x, y_from, text in self.returns.pop(m, []):
            self._return(box, x, y_from, box.y + entry, text)
            self.rejoined.add(m)
        self.bottom_main = box.bottom

    def _entry(self, m: int) -> float:
        """Where a side chain rejoins box ``m``, as a fraction of its height: above the middle when
        the step itself leaves on the right (its exit takes the lower part of that side)."""
        return 0.3 if m < len(self.main) and self._leaves_right(self.main[m]) else 0.5

    def _leaves_right(self, i: int) -> bool:
        edges = self.edges[i]
        return len(edges) == 1 and (self._is_side(i, edges[0]) or self.lane_of.get((i, 0), (False,))[0])

    def _exit_fraction(self, i: int, right: bool) -> float:
        """Where a plain step's only arrow leaves its side: the middle, unless arrows come in there."""
        m = self.pos[i]
        entered = right and m in self.rejoined
        entered = entered or any(on_right == right and self.pos[self.edges[j][k].step] == m
                                 for (j, k), (on_right, _) in self.lane_of.items() if j != i)
        return 0.75 if entered else 0.5

    def _leave(self, i: int, box: _Box) -> tuple[float, str] | None:
        """Draw what leaves step ``i`` (a diamond when it branches); the arrow down, if any."""
        edges = self.edges[i]
        cx = self.cols.cx
        if len(edges) > 1:
            left, right, bottom = self._diamond(i, box)
        else:
            left = (box.x, box.y + self._exit_fraction(i, False) * box.h)
            right = (box.x + box.w, box.y + self._exit_fraction(i, True) * box.h)
            bottom = (cx, box.bottom)
        down = None
        side = []
        for k, edge in enumerate(edges):
            if self._is_down(i, edge):
                down = (bottom[1], edge.when)
            elif self._is_side(i, edge):
                side.append(edge)
            else:
                on_right, lane = self.lane_of[(i, k)]
                self.margins.append(_Margin(*(right if on_right else left), self.pos[edge.step], edge.when,
                                            on_right, lane, self.pos[i], len(edges) > 1))
        if side:
            self._side(i, right, side)
        self.bottom_main = bottom[1]
        return down

    def _diamond(self, i: int, box: _Box) -> tuple[tuple[float, float], ...]:
        cx, mw, fonts = self.cols.cx, self.cols.mw, self.fonts
        para = self._question(self.steps[i].name)
        tw = max((fonts.width(line, para.size) for line in para.lines), default=0.0)
        th = _height([para])
        w = min(0.82 * mw, max(2 * tw + 4.0, 20.0))
        h = max(9.0, (th + 1.6) / max(1 - (tw + 1.6) / w, 0.3))
        top = box.bottom + GAP - 0.5
        self.shapes += arrow(cx, box.bottom, cx, top, head=HEAD)
        cy = top + h / 2
        corners = ((cx, top), (cx + w / 2, cy), (cx, top + h), (cx - w / 2, cy))
        self.shapes.append(Polygon(corners, width=0.35))
        self.shapes += _texts(fonts, [para], cx - w / 2, cx + w / 2, cy - th / 2)
        return (cx - w / 2, cy), (cx + w / 2, cy), (cx, top + h)

    def _question(self, name: str) -> _Para:
        """One line the diamond can hold: 受理结果？, 作出处理决定？ or its last words (处理决定？)."""
        size = self.style.question
        widest = 0.82 * self.cols.mw
        one_line = widest * (1 - (size * PT + 1.6) / 14.0) - 1.6  # a diamond at most 14 mm tall
        clause = name.replace("，", "、").split("、")[-1]
        tries = (f"{name}结果？",) * (len(name) <= 4) + (f"{name}？", f"{clause}？", f"{clause[-4:]}？")
        for question in tries:
            if self.fonts.width(question, size) <= one_line:
                return _Para([question], size)
        return _para(self.fonts, f"{clause[-4:]}？", widest / 2 - 1.0, size)

    # -- the side column -------------------------------------------------------------------

    def _gap_para(self, text: str) -> _Para:
        left, right = self.cols.gap
        return _para(self.fonts, text, right - left, self.style.small)

    def _side(self, i: int, exit_at: tuple[float, float], edges: list[_Edge]) -> None:
        """Outcomes first, then the side chain (it rejoins below, so it must come last)."""
        cols = self.cols
        chain = self.chains.get(i)
        edges = sorted(edges, key=lambda e: chain is not None and e.step == chain[0][0])
        ex, ey = exit_at
        ys = []
        for edge in edges:
            is_chain = chain is not None and edge.step == chain[0][0]
            box = self._side_box(edge, chain[0][0] if is_chain else None)
            label = self._gap_para(edge.when)
            lh = _height([label])
            ay = max(ey if not ys else ey + 1.0, self.side_y + GAP + box.h / 2, self.zone_y + lh + 2.0)
            self._put_side(box, ay)
            left, right = cols.gap
            self.shapes += _texts(self.fonts, [label], left, right, ay - 1.1 - lh)
            if ys or abs(ay - ey) > 1e-6:
                self.shapes += arrow(cols.bus, ay, cols.sx, ay, head=HEAD)
            else:
                self.shapes += arrow(ex, ey, cols.sx, ay, head=HEAD)
            ys.append(ay)
            self.zone_y = ay
            if is_chain:
                self._chain(box, *chain)
        if len(ys) > 1 or abs(ys[0] - ey) > 1e-6:
            if abs(ys[0] - ey) > 1e-6:
                self.shapes.append(Line(ex, ey, cols.bus, ey))
            self.shapes.append(Line(cols.bus, ey, cols.bus, ys[-1]))

    def _side_box(self, edge: _Edge, step: int | None) -> _Box:
        if step is not None:
            return _step_box(self.fonts, self.steps[step], self.cols.sw, self.style)
        text = edge.outcome or (END if edge.step == -1 else self.steps[edge.step or 0].name)
        return _terminal(self.fonts, text, self.cols.sw, self.style)

    def _put_side(self, box: _Box, cy: float) -> None:
        box.x, box.y = self.cols.sx, cy - box.h / 2
        self.shapes += box.shapes(self.fonts)
        self.side_y = box.bottom

    def _below(self, above: _Box, box: _Box, label: str) -> None:
        """A box under another in the side column, joined by a labelled arrow."""
        cols = self.cols
        x = cols.sx + cols.sw / 2
        right = max(cols.sx + cols.sw, self.width - EDGE)  # into the chart's spare room on the right
        para = _para(self.fonts, label, right - x - 1.5, self.style.small)
        top = above.bottom + max(GAP, _height([para]) + 2.0)
        self._put_side(box, top + box.h / 2)
        self.shapes += arrow(x, above.bottom, x, top, head=HEAD)
        self.shapes += _texts(self.fonts, [para], x + 1.2, right, above.bottom + 1.0, False)

    def _chain(self, head: _Box, steps: list[int], leave: _Edge) -> None:
        last = head
        for prev, step in itertools.pairwise(steps):
            box = _step_box(self.fonts, self.steps[step], self.cols.sw, self.style)
            self._below(last, box, self.edges[prev][0].when)
            last = box
        if leave.step in self.pos:
            self.returns.setdefault(self.pos[leave.step], []).append((last.cx, last.bottom, leave.when))
        else:
            self._below(last, self._side_box(leave, None), leave.when)

    def _return(self, box: _Box, x: float, y_from: float, y: float, text: str) -> None:
        """A side chain rejoining the main column: down its column, then left into the box."""
        cols = self.cols
        para = self._gap_para(text)
        self.shapes.append(Line(x, y_from, x, y))
        self.shapes += arrow(x, y, cols.x0 + cols.mw, y, head=HEAD)
        left, right = cols.gap
        self.shapes += _texts(self.fonts, [para], left, right, y - 1.1 - _height([para]))
        self.side_y = max(self.side_y, y + 1.0)
        self.zone_y = max(self.zone_y, y)

    # -- the margins -----------------------------------------------------------------------

    def _route_margins(self) -> None:
        """Out to the margin lane, along it, and in with an arrowhead on the target's side."""
        ends = [self._ends(margin) for margin in self.margins]
        busy = [y for (_, y), (_, ty) in ends for y in (y, ty)]
        labels: list[tuple[float, float]] = []
        for margin, ((x, y), (tx, ty)) in zip(self.margins, ends, strict=True):
            lx = (self.cols.right_lanes if margin.right else self.cols.left_lanes)[margin.lane]
            self.shapes.append(Line(x, y, lx, y))
            self.shapes.append(Line(lx, y, lx, ty))
            self.shapes += arrow(lx, ty, tx, ty, head=HEAD)
            if margin.right:
                self._right_label(margin, y, ty, labels)
            else:
                self._margin_label(margin, busy, labels)

    def _ends(self, margin: _Margin) -> tuple[tuple[float, float], tuple[float, float]]:
        target = self.boxes[margin.target]
        tx = target.x + target.w if margin.right else target.x
        if margin.target == margin.source and not margin.diamond:  # a step pointing to itself
            return (margin.x, target.y + 0.72 * target.h), (tx, target.y + 0.28 * target.h)
        return (margin.x, margin.y), (tx, target.cy)

    def _right_label(self, margin: _Margin, y: float, ty: float, labels: list[tuple[float, float]]) -> None:
        """Beside the lane, halfway along it: loops back have the right margin to themselves."""
        cols = self.cols
        left = cols.right_lanes[-1] + 1.2
        para = _para(self.fonts, margin.label, cols.right - left, self.style.small)
        lh = _height([para])
        top = (y + ty - lh) / 2
        for a, b in sorted(labels):
            if top < b + 0.6 and top + lh > a - 0.6:
                top = b + 0.6
        labels.append((top, top + lh))
        self.shapes += _texts(self.fonts, [para], left, cols.right, top, False)

    @staticmethod
    def _free(top: float, height: float, own: float, busy: list[float],
              labels: list[tuple[float, float]]) -> bool:
        """Whether a label from ``top`` down crosses no margin arrow but its own, and no other label."""
        clear = all(not top - 0.3 < y < top + height + 0.3 for y in busy if abs(y - own) > 1e-6)
        return clear and all(top + height < a or top > b for a, b in labels)

    def _margin_label(self, margin: _Margin, busy: list[float], labels: list[tuple[float, float]]) -> None:
        """Above the arrow leaving the diamond, or below it when a line or a label is in the way.

        Beside a diamond the label may reach in under the step above (or over the step below), as
        far as the diamond's corner; beside a step box it keeps to the margin.
        """
        if not margin.label:
            return
        cols = self.cols
        left, narrow = cols.note_left + 0.6, cols.x0 - 0.8
        source, below = self.boxes[margin.source], self.boxes.get(margin.source + 1)
        options = []
        for right in ((margin.x - 0.6, narrow) if margin.diamond else (narrow,)):
            para = _para(self.fonts, margin.label, right - left, self.style.small)
            lh = _height([para])
            room_above = right <= narrow or margin.y - 0.7 - lh >= source.bottom + 0.5
            room_below = right <= narrow or below is None or margin.y + 0.7 + lh <= below.y - 0.5
            options += [(margin.y - 0.7 - lh, para, right, room_above),
                        (margin.y + 0.7, para, right, room_below)]
        top, para, right = next(((top, para, right) for top, para, right, room in options
                                 if room and self._free(top, _height([para]), margin.y, busy, labels)),
                                options[0][:3])
        lh = _height([para])
        labels.append((top, top + lh))
        self.shapes += _texts(self.fonts, [para], left, right, top, False)


def _bottom(shapes: list[Shape]) -> float:
    """The lowest point drawn (text reaches below its baseline)."""
    lowest = 0.0
    for shape in shapes:
        if isinstance(shape, Text):
            lowest = max(lowest, shape.y + DESCENT * shape.size * PT)
        elif isinstance(shape, Line):
            lowest = max(lowest, shape.y1, shape.y2)
        elif isinstance(shape, Polygon):
            lowest = max(lowest, *(y for _, y in shape.points))
        else:
            lowest = max(lowest, shape.y + shape.h)
    return lowest
