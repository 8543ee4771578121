"""No text is ever lost on a board: the drawing model checked page by page, for every shape.

``pdftotext -bbox`` leaves out words that fall off the page, so it cannot see text lost off the
paper; these tests read the pages' shapes instead. Every shape must lie inside the page's margins,
above the footer (or be the footer), no text may touch another text, a line, an arrowhead or a
box edge it does not sit inside, and every character of the content must be drawn, in order.
They run on the sample county and on hostile content: a 2,000-character legal basis, a
300-character item name, a 40-step flowchart, unbreakable Latin runs, pasted markup.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import POWER, REPO, TODAY, ContentFactory, patched

from players.board.boards import boards_of, compose_boards
from players.board.canvas import PT, Document, Fonts, Line, Page, Polygon, Rect, Shape, Text
from players.board.compose import BoardComposer
from players.board.layout import BoardLayout, board_layout
from signage.publishing.preview import preview_plan

Box = tuple[float, float, float, float]
ASCENT, DESCENT = 0.88, 0.12
SLACK = 0.05  # mm
BOARD_LAYOUTS = {
    "screens.yaml": "screens:\n  - id: demo-board\n    kind: board\n    layout: board-a3\n",
    "board-a3.yaml": "layout:\n  id: board-a3\n  kind: board\n  paper: A3\n",
}
LAYOUTS = [("A4", "portrait"), ("A4", "landscape"), ("A3", "portrait")]


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts()


# -- the checks ---------------------------------------------------------------------------------


def box_of(fonts: Fonts, shape: Shape) -> Box:
    if isinstance(shape, Text):
        em = shape.size * PT
        return shape.x, shape.y - ASCENT * em, shape.x + fonts.width(shape.text, shape.size, shape.bold), \
            shape.y + DESCENT * em
    if isinstance(shape, Line):
        xs, ys = (shape.x1, shape.x2), (shape.y1, shape.y2)
        return min(xs), min(ys), max(xs), max(ys)
    if isinstance(shape, Polygon):
        xs, ys = [p[0] for p in shape.points], [p[1] for p in shape.points]
        return min(xs), min(ys), max(xs), max(ys)
    return shape.x, shape.y, shape.x + shape.w, shape.y + shape.h


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] - SLACK and b[0] < a[2] - SLACK and a[1] < b[3] - SLACK and b[1] < a[3] - SLACK


def crosses(segment: tuple[float, float, float, float], box: Box) -> bool:
    """Whether a straight segment passes through the inside of ``box`` (Liang–Barsky clipping)."""
    x1, y1, x2, y2 = segment
    left, top, right, bottom = box[0] + SLACK, box[1] + SLACK, box[2] - SLACK, box[3] - SLACK
    if left >= right or top >= bottom:
        return False
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def edges(shape: Shape) -> list[tuple[float, float, float, float]]:
    if isinstance(shape, Line):
        return [(shape.x1, shape.y1, shape.x2, shape.y2)]
    if isinstance(shape, Rect) and shape.stroke is not None:
        x, y, w, h = shape.x, shape.y, shape.w, shape.h
        return [(x, y, x + w, y), (x + w, y, x + w, y + h), (x, y + h, x + w, y + h), (x, y, x, y + h)]
    if isinstance(shape, Polygon):
        points = list(shape.points)
        return [(*a, *b) for a, b in zip(points, points[1:] + points[:1], strict=True)]
    return []


def page_problems(page: Page, layout: BoardLayout, fonts: Fonts, footer_height: float = 9.0) -> list[str]:
    """Everything wrong with one page's drawing model, as readable lines."""
    problems: list[str] = []
    margin = layout.margin
    body_bottom = page.height - margin - footer_height
    shapes = page.shapes
    for shape in shapes:
        left, top, right, bottom = box_of(fonts, shape)
        if left < margin - 0.5 or right > page.width - margin + 0.5 or top < margin - 2.0 \
                or bottom > page.height - margin + 2.0:
            problems.append(f"outside the margins: {shape}")
        elif top < body_bottom - SLACK < bottom - 2 * SLACK:
            problems.append(f"runs into the footer: {shape}")
    words = [s for s in shapes if isinstance(s, Text) and s.text.strip()]
    areas = [box_of(fonts, t) for t in words]
    for n, (a, text) in enumerate(zip(areas, words, strict=True)):
        for b, other in zip(areas[n + 1:], words[n + 1:], strict=True):
            if overlap(a, b):
                problems.append(f"text on text: {text.text!r} / {other.text!r}")
    for shape in shapes:
        for segment in edges(shape):
            for area, text in zip(areas, words, strict=True):
                if crosses(segment, area):
                    problems.append(f"line through text: {text.text!r} by {type(shape).__name__}")
    return problems


def document_problems(document: Document, layout: BoardLayout, fonts: Fonts) -> list[str]:
    return [f"page {n}: {p}" for n, page in enumerate(document.pages, 1)
            for p in page_problems(page, layout, fonts)]


def drawn_text(document: Document) -> str:
    return "".join(s.text for page in document.pages for s in page.shapes if isinstance(s, Text))


def is_drawn_in_order(text: str, drawn: str) -> bool:
    """Every character of ``text`` (spaces aside) drawn, in order: nothing lost."""
    position = 0
    for char in re.sub(r"\s+", "", text):
        position = drawn.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


# -- the boards ---------------------------------------------------------------------------------


def layouts_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in BOARD_LAYOUTS.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def compose(root: Path, layouts: Path, fonts: Fonts, paper: str, orientation: str,
            units: tuple[str, ...] = ()) -> list[tuple[BoardLayout, Document]]:
    plan = preview_plan(root, layouts, "board-a3", kind="board", units=units, today=TODAY)
    layout = board_layout(plan.layout, paper=paper, orientation=orientation)
    return [(layout, document) for _, document in compose_boards(plan, layout, fonts, TODAY)]


LAW = "、".join(f"《台安县第{n}号管理办法》第{n}条" for n in range(1, 112))  # 2,000 characters
NAME = ("对" + "".join(f"第{n}类" for n in range(1, 80)))[:299] + "处罚"
LATIN = "https://zwgk.taian.gov.cn/" + "x" * 180 + "/index.html"


def forty_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for n in range(1, 41):
        step: dict[str, Any] = {"name": f"第{n}环节审核", "post": "窗口受理岗", "days": "1"}
        if n % 7 == 0:
            step["branches"] = [{"when": "材料不齐全需要补正", "to": "一次性告知补正"},
                                {"when": "材料齐全", "to": f"第{n + 1}环节审核"}]
        steps.append(step)
    steps.insert(8, {"name": "一次性告知补正", "post": "窗口受理岗", "days": "1",
                     "branches": [{"when": "补正后", "to": "第1环节审核"}]})
    return steps


HOSTILE = {
    "long legal basis": [patched(POWER, {"legal_basis": [LAW]})],
    "long name": [patched(POWER, {"name": NAME})],
    "forty steps": [patched(POWER, {"flowchart.steps": forty_steps()})],
    "latin runs": [patched(POWER, {"legal_basis": [f"《中华人民共和国城乡规划法》第四十条（{LATIN}）"],
                                   "department": "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3})],
    "markup": [patched(POWER, {"name": "<script>alert('公开栏')</script>建设工程规划许可",
                               "department": "<b>规划管理股</b>"})],
}


def test_a_row_taller_than_a_page_continues_marked_xu(content: ContentFactory, tmp_path: Path,
                                                      fonts: Fonts) -> None:
    """The 2,000-character basis: more than a page tall on A4, all of it printed, in order."""
    root = content.write(powers=HOSTILE["long legal basis"])
    ((layout, document),) = compose(root, layouts_folder(tmp_path), fonts, "A4", "portrait")
    drawn = drawn_text(document)
    assert is_drawn_in_order(LAW, drawn)
    pages_with_law = [n for n, page in enumerate(document.pages)
                      if any(isinstance(s, Text) and "管理办法" in s.text for s in page.shapes)]
    assert len(pages_with_law) >= 2  # continued …
    for n in pages_with_law[1:]:  # … under the repeated header, marked 续
        page_texts = [s.text for s in document.pages[n].shapes if isinstance(s, Text)]
        assert "续" in page_texts and "设定依据" in page_texts
    assert document_problems(document, layout, fonts) == []


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize(("paper", "orientation"), LAYOUTS)
def test_hostile_content_stays_on_the_paper(content: ContentFactory, tmp_path: Path, fonts: Fonts,
                                            case: str, paper: str, orientation: str) -> None:
    root = content.write(powers=HOSTILE[case])
    ((layout, document),) = compose(root, layouts_folder(tmp_path), fonts, paper, orientation)
    assert document_problems(document, layout, fonts) == []
    drawn = drawn_text(document)
    power = HOSTILE[case][0]
    for text in (power["name"], *power["legal_basis"], power["department"]):
        assert is_drawn_in_order(text, drawn), text[:40]
    for step in power["flowchart"]["steps"]:
        assert is_drawn_in_order(step["name"], drawn), step["name"]


def test_a_forty_step_flowchart_splits_across_pages(content: ContentFactory, tmp_path: Path,
                                                    fonts: Fonts) -> None:
    root = content.write(powers=HOSTILE["forty steps"])
    ((layout, document),) = compose(root, layouts_folder(tmp_path), fonts, "A4", "portrait")
    on = [n for n, page in enumerate(document.pages)
          if any(isinstance(s, Text) and re.fullmatch(r"第\d+环节审核", s.text) for s in page.shapes)]
    assert len(on) >= 2 and on == list(range(on[0], on[-1] + 1))
    for n in on[1:]:
        assert any(isinstance(s, Text) and s.text == "（续上页）" for s in document.pages[n].shapes)
    sizes = {s.size for n in on for s in document.pages[n].shapes if isinstance(s, Text)
             and re.fullmatch(r"第\d+环节审核", s.text)}
    assert sizes == {layout.flow}  # split, not shrunk


def test_the_checker_sees_text_off_the_page(content: ContentFactory, tmp_path: Path, fonts: Fonts) -> None:
    """The check can fail: one shape moved into the footer, one text onto another, is caught."""
    import dataclasses

    root = content.write()
    ((layout, document),) = compose(root, layouts_folder(tmp_path), fonts, "A4", "portrait")
    assert document_problems(document, layout, fonts) == []
    page = document.pages[0]
    first = next(i for i, s in enumerate(page.shapes) if isinstance(s, Text) and s.text.strip())
    moved = dataclasses.replace(page.shapes[first], y=page.height - layout.margin - 8.0)
    page.shapes.append(moved)
    assert any("footer" in p or "text on text" in p for p in document_problems(document, layout, fonts))
    page.shapes[-1] = dataclasses.replace(moved, y=page.height + 20)
    assert any("outside" in p for p in document_problems(document, layout, fonts))


@pytest.mark.parametrize(("paper", "orientation"), LAYOUTS)
def test_every_sample_board_is_clean(tmp_path: Path, fonts: Fonts, paper: str, orientation: str) -> None:
    boards = compose(REPO / "content", REPO / "layouts", fonts, paper, orientation)
    assert len(boards) == 8
    for layout, document in boards:
        assert document_problems(document, layout, fonts) == [], document.title


def test_type_sizes_follow_the_reading_distance(fonts: Fonts) -> None:
    plan = preview_plan(REPO / "content", REPO / "layouts", "board-a3", kind="board", units=("renshe",),
                        today=TODAY)
    sizes = {}
    for paper in ("A4", "A3"):
        layout = board_layout(plan.layout, paper=paper)
        document = BoardComposer(layout, fonts).compose(boards_of(plan, TODAY)[0])
        drawn = [s for p in document.pages for s in p.shapes if isinstance(s, Text)]
        table = [s.size for s in drawn if s.text == "劳动保障监察大队"]  # a table cell
        steps = [s.size for s in drawn if s.text == "立案" and s.bold]  # a flowchart step
        sizes[paper] = (max(table), min(steps), min(s.size for s in drawn))
    assert sizes["A4"][:2] == (10.5, 10.0) and sizes["A3"][:2] == (12.0, 11.5)
    assert sizes["A4"][2] >= 9.0 and sizes["A3"][2] > sizes["A4"][2]  # nothing smaller than 9 pt
    assert board_layout({}, paper="A4").body == 10.5 and board_layout({}, paper="A3").body == 12.0
    assert board_layout({}, paper="A3").heading > board_layout({}, paper="A3").body
