"""附件: a notice's attachments exist inside the unit's folder, are of a kind citizens can open,
and are not too large to publish; a notice whose attachment is missing is held back, since its
page would promise a file nobody can download."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from signage.catalogue.findings import Finding
from signage.catalogue.model import Attachment, Notice
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.flowcharts import is_readable_file, resolve_image
from signage.catalogue.rules.registry import ERROR, WARNING, check, define

# What a citizen's phone or the office's PC opens without special software (OFD: the national
# e-document format; WPS/ET: Kingsoft's own formats, common in county offices).
KINDS = (".pdf", ".ofd", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".jpg", ".jpeg", ".png", ".zip")
MAX_BYTES = 50 * 1024 * 1024

MISSING = define(
    "GK-ATTACH-001", ERROR, "notice", "附件不存在",
    "附件“{file}”不存在。",
    "将附件放在本单位目录（如 files/）下，file 填写相对于单位目录的路径；没有附件时删除该项。",
)
OUTSIDE = define(
    "GK-ATTACH-002", ERROR, "notice", "附件路径越界",
    "附件路径“{file}”指向本单位目录之外。",
    "只能引用本单位目录内的文件，路径不得以 / 开头或包含 ..。",
)
TOO_LARGE = define(
    "GK-ATTACH-003", ERROR, "notice", "附件过大",
    "附件“{file}”有 {size} MB，超过 {limit} MB。",
    "压缩或拆分后重新上传，扫描件请降低分辨率（200 dpi 足够阅读）。",
)
KIND = define(
    "GK-ATTACH-004", WARNING, "notice", "附件格式不便打开",
    "附件“{file}”的格式“{suffix}”群众不便打开。",
    "转为 PDF 或 OFD 后发布；表格可用 XLSX，图片用 JPG 或 PNG。",
)
NO_TITLE = define(
    "GK-ATTACH-005", WARNING, "notice", "附件没有标题",
    "附件“{file}”没有标题。",
    "填写 title，例如“附件1：2026年度行政权力事项目录”。",
)


@check("notice")
def attachments(notice: Notice, ctx: CheckContext) -> Iterator[Finding]:
    unit = ctx.catalogue.units.get(notice.unit_id)
    for attachment in notice.attachments:
        yield from _check(attachment, unit.folder if unit else notice.unit_id, ctx)


def _check(attachment: Attachment, folder: str, ctx: CheckContext) -> Iterator[Finding]:
    where, name = attachment.where("file"), "attachments.file"
    written = attachment.file
    if not written:
        yield MISSING.finding(attachment.where(), name, file="（未填写）")
        return
    if not attachment.title:
        yield NO_TITLE.finding(attachment.where(), "attachments.title", file=written)
    path = resolve_image(ctx.root, folder, written)
    if path is None:
        yield OUTSIDE.finding(where, name, file=written)
        return
    if not is_readable_file(path):
        yield MISSING.finding(where, name, file=written)
        return
    size = path.stat().st_size
    if size > MAX_BYTES:
        yield TOO_LARGE.finding(where, name, file=written, size=f"{size / 2**20:.1f}",
                                limit=MAX_BYTES // 2**20)
    suffix = PurePosixPath(written).suffix.lower()
    if suffix not in KINDS:
        yield KIND.finding(where, name, file=written, suffix=suffix or "无扩展名")
