"""Printed notice boards: real text in the PDF, page sizes, nothing off the page, golden pages."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import POWER, REPO, TODAY, ContentFactory, patched
from PIL import Image

from players.board.boards import compose_boards
from players.board.canvas import PT, Document, Fonts, Rect, Text
from players.board.layout import board_layout
from players.board.png import render_png
from signage.cli import main
from signage.publishing.preview import preview_plan

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
BOARD_LAYOUTS = {
    "screens.yaml": "screens:\n  - id: demo-board\n    kind: board\n    layout: board-a3\n",
    "board-a3.yaml": "layout:\n  id: board-a3\n  kind: board\n  paper: A3\n",
}
LONG_BASIS = ("《中华人民共和国城乡规划法》第四十条第一款、第二款，《辽宁省城乡规划条例》第三十二条，"
              "《鞍山市城乡规划管理办法》第二十一条第三款")


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts()


def layouts_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir(parents=True)
    for name, text in BOARD_LAYOUTS.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def many_powers(count: int) -> list[dict[str, Any]]:
    return [patched(POWER, {"code": f"CSJ-XK-{n:03d}", "name": f"建设工程规划许可证核发{n}号",
                            "legal_basis": [LONG_BASIS] if n % 3 == 0 else POWER["legal_basis"]})
            for n in range(1, count + 1)]


def board_document(content: ContentFactory, tmp_path: Path, fonts: Fonts, *, paper: str = "A3",
                   orientation: str = "portrait", powers: list[dict[str, Any]] | None = None) -> Document:
    root = content.write(powers=powers) if powers is not None else content.write()
    plan = preview_plan(root, layouts_folder(tmp_path), "board-a3", kind="board", today=TODAY)
    layout = board_layout(plan.layout, paper=paper, orientation=orientation)
    ((_, document),) = compose_boards(plan, layout, fonts, TODAY)
    return document


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.mark.usefixtures("repo_cwd")
def test_sample_board_pdf_has_every_item_as_real_text(tmp_path: Path) -> None:
    out = tmp_path / "renshe.pdf"
    result = CliRunner().invoke(main, ["board", "--unit", "renshe", "-o", str(out), "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", "", pdftotext(out, "-raw"))
    source = (REPO / "content/units/renshe/powers.yaml").read_text("utf-8")
    codes = re.findall(r'code: "(RSJ-[A-Z]{2}-\d{3})"', source)
    names = re.findall(r"^  - name: (.+)$", source, re.M)
    assert len(codes) == 12 and len(names) == 12
    for code in codes:
        assert code in text
    for name in names:
        assert name.strip().strip('"') in text
    for phrase in ("行政权力运行公开栏", "限时办结制度", "首问责任制", "监督电话", "2026年11月27日",
                   "第1页共"):
        assert phrase in text
    info = pdfinfo(out)
    assert "A3" in info["Page size"] and int(info["Pages"]) >= 2
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJKSC" in fonts and " yes yes yes " in fonts  # embedded, subset, unicode


@pytest.mark.parametrize(("paper", "orientation", "size"), [
    ("A4", "portrait", (595, 842)), ("A4", "landscape", (842, 595)), ("A3", "landscape", (1191, 842)),
])
def test_page_size_and_count(content: ContentFactory, tmp_path: Path, fonts: Fonts, paper: str,
                             orientation: str, size: tuple[int, int]) -> None:
    from players.board.pdf import write_pdf

    document = board_document(content, tmp_path, fonts, paper=paper, orientation=orientation)
    path = tmp_path / "b.pdf"
    write_pdf(document, path, fonts)
    info = pdfinfo(path)
    width, height = (round(float(v)) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (width, height) == size
    assert int(info["Pages"]) == len(document.pages)


def test_nothing_is_drawn_outside_the_page(content: ContentFactory, tmp_path: Path, fonts: Fonts) -> None:
    from players.board.pdf import write_pdf

    document = board_document(content, tmp_path, fonts, paper="A4", powers=many_powers(30))
    for page in document.pages:
        for shape in page.shapes:
            if isinstance(shape, Text):
                right = shape.x + fonts.width(shape.text, shape.size, shape.bold)
                assert shape.x > 0 and right < page.width - 5, shape
                assert shape.size * PT < shape.y < page.height - 5, shape
            elif isinstance(shape, Rect):
                assert shape.x > 5 and shape.x + shape.w < page.width - 5, shape
    path = tmp_path / "b.pdf"
    write_pdf(document, path, fonts)
    bbox = pdftotext(path, "-bbox")  # from the PDF itself: every word's box inside the page
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S)
    assert len(pages) == len(document.pages)
    for width, height, words in pages:
        for box in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', words):
            x0, y0, x1, y1 = map(float, box)
            assert 0 <= x0 < x1 <= float(width) and 0 <= y0 < y1 <= float(height)


def test_long_tables_continue_with_their_header_and_rows_are_never_split(
        content: ContentFactory, tmp_path: Path, fonts: Fonts) -> None:
    document = board_document(content, tmp_path, fonts, paper="A4", powers=many_powers(40))
    with_rows = [p for p in document.pages if any(isinstance(s, Text) and s.text.startswith("CSJ-XK-")
                                                  for s in p.shapes)]
    assert len(with_rows) >= 2
    for page in with_rows:
        headers = [s for s in page.shapes if isinstance(s, Text) and s.text.startswith("事项名称")]
        first_row = min(s.y for s in page.shapes if isinstance(s, Text) and s.text.startswith("CSJ-XK-"))
        assert headers and headers[0].y < first_row
        bottom = page.height - 15 - 9  # margin and footer
        assert all(s.y + s.h <= bottom + 0.01 for s in page.shapes if isinstance(s, Rect) and s.h < 200)
    codes = [s.text for p in document.pages for s in p.shapes
             if isinstance(s, Text) and re.fullmatch(r"CSJ-XK-\d{3}", s.text)]
    assert sorted(set(codes)) == [f"CSJ-XK-{n:03d}" for n in range(1, 41)]
    numbers = [s.text for p in document.pages for s in p.shapes if isinstance(s, Text)
               and re.fullmatch(r"第 \d+ 页 共 \d+ 页", s.text)]
    assert numbers == [f"第 {n} 页 共 {len(document.pages)} 页" for n in range(1, len(document.pages) + 1)]


def test_long_legal_basis_wraps_by_the_chinese_rules(content: ContentFactory, tmp_path: Path,
                                                     fonts: Fonts) -> None:
    from signage.text.linebreak import NO_LINE_END, NO_LINE_START

    document = board_document(content, tmp_path, fonts, paper="A4", powers=many_powers(3))
    page = document.pages[0]
    lines = [s for s in page.shapes if isinstance(s, Text) and s.text and s.text in LONG_BASIS]
    assert LONG_BASIS in "".join(s.text for s in lines)  # the whole basis, over several lines
    assert len(lines) >= 4
    cells = [s for s in page.shapes if isinstance(s, Rect) and s.stroke is not None]
    for line in lines:
        cell = next(c for c in cells if c.x <= line.x < c.x + c.w and c.y <= line.y <= c.y + c.h)
        assert line.x + fonts.width(line.text, line.size) <= cell.x + cell.w  # inside its cell
        assert line.text[0] not in NO_LINE_START and line.text[-1] not in NO_LINE_END


def test_board_matches_the_golden_page(content: ContentFactory, tmp_path: Path, fonts: Fonts) -> None:
    """Page 1 of a fixed board against a stored image (SIGNAGE_UPDATE_GOLDEN=1 rewrites it)."""
    document = board_document(content, tmp_path, fonts, paper="A4")
    image = render_png(document.pages[0], fonts, dpi=60)
    image.save(tmp_path / "board-1.png")
    golden = GOLDEN / "board-a4-1.png"
    if os.environ.get("SIGNAGE_UPDATE_GOLDEN") or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        image.save(golden)
        if not os.environ.get("SIGNAGE_UPDATE_GOLDEN"):
            pytest.fail(f"golden image {golden} was missing and has been written: check it in")
    expected = np.asarray(Image.open(golden).convert("L"), dtype=np.int16)
    actual = np.asarray(image.convert("L"), dtype=np.int16)
    assert actual.shape == expected.shape
    differing = np.mean(np.abs(actual - expected) > 64)
    assert differing < 0.002, f"{differing:.2%} of pixels differ (see {tmp_path / 'board-1.png'})"


@pytest.mark.usefixtures("repo_cwd")
def test_board_command_errors_are_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["board", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "--unit" in result.output
    result = runner.invoke(main, ["board", "--unit", "nosuch", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "nosuch" in result.output and "renshe" in result.output
    result = runner.invoke(main, ["board", "--unit", "renshe", "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and ".pdf or .png" in result.output


@pytest.mark.usefixtures("repo_cwd")
def test_all_boards_into_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["board", "--all", "-o", str(tmp_path / "boards"), "--paper", "A4",
                                       "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in (tmp_path / "boards").glob("*.pdf"))
    assert len(made) == 8 and "renshe-公开栏.pdf" in made


# -- the print station ------------------------------------------------------------------------


def station_plan(content: ContentFactory, tmp_path: Path, version: int, **parts: Any) -> Any:
    import dataclasses

    root = content.write(**parts)
    plan = preview_plan(root, layouts_folder(tmp_path / f"v{version}"), "board-a3", kind="board",
                        today=TODAY)
    return dataclasses.replace(plan, version=version)


def test_print_station_prints_through_cups_once_per_content(content: ContentFactory, tmp_path: Path,
                                                            cups: Any) -> None:
    from players.board.printing import PrintQueue
    from players.board.renderer import BoardRenderer

    station = BoardRenderer("demo-board", tmp_path / "station", queue=PrintQueue(cups.queue, cups.server),
                            today=lambda: TODAY)
    posted: list[str] = []
    first = station.post(station_plan(content, tmp_path, 1), lambda entry: posted.append(entry.key))
    assert [r.job for r in first] and posted == ["CSJ-XK-001"]
    printed = cups.wait_for_pdf("demo-board-demo-v1")
    text = re.sub(r"\s+", "", pdftotext(printed))
    assert "建设工程规划许可证核发" in text and "CSJ-XK-001" in text
    # the same content again in a newer version (another unit changed, say): nothing printed
    assert station.post(station_plan(content, tmp_path, 2), lambda entry: posted.append(entry.key)) == []
    assert len(station.history.records()) == 1 and posted == ["CSJ-XK-001"]
    # changed content prints again, and the history keeps both (proof of posting)
    changed = [patched(POWER, {"promised_days": "8"})]
    again = station.post(station_plan(content, tmp_path, 3, powers=changed), lambda entry: None)
    assert len(again) == 1 and again[0].version == 3
    cups.wait_for_pdf("demo-board-demo-v3")
    assert [r.version for r in station.history.records()] == [1, 3]


def test_print_station_keeps_and_retries_when_the_printer_is_away(content: ContentFactory,
                                                                  tmp_path: Path) -> None:
    from players.board.printing import PrintQueue
    from players.board.renderer import BoardRenderer

    station = BoardRenderer("demo-board", tmp_path / "station",
                            queue=PrintQueue("board-pdf", "127.0.0.1:9"), today=lambda: TODAY)
    plan = station_plan(content, tmp_path, 1)
    assert station.post(plan, lambda entry: None) == []
    assert station.history.records() == [] and station._failed is plan  # retried later
    assert list((tmp_path / "station").glob("*.pdf"))  # rendered all the same


def test_rectification_notice_pdf_in_the_board_typography(content: ContentFactory, tmp_path: Path) -> None:
    root = content.write(powers=[patched(POWER, {"legal_basis": ["《中华人民共和国城市规划法》第三十二条"]})])
    out = tmp_path / "notices"
    result = CliRunner().invoke(main, ["rectify", str(root), "-o", str(out), "--date", "2026-11-27"])
    assert result.exit_code == 0, result.output
    pdf = out / "demo-整改意见书.pdf"
    text = re.sub(r"\s+", "", pdftotext(pdf, "-raw"))
    assert "关于台安县测试局政务公开内容的整改意见书" in text and "城乡规划法" in text
    assert "GK-BASIS" in text and "2026年11月27日" in text
    assert (out / "demo-整改意见书.md").exists()
    assert int(pdfinfo(pdf)["Pages"]) >= 1 and "A4" in pdfinfo(pdf)["Page size"]


def test_rectification_notice_is_an_official_notice_with_a_deadline(content: ContentFactory,
                                                                    tmp_path: Path) -> None:
    """GB/T 9704 elements in order; 整改期限 from county.yaml, then from --days; working days on
    the national calendar (2026-11-27 + 15 working days = 2026-12-18; + 10 = 2026-12-11)."""
    from conftest import COUNTY

    county = {**COUNTY, "rectify_days": 15, "rectify_contact": "李明", "rectify_phone": "0412-4822119",
              "rectify_prefix": "台政公开"}
    old_law = {"legal_basis": ["《中华人民共和国城市规划法》第三十二条"]}
    root = content.write(county=county, powers=[patched(POWER, old_law)])
    out = tmp_path / "notices"
    result = CliRunner().invoke(main, ["rectify", str(root), "-o", str(out), "--date", "2026-11-27",
                                       "--first-number", "7"])
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", "", pdftotext(out / "demo-整改意见书.pdf", "-raw"))
    order = ["台安县人民政府政务公开办公室", "台政公开〔2026〕7号",
             "关于台安县测试局政务公开内容的整改意见书", "台安县测试局：",
             "整改期限：2026年12月18日前（15个工作日内）", "联系人：李明", "联系电话：0412-4822119",
             "2026年11月27日"]
    positions = [text.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), list(zip(order, positions, strict=True))
    markdown = (out / "demo-整改意见书.md").read_text("utf-8")
    assert "台政公开〔2026〕7号" in markdown and "2026年12月18日前" in markdown and "李明" in markdown
    again = CliRunner().invoke(main, ["rectify", str(root), "-o", str(out), "--date", "2026-11-27",
                                      "--days", "10"])
    assert again.exit_code == 0, again.output
    text = re.sub(r"\s+", "", pdftotext(out / "demo-整改意见书.pdf", "-raw"))
    assert "2026年12月11日前（10个工作日内）" in text


def test_rectification_notice_table_gives_its_width_to_the_problem_and_the_advice(content: ContentFactory,
                                                                                  tmp_path: Path) -> None:
    from players.board.canvas import Fonts as BoardFonts
    from signage.catalogue.checking import check_content
    from signage.office.notice_pdf import COLUMNS, NOTICE_LAYOUT, NoticeComposer, _cells

    root = content.write(powers=[patched(POWER, {"legal_basis": ["《中华人民共和国城市规划法》第三十二条"]})])
    result = check_content(root, TODAY)
    findings = result.for_unit("demo")
    composer = NoticeComposer(NOTICE_LAYOUT, BoardFonts())
    widths = composer._widths(COLUMNS, _cells(findings), NOTICE_LAYOUT.body - 1.5)
    named = dict(zip([c.title for c in COLUMNS], widths, strict=True))
    assert named["问题"] + named["整改意见"] > 0.5 * sum(widths)
    assert min(named["问题"], named["整改意见"]) > max(named["序号"], named["级别"], named["规则/位置"])
