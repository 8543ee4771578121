"""Board benchmark: a unit's notice board (公开栏) as a vector PDF, one board and the whole county.

The board renderer (``players/board``) lays a unit's board out once as pages of shapes and
writes them as a PDF with real text and subset-embedded CJK fonts (fpdf2). This measures, in
one run, on generated content (``check_catalogue.generate``, fixed seed):

- one A3 board of a unit with ``--board-items`` power items (40), every item with a flowchart
  of 4–8 steps and one to three decisions (the generator's flowcharts are replaced by richer
  ones, shaped like those in ``content/units/*/powers.yaml``; every item is put on the board
  channel). Timed separately, best of ``--runs``: planning (``preview_plan``: check + plan, as
  ``signage board`` does), composing (``BoardComposer.compose``) and writing the PDF
  (``write_pdf``), split into font loading (fpdf2 ``add_font`` of both faces of the Noto CJK
  collection), drawing, font subsetting/embedding and serialising. The first ``add_font`` in the
  process is reported apart from the per-document steady state. Pages, seconds per page and
  PDF size; ``pdfinfo`` confirms the page count and ``pdftotext`` finds every item code;
- the baseline, in the same run: the same pages rasterised at 300 dpi (``render_png``) and
  saved as one multi-page PDF with Pillow (``save_all``; Pillow stores RGB pages as JPEG), its
  time and size against ours — end to end (planning and composing included on both sides)
  and for the writing step alone;
- the whole county (``--units`` units, ``--items`` items): every unit's board as a PDF, as
  ``signage board --all`` writes them (one plan, then compose and write per board), total
  pages, seconds, seconds per page, MB, every file verified likewise; and peak RSS (VmHWM,
  reset before each phase where Linux allows it).

Target (the board issue): ≤ 1 s per page, for the 40-item A3 board and for the county.

    python bench/board.py [--units 65] [--items 2000] [--board-items 40] [--runs 3]
                          [--raster-pages 0] [--profile] [--keep DIR]
    python bench/board.py --quick          # CI-sized: 10 units, 300 items, 3 raster pages
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import gc
import io
import os
import platform
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import fpdf
import fpdf.output
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from check_catalogue import generate, s  # noqa: E402

from players.board.boards import boards_of, write_board  # noqa: E402
from players.board.canvas import Document, Fonts  # noqa: E402
from players.board.compose import BoardComposer, BoardContent  # noqa: E402
from players.board.layout import BoardLayout, board_layout  # noqa: E402
from players.board.pdf import FAMILY, write_pdf  # noqa: E402
from players.board.png import render_png  # noqa: E402
from players.plan import Plan  # noqa: E402
from signage.catalogue.checking import check_content  # noqa: E402
from signage.publishing.preview import preview_plan  # noqa: E402

TARGET_S_PER_PAGE = 1.0
RASTER_DPI = 300
LAYOUT_ID = "board-a3"
END = "结束"
T = TypeVar("T")

# --- content: flowcharts like the real ones --------------------------------------------------

# A step: (name, post, share of the item's day budget on the main path, branches (when, to)).
Step = tuple[str, str, int, tuple[tuple[str, str], ...]]
WINDOW = "窗口受理岗"


def _accept(then: str, *, refuse: bool = True) -> tuple[tuple[str, str], ...]:
    refused = (("不属于受理范围，出具不予受理通知书", END),) if refuse else ()
    return (*refused, ("材料不齐全或者不符合法定形式", "一次性告知补正"), ("材料齐全、符合法定形式", then))


def _decide(verb: str) -> tuple[tuple[str, str], ...]:
    return ((f"不予{verb}，书面说明理由并告知复议、诉讼权利", END), (f"准予{verb}", "送达"))


def application_flows(verb: str) -> list[list[Step]]:
    """Four shapes of an application item's flow (5, 6, 8 and 7 steps; 2–3 decisions)."""
    return [
        [("受理", WINDOW, 1, _accept("审核")), ("一次性告知补正", WINDOW, 0, ()),
         ("审核", "业务审核岗", 2, ()), ("决定", "分管负责人", 1, _decide(verb)), ("送达", WINDOW, 1, ())],
        [("申请", "申请人", 0, ()), ("受理", WINDOW, 1, _accept("审查")),
         ("一次性告知补正", WINDOW, 0, ()), ("审查", "业务审核岗", 3, ()),
         ("决定", "分管负责人", 1, _decide(verb)), ("送达", WINDOW, 1, ())],
        [("申请", "申请人", 0, ()), ("受理", WINDOW, 1, _accept("审查")),
         ("一次性告知补正", WINDOW, 0, ()), ("审查", "业务审核岗", 3, ()),
         ("批前公示", "门户网站、办公场所", 2, (("利害关系人提出异议", "组织听证或者论证"),
                                               ("公示期满无异议", "决定"))),
         ("组织听证或者论证", "业务科室", 0, ()), ("决定", "分管负责人", 1, _decide(verb)),
         ("送达", WINDOW, 1, ())],
        [("申请", "申请人", 0, ()), ("受理", WINDOW, 1, _accept("审查", refuse=False)),
         ("一次性告知补正", WINDOW, 0, ()),
         ("审查", "业务审核岗", 2, (("当场可以作出决定", "决定"), ("情形复杂需要现场核查", "现场核查"))),
         ("现场核查", "业务科室", 1, ()), ("决定", "分管负责人", 1, _decide(verb)),
         ("送达", WINDOW, 1, ())],
    ]


PENALTY_FLOWS: list[list[Step]] = [
    [("立案", "承办执法人员", 5, ()), ("调查取证", "承办执法人员", 30, ()),
     ("案件审查", "法制审核岗", 10, (("违法事实不成立或者不予处罚", "撤销立案"),
                                     ("违法事实成立，拟给予处罚", "告知"))),
     ("撤销立案", "承办执法人员", 0, (("书面告知当事人", END),)),
     ("告知", "承办执法人员", 5, (("当事人提出陈述、申辩或者要求听证", "陈述申辩和听证"),
                                  ("当事人放弃陈述、申辩", "作出处罚决定"))),
     ("陈述申辩和听证", "法制审核岗", 0, ()), ("作出处罚决定", "单位负责人", 5, ()),
     ("送达", "承办执法人员", 2, ())],
    [("立案", "承办执法人员", 5, (("不符合立案条件", END), ("符合立案条件", "调查取证"))),
     ("调查取证", "承办执法人员", 30, ()), ("法制审核", "法制审核岗", 10, ()),
     ("告知", "承办执法人员", 5, (("当事人要求听证", "组织听证"), ("当事人放弃陈述、申辩", "作出处罚决定"))),
     ("组织听证", "法制审核岗", 0, ()), ("作出处罚决定", "单位负责人", 5, ()),
     ("送达执行", "承办执法人员", 2, ())],
]
INSPECTION_FLOWS: list[list[Step]] = [
    [("制定检查计划", "执法监督岗", 0, ()),
     ("实施检查", "执法人员", 0, (("发现违法行为", "立案查处"), ("未发现问题", "归档"))),
     ("立案查处", "执法人员", 0, ()), ("归档", "内勤", 0, ())],
    [("制定检查计划", "执法监督岗", 0, ()), ("随机抽取检查对象和执法人员", "执法监督岗", 0, ()),
     ("实施检查", "执法人员", 0, (("发现违法行为或者问题", "责令整改"), ("未发现问题", "公示检查结果"))),
     ("责令整改", "执法人员", 0, (("涉嫌违法需要处罚", "立案查处"), ("整改到位", "公示检查结果"))),
     ("立案查处", "执法人员", 0, ()), ("公示检查结果", "内勤", 0, ())],
    [("制定抽查计划", "执法监督岗", 0, ()), ("抽取样品", "执法人员", 0, ()), ("检验", "检验机构", 0, ()),
     ("告知检验结果", "执法人员", 0, (("检验合格", "公布抽查结果"), ("检验不合格", "责令整改"))),
     ("责令整改", "执法人员", 0, (("涉嫌违法需要处罚", "立案查处"), ("整改到位", "公布抽查结果"))),
     ("立案查处", "执法人员", 0, ()), ("公布抽查结果", "内勤", 0, ())],
]
COERCION_FLOWS: list[list[Step]] = [
    [("报告审批", "承办执法人员", 1, (("负责人不予批准", END), ("负责人批准", "告知当事人"))),
     ("告知当事人", "承办执法人员", 1, (("当事人提出陈述、申辩", "听取陈述申辩"),
                                        ("当事人放弃陈述、申辩", "实施强制措施"))),
     ("听取陈述申辩", "承办执法人员", 0, ()), ("实施强制措施", "执法人员", 1, ()),
     ("制作现场笔录", "执法人员", 1, ()), ("作出处理决定", "单位负责人", 26, ())],
]
DEFAULT_BUDGET = {"行政处罚": 60, "行政强制": 30}  # days when an item promises none


def pick_flow(power_type: str, rng: random.Random) -> list[Step]:
    if power_type == "行政处罚":
        return rng.choice(PENALTY_FLOWS)
    if power_type == "行政检查":
        return rng.choice(INSPECTION_FLOWS)
    if power_type == "行政强制":
        return rng.choice(COERCION_FLOWS)
    verb = "许可" if power_type == "行政许可" else "办理"
    return rng.choice(application_flows(verb))


def flowchart_lines(steps: list[Step], budget: int | None) -> list[str]:
    """The ``flowchart:`` block; days share ``budget`` so the main path keeps the promise."""
    total = sum(share for _, _, share, _ in steps)
    lines = ["    flowchart:", "      steps:"]
    for name, post, share, branches in steps:
        lines += [f"        - name: {name}", f"          post: {s(post)}"]
        days = budget * share // total if budget and total else 0
        if days:
            lines.append(f"          days: {days}")
        if branches:
            lines.append("          branches:")
            for when, to in branches:
                lines += [f"            - when: {s(when)}", f"              to: {to}"]
    return lines


@dataclass(slots=True)
class Flows:
    """What the rewritten flowcharts hold."""

    items: int = 0
    steps: list[int] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)

    def add(self, steps: list[Step]) -> None:
        self.items += 1
        self.steps.append(len(steps))
        self.decisions.append(sum(1 for step in steps if step[3]))

    def describe(self) -> str:
        if not self.items:
            return "no flowcharts"
        return (f"{self.items:,} flowcharts of {min(self.steps)}–{max(self.steps)} steps "
                f"(mean {sum(self.steps) / self.items:.1f}), {min(self.decisions)}–{max(self.decisions)} "
                "decisions each")


def enrich(root: Path, seed: int) -> Flows:
    """Rewrite every generated item's flowchart (as units write them) and put it on the board."""
    rng, flows = random.Random(seed), Flows()
    for path in sorted(root.glob("units/*/powers-*.yaml")):
        out: list[str] = []
        power_type, promised, skipping = "", None, False
        for line in path.read_text("utf-8").splitlines():
            if skipping and line.startswith("      "):
                continue  # the generator's flowchart block
            skipping = False
            if line.startswith("  - name: "):
                power_type, promised = "", None
            elif line.startswith("    type: "):
                power_type = line.split(": ", 1)[1]
            elif line.startswith("    promised_days: "):
                promised = int(line.split(": ", 1)[1])
            elif line == "    flowchart:":
                steps = pick_flow(power_type, rng)
                out += flowchart_lines(steps, promised or DEFAULT_BUDGET.get(power_type))
                flows.add(steps)
                skipping = True
                continue
            elif line.startswith("    channels: [") and "board" not in line:
                line = line[:-1] + ", board]"
            out.append(line)
        path.write_text("\n".join(out) + "\n", "utf-8")
    return flows


@dataclass(slots=True)
class Content:
    root: Path
    screens: Path
    units: int
    items: int
    flows: Flows
    warnings: int


def make_content(folder: Path, units: int, items: int, seed: int) -> Content:
    """A generated county with rich flowcharts, checked clean, and a screens folder with the
    repository's A3 board layout."""
    root = folder / "content"
    gen = generate(root, units, items, seed)
    flows = enrich(root, seed)
    if flows.items != gen.powers:
        raise RuntimeError(f"rewrote {flows.items} of {gen.powers} flowcharts: the generator's "
                           "format changed, update enrich()")
    check = check_content(root)
    errors = [f for f in check.findings if f.is_error]
    if errors:
        first = errors[0]
        raise RuntimeError(f"generated content has {len(errors)} errors, first: {first.rule.id} "
                           f"{first.location} {first.message}")
    screens = folder / "layouts"
    screens.mkdir()
    shutil.copy(ROOT / "layouts" / f"{LAYOUT_ID}.yaml", screens)
    (screens / "screens.yaml").write_text(
        f"screens:\n  - id: bench-board\n    kind: board\n    layout: {LAYOUT_ID}\n", "utf-8")
    return Content(root, screens, gen.units, gen.powers, flows, len(check.findings))


# --- measuring --------------------------------------------------------------------------------


def timed(func: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


@dataclass(slots=True)
class PdfSplit:
    """Where the time of one ``write_pdf`` goes."""

    total: float = 0.0
    add_font: float = 0.0  # fpdf2 parses both faces of the TTC collection (fontTools)
    embed: float = 0.0  # at output: subsetting the fonts to the glyphs used, embedding them
    output: float = 0.0  # all of FPDF.output (embed included)

    @property
    def drawing(self) -> float:
        return self.total - self.add_font - self.output

    @property
    def serialising(self) -> float:
        return self.output - self.embed


class PdfTimer:
    """Splits ``write_pdf`` by wrapping, while active, fpdf2's ``FPDF.add_font``, ``FPDF.output``
    and (when it exists) ``OutputProducer._add_fonts`` with timers. Nothing else changes."""

    TARGETS = ((fpdf.FPDF, "add_font", "add_font"), (fpdf.FPDF, "output", "output"),
               (fpdf.output.OutputProducer, "_add_fonts", "embed"))

    def __init__(self) -> None:
        self.current = PdfSplit()
        self.saved: list[tuple[type, str, Any]] = []

    def _wrap(self, original: Callable[..., Any], slot: str) -> Callable[..., Any]:
        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                split = self.current
                setattr(split, slot, getattr(split, slot) + time.perf_counter() - start)

        return wrapper

    def __enter__(self) -> PdfTimer:
        for owner, name, slot in self.TARGETS:
            original = owner.__dict__.get(name)
            if original is not None:
                self.saved.append((owner, name, original))
                setattr(owner, name, self._wrap(original, slot))
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in self.saved:
            setattr(owner, name, original)
        self.saved.clear()

    def write(self, document: Document, path: Path, fonts: Fonts) -> PdfSplit:
        gc.collect()
        self.current = split = PdfSplit()
        start = time.perf_counter()
        write_pdf(document, path, fonts)
        split.total = time.perf_counter() - start
        return split


def first_add_font(fonts: Fonts) -> list[tuple[str, float]]:
    """The first fpdf2 ``add_font`` of each face in this process (cold: nothing parsed yet)."""
    pdf = fpdf.FPDF()
    times = []
    for style, face in (("", fonts.regular), ("B", fonts.bold)):
        start = time.perf_counter()
        pdf.add_font(FAMILY, style, str(face.path), collection_font_number=face.index)
        times.append((f"{face.path.name}#{face.index}", time.perf_counter() - start))
    return times


class Peak:
    """Peak RSS (VmHWM) of this process, reset between phases via /proc/self/clear_refs."""

    def __init__(self) -> None:
        self.resettable = self.reset()

    @staticmethod
    def reset() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            return True
        except OSError:
            return False

    @staticmethod
    def mb() -> float:
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


def plan_for(content: Content) -> Plan:
    return preview_plan(content.root, content.screens, LAYOUT_ID, kind="board")


def layout_for(content: Content) -> BoardLayout:
    from signage.publishing.screens import load_screens

    return board_layout(load_screens(content.screens).layouts[LAYOUT_ID])


def item_codes(board: BoardContent) -> list[str]:
    return [str(entry.data.get("code") or entry.key) for entry in board.items]


def verify(path: Path, pages: int, codes: list[str]) -> list[str]:
    """Problems with a written PDF: ``pdfinfo``'s page count, item codes ``pdftotext`` misses."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    problems = []
    if not found or int(found.group(1)) != pages:
        problems.append(f"{path.name}: pdfinfo says {found.group(1) if found else info.stderr.strip()!r} "
                        f"pages, composed {pages}")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=False).stdout
    joined = re.sub(r"\s+", "", text)  # a code wrapped in its cell still counts
    missing = [code for code in codes if code not in text and code not in joined]
    if missing:
        problems.append(f"{path.name}: pdftotext misses {len(missing)} of {len(codes)} item codes "
                        f"({', '.join(missing[:5])})")
    return problems


# --- the 40-item board ------------------------------------------------------------------------


@dataclass(slots=True)
class BoardRun:
    plan: float
    compose: float
    pdf: PdfSplit


@dataclass(slots=True)
class BoardResult:
    board: BoardContent
    document: Document
    pdf_path: Path
    runs: list[BoardRun]
    first_fonts: list[tuple[str, float]]
    problems: list[str]
    peak_mb: float

    def best(self, pick: Callable[[BoardRun], float]) -> float:
        return min(pick(run) for run in self.runs)

    @property
    def pdf(self) -> PdfSplit:
        return min((run.pdf for run in self.runs), key=lambda split: split.total)

    @property
    def total(self) -> float:
        return self.best(lambda r: r.plan) + self.best(lambda r: r.compose) + self.pdf.total


def bench_board(content: Content, fonts: Fonts, out: Path, runs: int) -> BoardResult:
    """Plan, compose and write the single unit's board ``runs`` times; verify the last PDF."""
    peak = Peak()
    first = first_add_font(fonts)
    layout = layout_for(content)
    path = out / "board-40.pdf"
    results: list[BoardRun] = []
    with PdfTimer() as timer:
        for _ in range(runs):
            plan_s, plan = timed(lambda: plan_for(content))
            (board,) = boards_of(plan)
            compose_s, document = timed(functools.partial(BoardComposer(layout, fonts).compose, board))
            results.append(BoardRun(plan_s, compose_s, timer.write(document, path, fonts)))
    peak_mb = peak.mb()
    problems = verify(path, len(document.pages), item_codes(board))
    if len(board.items) != content.items:
        problems.append(f"the plan shows {len(board.items)} of {content.items} items (held back?)")
    return BoardResult(board, document, path, results, first, problems, peak_mb)


# --- the raster baseline ----------------------------------------------------------------------


@dataclass(slots=True)
class Raster:
    pages: int
    render: float
    save: float
    size: int
    ours_pdf: float  # write_pdf of exactly these pages
    ours_size: int
    peak_mb: float

    @property
    def total(self) -> float:
        return self.render + self.save


def bench_raster(document: Document, fonts: Fonts, out: Path, pages: int, ours: PdfSplit,
                 ours_path: Path) -> Raster:
    """The same pages at 300 dpi through Pillow, saved as one PDF; ours on the same pages."""
    peak = Peak()
    chosen = document.pages[:pages] if pages else document.pages
    path = out / "board-40-raster.pdf"
    gc.collect()
    start = time.perf_counter()
    images: list[Image.Image] = [render_png(page, fonts, dpi=RASTER_DPI) for page in chosen]
    render = time.perf_counter() - start
    start = time.perf_counter()
    images[0].save(path, save_all=True, append_images=images[1:], resolution=RASTER_DPI)
    save = time.perf_counter() - start
    peak_mb = peak.mb()
    del images
    if len(chosen) == len(document.pages):
        ours_s, ours_size = ours.total, ours_path.stat().st_size
    else:
        same = Document(document.title, list(chosen), document.subject, document.author, document.keywords)
        subset_path = out / "board-40-subset.pdf"
        ours_s, _ = timed(lambda: write_pdf(same, subset_path, fonts))
        ours_size = subset_path.stat().st_size
    return Raster(len(chosen), render, save, path.stat().st_size, ours_s, ours_size, peak_mb)


# --- the county -------------------------------------------------------------------------------


@dataclass(slots=True)
class County:
    boards: int
    items: int
    pages: int
    plan: float
    compose: float
    write: float
    bytes: int
    slowest: tuple[float, str, int]  # (seconds, unit, pages)
    problems: list[str]
    peak_mb: float
    pdf: PdfSplit

    @property
    def total(self) -> float:
        return self.plan + self.compose + self.write


def bench_county(content: Content, fonts: Fonts, out: Path) -> County:
    """Every unit's board as a PDF, as ``signage board --all`` writes them (signage/office/boards.py)."""
    peak = Peak()
    layout = layout_for(content)
    plan_s, plan = timed(lambda: plan_for(content))
    composer = BoardComposer(layout, fonts)
    compose_s = write_s = 0.0
    pages = written = 0
    slowest = (0.0, "", 0)
    split = PdfSplit()
    checks: list[tuple[Path, int, list[str]]] = []
    gc.collect()
    with PdfTimer() as timer:
        timer.current = split
        for board in boards_of(plan):
            unit_id = str(board.unit.get("id") or "unit")
            start = time.perf_counter()
            document = composer.compose(board)
            composed = time.perf_counter()
            (path,) = write_board(document, out / f"{unit_id}-公开栏.pdf", fonts)
            done = time.perf_counter()
            compose_s += composed - start
            write_s += done - composed
            pages += len(document.pages)
            written += path.stat().st_size
            slowest = max(slowest, (done - start, unit_id, len(document.pages)))
            checks.append((path, len(document.pages), item_codes(board)))
    split.total = write_s
    peak_mb = peak.mb()
    items = sum(len(codes) for _, _, codes in checks)
    problems = [p for path, n, codes in checks for p in verify(path, n, codes)]
    if items != content.items:
        problems.append(f"the boards show {items} of {content.items} items (held back?)")
    return County(len(checks), items, pages, plan_s, compose_s, write_s, written, slowest, problems,
                  peak_mb, split)


# --- reporting --------------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} kB"


def _faster(ours: float, theirs: float) -> str:
    ratio = theirs / ours
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def _smaller(ours: int, theirs: int) -> str:
    ratio = theirs / ours
    return f"{ratio:.0f}× smaller" if ratio >= 1 else f"{1 / ratio:.1f}× larger"


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def report_board(result: BoardResult, raster: Raster, content: Content, runs: int) -> None:
    pages = len(result.document.pages)
    plan, compose, pdf = result.best(lambda r: r.plan), result.best(lambda r: r.compose), result.pdf
    total, size = result.total, result.pdf_path.stat().st_size
    per_page = total / pages
    print(f"--- one A3 board: {content.items} items, {content.flows.describe()} "
          f"(best of {runs}; load average now {_load()})")
    print(f"  planning (preview_plan: check + plan): {plan:6.3f} s   "
          f"(runs {' '.join(f'{r.plan:.3f}' for r in result.runs)})")
    print(f"  composing (BoardComposer.compose):     {compose:6.3f} s   "
          f"({compose / pages * 1e3:.0f} ms/page; runs {' '.join(f'{r.compose:.3f}' for r in result.runs)})")
    print(f"  writing the PDF (write_pdf):           {pdf.total:6.3f} s   "
          f"(runs {' '.join(f'{r.pdf.total:.3f}' for r in result.runs)})")
    print(f"    font loading, add_font ×2 faces:     {pdf.add_font:6.3f} s   (every document: fpdf2 parses "
          "the collection again)")
    print(f"    {f'drawing {pages} pages:':<37}{pdf.drawing:6.3f} s   "
          f"({pdf.drawing / pages * 1e3:.0f} ms/page)")
    print(f"    font subsetting and embedding:       {pdf.embed:6.3f} s   (at output, fontTools)")
    print(f"    serialising the rest:                {pdf.serialising:6.3f} s")
    first = ", ".join(f"{name} {seconds:.3f} s" for name, seconds in result.first_fonts)
    steady = pdf.total - pdf.add_font
    print(f"  first add_font in this process: {first}; steady state per document "
          f"{pdf.add_font:.3f} s for both → writing without font loading {steady:.3f} s "
          f"({steady / pages:.3f} s/page)")
    print(f"  peak RSS (VmHWM) while planning, composing and writing: {result.peak_mb:.0f} MB")
    print(f"  verified: pdfinfo {pages} pages, pdftotext finds "
          f"{'all' if not result.problems else 'NOT all'} {len(result.board.items)} item codes")
    for problem in result.problems:
        print(f"  PROBLEM: {problem}")
    write_ratio = f"{_faster(raster.ours_pdf, raster.total)}, {_smaller(raster.ours_size, raster.size)}"
    if raster.pages == pages:
        theirs = plan + compose + raster.total
        print(f"  raster 300 dpi (render_png + Pillow save_all, JPEG pages): render {raster.render:.2f} s "
              f"+ save {raster.save:.2f} s = {raster.total:.2f} s, {_size(raster.size)}; peak RSS "
              f"{raster.peak_mb:.0f} MB; writing step alone: ours {raster.ours_pdf:.2f} s → {write_ratio}")
        verdict = _mark(per_page <= TARGET_S_PER_PAGE)
        print(f"A3 board, {content.items} items: {pages} pages in {total:.2f} s → {per_page:.2f} s/page "
              f"(target ≤ {TARGET_S_PER_PAGE:g} s: {verdict}); PDF {_size(size)}; raster {RASTER_DPI} dpi: "
              f"{theirs:.2f} s, {_size(raster.size)} → ours {_faster(total, theirs)}, "
              f"{_smaller(size, raster.size)}")
    else:
        print(f"  raster 300 dpi of the first {raster.pages} pages (render_png + Pillow save_all, JPEG "
              f"pages): render {raster.render:.2f} s + save {raster.save:.2f} s = {raster.total:.2f} s, "
              f"{_size(raster.size)}; peak RSS {raster.peak_mb:.0f} MB")
        verdict = _mark(per_page <= TARGET_S_PER_PAGE)
        print(f"A3 board, {content.items} items: {pages} pages in {total:.2f} s → {per_page:.2f} s/page "
              f"(target ≤ {TARGET_S_PER_PAGE:g} s: {verdict}); PDF {_size(size)}; the same "
              f"{raster.pages} pages: ours {raster.ours_pdf:.2f} s, {_size(raster.ours_size)}; raster "
              f"{RASTER_DPI} dpi {raster.total:.2f} s, {_size(raster.size)} → ours {write_ratio}")


def report_county(county: County, content: Content, resettable: bool) -> None:
    per_page = county.total / county.pages
    write = county.pdf
    print(f"--- the county: {content.units} units, {content.items:,} items ({content.flows.describe()}), "
          f"one PDF per unit as `signage board --all` (load average now {_load()})")
    print(f"  planning once (preview_plan): {county.plan:.2f} s; composing {county.compose:.2f} s "
          f"({county.compose / county.pages * 1e3:.0f} ms/page); writing {county.write:.2f} s "
          f"({county.write / county.boards:.2f} s/board, {county.write / county.pages:.3f} s/page)")
    print(f"  of the writing: font loading {write.add_font:.2f} s ({write.add_font / county.boards:.2f} "
          f"s/board), drawing {write.drawing:.2f} s, font subsetting and embedding {write.embed:.2f} s, "
          f"serialising {write.serialising:.2f} s")
    slow_s, slow_unit, slow_pages = county.slowest
    print(f"  slowest board: {slow_unit}, {slow_pages} pages in {slow_s:.2f} s ({slow_s / slow_pages:.2f} "
          f"s/page); {county.pages / county.boards:.1f} pages per board on average")
    print(f"  verified: pdfinfo page counts and pdftotext item codes of {county.boards} PDFs: "
          f"{'all good' if not county.problems else f'{len(county.problems)} PROBLEMS'}")
    for problem in county.problems[:10]:
        print(f"  PROBLEM: {problem}")
    scope = "" if resettable else " (process peak so far)"
    print(f"County: {county.boards} boards, {county.items:,} items: {county.pages} pages in "
          f"{county.total:.1f} s → {per_page:.2f} s/page (target ≤ {TARGET_S_PER_PAGE:g} s: "
          f"{_mark(per_page <= TARGET_S_PER_PAGE)}); {county.bytes / 2**20:.1f} MB of PDF; peak RSS "
          f"{county.peak_mb:.0f} MB{scope}")


def profile(content: Content, fonts: Fonts, out: Path, top: int) -> str:
    layout = layout_for(content)
    (board,) = boards_of(plan_for(content))
    profiler = cProfile.Profile()
    profiler.enable()
    write_pdf(BoardComposer(layout, fonts).compose(board), out / "profiled.pdf", fonts)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()


@contextmanager
def workspace(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="bench-board-") as tmp:
        yield Path(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=65, help="units in the county (default 65)")
    parser.add_argument("--items", type=int, default=2_000, help="power items in the county")
    parser.add_argument("--board-items", type=int, default=40, help="items on the single board")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the single board; the best counts")
    parser.add_argument("--raster-pages", type=int, default=0,
                        help="pages of the single board rasterised for the baseline (0: all)")
    parser.add_argument("--seed", type=int, default=20260527, help="random seed for the content")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of composing and writing the single board")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    parser.add_argument("--keep", type=Path, help="write the content and PDFs here (kept) instead of a "
                                                   "temporary folder")
    parser.add_argument("--quick", action="store_true",
                        help="CI-sized: 10 units, 300 items, 1 run, 3 raster pages")
    args = parser.parse_args(argv)
    if args.quick:
        args.units, args.items, args.runs, args.raster_pages = 10, 300, 1, args.raster_pages or 3
    if min(args.units, args.items, args.board_items, args.runs) < 1 or args.raster_pages < 0:
        parser.error("--units, --items, --board-items and --runs must be at least 1")
    missing = [tool for tool in ("pdfinfo", "pdftotext") if shutil.which(tool) is None]
    if missing:
        print(f"{' and '.join(missing)} not found: install poppler-utils")
        return 2

    fonts = Fonts()
    resettable = Peak.reset()
    print(f"Python {platform.python_version()} · fpdf2 {fpdf.__version__} · Pillow {Image.__version__} · "
          f"{os.cpu_count()} CPUs · {platform.machine()} · load average {_load()}")
    print(f"font: {fonts.regular.path} #{fonts.regular.index} "
          f"({fonts.regular.path.stat().st_size / 2**20:.0f} MB), bold {fonts.bold.path.name} "
          f"#{fonts.bold.index} ({fonts.bold.path.stat().st_size / 2**20:.0f} MB); {dt.date.today()}")
    with workspace(args.keep) as folder:
        start = time.perf_counter()
        single = make_content(folder / "single", 1, args.board_items, args.seed)
        county = make_content(folder / "county", args.units, args.items, args.seed)
        print(f"generated one unit with {single.items} items and a county of {county.units} units, "
              f"{county.items:,} items, every item on the board channel, checked clean "
              f"({county.warnings} warnings) in {time.perf_counter() - start:.1f} s")
        for name in ("single-out", "county-out"):
            (folder / name).mkdir(exist_ok=True)
        # Measured in this order so the county's peak RSS is not the raster's, printed as read.
        board = bench_board(single, fonts, folder / "single-out", args.runs)
        whole = bench_county(county, fonts, folder / "county-out")
        raster = bench_raster(board.document, fonts, folder / "single-out", args.raster_pages, board.pdf,
                              board.pdf_path)
        report_board(board, raster, single, args.runs)
        report_county(whole, county, resettable)
        if args.profile:
            print(f"\ncProfile of composing and writing the {single.items}-item board (top {args.top}):")
            print(profile(single, fonts, folder / "single-out", args.top))
        if args.keep:
            print(f"content and PDFs kept in {folder}")
    return 1 if board.problems or whole.problems else 0


if __name__ == "__main__":
    sys.exit(main())
