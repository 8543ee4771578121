"""Flowcharts: images that exist inside the content folder and decode; steps that connect."""

from __future__ import annotations

import difflib
import os
import warnings
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

from signage.catalogue.findings import Finding
from signage.catalogue.model import Flowchart, FlowStep, PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define

END = "结束"
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")

IMAGE_MISSING = define(
    "GK-FLOW-001", ERROR, "power", "流程图图片不存在",
    "流程图图片“{path}”不存在。",
    "将图片放在本单位目录（如 images/）下，路径相对于单位目录填写。",
)
IMAGE_OUTSIDE = define(
    "GK-FLOW-002", ERROR, "power", "流程图路径越界",
    "流程图路径“{path}”指向内容目录之外。",
    "只能引用本单位目录内的图片，路径不得以 / 开头或包含 ..。",
)
IMAGE_CORRUPT = define(
    "GK-FLOW-003", ERROR, "power", "流程图图片已损坏",
    "流程图图片“{path}”无法解码（{reason}）。",
    "重新导出为 PNG 或 JPEG 图片。",
)
IMAGE_TOO_LARGE = define(
    "GK-FLOW-004", ERROR, "power", "流程图图片过大",
    "流程图图片“{path}”过大（{size}）。",
    "压缩或缩小后重新上传：不超过 {limit}。",
)
BAD_STEPS = define(
    "GK-FLOW-005", ERROR, "power", "流程步骤不完整",
    "流程图步骤有误：{problem}。",
    "{advice}",
)
IMAGE_WARNING = define(
    "GK-FLOW-008", WARNING, "power", "流程图图片有瑕疵",
    "流程图图片“{path}”{problem}（技术信息：{detail}）。",
    "用看图或画图软件打开后另存为 PNG（RGB 或 RGBA），再重新上传。",
)
STEPS_EXCEED_PROMISE = define(
    "GK-FLOW-006", WARNING, "power", "流程各环节时限之和超过承诺时限",
    "主流程各环节时限合计 {total} 个工作日，超过承诺时限 {promised} 个工作日。",
    "压缩各环节时限，或核对承诺时限。",
)

DEAD_END = define(
    "GK-FLOW-007", WARNING, "power", "流程步骤没有去向",
    "流程步骤“{step}”{problem}。",
    "{advice}",
)


@check("power")
def flowchart(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    chart = item.flowchart
    if chart is None:
        return
    if chart.image:
        yield from _check_image(item, chart, ctx)
    if chart.steps:
        yield from _check_steps(chart.steps)
        yield from _check_ends(chart.steps)
        total = main_path_days(chart.steps)
        if item.promised_days and total > item.promised_days:
            yield STEPS_EXCEED_PROMISE.finding(chart.where("steps"), "flowchart.steps",
                                               total=total, promised=item.promised_days)


def resolve_image(root: Path, unit_folder: str, relative: str) -> Path | None:
    """The image's path if it stays inside the content folder, else None."""
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]) \
            or "\x00" in relative:
        return None
    path = root / unit_folder / pure
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
        return None  # a symlink leading out
    return path


def is_readable_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the system refuses (too long …) is not one."""
    try:
        return path.is_file()
    except OSError:
        return False


def _check_image(item: PowerItem, chart: Flowchart, ctx: CheckContext) -> Iterator[Finding]:
    where, name = chart.where("image"), "flowchart.image"
    unit = ctx.catalogue.units.get(item.unit_id)
    path = resolve_image(ctx.root, unit.folder if unit else "", chart.image)
    if path is None:
        yield IMAGE_OUTSIDE.finding(where, name, path=chart.image)
        return
    if not is_readable_file(path):
        yield IMAGE_MISSING.finding(where, name, path=chart.image)
        return
    size = path.stat().st_size
    if size > ctx.max_image_bytes:
        yield IMAGE_TOO_LARGE.finding(where, name, path=chart.image, size=f"{size // 1024} KB",
                                      limit=f"{ctx.max_image_bytes // 1024} KB")
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        problem = _decode_image(path, ctx)
    if isinstance(problem, tuple):
        yield IMAGE_TOO_LARGE.finding(where, name, path=chart.image, size=problem[0], limit=problem[1])
        return
    if problem:
        yield IMAGE_CORRUPT.finding(where, name, path=chart.image,
                                    reason=problem.replace(str(path), chart.image))
        return
    for warning in caught:  # Pillow's own warnings, in English: told in Chinese, never on stderr
        detail = str(warning.message).replace(str(path), chart.image)
        yield IMAGE_WARNING.finding(where, name, path=chart.image, problem=_image_warning(detail),
                                    detail=detail)


def _decode_image(path: Path, ctx: CheckContext) -> str | tuple[str, str]:
    """"" when the image decodes; else why not (Chinese first), or (size, limit) when too big."""
    try:
        with Image.open(path) as image:
            pixels = image.width * image.height
            if image.format not in IMAGE_FORMATS:
                return f"格式 {image.format} 不受支持"
            if pixels > ctx.max_image_pixels:
                return (f"{image.width}×{image.height} 像素", f"{ctx.max_image_pixels // 1_000_000} 百万像素")
            image.load()
            if image.mode == "P" and "transparency" in image.info and pixels <= 4_000_000:
                image.convert("RGB")  # what the boards do: Pillow warns here about old palettes
    except UnidentifiedImageError as exc:
        return f"不是可识别的图片文件（技术信息：{exc}）"
    except Image.DecompressionBombError as exc:
        return f"像素过多，疑似压缩炸弹（技术信息：{exc}）"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"图片数据不完整或已损坏（技术信息：{exc or type(exc).__name__}）"
    return ""


def _image_warning(detail: str) -> str:
    if "Transparency" in detail or "transparency" in detail:
        return "调色板图片的透明色写法过时，部分设备显示可能不一致"
    if "decompression bomb" in detail.lower():
        return "图片像素过多"
    if "EXIF" in detail or "exif" in detail:
        return "图片的 EXIF 信息损坏"
    return "图片解码时出现警告"


def _check_steps(steps: list[FlowStep]) -> Iterator[Finding]:
    names: set[str] = set()
    for index, step in enumerate(steps, 1):
        if not step.name.strip():
            yield BAD_STEPS.finding(step.where(), "flowchart.steps", problem=f"第 {index} 步没有名称",
                                    advice="为每一步填写 name，如 受理、审查、决定。")
        elif step.name in names:
            yield BAD_STEPS.finding(step.where("name"), "flowchart.steps",
                                    problem=f"步骤名称“{step.name}”重复",
                                    advice="每个步骤名称唯一，分支按名称指向步骤。")
        names.add(step.name)
    for step in steps:
        for branch in step.branches:
            if not branch.when.strip():
                yield BAD_STEPS.finding(branch.where(), "flowchart.branches",
                                        problem=f"“{step.name}”的分支没有条件",
                                        advice="为每个分支填写 when，如 材料齐全、材料不齐全。")
            if branch.to != END and branch.to not in names:
                close = difflib.get_close_matches(branch.to, sorted(names), n=1, cutoff=0.3)
                hint = f"是否应为“{close[0]}”？" if close else ""
                yield BAD_STEPS.finding(branch.where("to"), "flowchart.branches",
                                        problem=f"“{step.name}”的分支指向不存在的步骤“{branch.to}”",
                                        advice=f"{hint}to 填写本流程中的步骤名称，或“{END}”。")


def _successors(steps: list[FlowStep], index_of: dict[str, int]) -> list[list[int]]:
    """Where each step leads: its branches (len(steps) is the end), or else the next step."""
    end = len(steps)
    return [[end if b.to == END else index_of[b.to] for b in step.branches if b.to in index_of
             or b.to == END] if step.branches else [i + 1] for i, step in enumerate(steps)]


# Steps that hand the case back to the applicant or close it: after them the case does not
# go on to the next box, so without a branch of their own (back, or to 结束) they dead-end.
_NO_WAY_ON = ("补正", "告知", "不予", "退回", "驳回", "终止")


def _check_ends(steps: list[FlowStep]) -> Iterator[Finding]:
    """A side step (reached only by a decision's side branch) that hands the case back (补正,
    告知, 不予受理 …) with no branch of its own is drawn as flowing into the next box, which
    it does not; and a step from which no path reaches the end traps the applicant. (Side steps
    such as 听证 or 陈述申辩 that rejoin the next step are how flowcharts are written.)"""
    index_of = {step.name: i for i, step in enumerate(steps)}
    successors = _successors(steps, index_of)
    end = len(steps)
    entered_from: dict[int, str] = {}
    main_entries: set[int] = set()
    for i, step in enumerate(steps):
        targets = [t for t in successors[i] if t != end]
        main = max(targets, default=end)  # the 'proceed' outcome, as in main_path_days
        main_entries.add(main)
        for target in targets:
            if step.branches and target != main:
                entered_from.setdefault(target, step.name)
    flagged: set[int] = set()
    for i, source in sorted(entered_from.items()):
        step = steps[i]
        if i not in main_entries and not step.branches and any(w in step.name for w in _NO_WAY_ON):
            flagged.add(i)
            yield DEAD_END.finding(
                step.where("name"), "flowchart.steps", step=step.name,
                problem=f"由“{source}”的分支进入，却没有写明之后去哪里（流程图会画成流向下一步"
                        f"“{steps[i + 1].name if i + 1 < end else END}”）",
                advice=f"为“{step.name}”添加 branches：补正后返回“{source}”（when: 补正后，"
                       f"to: {source}），或告知后办结（to: {END}）。")
    reaches = _reaching_end(successors, len(steps))
    for i, step in enumerate(steps):
        if i not in reaches and i not in flagged:
            yield DEAD_END.finding(
                step.where("name"), "flowchart.steps", step=step.name,
                problem="之后的任何路径都到不了“结束”",
                advice=f"检查该步骤及其后续步骤的分支，至少有一条通向“{END}”或最后一步。")


def _reaching_end(successors: list[list[int]], end: int) -> set[int]:
    reaches, changed = {end}, True
    while changed:
        changed = False
        for i, nexts in enumerate(successors):
            if i not in reaches and any(n in reaches for n in nexts):
                reaches.add(i)
                changed = True
    return reaches - {end}


def main_path_days(steps: list[FlowStep]) -> int:
    """Working days along the main path: steps in order; at a decision, the branch leading
    furthest down the list (the 'proceed' outcome; 补正 and 不予受理 branch off)."""
    index_of = {step.name: i for i, step in enumerate(steps)}
    total, i, seen = 0, 0, set()
    while 0 <= i < len(steps) and i not in seen:
        seen.add(i)
        step = steps[i]
        total += step.days or 0
        if step.branches:
            targets = [index_of.get(b.to, -1) for b in step.branches]
            i = max(targets)
        else:
            i += 1
    return total
